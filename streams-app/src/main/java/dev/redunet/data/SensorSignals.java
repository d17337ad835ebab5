package dev.redunet.data;

import dev.redunet.signal.SignalShape;
import java.util.SplittableRandom;

/**
 * A seeded generator of synthetic multichannel sensor signals for shift-invariant classification:
 * each class has its own multichannel waveform (per channel a sum of two sinusoids of
 * class-specific integer frequencies, amplitudes and phases, plus a class-specific pulse), and a
 * sample is its class waveform cyclically delayed by a uniformly random offset (the same for all
 * channels: an event seen by several sensors at an unknown time), scaled by a random gain in [0.8,
 * 1.2], plus white Gaussian noise. Classes share the frequency band, so telling them apart needs
 * the relations between channels, which shifts do not change.
 *
 * <p>Everything follows from the seed: the class waveforms from {@code seed}, the samples from a
 * stream split off it.
 */
public final class SensorSignals {

  private SensorSignals() {}

  /** A generated data set: signals of shape (C, T), their classes and the delays applied. */
  public static final class Dataset {
    private final SignalShape shape;
    private final double[][] samples;
    private final int[] labels;
    private final int[] offsets;

    Dataset(SignalShape shape, double[][] samples, int[] labels, int[] offsets) {
      this.shape = shape;
      this.samples = samples;
      this.labels = labels;
      this.offsets = offsets;
    }

    /** (C, T). */
    public SignalShape shape() {
      return shape;
    }

    /** Number of samples. */
    public int size() {
      return samples.length;
    }

    /** The signals (copies), index c·T + t. */
    public double[][] samples() {
      double[][] out = new double[samples.length][];
      for (int i = 0; i < samples.length; i++) {
        out[i] = samples[i].clone();
      }
      return out;
    }

    /** The classes (a copy). */
    public int[] labels() {
      return labels.clone();
    }

    /** The cyclic delay of each sample (a copy). */
    public int[] offsets() {
      return offsets.clone();
    }
  }

