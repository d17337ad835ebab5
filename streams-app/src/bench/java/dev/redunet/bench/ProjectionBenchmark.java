package dev.redunet.bench;

import dev.redunet.learn.Projection;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The first model's PCA fit ({@link Projection#fit}: the n × n Gram matrix when n < D) against the
 * D × D covariance ({@link Projection#fitByCovariance}), in the same run, on n = 500 seeded sparse
 * samples (like MNIST digits: 20% nonzero pixels) projected to p = 64.
 *
 * <p>Arguments: the input dimensions D (default {@code 784 2048}). Prints the best of 3 seconds for
 * each and their ratio.
 */
public final class ProjectionBenchmark {

  private ProjectionBenchmark() {}

  public static void main(String[] args) {
    int[] dims = args.length == 0 ? new int[] {784, 2048} : new int[args.length];
    for (int i = 0; i < args.length; i++) {
      dims[i] = Integer.parseInt(args[i]);
    }
    int n = 500;
    int p = 64;
    System.out.printf(
        Locale.ROOT, "%-8s %-6s %12s %16s %8s%n", "D", "n", "gram s", "covariance s", "ratio");
    for (int d : dims) {
      SplittableRandom r = new SplittableRandom(d);
      double[][] x = new double[n][d];
      for (double[] row : x) {
        for (int a = 0; a < d; a++) {
          row[a] = r.nextDouble() < 0.2 ? r.nextDouble() : 0;
        }
      }
      double gram = Double.POSITIVE_INFINITY;
      double covariance = Double.POSITIVE_INFINITY;
      for (int rep = 0; rep < 3; rep++) {
        long t0 = System.nanoTime();
        Projection a = Projection.fit(x, p);
        long t1 = System.nanoTime();
        Projection b = Projection.fitByCovariance(x, p);
        long t2 = System.nanoTime();
        gram = Math.min(gram, (t1 - t0) / 1e9);
        covariance = Math.min(covariance, (t2 - t1) / 1e9);
        if (a.outputDimension() != b.outputDimension()) {
          throw new IllegalStateException("different projections");
        }
      }
      System.out.printf(
          Locale.ROOT,
          "%-8d %-6d %12.3f %16.3f %8.1f%n",
          d,
          n,
          gram,
          covariance,
          covariance / gram);
    }
  }
}
