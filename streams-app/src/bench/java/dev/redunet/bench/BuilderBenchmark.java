package dev.redunet.bench;

import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.WindowStatistics;
import dev.redunet.learn.WindowedLearner;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The builder's time per model version: {@link WindowedLearner} jobs on a seeded stream of d = 64
 * features (no projection), k = 10 classes, L = 10 layers, windows of W = 500 labelled samples, the
 * other settings at their defaults (statistics construction, cumulative statistics). Version 1 is
 * the batch construction on window 1; every later version pushes its window through the version
 * before it and rebuilds the layers and MICL from the combined statistics.
 *
 * <p>Every round runs a fresh learner over {@code windows} windows and times each job's {@code
 * compute()} (wall time, and the process CPU time of all threads, which a shared machine does not
 * inflate); the first two rounds are a warm-up. Prints per round the time of version 1 and the
 * median of versions 2 … windows, then the medians over the measured rounds.
 *
 * <p>The jobs run on a {@link MathExecutor} of {@code threads} threads (default: all processors, as
 * {@code run} and {@code evaluate} create it).
 *
 * <p>Arguments: {@code [windows] [rounds] [threads]} (default {@code 12 8}, all processors).
 */
public final class BuilderBenchmark {

  private static final int D = 64;
  private static final int K = 10;
  private static final int LAYERS = 10;
  private static final int WINDOW = 500;

  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private static final int WARMUP_ROUNDS = 2;

  private BuilderBenchmark() {}

  public static void main(String[] args) {
    int windows = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : MathExecutor.availableProcessors();
    LearnerSettings settings = settings(LAYERS);
    int[] y = new int[windows * WINDOW];
    Matrix z = VectorLayerBenchmark.data(D, windows * WINDOW, K, y, 20240917L);
    System.out.printf(
        Locale.ROOT,
        "BuilderBenchmark: d=%d k=%d L=%d W=%d, %d windows per round, %d rounds (%d warm-up), %d"
            + " processors, %d math thread(s), %s%n",
        D,
        K,
        LAYERS,
        WINDOW,
        windows,
        rounds,
        WARMUP_ROUNDS,
        Runtime.getRuntime().availableProcessors(),
        threads,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    List<Double> firsts = new ArrayList<>();
    List<Double> laters = new ArrayList<>();
    List<Double> laterCpu = new ArrayList<>();
    MathExecutor math = MathExecutor.create(threads, "bench-math");
    for (int r = 0; r < rounds; r++) {
      double[][] t = round(settings, z, y, windows, math, true);
      double[] ms = t[0];
      double later = median(Arrays.copyOfRange(ms, 1, ms.length));
      double cpu = median(Arrays.copyOfRange(t[1], 1, ms.length));
      System.out.printf(
          Locale.ROOT,
          "round %d%s: version 1 %.1f ms, versions 2-%d median %.1f ms (min %.1f, max %.1f),"
              + " process CPU %.1f ms%n",
          r,
          r < WARMUP_ROUNDS ? " (warm-up)" : "",
          ms[0],
          windows,
          later,
          Arrays.stream(ms, 1, ms.length).min().orElseThrow(),
          Arrays.stream(ms, 1, ms.length).max().orElseThrow(),
          cpu);
      if (r >= WARMUP_ROUNDS) {
        firsts.add(ms[0]);
        laters.add(later);
        laterCpu.add(cpu);
      }
    }
    math.close();
    System.out.printf(
        Locale.ROOT,
        "median over %d rounds: version 1 %.1f ms, later versions %.1f ms per version (process"
            + " CPU %.1f ms)%n",
        rounds - WARMUP_ROUNDS,
        median(firsts.stream().mapToDouble(Double::doubleValue).toArray()),
        median(laters.stream().mapToDouble(Double::doubleValue).toArray()),
        median(laterCpu.stream().mapToDouble(Double::doubleValue).toArray()));
  }

  /** The defaults with L layers, windows of W = 500, and no projection (whatever d is). */
  static LearnerSettings settings(int layers) {
    LearnerSettings d = LearnerSettings.defaults();
    return new LearnerSettings(
        layers,
        d.epsSq(),
        d.eta(),
        d.lambda(),
        d.membership(),
        WINDOW,
        d.referenceSize(),
        d.combination(),
        d.decay(),
        d.slidingWindows(),
        LearnerSettings.ProjectionMode.OFF,
        d.projectionDimension(),
        d.miclEpsSq(),
        d.construction(),
        d.noveltyQuantile());
  }

  /**
   * The median wall and process-CPU milliseconds of versions 2 … {@code windows}, over the last of
   * {@code rounds} fresh learners (the others warm up), on d features, k classes, L layers, W =
   * 500.
   *
   * @return {wall ms, CPU ms}
   */
  static double[] laterVersionMillis(
      int dim, int classes, int layers, int windows, int rounds, MathExecutor math) {
    int[] y = new int[windows * WINDOW];
    Matrix z = VectorLayerBenchmark.data(dim, windows * WINDOW, classes, y, 20240917L);
    double[][] t = null;
    for (int r = 0; r < rounds; r++) {
      t = round(settings(layers), z, y, windows, math, false);
    }
    return new double[] {
      median(Arrays.copyOfRange(t[0], 1, windows)), median(Arrays.copyOfRange(t[1], 1, windows))
    };
  }

  /** One learner over the stream: the wall and process CPU time of every version, ms. */
  private static double[][] round(
      LearnerSettings settings,
      Matrix z,
      int[] y,
      int windows,
      MathExecutor math,
      boolean printBytes) {
    WindowedLearner learner = WindowedLearner.start(settings, 0, math);
    double[] ms = new double[windows];
    double[] cpu = new double[windows];
    int v = 0;
    for (int i = 0; i < windows * WINDOW; i++) {
      WindowedLearner.Added added =
          learner.add(new WindowedLearner.Sample(i, z.column(i), Integer.toString(y[i])));
      if (added == WindowedLearner.Added.CLOSED) {
        WindowedLearner.Job job = learner.nextJob().orElseThrow();
        long c0 = PROCESS.getProcessCpuTime();
        long t0 = System.nanoTime();
        WindowedLearner.Built built = job.compute();
        ms[v] = (System.nanoTime() - t0) / 1e6;
        cpu[v++] = (PROCESS.getProcessCpuTime() - c0) / 1e6;
        if (printBytes && v == windows) {
          printBytes(built);
        }
        learner.install(built);
      }
    }
    return new double[][] {ms, cpu};
  }

  /**
   * What the builder writes for one version: the model parts with its statistics (model topic) and
   * the statistics alone (the builder's store and its changelog), and the time to encode them.
   */
  private static void printBytes(WindowedLearner.Built built) {
    long t0 = System.nanoTime();
    Map<String, byte[]> parts =
        ModelCodec.parts(
            built.model(), Optional.of(WindowStatistics.of(built.windows())), 0L, built.seconds());
    double encodeMs = (System.nanoTime() - t0) / 1e6;
    long model = 0;
    long statistics = 0;
    for (Map.Entry<String, byte[]> p : parts.entrySet()) {
      if (p.getKey().startsWith(ModelCodec.STATISTICS)) {
        statistics += p.getValue().length;
      } else {
        model += p.getValue().length;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "  bytes per version: model %,d + its statistics %,d on the model topic (%d parts, encoded"
            + " in %.1f ms); the statistics again in the builder's store%n",
        model,
        statistics,
        parts.size(),
        encodeMs);
  }

  private static double median(double[] values) {
    double[] s = values.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