  /**
   * Generates {@code perClass} samples of each class, in a seeded random order.
   *
   * @param classes k ≥ 2
   * @param channels C ≥ 1
   * @param length T ≥ 8
   * @param perClass samples per class ≥ 1
   * @param noise standard deviation of the additive noise (the waveforms have unit RMS per channel)
   * @param seed the seed of the waveforms and the samples
   */
  public static Dataset generate(
      int classes, int channels, int length, int perClass, double noise, long seed) {
    if (classes < 2 || channels < 1 || length < 8 || perClass < 1 || !(noise >= 0)) {
      throw new IllegalArgumentException(
          "need classes ≥ 2, channels ≥ 1, length ≥ 8, per class ≥ 1, noise ≥ 0; got "
              + classes
              + ", "
              + channels
              + ", "
              + length
              + ", "
              + perClass
              + ", "
              + noise);
    }
    SplittableRandom root = new SplittableRandom(seed);
    double[][] waveforms = new double[classes][];
    for (int j = 0; j < classes; j++) {
      waveforms[j] = waveform(root.split(), channels, length);
    }
    SplittableRandom r = root.split();
    int m = classes * perClass;
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      order[i] = i % classes;
    }
    for (int i = m - 1; i > 0; i--) {
      int s = r.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[s];
      order[s] = tmp;
    }
    SignalShape shape = SignalShape.of1d(channels, length);
    double[][] samples = new double[m][];
    int[] offsets = new int[m];
    for (int i = 0; i < m; i++) {
      int y = order[i];
      offsets[i] = r.nextInt(length);
      double gain = 0.8 + 0.4 * r.nextDouble();
      double[] x = Shifts.shift1d(waveforms[y], shape, offsets[i]);
      for (int p = 0; p < x.length; p++) {
        x[p] = gain * x[p] + noise * gaussian(r);
      }
      samples[i] = x;
    }
    return new Dataset(shape, samples, order, offsets);
  }

  /**
   * Transient multichannel events whose delays drift from nearly aligned to random: class j's event
   * is, in every channel, a short burst (a Gaussian-windowed oscillation of a class-specific
   * frequency, with a channel-specific lag, amplitude and phase; zero far from it), scaled to unit
   * RMS per channel. Sample i (classes in a seeded random order) is its class's event cyclically
   * delayed by a uniform offset in [0, jitter] while i &lt; aligned, in [0, T) after, scaled by a
   * random gain in [0.8, 1.2], plus white Gaussian noise.
   *
   * @param classes k ≥ 2
   * @param channels C ≥ 1
   * @param length T ≥ 8
   * @param count the number of samples ≥ 1
   * @param aligned how many samples come first with small delays
   * @param jitter the largest delay of those, in [0, T)
   * @param noise standard deviation of the noise
   * @param seed the seed of the events and the samples
   */
  public static Dataset driftingEvents(
      int classes,
      int channels,
      int length,
      int count,
      int aligned,
      int jitter,
      double noise,
      long seed) {
    if (classes < 2
        || channels < 1
        || length < 8
        || count < 1
        || aligned < 0
        || jitter < 0
        || jitter >= length
        || !(noise >= 0)) {
      throw new IllegalArgumentException(
          "need classes ≥ 2, channels ≥ 1, length ≥ 8, count ≥ 1, aligned ≥ 0, 0 ≤ jitter < T,"
              + " noise ≥ 0");
    }
    SplittableRandom root = new SplittableRandom(seed);
    double[][] events = new double[classes][];
    for (int j = 0; j < classes; j++) {
      events[j] = event(root.split(), channels, length);
    }
    SplittableRandom r = root.split();
    SignalShape shape = SignalShape.of1d(channels, length);
    double[][] samples = new double[count][];
    int[] labels = new int[count];
    int[] offsets = new int[count];
    for (int i = 0; i < count; i++) {
      int y = r.nextInt(classes);
      labels[i] = y;
      offsets[i] = i < aligned ? r.nextInt(jitter + 1) : r.nextInt(length);
      double gain = 0.8 + 0.4 * r.nextDouble();
      double[] x = Shifts.shift1d(events[y], shape, offsets[i]);
      for (int p = 0; p < x.length; p++) {
        x[p] = gain * x[p] + noise * gaussian(r);
      }
      samples[i] = x;
    }
    return new Dataset(shape, samples, labels, offsets);
  }

  /** One class's transient event: per channel a windowed oscillation, unit RMS. */
  private static double[] event(SplittableRandom r, int channels, int length) {
    double[] x = new double[channels * length];
    double centre = length / 4.0;
    double width = length / 16.0 * (0.75 + 0.5 * r.nextDouble());
    double frequency = (1 + r.nextInt(Math.max(2, length / 8))) / (double) length;
    for (int c = 0; c < channels; c++) {
      double lag = (r.nextDouble() - 0.5) * length / 8.0;
      double amplitude = 0.5 + r.nextDouble();
      double phase = 2 * Math.PI * r.nextDouble();
      double sumSq = 0;
      for (int t = 0; t < length; t++) {
        double u = (t - centre - lag) / width;
        double v =
            amplitude * Math.exp(-0.5 * u * u) * Math.cos(2 * Math.PI * frequency * t + phase);
        x[c * length + t] = v;
        sumSq += v * v;
      }
      double scale = 1 / Math.sqrt(sumSq / length);
      for (int t = 0; t < length; t++) {
        x[c * length + t] *= scale;
      }
    }
    return x;
  }

  /** One class's waveform: per channel two sinusoids and a pulse, scaled to unit RMS. */
  private static double[] waveform(SplittableRandom r, int channels, int length) {
    double[] x = new double[channels * length];
    int maxFrequency = Math.max(2, length / 16);
    int f1 = 1 + r.nextInt(maxFrequency);
    int f2 = 1 + r.nextInt(maxFrequency);
    int pulseAt = r.nextInt(length);
    double pulseWidth = 1 + r.nextDouble() * length / 32.0;
    for (int c = 0; c < channels; c++) {
      double a1 = 0.5 + r.nextDouble();
      double a2 = 0.5 + r.nextDouble();
      double p1 = 2 * Math.PI * r.nextDouble();
      double p2 = 2 * Math.PI * r.nextDouble();
      double pulse = 2 * r.nextDouble() - 1;
      double sumSq = 0;
      for (int t = 0; t < length; t++) {
        int d = Math.min(Math.abs(t - pulseAt), length - Math.abs(t - pulseAt));
        double v =
            a1 * Math.sin(2 * Math.PI * f1 * t / length + p1)
                + a2 * Math.sin(2 * Math.PI * f2 * t / length + p2)
                + 3 * pulse * Math.exp(-0.5 * (d / pulseWidth) * (d / pulseWidth));
        x[c * length + t] = v;
        sumSq += v * v;
      }
      double scale = 1 / Math.sqrt(sumSq / length);
      for (int t = 0; t < length; t++) {
        x[c * length + t] *= scale;
      }
    }
    return x;
  }

  private static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
  }
}
