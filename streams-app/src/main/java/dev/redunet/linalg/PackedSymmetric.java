package dev.redunet.linalg;

/**
 * The packed triangle: a symmetric {@code n×n} matrix stored <b>packed upper, row-major</b>, row
 * {@code i} holding the entries {@code (i, i), (i, i+1), …, (i, n-1)} from {@link #rowStart(int,
 * int)} on ({@code n(n+1)/2} doubles, the layout of {@link Kernels#packUpper} too), and its
 * symmetric rank-k update. The blocked Cholesky factorization of such a matrix is {@link
 * BlockedCholesky}, forward substitution with its factor {@link BlockedTriangle}.
 *
 * <p>Performance note (JDK 17, this machine): C2 auto-vectorizes an inner loop only if every array
 * in it is indexed by the same expression. The hot loop below is written that way (packed rows are
 * staged through a full-width row buffer).
 */
public final class PackedSymmetric {

  private PackedSymmetric() {}

  /** Number of entries of a packed upper triangle of order {@code n}: {@code n(n+1)/2}. */
  public static int packedLength(int n) {
    return (int) ((long) n * (n + 1) / 2);
  }

  /** Offset of entry {@code (i, i)} in a packed upper triangle of order {@code n}. */
  public static int rowStart(int i, int n) {
    return (int) ((long) i * n - (long) i * (i - 1) / 2);
  }

  /**
   * Offset of entry {@code (i, j)}, {@code i ≤ j}, in a packed upper triangle of order {@code n}.
   */
  public static int index(int i, int j, int n) {
    return rowStart(i, n) + (j - i);
  }

  /**
   * Symmetric rank-k update of a packed upper triangle: {@code C ← s·C + Σ_p w_p v_p v_pᵀ}.
   *
   * @param c packed upper triangle of order {@code n}; modified
   * @param n order
   * @param s scale applied to {@code C} first
   * @param v {@code count} vectors of length ≥ {@code n}; not modified
   * @param w {@code count} weights; not modified
   * @param count number of vectors used
   * @param row work buffer of length ≥ {@code n}; overwritten
   */
  public static void rankUpdate(
      double[] c, int n, double s, double[][] v, double[] w, int count, double[] row) {
    int off = 0;
    for (int i = 0; i < n; i++) {
      int len = n - i;
      if (s == 1.0) {
        System.arraycopy(c, off, row, i, len);
      } else {
        for (int t = 0; t < len; t++) {
          row[i + t] = s * c[off + t];
        }
      }
      int p = 0;
      for (; p + 3 < count; p += 4) {
        double[] v0 = v[p];
        double[] v1 = v[p + 1];
        double[] v2 = v[p + 2];
        double[] v3 = v[p + 3];
        double s0 = w[p] * v0[i];
        double s1 = w[p + 1] * v1[i];
        double s2 = w[p + 2] * v2[i];
        double s3 = w[p + 3] * v3[i];
        for (int j = i; j < n; j++) {
          row[j] += s0 * v0[j] + s1 * v1[j] + s2 * v2[j] + s3 * v3[j];
        }
      }
      for (; p < count; p++) {
        double[] v0 = v[p];
        double s0 = w[p] * v0[i];
        for (int j = i; j < n; j++) {
          row[j] += s0 * v0[j];
        }
      }
      System.arraycopy(row, i, c, off, len);
      off += len;
    }
  }

  /**
   * Copies the upper triangle of the first {@code n} full-width rows (see {@link BlockedCholesky})
   * into packed storage.
   *
   * @param a full-width rows; not modified
   * @param n order
   * @param packed destination of length ≥ {@code n(n+1)/2}; overwritten
   */
  public static void packUpper(double[][] a, int n, double[] packed) {
    int off = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(a[i], i, packed, off, n - i);
      off += n - i;
    }
  }
}
