package dev.redunet.bench;

import dev.redunet.cluster.ClusteringResult;
import dev.redunet.cluster.ClusteringSettings;
import dev.redunet.cluster.CompressionClustering;
import dev.redunet.cluster.KMeansBaseline;
import dev.redunet.cluster.LabelMatching;
import dev.redunet.micl.CodingMode;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Compression clustering at scale, on a mixture of subspaces: {@code --samples} points (default
 * 10,000) in {@code R^--dimension} (64) on {@code --subspaces} random subspaces (8) of dimension
 * {@code --subspace-dim} (4), with Gaussian noise of norm about {@code --noise} (0.1) against
 * samples of norm about 1, point i on subspace i mod k, seeded ({@code --seed}, 17).
 *
 * <p>In the same run: (1) {@code CompressionClustering.segment} with the default settings (the
 * over-segmentation above 2,000 points) on all samples, and k-means given the true k (Apache
 * Commons Math, k-means++, best of 10) on them; (2) on the first {@code --compare} samples (default
 * 1,000, a size the exact algorithm can do): the seed's implementation ({@link
 * SeedGreedyClustering}, the unaccelerated baseline), the exact algorithm as it is now, the
 * over-segmentation forced ({@code exactLimit = compare/4}), and k-means. Prints seconds, k,
 * accuracy under the best matching, purity and {@code L^c}, then one JSON line.
 *
 * <pre>
 * ./mvnw -q -B -Pbench -pl streams-app -am test-compile exec:exec \
 *     -Dbench=ClusteringBenchmark -Dbench.args="--samples 10000 --compare 1000"
 * </pre>
 */
public final class ClusteringBenchmark {

  private ClusteringBenchmark() {}

