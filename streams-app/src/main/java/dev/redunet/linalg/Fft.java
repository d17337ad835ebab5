package dev.redunet.linalg;

import org.jtransforms.fft.DoubleFFT_1D;
import pl.edu.icm.jlargearrays.ConcurrencyUtils;

/**
 * Orthonormal real-to-half-spectrum DFT of an H × W real array (1D: H = 1, W = T), the one place
 * that touches JTransforms.
 *
 * <p>Forward: {@code X[h][w] = (HW)^{-1/2} Σ_{p,q} x[p][q] e^{-2πi(hp/H + wq/W)}} for {@code 0 ≤ h
 * < H}, {@code 0 ≤ w ≤ ⌊W/2⌋} (NumPy {@code rfft2(x, norm="ortho")}; REDUNET_SPEC §3.1). The other
 * half follows from {@code X[h][w] = conj X[(H−h) mod H][(W−w) mod W]}. Inverse: the ortho inverse
 * of a half spectrum of a real array ({@code irfft2(X, s=(H, W), norm="ortho")}); the imaginary
 * parts that a real array cannot have (the DC and Nyquist entries of each row's transform) are
 * ignored. Parseval: {@code ‖x‖² = Σ_{h,w} weight(w)·|X[h][w]|²} with weight 1 for {@code w = 0}
 * and {@code w = W/2} (W even), else 2.
 *
 * <p>Half spectra are split arrays {@code re, im} of length {@code H·(⌊W/2⌋+1)}, row-major ({@code
 * h·halfWidth + w}).
 *
 * <p>An instance keeps work buffers: it is not thread-safe; use one per thread (the callers
 * parallelise over samples on their {@link MathExecutor}). JTransforms' own threads are disabled:
 * with one thread it never submits a task to its executor, so that executor starts no thread.
 */
public final class Fft {

  static {
    ConcurrencyUtils.setNumberOfThreads(1);
  }

  private final int height;
  private final int width;
  private final int halfWidth;
  private final double scale;
  private final DoubleFFT_1D rowFft;
  private final DoubleFFT_1D columnFft;
  private final double[] rowBuffer;
  private final double[] columnBuffer;

