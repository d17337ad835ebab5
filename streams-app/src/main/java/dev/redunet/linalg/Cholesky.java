package dev.redunet.linalg;

import java.util.Optional;

/**
 * The Cholesky factorization A = L·Lᵀ of a real symmetric positive-definite n × n matrix, with the
 * log-determinant and the inverse it gives: a row-major facade over {@link BlockedCholesky} (which
 * computes U = Lᵀ).
 *
 * <p>Storage is row-major n × n; L is kept as a lower triangle (zeros above). Costs: n³/6
 * multiply-adds to factor (blocked), n³/6 to invert L, n³/6 to form A⁻¹ = L⁻ᵀ·L⁻¹. A factorization
 * that meets a non-positive pivot (A not positive definite, or NaN/Inf entries) is reported as an
 * empty {@link Optional}, never as a NaN.
 */
public final class Cholesky {

  private final int n;
  private final double[] l;
  private final double halfLogDet;

  private Cholesky(int n, double[] l, double halfLogDet) {
    this.n = n;
    this.l = l;
    this.halfLogDet = halfLogDet;
  }

  /**
   * Factors A = L·Lᵀ by {@link BlockedCholesky#factorUpper} on Aᵀ's upper triangle, that is A's
   * lower triangle: L[i][i] = √(A[i][i] − Σ_{p<i} L[i][p]²), L[i][j] = (A[i][j] − Σ_{p<j}
   * L[i][p]·L[j][p]) / L[j][j] for j &lt; i. Only the lower triangle of A (j ≤ i) is read.
   *
   * @param a row-major n × n symmetric matrix; not modified
   * @return the factor, or empty if a pivot is not strictly positive and finite
   */
  public static Optional<Cholesky> factor(double[] a, int n) {
    if (n <= 0 || a.length < n * n) {
      throw new IllegalArgumentException(
          "Cholesky of order " + n + " needs " + n * n + " entries, got " + a.length);
    }
    double[][] u = new double[n][n];
    for (int j = 0; j < n; j++) {
      int rj = j * n;
      for (int i = 0; i <= j; i++) {
        u[i][j] = a[rj + i]; // U's row i, column j ≥ i: A[j][i] of the lower triangle
      }
    }
    double half;
    try {
      half = BlockedCholesky.factorUpper(u, n);
    } catch (ArithmeticException notPositiveDefinite) {
      return Optional.empty();
    }
    if (!Double.isFinite(half)) {
      return Optional.empty();
    }
    double[] l = new double[n * n];
    for (int i = 0; i < n; i++) {
      double[] ui = u[i];
      for (int j = i; j < n; j++) {
        l[j * n + i] = ui[j];
      }
    }
    return Optional.of(new Cholesky(n, l, half));
  }

  /** log det A = 2 Σ_i log L[i][i] (natural log). */
  public double logDet() {
    return 2 * halfLogDet;
  }

  /**
   * scale·A⁻¹, exactly symmetric, computed as scale·L⁻ᵀ·L⁻¹: first L⁻¹ by forward substitution row
   * by row (row i of L⁻¹ = (e_i − Σ_{p<i} L[i][p]·row p of L⁻¹) / L[i][i]), then (A⁻¹)[i][j] = Σ_{p
   * ≥ max(i,j)} L⁻¹[p][i]·L⁻¹[p][j] on the lower triangle, mirrored.
   *
   * @return row-major n × n
   */
  public double[] inverse(double scale) {
    double[] li = new double[n * n];
    for (int i = 0; i < n; i++) {
      int ri = i * n;
      for (int p = 0; p < i; p++) {
        double f = -l[ri + p];
        if (f != 0) {
          Kernels.axpy(f, li, p * n, li, ri, p + 1);
        }
      }
      double inv = 1.0 / l[ri + i];
      for (int j = 0; j < i; j++) {
        li[ri + j] *= inv;
      }
      li[ri + i] = inv;
    }
    // A⁻¹ = (L⁻¹)ᵀ·L⁻¹: the Gram matrix of the rows of L⁻¹, upper triangle by the packed kernel.
    double[] x = new double[n * n];
    Gemm.syrkUpper(li, 0, n, n, n, x, 0, n, false);
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double v = scale * x[i * n + j];
        x[i * n + j] = v;
        x[j * n + i] = v;
      }
    }
    return x;
  }

  /**
   * Solves A·X = B in place for a row-major n × r right-hand side B: forward substitution with L,
   * then back substitution with Lᵀ.
   *
   * @param b row-major n × r; replaced by X
   */
  public void solveInPlace(double[] b, int r) {
    if (b.length < n * r) {
      throw new IllegalArgumentException(
          "right-hand side of " + b.length + " entries is not " + n + "×" + r);
    }
    for (int i = 0; i < n; i++) {
      int ri = i * n;
      for (int p = 0; p < i; p++) {
        double f = -l[ri + p];
        if (f != 0) {
          Kernels.axpy(f, b, p * r, b, i * r, r);
        }
      }
      double inv = 1.0 / l[ri + i];
      for (int c = 0; c < r; c++) {
        b[i * r + c] *= inv;
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      double inv = 1.0 / l[i * n + i];
      for (int c = 0; c < r; c++) {
        b[i * r + c] *= inv;
      }
      for (int p = 0; p < i; p++) {
        double f = -l[i * n + p];
        if (f != 0) {
          Kernels.axpy(f, b, i * r, b, p * r, r);
        }
      }
    }
  }
}
