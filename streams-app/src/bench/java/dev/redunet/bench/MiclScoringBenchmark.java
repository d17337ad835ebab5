package dev.redunet.bench;

import dev.redunet.data.LabelledDataset;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;
import dev.redunet.micl.MiclModel;
import dev.redunet.micl.StatisticsAccumulator;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * MICL scoring throughput at {@code D = 784}, {@code k = 10}: the cached-factorization scorer (one
 * query at a time, and batched) against the naive {@code O(D³)} recomputation of {@code δL} (one
 * Cholesky factorization of {@code I + D/(ε²(n+1))·C'} per class per query), in the same run.
 *
 * <p>Workloads: (1) the shipped MNIST stream, unit-norm pixels, classes trained on the first 5,000
 * digits and queried with the last 5,000 (border pixels are structurally zero, so the factors are
 * smaller than 784); (2) dense synthetic Gaussian classes in {@code D = 784} with 500 samples each
 * (every coordinate active: the worst case).
 *
 * <p>Arguments: {@code [reps] [naiveQueries]} (defaults 7 and 10). Prints medians over the
 * repetitions after one warm-up repetition.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -pl streams-app -am test-compile exec:exec \
 *     -Dbench=MiclScoringBenchmark -Dbench.args="7 10"
 * </pre>
 */
public final class MiclScoringBenchmark {

  private static final double EPS_SQ = 0.5;

  private MiclScoringBenchmark() {}

  public static void main(String[] args) throws IOException {
    int reps = args.length > 0 ? Integer.parseInt(args[0]) : 7;
    int naiveQueries = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    System.out.printf(
        Locale.ROOT,
        "MICL scoring benchmark: %d reps (median), %d naive queries, %d cores, %s, kernels: %s%n",
        reps,
        naiveQueries,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        dev.redunet.linalg.Simd.describe());
    Peak.Reference peak = Peak.measure();
    System.out.println(peak.describe());
    System.out.println(
        "flops per sample: Σ_j m_j² (one forward triangular solve of order m_j per class j, m_j"
            + " = order of class j's cached factor)");

    LabelledDataset mnist = ShippedDatasets.mnist10k().normalizedToUnitNorm();
    double[][] rows = mnist.toRows();
    int[] labels = mnist.classIndices();
    List<ClassStatistics> mnistClasses = classStatistics(rows, labels, 0, 5000, 10);
    double[][] mnistQueries = Arrays.copyOfRange(rows, 5000, 10000);
    run("MNIST unit-norm, D=784, k=10", mnistClasses, mnistQueries, reps, naiveQueries, peak);

    Random rnd = new Random(20240601L);
    int d = 784;
    int k = 10;
    int perClass = 500;
    double[][] synth = new double[k * perClass][d];
    int[] synthLabels = new int[synth.length];
    double[][] centres = new double[k][d];
    for (double[] c : centres) {
      for (int i = 0; i < d; i++) {
        c[i] = rnd.nextGaussian() * 0.05;
      }
    }
    for (int s = 0; s < synth.length; s++) {
      int j = s % k;
      synthLabels[s] = j;
      for (int i = 0; i < d; i++) {
        synth[s][i] = centres[j][i] + 0.03 * rnd.nextGaussian();
      }
    }
    double[][] synthQueries = new double[5000][d];
    for (int s = 0; s < synthQueries.length; s++) {
      int j = s % k;
      for (int i = 0; i < d; i++) {
        synthQueries[s][i] = centres[j][i] + 0.03 * rnd.nextGaussian();
      }
    }
    run(
        "dense Gaussian, D=784, k=10, 500/class",
        classStatistics(synth, synthLabels, 0, synth.length, k),
        synthQueries,
        reps,
        naiveQueries,
        peak);
  }

  private static List<ClassStatistics> classStatistics(
      double[][] rows, int[] labels, int from, int to, int k) {
    List<StatisticsAccumulator> acc = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      acc.add(new StatisticsAccumulator(rows[0].length));
    }
    for (int s = from; s < to; s++) {
      acc.get(labels[s]).add(rows[s]);
    }
    List<ClassStatistics> out = new ArrayList<>();
    for (StatisticsAccumulator a : acc) {
      out.add(a.snapshot());
    }
    return out;
  }

  private static void run(
      String name,
      List<ClassStatistics> classes,
      double[][] queries,
      int reps,
      int naiveQueries,
      Peak.Reference peak) {
    System.out.println();
    System.out.println("== " + name);
    long tb = System.nanoTime();
    MiclModel model = MiclModel.build(classes, EPS_SQ, CodingMode.AFFINE);
    System.out.printf(
        Locale.ROOT,
        "model build (2 Cholesky factorizations per class, 1 thread): %.1f ms%n",
        (System.nanoTime() - tb) / 1e6);
    double active = 0.0;
    for (int j = 0; j < model.numClasses(); j++) {
      active += model.activeDimension(j);
    }
    System.out.printf(
        Locale.ROOT,
        "mean order of the cached factors (coordinates with non-zero scatter): %.0f of %d%n",
        active / model.numClasses(),
        model.dimension());

    double[][] naiveSet = Arrays.copyOf(queries, naiveQueries);
    double[] naiveLcur = new double[classes.size()];
    double total = 0.0;
    for (int j = 0; j < classes.size(); j++) {
      naiveLcur[j] = CodingLength.affine(classes.get(j), EPS_SQ);
      total += classes.get(j).count();
    }
    final double totalCount = total;

    // Correctness in the same run: the three scorers agree.
    double[][] batch = model.deltaL(naiveSet);
    double maxDiff = 0.0;
    for (int b = 0; b < naiveSet.length; b++) {
      double[] single = model.deltaL(naiveSet[b]);
      double[] naive = naiveScores(classes, naiveLcur, totalCount, naiveSet[b]);
      for (int j = 0; j < single.length; j++) {
        maxDiff = Math.max(maxDiff, Math.abs(single[j] - naive[j]) / Math.abs(naive[j]));
        maxDiff = Math.max(maxDiff, Math.abs(batch[b][j] - naive[j]) / Math.abs(naive[j]));
      }
    }
    System.out.printf(Locale.ROOT, "max relative difference cached vs naive δL: %.2e%n", maxDiff);

    double naive =
        median(
            reps,
            naiveSet.length,
            () -> {
              for (double[] x : naiveSet) {
                naiveScores(classes, naiveLcur, totalCount, x);
              }
            });
    double single =
        median(
            reps,
            queries.length,
            () -> {
              for (double[] x : queries) {
                model.deltaL(x);
              }
            });
    double batched =
        median(reps, queries.length, () -> model.deltaL(queries, MathExecutor.sequential()));
    double batchedCpu = lastCpuRate;
    double parallel;
    try (MathExecutor math =
        MathExecutor.create(MathExecutor.availableProcessors(), "bench-math")) {
      parallel = median(reps, queries.length, () -> model.deltaL(queries, math));
    }
    double flops = 0.0;
    for (int j = 0; j < model.numClasses(); j++) {
      flops += (double) model.activeDimension(j) * model.activeDimension(j);
    }
    System.out.printf(Locale.ROOT, "%-44s %12s %12s%n", "scorer", "samples/s", "vs naive");
    row("naive O(D³) recomputation (refactor/query)", naive, naive);
    row("cached factor, one query at a time", single, naive);
    row("cached factor, batched (1 thread)", batched, naive);
    row("cached factor, batched (all processors)", parallel, naive);
    System.out.printf(
        Locale.ROOT,
        "batched, 1 thread: %.1f GFLOP/s (%s) in the triangular solves (Σ_j m_j² = %.2f MFLOP per"
            + " sample)%n",
        batched * flops / 1e9,
        peak.percentOf(batched * flops / 1e9),
        flops / 1e6);
    System.out.printf(
        Locale.ROOT,
        "batched, all processors: %.1f GFLOP/s (%s)%n",
        parallel * flops / 1e9,
        peak.percentOf(parallel * flops / 1e9));
    System.out.printf(
        Locale.ROOT,
        "batched, 1 thread, by thread CPU time: %.1f samples/s, %.1f GFLOP/s%n",
        batchedCpu,
        batchedCpu * flops / 1e9);
  }

  private static double[] naiveScores(
      List<ClassStatistics> classes, double[] lcur, double total, double[] x) {
    double[] out = new double[classes.size()];
    for (int j = 0; j < out.length; j++) {
      ClassStatistics s = classes.get(j);
      out[j] =
          CodingLength.affine(s.plus(x), EPS_SQ)
              - lcur[j]
              - Math.log(s.count() / total) / Math.log(2);
    }
    return out;
  }

  private static void row(String name, double rate, double naive) {
    System.out.printf(Locale.ROOT, "%-44s %12.1f %11.0fx%n", name, rate, rate / naive);
  }

  private static final java.lang.management.ThreadMXBean THREADS =
      java.lang.management.ManagementFactory.getThreadMXBean();

  /**
   * The median samples/s of the last {@link #median} call's timed runs measured by the calling
   * thread's CPU time instead of the wall clock: for one-thread work, what the run would take on an
   * idle core, which a shared machine does not inflate.
   */
  private static double lastCpuRate;

  /** Median samples/s over {@code reps} timed runs after one warm-up run (wall clock). */
  private static double median(int reps, int samples, Runnable work) {
    work.run();
    double[] rates = new double[reps];
    double[] cpuRates = new double[reps];
    for (int r = 0; r < reps; r++) {
      long c0 = THREADS.getCurrentThreadCpuTime();
      long t0 = System.nanoTime();
      work.run();
      rates[r] = samples / ((System.nanoTime() - t0) / 1e9);
      cpuRates[r] = samples / ((THREADS.getCurrentThreadCpuTime() - c0) / 1e9);
    }
    Arrays.sort(rates);
    Arrays.sort(cpuRates);
    lastCpuRate = cpuRates[reps / 2];
    return rates[reps / 2];
  }
}
