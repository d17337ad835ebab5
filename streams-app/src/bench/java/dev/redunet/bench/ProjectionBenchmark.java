package dev.redunet.bench;

import dev.redunet.learn.Projection;
import dev.redunet.linalg.Gemm;
import dev.redunet.linalg.Kernels;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;

/**
 * The first model's PCA fit ({@link Projection#fit}: the n × n Gram matrix when n < D) against the
 * D × D covariance ({@link Projection#fitByCovariance}), in the same run, on n = 500 seeded sparse
 * samples (like MNIST digits: 20% nonzero pixels) projected to p = 64.
 *
 * <p>Arguments: the input dimensions D (default {@code 784 2048}). Prints the best of 3 seconds for
 * each and their ratio, and the best of 3 seconds of the part of the Gram fit that EJML does: the
 * symmetric eigen-decomposition (values and vectors) of the n × n Gram matrix, the one dense
 * operation of the model left outside linalg.
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
        Locale.ROOT,
        "%-8s %-6s %12s %16s %8s %14s%n",
        "D",
        "n",
        "gram s",
        "covariance s",
        "ratio",
        "gram eig s");
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
      double eig = eigenSeconds(x, n, d);
      System.out.printf(
          Locale.ROOT,
          "%-8d %-6d %12.3f %16.3f %8.1f %14.3f%n",
          d,
          n,
          gram,
          covariance,
          covariance / gram,
          eig);
    }
  }

  /** Best of 3: EJML's symmetric eigen-decomposition of the n × n Gram matrix of the fit. */
  private static double eigenSeconds(double[][] x, int n, int d) {
    double[] mean = new double[d];
    double[] rows = new double[n * d];
    for (int i = 0; i < n; i++) {
      System.arraycopy(x[i], 0, rows, i * d, d);
      Kernels.normalize(rows, i * d, d);
      for (int a = 0; a < d; a++) {
        mean[a] += rows[i * d + a] / n;
      }
    }
    double[] transposed = new double[d * n];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < d; a++) {
        transposed[a * n + i] = rows[i * d + a] - mean[a];
      }
    }
    double[] gram = new double[n * n];
    Gemm.syrkUpper(transposed, 0, n, d, n, gram, 0, n, false);
    Kernels.mirrorUpper(gram, n);
    double best = Double.POSITIVE_INFINITY;
    for (int rep = 0; rep < 3; rep++) {
      DMatrixRMaj g = DMatrixRMaj.wrap(n, n, gram.clone());
      long t0 = System.nanoTime();
      if (!DecompositionFactory_DDRM.eig(n, true, true).decompose(g)) {
        throw new IllegalStateException("the eigen-decomposition failed");
      }
      best = Math.min(best, (System.nanoTime() - t0) / 1e9);
    }
    return best;
  }
}
