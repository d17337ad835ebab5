package dev.redunet.linalg;

/**
 * Cholesky factorisation {@code A = L·Lᴴ} of small complex Hermitian positive-definite matrices
 * stored as split, packed lower triangles, and the triangular solves that apply {@code A⁻¹} without
 * forming it.
 *
 * <p>Storage: an n × n Hermitian matrix is its lower triangle, row-major and packed: entry (a, b)
 * with {@code b ≤ a} sits at {@code offset + a(a+1)/2 + b} of two arrays {@code re}, {@code im}.
 * The factor L overwrites A in place; its diagonal is real and positive.
 *
 * <p>Multi-right-hand-side solves work on "rows": the right-hand side is an n × m block whose row a
 * is the array pair {@code rowsRe[rowBase + a], rowsIm[rowBase + a]}, restricted to the columns
 * {@code [lo, hi)}. The inner loops run over columns with a common index, which the JIT vectorises.
 * Cost: {@code n³/6} complex multiply-adds for the factorisation, {@code n²/2} per column for each
 * triangular solve. Used for the per-frequency operators {@code E(f) = α(I + αS(f))⁻¹ = (S(f) +
 * I/α)⁻¹} of REDUNET_SPEC §3.2.
 */
public final class HermitianCholesky {

  private HermitianCholesky() {}

  /** Number of packed entries of an n × n lower triangle, n(n+1)/2. */
  public static int packedSize(int n) {
    return n * (n + 1) / 2;
  }

  /** Packed index of entry (a, b), {@code b ≤ a}, of a lower triangle: a(a+1)/2 + b. */
  public static int index(int a, int b) {
    return a * (a + 1) / 2 + b;
  }

  /**
   * Factors {@code A = L·Lᴴ} in place (Cholesky–Banachiewicz, row by row): {@code L[a][b] =
   * (A[a][b] − Σ_{k<b} L[a][k]·conj(L[b][k])) / L[b][b]}, {@code L[a][a] = sqrt(A[a][a] − Σ_{k<a}
   * |L[a][k]|²)}. Only the real part of the diagonal of A is read.
   *
   * @param n the order
   * @param re real parts of the packed lower triangle of A, replaced by those of L
   * @param im imaginary parts, replaced likewise
   * @param offset start of the packed triangle in both arrays
   * @throws ArithmeticException if A is not (numerically) positive definite or holds NaN/Inf
   */
  public static void decompose(int n, double[] re, double[] im, int offset) {
    for (int a = 0; a < n; a++) {
      int rowA = offset + index(a, 0);
      for (int b = 0; b <= a; b++) {
        int rowB = offset + index(b, 0);
        double sr = re[rowA + b];
        double si = im[rowA + b];
        for (int k = 0; k < b; k++) {
          double ar = re[rowA + k];
          double ai = im[rowA + k];
          double br = re[rowB + k];
          double bi = im[rowB + k];
          sr -= ar * br + ai * bi;
          si -= ai * br - ar * bi;
        }
        if (b < a) {
          double inv = 1.0 / re[rowB + b];
          re[rowA + b] = sr * inv;
          im[rowA + b] = si * inv;
        } else {
          if (!(sr > 0) || Double.isInfinite(sr)) {
            throw new ArithmeticException(
                "Hermitian matrix of order "
                    + n
                    + " is not positive definite: pivot "
                    + a
                    + " is "
                    + sr);
          }
          re[rowA + a] = Math.sqrt(sr);
          im[rowA + a] = 0;
        }
      }
    }
  }

  /**
   * {@code log det A = 2 Σ_a log L[a][a]} from the factor L of {@link #decompose}.
   *
   * @param n the order
   * @param re real parts of the packed factor
   * @param offset start of the packed factor
   */
  public static double logDet(int n, double[] re, int offset) {
    double s = 0;
    for (int a = 0; a < n; a++) {
      s += Math.log(re[offset + index(a, a)]);
    }
    return 2 * s;
  }

