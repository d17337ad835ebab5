package dev.redunet.cluster;

/**
 * The lower Cholesky factor {@code K = L·Lᵀ} of a symmetric positive-definite {@code n×n} matrix
 * ({@code K = I + a·M} with {@code M ⪰ 0}, so every pivot is at least 1 in exact arithmetic), with
 * {@code log2 det K}. Immutable.
 */
final class Spd {

  private static final double LN2 = Math.log(2.0);

  private final int n;
  private final double[] lower;
  private final double log2Det;

  private Spd(int n, double[] lower, double log2Det) {
    this.n = n;
    this.lower = lower;
    this.log2Det = log2Det;
  }

  /**
   * Factors {@code K} in place: {@code L[i][j] = (K[i][j] − Σ_{p<j} L[i][p]·L[j][p]) / L[j][j]},
   * {@code L[i][i] = √(K[i][i] − Σ_{p<i} L[i][p]²)}; only the lower triangle is read.
   *
   * @param k row-major {@code n×n}; overwritten by {@code L} (lower triangle)
   * @return {@code log2 det K = 2 Σ log2 L[i][i]}
   * @throws IllegalStateException if a pivot is not positive (K is not positive definite)
   */
  static double factorInPlace(double[] k, int n) {
    double logDet = 0.0;
    for (int i = 0; i < n; i++) {
      int ri = i * n;
      for (int j = 0; j < i; j++) {
        int rj = j * n;
        k[ri + j] = (k[ri + j] - dot(k, ri, rj, j)) / k[rj + j];
      }
      double s = k[ri + i] - dot(k, ri, ri, i);
      if (!(s > 0.0) || Double.isInfinite(s)) {
        throw new IllegalStateException(
            "I + a·M is not positive definite at pivot " + i + " of " + n + ": " + s);
      }
      double root = Math.sqrt(s);
      k[ri + i] = root;
      logDet += Math.log(root);
    }
    return 2.0 * logDet / LN2;
  }

  /** {@code Σ_{p<len} a[x+p]·a[y+p]}, four independent sums. */
  private static double dot(double[] a, int x, int y, int len) {
    double s0 = 0.0;
    double s1 = 0.0;
    double s2 = 0.0;
    double s3 = 0.0;
    int p = 0;
    for (; p + 3 < len; p += 4) {
      s0 += a[x + p] * a[y + p];
      s1 += a[x + p + 1] * a[y + p + 1];
      s2 += a[x + p + 2] * a[y + p + 2];
      s3 += a[x + p + 3] * a[y + p + 3];
    }
    for (; p < len; p++) {
      s0 += a[x + p] * a[y + p];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** {@code log2 det K} of a row-major {@code n×n} SPD matrix, which is overwritten. */
  static double log2Det(double[] k, int n) {
    return factorInPlace(k, n);
  }

  /** Factors a row-major {@code n×n} SPD matrix (taken over, overwritten by its factor). */
  static Spd factor(double[] k, int n) {
    double ld = factorInPlace(k, n);
    return new Spd(n, k, ld);
  }

  /** {@code log2 det K}. */
  double log2Det() {
    return log2Det;
  }

  /**
   * Forward substitution {@code v ← L⁻¹ v}.
   *
   * @param v length {@code n}; overwritten
   */
  void forwardInPlace(double[] v) {
    for (int i = 0; i < n; i++) {
      int ri = i * n;
      double s0 = v[i];
      double s1 = 0.0;
      double s2 = 0.0;
      double s3 = 0.0;
      int p = 0;
      for (; p + 3 < i; p += 4) {
        s0 -= lower[ri + p] * v[p];
        s1 -= lower[ri + p + 1] * v[p + 1];
        s2 -= lower[ri + p + 2] * v[p + 2];
        s3 -= lower[ri + p + 3] * v[p + 3];
      }
      for (; p < i; p++) {
        s0 -= lower[ri + p] * v[p];
      }
      v[i] = ((s0 + s1) + (s2 + s3)) / lower[ri + i];
    }
  }
}
