package dev.redunet.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Forward substitution {@code Uᵀ Y = B} for a panel of right-hand sides with the Vector API: the
 * kernel of {@code dev.redunet.linalg.BlockedTriangle.forwardSolvePanel}, in the same block layout
 * and with every value computed by the same operations in the same order (products and sums, no
 * fused multiply-add), so that the two give the same bits.
 *
 * <p>Layout of the factor (order {@code n}, blocks of {@value #B} rows): block {@code q} (rows
 * {@code k = q·B … k+B−1}) starts at {@code data[blockOffset[q]]} with its {@code B×B} diagonal
 * triangle row-major ({@code U[k+p][k+r]} at {@code p·B + r}), followed, for every later row {@code
 * i = k+B … n−1}, by the {@code B} coefficients {@code U[k][i] … U[k+B−1][i]}.
 *
 * <p>Why it is faster than the scalar loop that C2 vectorizes: the trailing update of a block keeps
 * the block's {@code B} solved rows in registers for two vectors' worth of columns while it sweeps
 * every later row, so each later row costs one load and one store per vector instead of five loads
 * and a store, and its speed does not depend on how the rows' arrays happen to be aligned.
 */
public final class PanelKernels {

  /** Rows per block of the factor's layout. */
  public static final int B = 4;

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();

  private PanelKernels() {}

  /**
   * The number of doubles in one vector of the preferred species (8 with AVX-512, 4 with AVX2, 2
   * with SSE or NEON).
   *
   * @return the preferred vector length
   */
  public static int lanes() {
    return LANES;
  }

  /**
   * Forward substitution {@code Uᵀ Y = B} in place: row {@code i} of the panel holds coordinate
   * {@code i} of every right-hand side. Cost {@code n²·width} flops.
   *
   * @param data the factor in block layout (see the class comment)
   * @param blockOffset start of every block in {@code data}
   * @param n order of the factor
   * @param y {@code n} panel rows, each of length ≥ {@code width}; overwritten by {@code Y}
   * @param width number of right-hand sides
   */
  public static void forwardSolvePanel(
      double[] data, int[] blockOffset, int n, double[][] y, int width) {
    int blocks = (n + B - 1) / B;
    for (int q = 0; q < blocks; q++) {
      int k = q * B;
      int rows = Math.min(B, n - k);
      int off = blockOffset[q];
      solveDiagonal(data, off, y, k, rows, width);
      if (rows < B) {
        break;
      }
      updateLaterRows(data, off + B * B, y, k, n, width);
    }
  }

  /** The block's own rows: {@code y_{k+p} /= U[k+p][k+p]}, then {@code y_{k+r} −= U·y_{k+p}}. */
  private static void solveDiagonal(
      double[] data, int off, double[][] y, int k, int rows, int width) {
    int vectorEnd = width - width % LANES;
    for (int p = 0; p < rows; p++) {
      double[] yp = y[k + p];
      double inv = 1.0 / data[off + p * B + p];
      int b = 0;
      for (; b < vectorEnd; b += LANES) {
        DoubleVector.fromArray(S, yp, b).mul(inv).intoArray(yp, b);
      }
      for (; b < width; b++) {
        yp[b] *= inv;
      }
      for (int r = p + 1; r < rows; r++) {
        double c = data[off + p * B + r];
        double[] yr = y[k + r];
        b = 0;
        for (; b < vectorEnd; b += LANES) {
          DoubleVector vp = DoubleVector.fromArray(S, yp, b);
          DoubleVector.fromArray(S, yr, b).sub(vp.mul(c)).intoArray(yr, b);
        }
        for (; b < width; b++) {
          yr[b] -= c * yp[b];
        }
      }
    }
  }

  /**
   * Every later row {@code i}: {@code y_i −= ((c0·y_k + c1·y_{k+1}) + c2·y_{k+2}) + c3·y_{k+3}},
   * two vectors of columns at a time with the four solved rows held in registers, then one vector,
   * then the scalar tail.
   */
  private static void updateLaterRows(
      double[] data, int coefficients, double[][] y, int k, int n, int width) {
    double[] y0 = y[k];
    double[] y1 = y[k + 1];
    double[] y2 = y[k + 2];
    double[] y3 = y[k + 3];
    int b = 0;
    for (; b + 2 * LANES <= width; b += 2 * LANES) {
      int b2 = b + LANES;
      DoubleVector a0 = DoubleVector.fromArray(S, y0, b);
      DoubleVector a1 = DoubleVector.fromArray(S, y1, b);
      DoubleVector a2 = DoubleVector.fromArray(S, y2, b);
      DoubleVector a3 = DoubleVector.fromArray(S, y3, b);
      DoubleVector e0 = DoubleVector.fromArray(S, y0, b2);
      DoubleVector e1 = DoubleVector.fromArray(S, y1, b2);
      DoubleVector e2 = DoubleVector.fromArray(S, y2, b2);
      DoubleVector e3 = DoubleVector.fromArray(S, y3, b2);
      int o = coefficients;
      for (int i = k + B; i < n; i++, o += B) {
        double c0 = data[o];
        double c1 = data[o + 1];
        double c2 = data[o + 2];
        double c3 = data[o + 3];
        double[] yi = y[i];
        DoubleVector t = a0.mul(c0).add(a1.mul(c1)).add(a2.mul(c2)).add(a3.mul(c3));
        DoubleVector.fromArray(S, yi, b).sub(t).intoArray(yi, b);
        DoubleVector u = e0.mul(c0).add(e1.mul(c1)).add(e2.mul(c2)).add(e3.mul(c3));
        DoubleVector.fromArray(S, yi, b2).sub(u).intoArray(yi, b2);
      }
    }
    for (; b + LANES <= width; b += LANES) {
      DoubleVector a0 = DoubleVector.fromArray(S, y0, b);
      DoubleVector a1 = DoubleVector.fromArray(S, y1, b);
      DoubleVector a2 = DoubleVector.fromArray(S, y2, b);
      DoubleVector a3 = DoubleVector.fromArray(S, y3, b);
      int o = coefficients;
      for (int i = k + B; i < n; i++, o += B) {
        double[] yi = y[i];
        DoubleVector t =
            a0.mul(data[o])
                .add(a1.mul(data[o + 1]))
                .add(a2.mul(data[o + 2]))
                .add(a3.mul(data[o + 3]));
        DoubleVector.fromArray(S, yi, b).sub(t).intoArray(yi, b);
      }
    }
    if (b < width) {
      int o = coefficients;
      for (int i = k + B; i < n; i++, o += B) {
        double c0 = data[o];
        double c1 = data[o + 1];
        double c2 = data[o + 2];
        double c3 = data[o + 3];
        double[] yi = y[i];
        for (int c = b; c < width; c++) {
          yi[c] -= c0 * y0[c] + c1 * y1[c] + c2 * y2[c] + c3 * y3[c];
        }
      }
    }
  }
}