  /**
   * Solves {@code L·Y = B} in place on the columns [lo, hi) of an n-row block (forward
   * substitution): {@code Y[a] = (B[a] − Σ_{b<a} L[a][b]·Y[b]) / L[a][a]}.
   *
   * @param n the order
   * @param lRe real parts of the packed factor L, not modified
   * @param lIm imaginary parts of L, not modified
   * @param lOffset start of L
   * @param rowsRe real parts of the rows; rows {@code rowBase .. rowBase+n−1} are overwritten
   * @param rowsIm imaginary parts of the rows, likewise
   * @param rowBase index of row 0 of the block
   * @param lo first column
   * @param hi end column (exclusive)
   */
  public static void solveLower(
      int n,
      double[] lRe,
      double[] lIm,
      int lOffset,
      double[][] rowsRe,
      double[][] rowsIm,
      int rowBase,
      int lo,
      int hi) {
    for (int a = 0; a < n; a++) {
      double[] yr = rowsRe[rowBase + a];
      double[] yi = rowsIm[rowBase + a];
      int rowA = lOffset + index(a, 0);
      for (int b = 0; b < a; b++) {
        ComplexKernels.subtractScaled(
            lRe[rowA + b], lIm[rowA + b], rowsRe[rowBase + b], rowsIm[rowBase + b], yr, yi, lo, hi);
      }
      ComplexKernels.scale(1.0 / lRe[rowA + a], yr, yi, lo, hi);
    }
  }

  /**
   * Solves {@code Lᴴ·X = Y} in place on the columns [lo, hi) of an n-row block (back substitution):
   * {@code X[a] = (Y[a] − Σ_{b>a} conj(L[b][a])·X[b]) / L[a][a]}.
   *
   * @param n the order
   * @param lRe real parts of the packed factor L, not modified
   * @param lIm imaginary parts of L, not modified
   * @param lOffset start of L
   * @param rowsRe real parts of the rows; rows {@code rowBase .. rowBase+n−1} are overwritten
   * @param rowsIm imaginary parts of the rows, likewise
   * @param rowBase index of row 0 of the block
   * @param lo first column
   * @param hi end column (exclusive)
   */
  public static void solveUpper(
      int n,
      double[] lRe,
      double[] lIm,
      int lOffset,
      double[][] rowsRe,
      double[][] rowsIm,
      int rowBase,
      int lo,
      int hi) {
    for (int a = n - 1; a >= 0; a--) {
      double[] xr = rowsRe[rowBase + a];
      double[] xi = rowsIm[rowBase + a];
      for (int b = a + 1; b < n; b++) {
        int at = lOffset + index(b, a);
        // conj(L[b][a]) = lr − i·li
        ComplexKernels.subtractScaled(
            lRe[at], -lIm[at], rowsRe[rowBase + b], rowsIm[rowBase + b], xr, xi, lo, hi);
      }
      ComplexKernels.scale(1.0 / lRe[lOffset + index(a, a)], xr, xi, lo, hi);
    }
  }

  /**
   * Applies {@code A⁻¹ = L⁻ᴴ·L⁻¹} in place to the columns [lo, hi) of an n-row block: {@link
   * #solveLower} then {@link #solveUpper}.
   */
  public static void solve(
      int n,
      double[] lRe,
      double[] lIm,
      int lOffset,
      double[][] rowsRe,
      double[][] rowsIm,
      int rowBase,
      int lo,
      int hi) {
    solveLower(n, lRe, lIm, lOffset, rowsRe, rowsIm, rowBase, lo, hi);
    solveUpper(n, lRe, lIm, lOffset, rowsRe, rowsIm, rowBase, lo, hi);
  }

  /**
   * The explicit inverse {@code A⁻¹} (full n × n, row-major, entry (a, b) at {@code a·n + b}) from
   * the factor L, by solving against the identity. For inspection and tests: the layers apply
   * {@link #solve} instead.
   *
   * @return {@code {re, im}}, each of length n²
   */
  public static double[][] inverse(int n, double[] lRe, double[] lIm, int lOffset) {
    double[][] rowsRe = new double[n][n];
    double[][] rowsIm = new double[n][n];
    for (int a = 0; a < n; a++) {
      rowsRe[a][a] = 1;
    }
    solve(n, lRe, lIm, lOffset, rowsRe, rowsIm, 0, 0, n);
    double[] outRe = new double[n * n];
    double[] outIm = new double[n * n];
    for (int a = 0; a < n; a++) {
      System.arraycopy(rowsRe[a], 0, outRe, a * n, n);
      System.arraycopy(rowsIm[a], 0, outIm, a * n, n);
    }
    return new double[][] {outRe, outIm};
  }
}
