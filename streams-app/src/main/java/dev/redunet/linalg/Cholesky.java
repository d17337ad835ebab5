package dev.redunet.linalg;

import java.util.Arrays;
import java.util.Optional;

/**
 * The Cholesky factorization A = L·Lᵀ of a real symmetric positive-definite n × n matrix, with the
 * log-determinant and the inverse it gives: a row-major facade over {@link BlockedCholesky}, which
 * computes U = Lᵀ in place in the rows of a copy of A.
 *
 * <p>Storage is row-major n × n. Costs: n³/6 multiply-adds to factor (blocked), n³/6 to invert L,
 * n³/6 to form A⁻¹ = L⁻ᵀ·L⁻¹. A factorization that meets a non-positive pivot (A not positive
 * definite, or NaN/Inf entries) is reported as an empty {@link Optional}, never as a NaN.
 */
public final class Cholesky {

  /** Rows of L⁻¹ per symmetric rank-k update of {@link #inverse}. */
  static final int GRAM_BLOCK = 32;

  private final int n;

  /** U = Lᵀ in full-width rows: row i holds U[i][j] = L[j][i] for j ≥ i (the rest is unused). */
  private final double[][] u;

  private final double halfLogDet;

  private Cholesky(int n, double[][] u, double halfLogDet) {
    this.n = n;
    this.u = u;
    this.halfLogDet = halfLogDet;
  }

  /**
   * Factors A = L·Lᵀ by {@link BlockedCholesky#factorUpper} on a copy of A's rows: U = Lᵀ with
   * U[i][i] = √(A[i][i] − Σ_{p<i} U[p][i]²), U[i][j] = (A[i][j] − Σ_{p<i} U[p][i]·U[p][j]) /
   * U[i][i] for j &gt; i. A must be symmetric: only its upper triangle (j ≥ i) is read.
   *
   * @param a row-major n × n symmetric matrix; not modified
   * @return the factor, or empty if a pivot is not strictly positive and finite
   */
  public static Optional<Cholesky> factor(double[] a, int n) {
    if (n <= 0 || a.length < n * n) {
      throw new IllegalArgumentException(
          "Cholesky of order " + n + " needs " + n * n + " entries, got " + a.length);
    }
    double[][] u = new double[n][];
    for (int i = 0; i < n; i++) {
      u[i] = Arrays.copyOfRange(a, i * n, (i + 1) * n);
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
    return Optional.of(new Cholesky(n, u, half));
  }

  /** log det A = 2 Σ_i log L[i][i] (natural log). */
  public double logDet() {
    return 2 * halfLogDet;
  }

  /**
   * scale·A⁻¹, exactly symmetric, computed as scale·L⁻ᵀ·L⁻¹: first L⁻¹ by forward substitution row
   * by row (row i of L⁻¹ = (e_i − Σ_{p<i} L[i][p]·row p of L⁻¹) / L[i][i], with L[i][p] = U[p][i]),
   * then (A⁻¹)[i][j] = Σ_{p ≥ max(i,j)} L⁻¹[p][i]·L⁻¹[p][j] on the upper triangle, mirrored: by
   * blocks of {@value #GRAM_BLOCK} rows p of L⁻¹, each of which is zero past its last column, so
   * the symmetric rank-k kernel touches only the leading square its rows fill (n³/6 multiply-adds
   * instead of n³/2).
   *
   * @return row-major n × n
   */
  public double[] inverse(double scale) {
    double[] li = new double[n * n];
    for (int i = 0; i < n; i++) {
      int ri = i * n;
      for (int p = 0; p < i; p++) {
        double f = -u[p][i];
        if (f != 0) {
          Kernels.axpy(f, li, p * n, li, ri, p + 1);
        }
      }
      double inv = 1.0 / u[i][i];
      for (int j = 0; j < i; j++) {
        li[ri + j] *= inv;
      }
      li[ri + i] = inv;
    }
    // A⁻¹ = (L⁻¹)ᵀ·L⁻¹: the Gram matrix of the rows of L⁻¹, upper triangle by the packed kernel,
    // block by block of rows (rows [p0, p1) are zero past column p1 − 1).
    double[] x = new double[n * n];
    for (int p0 = 0; p0 < n; p0 += GRAM_BLOCK) {
      int p1 = Math.min(n, p0 + GRAM_BLOCK);
      Gemm.syrkUpper(li, p0 * n, n, p1 - p0, p1, x, 0, n, true);
    }
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
      for (int p = 0; p < i; p++) {
        double f = -u[p][i];
        if (f != 0) {
          Kernels.axpy(f, b, p * r, b, i * r, r);
        }
      }
      double inv = 1.0 / u[i][i];
      for (int c = 0; c < r; c++) {
        b[i * r + c] *= inv;
      }
    }
    for (int i = n - 1; i >= 0; i--) {
      double inv = 1.0 / u[i][i];
      for (int c = 0; c < r; c++) {
        b[i * r + c] *= inv;
      }
      for (int p = 0; p < i; p++) {
        double f = -u[p][i];
        if (f != 0) {
          Kernels.axpy(f, b, i * r, b, p * r, r);
        }
      }
    }
  }
}
