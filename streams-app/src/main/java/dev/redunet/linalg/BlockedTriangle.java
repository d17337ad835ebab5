package dev.redunet.linalg;

/**
 * An upper-triangular Cholesky factor {@code U} (order {@code n}) stored for fast forward
 * substitution {@code Uᵀ Y = B}: rows are grouped in blocks of {@value #B}; per block, first its
 * {@code B×B} diagonal triangle (row-major, lower part zero), then, for every later column {@code
 * i}, the {@code B} coefficients {@code U[k..k+B−1][i]} side by side.
 *
 * <p>Why this layout and four rows: the solve's inner update {@code y_i −= Σ_p U[k+p][i]·y_{k+p}}
 * reads its coefficients from one contiguous stream, and its loop over the panel columns is small
 * enough for C2 to unroll and vectorize. Measured on JDK 17 (this machine, idle core, order 494 to
 * 789, 64 right-hand sides): about 31 GFLOP/s with four rows per block, about 10 with eight (the
 * eight-term loop body is not vectorized, which {@code -XX:-UseSuperWord} confirms: same speed).
 * Immutable after construction; share it between threads freely.
 */
public final class BlockedTriangle {

  /** Rows per block. */
  static final int B = 4;

  private final int n;
  private final double[] data;
  private final int[] blockOffset;

  /**
   * Re-lays out a packed upper factor.
   *
   * @param packedU packed upper triangle of order {@code n} (see {@link PackedSymmetric}); not
   *     modified
   * @param n order
   */
  public BlockedTriangle(double[] packedU, int n) {
    this.n = n;
    int blocks = (n + B - 1) / B;
    this.blockOffset = new int[blocks + 1];
    long size = 0;
    for (int q = 0; q < blocks; q++) {
      blockOffset[q] = (int) size;
      int k = q * B;
      int rows = Math.min(B, n - k);
      size += (long) B * B + (long) rows * Math.max(0, n - k - B);
    }
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("factor of order " + n + " is too large");
    }
    blockOffset[blocks] = (int) size;
    this.data = new double[(int) size];
    for (int q = 0; q < blocks; q++) {
      int k = q * B;
      int rows = Math.min(B, n - k);
      int off = blockOffset[q];
      for (int p = 0; p < rows; p++) {
        for (int r = p; r < rows; r++) {
          data[off + p * B + r] = packedU[PackedSymmetric.index(k + p, k + r, n)];
        }
      }
      if (rows == B) {
        int o = off + B * B;
        for (int i = k + B; i < n; i++) {
          for (int p = 0; p < B; p++) {
            data[o++] = packedU[PackedSymmetric.index(k + p, i, n)];
          }
        }
      }
    }
  }

  /**
   * Forward substitution {@code Uᵀ Y = B} in place for a panel: row {@code i} of the panel holds
   * coordinate {@code i} of every right-hand side. Right-looking by blocks of four rows: each later
   * row is updated once per block by {@code y_i −= Σ_p U[k+p][i]·y_{k+p}}, a loop over the panel
   * columns. With the Vector API ({@link Simd}) the kernel of {@code dev.redunet.simd.PanelKernels}
   * runs, which gives the same bits; otherwise a loop that C2 may vectorize. Cost {@code n²·width}
   * flops.
   *
   * @param y {@code n} panel rows, each of length ≥ {@code width}; overwritten by {@code Y}
   * @param width number of right-hand sides
   */
  public void forwardSolvePanel(double[][] y, int width) {
    forwardSolvePanel(y, width, Simd.enabled());
  }

  /**
   * As {@link #forwardSolvePanel(double[][], int)}, with the Vector API kernel or the scalar one.
   */
  void forwardSolvePanel(double[][] y, int width, boolean vector) {
    if (vector) {
      dev.redunet.simd.PanelKernels.forwardSolvePanel(data, blockOffset, n, y, width);
      return;
    }
    int blocks = (n + B - 1) / B;
    for (int q = 0; q < blocks; q++) {
      int k = q * B;
      int rows = Math.min(B, n - k);
      int off = blockOffset[q];
      for (int p = 0; p < rows; p++) {
        double[] yp = y[k + p];
        double inv = 1.0 / data[off + p * B + p];
        for (int b = 0; b < width; b++) {
          yp[b] *= inv;
        }
        for (int r = p + 1; r < rows; r++) {
          double c = data[off + p * B + r];
          double[] yr = y[k + r];
          for (int b = 0; b < width; b++) {
            yr[b] -= c * yp[b];
          }
        }
      }
      if (rows < B) {
        break;
      }
      double[] y0 = y[k];
      double[] y1 = y[k + 1];
      double[] y2 = y[k + 2];
      double[] y3 = y[k + 3];
      int o = off + B * B;
      for (int i = k + B; i < n; i++, o += B) {
        double c0 = data[o];
        double c1 = data[o + 1];
        double c2 = data[o + 2];
        double c3 = data[o + 3];
        double[] yi = y[i];
        for (int b = 0; b < width; b++) {
          yi[b] -= c0 * y0[b] + c1 * y1[b] + c2 * y2[b] + c3 * y3[b];
        }
      }
    }
  }

  /**
   * Forward substitution {@code Uᵀ y = b} in place for one right-hand side ({@code n²} flops,
   * coefficients read in one contiguous stream).
   *
   * @param y right-hand side of length ≥ {@code n}; overwritten by the solution
   */
  public void forwardSolve(double[] y) {
    int blocks = (n + B - 1) / B;
    for (int q = 0; q < blocks; q++) {
      int k = q * B;
      int rows = Math.min(B, n - k);
      int off = blockOffset[q];
      for (int p = 0; p < rows; p++) {
        double yp = y[k + p] / data[off + p * B + p];
        y[k + p] = yp;
        for (int r = p + 1; r < rows; r++) {
          y[k + r] -= data[off + p * B + r] * yp;
        }
      }
      if (rows < B) {
        break;
      }
      double y0 = y[k];
      double y1 = y[k + 1];
      double y2 = y[k + 2];
      double y3 = y[k + 3];
      int o = off + B * B;
      for (int i = k + B; i < n; i++, o += B) {
        y[i] -= data[o] * y0 + data[o + 1] * y1 + data[o + 2] * y2 + data[o + 3] * y3;
      }
    }
  }
}
