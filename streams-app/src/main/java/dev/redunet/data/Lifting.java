package dev.redunet.data;

import dev.redunet.signal.SignalShape;
import java.util.Random;

/**
 * Multichannel lifting by fixed random filters (REDUNET_SPEC §4, the reference's {@code
 * Lift1D}/{@code Lift2D}): circular cross-correlation with {@code C_out × C_in} kernels of size k
 * (k × k in 2D), no bias, then ReLU:
 *
 * <pre>
 *   1D: out[o][t]    = max(0, Σ_i Σ_τ w[o][i][τ] · x[i][(t + τ) mod T])
 *   2D: out[o][h][w] = max(0, Σ_i Σ_{a,b} w[o][i][a][b] · x[i][(h + a) mod H][(w + b) mod W])
 * </pre>
 *
 * (circular padding of k − 1 on the right/bottom, stride 1). The output has the input's spatial
 * size, so lifting commutes with cyclic shifts. It is positively homogeneous, so the input scale
 * does not matter after the network's normalisation.
 *
 * <p>Filters: i.i.d. N(0, 1) from {@code java.util.Random(seed).nextGaussian()}, drawn in row-major
 * order of {@code w[o][i][τ]} ({@code w[o][i][a][b]}). The reference draws them with {@code
 * torch.manual_seed(0)} or {@code np.random.seed(10)}; those streams cannot be reproduced here, so
 * the seed is recorded instead. Immutable and thread-safe.
 */
public final class Lifting {

  private final SignalShape inputShape;
  private final int outChannels;
  private final int kernel;
  private final long seed;
  private final double[] weights;

  private Lifting(SignalShape inputShape, int outChannels, int kernel, long seed) {
    if (outChannels < 1 || kernel < 1) {
      throw new IllegalArgumentException(
          "lifting needs ≥ 1 output channel and kernel size ≥ 1, got "
              + outChannels
              + " and "
              + kernel);
    }
    if (kernel > inputShape.width() || (!inputShape.is1d() && kernel > inputShape.height())) {
      throw new IllegalArgumentException(
          "kernel size " + kernel + " exceeds the signal " + inputShape);
    }
    this.inputShape = inputShape;
    this.outChannels = outChannels;
    this.kernel = kernel;
    this.seed = seed;
    int taps = inputShape.is1d() ? kernel : kernel * kernel;
    this.weights = new double[outChannels * inputShape.channels() * taps];
    Random r = new Random(seed);
    for (int i = 0; i < weights.length; i++) {
      weights[i] = r.nextGaussian();
    }
  }

  /**
   * Random 1D filters for signals of the given shape ({@code height = 1}).
   *
   * @param inputShape (C_in, T)
   * @param outChannels C_out
   * @param kernel k ≤ T
   * @param seed filter seed
   */
  public static Lifting random1d(SignalShape inputShape, int outChannels, int kernel, long seed) {
    if (!inputShape.is1d()) {
      throw new IllegalArgumentException("1D lifting needs a 1D shape, got " + inputShape);
    }
    return new Lifting(inputShape, outChannels, kernel, seed);
  }

  /**
   * Random k × k filters for images of the given shape.
   *
   * @param inputShape (C_in, H, W)
   * @param outChannels C_out
   * @param kernel k ≤ min(H, W)
   * @param seed filter seed
   */
  public static Lifting random2d(SignalShape inputShape, int outChannels, int kernel, long seed) {
    if (inputShape.is1d()) {
      throw new IllegalArgumentException("2D lifting needs an image shape, got " + inputShape);
    }
    return new Lifting(inputShape, outChannels, kernel, seed);
  }

  /** The input shape. */
  public SignalShape inputShape() {
    return inputShape;
  }

  /** The output shape: C_out channels of the input's spatial size. */
  public SignalShape outputShape() {
    return inputShape.withChannels(outChannels);
  }

  /** The kernel size k. */
  public int kernel() {
    return kernel;
  }

  /** The filter seed. */
  public long seed() {
    return seed;
  }

  /** Filter weight {@code w[o][i][a][b]} (1D: a = 0, b = τ). */
  public double weight(int o, int i, int a, int b) {
    int taps = inputShape.is1d() ? kernel : kernel * kernel;
    return weights[
        (o * inputShape.channels() + i) * taps + (inputShape.is1d() ? b : a * kernel + b)];
  }

  /**
   * Lifts one sample.
   *
   * @param x a sample of {@link #inputShape()}, not modified
   * @return a new sample of {@link #outputShape()}
   */
  public double[] apply(double[] x) {
    inputShape.check(x, "lifting input");
    int h = inputShape.height();
    int w = inputShape.width();
    int cin = inputShape.channels();
    int kh = inputShape.is1d() ? 1 : kernel;
    int taps = kh * kernel;
    double[] out = new double[outChannels * h * w];
    double[] acc = new double[w];
    for (int o = 0; o < outChannels; o++) {
      for (int r = 0; r < h; r++) {
        java.util.Arrays.fill(acc, 0);
        for (int i = 0; i < cin; i++) {
          for (int a = 0; a < kh; a++) {
            int srcRow = i * h * w + ((r + a) % h) * w;
            for (int b = 0; b < kernel; b++) {
              double wt = weights[(o * cin + i) * taps + a * kernel + b];
              // acc[q] += wt · x[srcRow + (q + b) mod W]
              int split = w - b;
              for (int q = 0; q < split; q++) {
                acc[q] += wt * x[srcRow + q + b];
              }
              for (int q = split; q < w; q++) {
                acc[q] += wt * x[srcRow + q + b - w];
              }
            }
          }
        }
        int dst = o * h * w + r * w;
        for (int q = 0; q < w; q++) {
          out[dst + q] = Math.max(0, acc[q]);
        }
      }
    }
    return out;
  }

  /** {@link #apply} for every sample. */
  public double[][] applyAll(double[][] xs) {
    double[][] out = new double[xs.length][];
    for (int i = 0; i < xs.length; i++) {
      out[i] = apply(xs[i]);
    }
    return out;
  }

  @Override
  public String toString() {
    return "Lifting("
        + inputShape
        + " -> "
        + outputShape()
        + ", kernel "
        + kernel
        + ", N(0,1) filters, seed "
        + seed
        + ")";
  }
}