  public static void main(String[] args) {
    Map<String, String> a = new LinkedHashMap<>();
    a.put("--samples", "10000");
    a.put("--dimension", "64");
    a.put("--subspaces", "8");
    a.put("--subspace-dim", "4");
    a.put("--noise", "0.1");
    a.put("--eps-sq", "0.05");
    a.put("--compare", "1000");
    a.put("--seed", "17");
    a.put("--threads", Integer.toString(Runtime.getRuntime().availableProcessors()));
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!a.containsKey(args[i])) {
        throw new IllegalArgumentException(
            "unknown argument " + args[i] + "; known: " + a.keySet());
      }
      a.put(args[i], args[i + 1]);
    }
    int m = Integer.parseInt(a.get("--samples"));
    int d = Integer.parseInt(a.get("--dimension"));
    int k = Integer.parseInt(a.get("--subspaces"));
    int dim = Integer.parseInt(a.get("--subspace-dim"));
    double noise = Double.parseDouble(a.get("--noise"));
    double epsSq = Double.parseDouble(a.get("--eps-sq"));
    int compare = Math.min(m, Integer.parseInt(a.get("--compare")));
    long seed = Long.parseLong(a.get("--seed"));
    int threads = Integer.parseInt(a.get("--threads"));

    int[] truth = new int[m];
    double[][] x = subspaces(m, d, dim, k, noise, seed, truth);
    System.out.printf(
        Locale.ROOT,
        "Clustering benchmark: %d samples in R^%d on %d subspaces of dimension %d, noise %.3g,"
            + " ε² = %s, linear coding; %d threads, %d cores, %s%n",
        m,
        d,
        k,
        dim,
        noise,
        epsSq,
        threads,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    System.out.printf(
        Locale.ROOT,
        "%-46s %7s %9s %5s %9s %8s %14s %14s%n",
        "method",
        "samples",
        "seconds",
        "k",
        "accuracy",
        "purity",
        "L^c before",
        "L^c after");
    ClusteringSettings settings =
        ClusteringSettings.of(epsSq, CodingMode.LINEAR).withThreads(threads);
    Map<String, Object> json = new LinkedHashMap<>();

    Row full = compression("segment (defaults)", x, truth, settings);
    json.put("segment_seconds", full.seconds);
    json.put("segment_k", full.k);
    json.put("segment_accuracy", full.accuracy);
    json.put("segment_over_segments", full.overSegments);
    Row km = kmeans(x, truth, k, seed);
    json.put("kmeans_seconds", km.seconds);
    json.put("kmeans_accuracy", km.accuracy);

    double[][] head = new double[compare][];
    int[] headTruth = new int[compare];
    System.arraycopy(x, 0, head, 0, compare);
    System.arraycopy(truth, 0, headTruth, 0, compare);
    long t0 = System.nanoTime();
    SeedGreedyClustering.Result seedResult =
        SeedGreedyClustering.cluster(head, epsSq, CodingMode.LINEAR);
    double seedSeconds = (System.nanoTime() - t0) / 1e9;
    LabelMatching.Agreement sa = LabelMatching.of(seedResult.assignment, headTruth);
    print(
        "seed implementation (exact)",
        compare,
        seedSeconds,
        seedResult.groups,
        sa.accuracy(),
        sa.purity(),
        seedResult.initialLength,
        seedResult.finalLength);
    Row exact =
        compression("exact (now)", head, headTruth, settings.withExactLimit(Math.max(2, compare)));
    Row forced =
        compression(
            "over-segmentation (limit m/4)",
            head,
            headTruth,
            settings.withExactLimit(Math.max(2, compare / 4)));
    Row kmHead = kmeans(head, headTruth, k, seed);
    json.put("compare_samples", compare);
    json.put("seed_seconds", seedSeconds);
    json.put("seed_k", seedResult.groups);
    json.put("seed_accuracy", sa.accuracy());
    json.put("exact_seconds", exact.seconds);
    json.put("exact_accuracy", exact.accuracy);
    json.put(
        "exact_same_partition_as_seed",
        java.util.Arrays.equals(exact.assignment, seedResult.assignment));
    json.put("forced_seconds", forced.seconds);
    json.put("forced_accuracy", forced.accuracy);
    json.put("forced_k", forced.k);
    json.put("kmeans_compare_accuracy", kmHead.accuracy);
    System.out.printf(
        Locale.ROOT,
        "%d samples: exact now %.1f× faster than the seed, same partition: %s; over-segmentation"
            + " %.1f× faster than exact%n",
        compare,
        seedSeconds / exact.seconds,
        json.get("exact_same_partition_as_seed"),
        exact.seconds / forced.seconds);
    StringBuilder line = new StringBuilder("{");
    json.forEach(
        (key, v) ->
            line.append(line.length() > 1 ? "," : "")
                .append('"')
                .append(key)
                .append("\":")
                .append(v));
    System.out.println(line.append('}'));
  }

  /** One method's outcome. */
  private static final class Row {
    double seconds;
    int k;
    double accuracy;
    int overSegments;
    int[] assignment;
  }

  private static Row compression(
      String name, double[][] x, int[] truth, ClusteringSettings settings) {
    long t0 = System.nanoTime();
    ClusteringResult r = CompressionClustering.segment(x, settings, null);
    Row row = new Row();
    row.seconds = (System.nanoTime() - t0) / 1e9;
    row.k = r.numGroups();
    row.assignment = r.assignment();
    row.overSegments = r.overSegments();
    LabelMatching.Agreement ag = LabelMatching.of(row.assignment, truth);
    row.accuracy = ag.accuracy();
    print(
        name + (r.overSegments() > 0 ? " [" + r.overSegments() + " over-segments]" : ""),
        x.length,
        row.seconds,
        row.k,
        ag.accuracy(),
        ag.purity(),
        r.initialLength(),
        r.finalLength());
    return row;
  }

  private static Row kmeans(double[][] x, int[] truth, int k, long seed) {
    long t0 = System.nanoTime();
    int[] a = KMeansBaseline.cluster(x, k, 10, seed);
    Row row = new Row();
    row.seconds = (System.nanoTime() - t0) / 1e9;
    row.k = k;
    row.assignment = a;
    LabelMatching.Agreement ag = LabelMatching.of(a, truth);
    row.accuracy = ag.accuracy();
    print(
        "k-means++ given k (best of 10)",
        x.length,
        row.seconds,
        k,
        ag.accuracy(),
        ag.purity(),
        Double.NaN,
        Double.NaN);
    return row;
  }

  private static void print(
      String name,
      int samples,
      double seconds,
      int k,
      double accuracy,
      double purity,
      double before,
      double after) {
    System.out.printf(
        Locale.ROOT,
        "%-46s %7d %9.2f %5d %9.4f %8.4f %14.1f %14.1f%n",
        name,
        samples,
        seconds,
        k,
        accuracy,
        purity,
        before,
        after);
  }

  /** Points on k random dim-dimensional subspaces of R^d (point i on subspace i mod k), noisy. */
  static double[][] subspaces(int m, int d, int dim, int k, double noise, long seed, int[] labels) {
    Random rnd = new Random(seed);
    double[][][] bases = new double[k][dim][d];
    for (double[][] basis : bases) {
      for (double[] v : basis) {
        for (int j = 0; j < d; j++) {
          v[j] = rnd.nextGaussian() / Math.sqrt(d);
        }
      }
    }
    double[][] x = new double[m][d];
    for (int i = 0; i < m; i++) {
      labels[i] = i % k;
      for (int c = 0; c < dim; c++) {
        double coef = rnd.nextGaussian() / Math.sqrt(dim);
        for (int j = 0; j < d; j++) {
          x[i][j] += coef * bases[i % k][c][j];
        }
      }
      for (int j = 0; j < d; j++) {
        x[i][j] += noise * rnd.nextGaussian() / Math.sqrt(d);
      }
    }
    return x;
  }
}
