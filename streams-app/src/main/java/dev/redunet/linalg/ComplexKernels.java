package dev.redunet.linalg;

/**
 * Loops over split complex arrays (separate real and imaginary {@code double[]}), written so that
 * the JIT vectorises them: every array is indexed by the same loop variable. A "row" is one such
 * pair of arrays; a kernel acts on its columns {@code [lo, hi)}.
 */
public final class ComplexKernels {

  private ComplexKernels() {}

  /**
   * {@code y −= s·x} on the columns [lo, hi), for the complex scalar {@code s = sr + i·si}.
   *
   * @param xRe real parts of x, not modified
   * @param xIm imaginary parts of x, not modified
   * @param yRe real parts of y, modified
   * @param yIm imaginary parts of y, modified
   */
  public static void subtractScaled(
      double sr,
      double si,
      double[] xRe,
      double[] xIm,
      double[] yRe,
      double[] yIm,
      int lo,
      int hi) {
    for (int i = lo; i < hi; i++) {
      double a = xRe[i];
      double b = xIm[i];
      yRe[i] -= sr * a - si * b;
      yIm[i] -= sr * b + si * a;
    }
  }

  /** {@code y *= s} on the columns [lo, hi) for a real s. */
  public static void scale(double s, double[] yRe, double[] yIm, int lo, int hi) {
    for (int i = lo; i < hi; i++) {
      yRe[i] *= s;
      yIm[i] *= s;
    }
  }

  /**
   * Adds {@code w·|x_i|²} to {@code acc[i − lo + accOffset]} for every column i in [lo, hi).
   *
   * @param acc accumulators, modified
   */
  public static void addSquaredModulus(
      double w, double[] xRe, double[] xIm, int lo, int hi, double[] acc, int accOffset) {
    int shift = accOffset - lo;
    for (int i = lo; i < hi; i++) {
      double a = xRe[i];
      double b = xIm[i];
      acc[i + shift] += w * (a * a + b * b);
    }
  }

  /**
   * Adds the Gram matrix of n rows over the columns [lo, hi) to a packed lower triangle: {@code
   * S[a][b] += Σ_{i∈[lo,hi)} x_a[i]·conj(x_b[i])} for {@code b ≤ a} (the scatter Σ v vᴴ of the
   * column vectors {@code v_i = (x_0[i], …, x_{n−1}[i])}).
   *
   * @param rowsRe real parts of the rows {@code rowBase .. rowBase+n−1}, not modified
   * @param rowsIm imaginary parts, not modified
   * @param sRe real parts of the packed triangle (see {@link HermitianCholesky}), modified
   * @param sIm imaginary parts, modified
   * @param sOffset start of the packed triangle
   */
  public static void addGram(
      int n,
      double[][] rowsRe,
      double[][] rowsIm,
      int rowBase,
      int lo,
      int hi,
      double[] sRe,
      double[] sIm,
      int sOffset) {
    for (int a = 0; a < n; a++) {
      double[] ar = rowsRe[rowBase + a];
      double[] ai = rowsIm[rowBase + a];
      int rowA = sOffset + HermitianCholesky.index(a, 0);
      for (int b = 0; b <= a; b++) {
        double[] br = rowsRe[rowBase + b];
        double[] bi = rowsIm[rowBase + b];
        double r = 0;
        double im = 0;
        for (int i = lo; i < hi; i++) {
          r += ar[i] * br[i] + ai[i] * bi[i];
          im += ai[i] * br[i] - ar[i] * bi[i];
        }
        sRe[rowA + b] += r;
        sIm[rowA + b] += im;
      }
    }
  }
}
