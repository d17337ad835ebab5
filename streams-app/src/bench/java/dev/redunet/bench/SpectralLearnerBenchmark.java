package dev.redunet.bench;

import dev.redunet.data.SensorSignals;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.learn.LearnerSettings.Network;
import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowedLearner;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.signal.SignalShape;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The spectral network in the streaming learner (issue 14, item 6): at C = 3, T = 64, lifted to 8
 * channels by kernels of 5, L = 4 layers, 4 classes, windows of W = 500, the time to build a
 * version from a window (v1: the batch construction; v2: the window pushed through v1, the
 * statistics closed, the layers rebuilt) and to score samples one at a time and in batches of 500,
 * on 1 thread and on every core.
 *
 * <p>Arguments: {@code [reps]} (default 5). Prints medians after one warm-up repetition.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -pl streams-app -am test-compile exec:exec \
 *     -Dbench=SpectralLearnerBenchmark -Dbench.args="5"
 * </pre>
 */
public final class SpectralLearnerBenchmark {

  private static final int WINDOW = 500;

  private SpectralLearnerBenchmark() {}

  public static void main(String[] args) {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int cores = Runtime.getRuntime().availableProcessors();
    System.out.printf(
        Locale.ROOT,
        "spectral learner benchmark: C=3, T=64 lifted to 8 channels (k=5), L=4, W=%d, %d reps"
            + " (median), %d cores, %s%n",
        WINDOW,
        reps,
        cores,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    SensorSignals.Dataset data = SensorSignals.driftingEvents(4, 3, 64, 3 * WINDOW, 0, 0, 0.5, 7);
    LearnerSettings d = LearnerSettings.defaults();
    LearnerSettings settings =
        new LearnerSettings(
                4,
                d.epsSq(),
                d.eta(),
                d.lambda(),
                d.membership(),
                WINDOW,
                0,
                d.combination(),
                d.decay(),
                d.slidingWindows(),
                d.projection(),
                d.projectionDimension(),
                d.miclEpsSq(),
                d.construction(),
                d.noveltyQuantile())
            .withNetwork(
                Network.SPECTRAL,
                Optional.of(SignalShape.of1d(3, 64)),
                Optional.of(new LiftingSettings(8, 5, 1)));
    for (int threads : cores > 1 ? new int[] {1, cores} : new int[] {1}) {
      try (MathExecutor math = MathExecutor.create(threads, "bench-math")) {
        run(settings, data, threads, reps, math);
      }
    }
  }

  private static void run(
      LearnerSettings settings,
      SensorSignals.Dataset data,
      int threads,
      int reps,
      MathExecutor math) {
    double[][] x = data.samples();
    int[] y = data.labels();
    double[] first = new double[reps];
    double[] second = new double[reps];
    double[] single = new double[reps];
    double[] batch = new double[reps];
    for (int r = -1; r < reps; r++) {
      WindowedLearner learner = WindowedLearner.start(settings, 0, math);
      double[] seconds = new double[2];
      int built = 0;
      for (int i = 0; i < 2 * WINDOW; i++) {
        if (learner.add(new WindowedLearner.Sample(i, x[i], Integer.toString(y[i])))
            == WindowedLearner.Added.CLOSED) {
          long t0 = System.nanoTime();
          WindowedLearner.Built b = learner.nextJob().orElseThrow().compute();
          seconds[built++] = (System.nanoTime() - t0) / 1e9;
          learner.install(b);
        }
      }
      StreamingModel model = learner.model().orElseThrow();
      double[][] test = Arrays.copyOfRange(x, 2 * WINDOW, 3 * WINDOW);
      long t0 = System.nanoTime();
      for (double[] sample : test) {
        model.score(Matrix.fromColumns(new double[][] {sample}), math);
      }
      double one = (System.nanoTime() - t0) / 1e9 / test.length;
      t0 = System.nanoTime();
      model.score(Matrix.fromColumns(test), math);
      double many = (System.nanoTime() - t0) / 1e9 / test.length;
      if (r >= 0) {
        first[r] = seconds[0];
        second[r] = seconds[1];
        single[r] = one;
        batch[r] = many;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%d thread(s): build v1 (batch construction) %.3f s, v2 (window through v1 + rebuild) %.3f"
            + " s; scoring %.3f ms/sample one at a time, %.3f ms/sample in a batch of %d%n",
        threads,
        median(first),
        median(second),
        1e3 * median(single),
        1e3 * median(batch),
        WINDOW);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
