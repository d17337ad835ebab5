package dev.redunet.micl;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * Independent brute-force coding lengths from raw points, the way the authors' {@code
 * coding_length.m} computes them: singular values of the (centred) data matrix, via EJML.
 */
final class BruteForce {

  private BruteForce() {}

  /** Affine length (MICL_SPEC eq. 1) of the points {@code points[i]} (each of length D). */
  static double affine(double[][] points, double epsSq) {
    int n = points.length;
    if (n == 0) {
      return 0.0;
    }
    int d = points[0].length;
    double[] mu = new double[d];
    for (double[] x : points) {
      for (int i = 0; i < d; i++) {
        mu[i] += x[i] / n;
      }
    }
    double muSq = 0.0;
    for (double v : mu) {
      muSq += v * v;
    }
    double[][] centred = new double[n][d];
    for (int p = 0; p < n; p++) {
      for (int i = 0; i < d; i++) {
        centred[p][i] = points[p][i] - mu[i];
      }
    }
    double a = d / (epsSq * n);
    return 0.5 * (n + d) * log2DetFromSingularValues(centred, a)
        + 0.5 * d * Math.log(1.0 + muSq / epsSq) / Math.log(2.0);
  }

  /** Linear length (MICL_SPEC eq. 1') of the points. */
  static double linear(double[][] points, double epsSq) {
    int n = points.length;
    if (n == 0) {
      return 0.0;
    }
    int d = points[0].length;
    return 0.5 * (n + d) * log2DetFromSingularValues(points, d / (epsSq * n));
  }

  /** {@code Σ log2(1 + a σ_i²)} over the singular values of the n×D matrix of rows. */
  static double log2DetFromSingularValues(double[][] rows, double a) {
    DMatrixRMaj m = new DMatrixRMaj(rows);
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(m.numRows, m.numCols, false, false, true);
    if (!svd.decompose(m)) {
      throw new IllegalStateException("SVD failed");
    }
    double s = 0.0;
    for (double sigma : svd.getSingularValues()) {
      s += Math.log1p(a * sigma * sigma);
    }
    return s / Math.log(2.0);
  }

  /** Appends one point. */
  static double[][] with(double[][] points, double[] x) {
    double[][] out = java.util.Arrays.copyOf(points, points.length + 1);
    out[points.length] = x;
    return out;
  }
}