  /**
   * A transform for H × W real arrays.
   *
   * @param height H ≥ 1 (1 for a 1D signal)
   * @param width W ≥ 1 (T for a 1D signal)
   */
  public Fft(int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "FFT size must be positive, got H × W = " + height + " × " + width);
    }
    this.height = height;
    this.width = width;
    this.halfWidth = width / 2 + 1;
    this.scale = 1.0 / Math.sqrt((double) height * width);
    this.rowFft = width > 1 ? new DoubleFFT_1D(width) : null;
    this.columnFft = height > 1 ? new DoubleFFT_1D(height) : null;
    this.rowBuffer = new double[width];
    this.columnBuffer = new double[2 * height];
  }

  /** H. */
  public int height() {
    return height;
  }

  /** W (T in 1D). */
  public int width() {
    return width;
  }

  /** ⌊W/2⌋ + 1, the number of stored columns of the half spectrum. */
  public int halfWidth() {
    return halfWidth;
  }

  /** Length of the split half-spectrum arrays, H·(⌊W/2⌋+1). */
  public int halfSize() {
    return height * halfWidth;
  }

  /**
   * Ortho forward transform of {@code x[offset .. offset + H·W)} (row-major) into the half
   * spectrum.
   *
   * @param x real input, not modified
   * @param offset start of the H × W block in {@code x}
   * @param re real parts out, length ≥ {@link #halfSize()}, overwritten
   * @param im imaginary parts out, length ≥ {@link #halfSize()}, overwritten
   */
  public void forward(double[] x, int offset, double[] re, double[] im) {
    checkHalf(re, im);
    if (offset < 0 || offset + height * width > x.length) {
      throw new IllegalArgumentException(
          "input block ["
              + offset
              + ", "
              + (offset + height * width)
              + ") outside length "
              + x.length);
    }
    for (int h = 0; h < height; h++) {
      System.arraycopy(x, offset + h * width, rowBuffer, 0, width);
      if (rowFft != null) {
        rowFft.realForward(rowBuffer);
      }
      unpackRow(rowBuffer, re, im, h * halfWidth);
    }
    if (columnFft != null) {
      for (int w = 0; w < halfWidth; w++) {
        for (int h = 0; h < height; h++) {
          columnBuffer[2 * h] = re[h * halfWidth + w];
          columnBuffer[2 * h + 1] = im[h * halfWidth + w];
        }
        columnFft.complexForward(columnBuffer);
        for (int h = 0; h < height; h++) {
          re[h * halfWidth + w] = columnBuffer[2 * h];
          im[h * halfWidth + w] = columnBuffer[2 * h + 1];
        }
      }
    }
    int n = halfSize();
    for (int i = 0; i < n; i++) {
      re[i] *= scale;
      im[i] *= scale;
    }
  }

  /**
   * Ortho inverse transform of a half spectrum into {@code x[offset .. offset + H·W)}.
   *
   * @param re real parts, length ≥ {@link #halfSize()}, not modified
   * @param im imaginary parts, length ≥ {@link #halfSize()}, not modified
   * @param x real output, the block is overwritten
   * @param offset start of the H × W block in {@code x}
   */
  public void inverse(double[] re, double[] im, double[] x, int offset) {
    checkHalf(re, im);
    if (offset < 0 || offset + height * width > x.length) {
      throw new IllegalArgumentException(
          "output block ["
              + offset
              + ", "
              + (offset + height * width)
              + ") outside length "
              + x.length);
    }
    double[] rowsRe = new double[halfSize()];
    double[] rowsIm = new double[halfSize()];
    if (columnFft != null) {
      for (int w = 0; w < halfWidth; w++) {
        for (int h = 0; h < height; h++) {
          columnBuffer[2 * h] = re[h * halfWidth + w];
          columnBuffer[2 * h + 1] = im[h * halfWidth + w];
        }
        columnFft.complexInverse(columnBuffer, true);
        for (int h = 0; h < height; h++) {
          rowsRe[h * halfWidth + w] = columnBuffer[2 * h];
          rowsIm[h * halfWidth + w] = columnBuffer[2 * h + 1];
        }
      }
    } else {
      System.arraycopy(re, 0, rowsRe, 0, halfSize());
      System.arraycopy(im, 0, rowsIm, 0, halfSize());
    }
    // complexInverse(scale) divided by H and realInverse(scale) divides by W: the ortho inverse
    // is (HW)^{-1/2} Σ, so multiply back by sqrt(HW).
    double back = Math.sqrt((double) height * width);
    for (int h = 0; h < height; h++) {
      packRow(rowsRe, rowsIm, h * halfWidth, rowBuffer);
      if (rowFft != null) {
        rowFft.realInverse(rowBuffer, true);
      }
      for (int w = 0; w < width; w++) {
        x[offset + h * width + w] = rowBuffer[w] * back;
      }
    }
  }

  /** JTransforms realForward layout → half spectrum of one row. */
  private void unpackRow(double[] a, double[] re, double[] im, int at) {
    int n = width;
    if (n == 1) {
      re[at] = a[0];
      im[at] = 0;
      return;
    }
    re[at] = a[0];
    im[at] = 0;
    if (n % 2 == 0) {
      for (int k = 1; k < n / 2; k++) {
        re[at + k] = a[2 * k];
        im[at + k] = a[2 * k + 1];
      }
      re[at + n / 2] = a[1];
      im[at + n / 2] = 0;
    } else {
      int last = (n - 1) / 2;
      for (int k = 1; k < last; k++) {
        re[at + k] = a[2 * k];
        im[at + k] = a[2 * k + 1];
      }
      re[at + last] = a[2 * last];
      im[at + last] = a[1];
    }
  }

  /** Half spectrum of one row → JTransforms realInverse layout. */
  private void packRow(double[] re, double[] im, int at, double[] a) {
    int n = width;
    if (n == 1) {
      a[0] = re[at];
      return;
    }
    a[0] = re[at];
    if (n % 2 == 0) {
      for (int k = 1; k < n / 2; k++) {
        a[2 * k] = re[at + k];
        a[2 * k + 1] = im[at + k];
      }
      a[1] = re[at + n / 2];
    } else {
      int last = (n - 1) / 2;
      for (int k = 1; k < last; k++) {
        a[2 * k] = re[at + k];
        a[2 * k + 1] = im[at + k];
      }
      a[2 * last] = re[at + last];
      a[1] = im[at + last];
    }
  }

  private void checkHalf(double[] re, double[] im) {
    if (re.length < halfSize() || im.length < halfSize()) {
      throw new IllegalArgumentException(
          "half spectrum of "
              + height
              + " × "
              + width
              + " needs length "
              + halfSize()
              + ", got re "
              + re.length
              + ", im "
              + im.length);
    }
  }
}
