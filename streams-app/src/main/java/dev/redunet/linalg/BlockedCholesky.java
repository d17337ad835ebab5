package dev.redunet.linalg;

/**
 * The blocked Cholesky factorization {@code A = UᵀU} of a real symmetric positive-definite matrix,
 * the one dense factorization of the project: MICL's class factors ({@code micl}), and through
 * {@link Cholesky} the layers' operators and coding rates ({@code redunet}, {@code rate}).
 *
 * <p>Layout: the matrix is held in <b>full-width rows</b> ({@code double[n][n]}, row {@code i}
 * using only the entries {@code j ≥ i}); the factor U overwrites that upper triangle. {@link
 * PackedSymmetric#packUpper(double[][], int, double[])} packs it, {@link BlockedTriangle} solves
 * with it.
 *
 * <p>Performance note (JDK 17, this machine): C2 auto-vectorizes an inner loop only if every array
 * in it is indexed by the same expression; all hot loops below are written that way. Measured on an
 * idle core: the factorization of order 784 takes about 6 ms (about 25 GFLOP/s), against about 35
 * ms for EJML's; the same loop with per-array offsets ran 3–4× slower.
 */
public final class BlockedCholesky {

  /** Panel width of the factorization. */
  static final int BLOCK = 32;

  private BlockedCholesky() {}

  /**
   * In-place blocked upper Cholesky factorization {@code A = UᵀU} of a symmetric positive definite
   * n × n matrix held in full-width rows (only {@code j ≥ i} read and written): by panels of
   * {@value #BLOCK} rows, each factored right-looking ({@code U_jj = √(A_jj)}, {@code U_jt = A_jt /
   * U_jj}, then {@code A_it −= U_ji U_jt} inside the panel), then the trailing rows updated at
   * once, {@code A_it −= Σ_{p ∈ panel} U_pi U_pt} for {@code i, t} past the panel. Cost {@code
   * n³/6} multiply-adds.
   *
   * @param a rows {@code a[i][j]}, {@code 0 ≤ i ≤ j < n}; overwritten by {@code U}
   * @param n order
   * @return {@code Σ_i ln U_ii = ½ ln det A}
   * @throws ArithmeticException if a pivot is not positive (the matrix is not positive definite or
   *     holds a non-finite value)
   */
  public static double factorUpper(double[][] a, int n) {
    double halfLogDet = 0.0;
    for (int j0 = 0; j0 < n; j0 += BLOCK) {
      int j1 = Math.min(n, j0 + BLOCK);
      // Factor the panel rows j0..j1 (right-looking inside the panel).
      for (int j = j0; j < j1; j++) {
        double[] rj = a[j];
        double pivot = rj[j];
        if (!(pivot > 0.0) || pivot == Double.POSITIVE_INFINITY) {
          throw new ArithmeticException(
              "Cholesky factorization failed: pivot " + pivot + " at row " + j + " of " + n);
        }
        double diag = Math.sqrt(pivot);
        halfLogDet += Math.log(diag);
        double inv = 1.0 / diag;
        rj[j] = diag;
        for (int t = j + 1; t < n; t++) {
          rj[t] *= inv;
        }
        for (int i = j + 1; i < j1; i++) {
          double coef = rj[i];
          double[] ri = a[i];
          for (int t = i; t < n; t++) {
            ri[t] -= coef * rj[t];
          }
        }
      }
      // Trailing update A[i][j] -= Σ_{p in panel} U[p][i]·U[p][j], i ≥ j1.
      for (int i = j1; i < n; i++) {
        double[] ri = a[i];
        int p = j0;
        for (; p + 3 < j1; p += 4) {
          double[] u0 = a[p];
          double[] u1 = a[p + 1];
          double[] u2 = a[p + 2];
          double[] u3 = a[p + 3];
          double c0 = u0[i];
          double c1 = u1[i];
          double c2 = u2[i];
          double c3 = u3[i];
          for (int t = i; t < n; t++) {
            ri[t] -= c0 * u0[t] + c1 * u1[t] + c2 * u2[t] + c3 * u3[t];
          }
        }
        for (; p < j1; p++) {
          double[] u0 = a[p];
          double c0 = u0[i];
          for (int t = i; t < n; t++) {
            ri[t] -= c0 * u0[t];
          }
        }
      }
    }
    return halfLogDet;
  }
}
