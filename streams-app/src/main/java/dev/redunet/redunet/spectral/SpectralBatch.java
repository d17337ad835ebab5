package dev.redunet.redunet.spectral;

import dev.redunet.linalg.Fft;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.signal.SignalShape;

/**
 * The frequency-domain coefficients of m real multichannel signals of one {@link SignalShape}: for
 * every kept bin f of the {@link SpectralGrid} and channel c, the row {@code v[f][c][0..m)} of the
 * ortho DFT coefficients of all samples (REDUNET_SPEC §3.1). Rows are split real/imaginary arrays
 * with the sample as the inner index, the layout the per-frequency kernels stream over.
 *
 * <p>Norms and inner products over all C·H·W coefficients of a sample are the weighted sums over
 * kept bins (see {@link SpectralGrid}), equal to the time-domain ones by Parseval. Instances are
 * immutable: the arrays are never exposed, and every operation returns a new batch.
 */
public final class SpectralBatch {

  private final SignalShape shape;
  private final SpectralGrid grid;
  private final int size;
  private final double[][] re;
  private final double[][] im;

  /** Takes ownership of the rows (no copy); callers in this package must not keep them. */
  SpectralBatch(SignalShape shape, SpectralGrid grid, int size, double[][] re, double[][] im) {
    int rows = grid.bins() * shape.channels();
    if (re.length != rows || im.length != rows) {
      throw new IllegalArgumentException(
          "spectral batch of " + shape + " needs " + rows + " rows, got " + re.length);
    }
    this.shape = shape;
    this.grid = grid;
    this.size = size;
    this.re = re;
    this.im = im;
  }

  /** An uninitialised batch (all zero) to be filled by package code. */
  static SpectralBatch zeros(SignalShape shape, SpectralGrid grid, int size) {
    int rows = grid.bins() * shape.channels();
    return new SpectralBatch(shape, grid, size, new double[rows][size], new double[rows][size]);
  }

  /**
   * The ortho DFT of real signals: {@code V[c][f] = (HW)^{-1/2} Σ_p x[c][p] e^{−2πi⟨f,p⟩}} per
   * channel, kept bins only. No normalisation.
   *
   * @param shape the shape of every sample
   * @param samples m flat samples (index {@code c·H·W + h·W + w}), not modified
   * @throws IllegalArgumentException if a sample has the wrong length
   */
  public static SpectralBatch fromSignals(SignalShape shape, double[][] samples) {
    return fromSignals(shape, samples, MathExecutor.sequential());
  }

  /** {@link #fromSignals(SignalShape, double[][])} on the executor's threads (split by sample). */
  public static SpectralBatch fromSignals(
      SignalShape shape, double[][] samples, MathExecutor math) {
    for (int i = 0; i < samples.length; i++) {
      shape.check(samples[i], "sample " + i);
    }
    SpectralGrid grid = new SpectralGrid(shape.height(), shape.width());
    SpectralBatch out = zeros(shape, grid, samples.length);
    int channels = shape.channels();
    int bins = grid.bins();
    Ranges.split(
        math,
        samples.length,
        () -> new Transform(shape),
        (Transform t, int lo, int hi) -> {
          Fft fft = t.fft;
          double[] hr = t.re;
          double[] hi2 = t.im;
          for (int i = lo; i < hi; i++) {
            for (int c = 0; c < channels; c++) {
              fft.forward(samples[i], c * shape.positions(), hr, hi2);
              for (int f = 0; f < bins; f++) {
                int p = grid.row(f) * grid.halfWidth() + grid.column(f);
                out.re[f * channels + c][i] = hr[p];
                out.im[f * channels + c][i] = hi2[p];
              }
            }
          }
        });
    return out;
  }

  /**
   * The inverse ortho DFT of every sample: real signals of this batch's shape. (The coefficients
   * are conjugate-symmetric by construction, so the inverse is real.)
   *
   * @return m new flat samples
   */
  public double[][] toSignals() {
    return toSignals(MathExecutor.sequential());
  }

  /** {@link #toSignals()} on the executor's threads (split by sample). */
  public double[][] toSignals(MathExecutor math) {
    double[][] out = new double[size][shape.size()];
    int channels = shape.channels();
    Ranges.split(
        math,
        size,
        () -> new Transform(shape),
        (Transform t, int lo, int hi) -> {
          Fft fft = t.fft;
          double[] hr = t.re;
          double[] hi2 = t.im;
          for (int i = lo; i < hi; i++) {
            for (int c = 0; c < channels; c++) {
              for (int p = 0; p < hr.length; p++) {
                int row = grid.halfSource(p) * channels + c;
                hr[p] = re[row][i];
                hi2[p] = grid.halfConjugate(p) ? -im[row][i] : im[row][i];
              }
              fft.inverse(hr, hi2, out[i], c * shape.positions());
            }
          }
        });
    return out;
  }

  /**
   * A batch from per-sample coefficients: sample i's coefficient of kept bin f and channel c is
   * {@code re[i][f·C + c] + i·im[i][f·C + c]}. The caller guarantees they are those of real signals
   * (real on self-conjugate bins).
   *
   * @param shape the shape of every sample
   * @param re m rows of B·C real parts, not modified
   * @param im m rows of B·C imaginary parts, not modified
   * @throws IllegalArgumentException if a row has the wrong length
   */
  public static SpectralBatch ofCoefficients(SignalShape shape, double[][] re, double[][] im) {
    SpectralGrid grid = new SpectralGrid(shape.height(), shape.width());
    int channels = shape.channels();
    int rows = grid.bins() * channels;
    int m = re.length;
    if (im.length != m) {
      throw new IllegalArgumentException(re.length + " real rows but " + im.length + " imaginary");
    }
    SpectralBatch out = zeros(shape, grid, m);
    for (int i = 0; i < m; i++) {
      if (re[i].length != rows || im[i].length != rows) {
        throw new IllegalArgumentException(
            "sample " + i + " needs " + rows + " coefficients (B·C), got " + re[i].length);
      }
      for (int q = 0; q < rows; q++) {
        out.re[q][i] = re[i][q];
        out.im[q][i] = im[i][q];
      }
    }
    return out;
  }

  /**
   * Sample i's coefficients in the layout of {@link #ofCoefficients}: {@code {re, im}}, B·C each
   * (new arrays).
   */
  public double[][] coefficients(int i) {
    int rows = re.length;
    double[] r = new double[rows];
    double[] m = new double[rows];
    for (int q = 0; q < rows; q++) {
      r[q] = re[q][i];
      m[q] = im[q][i];
    }
    return new double[][] {r, m};
  }

  /** A thread's transform of one channel and its half-spectrum buffers. */
  private static final class Transform {
    final Fft fft;
    final double[] re;
    final double[] im;

    Transform(SignalShape shape) {
      fft = new Fft(shape.height(), shape.width());
      re = new double[fft.halfSize()];
      im = new double[fft.halfSize()];
    }
  }

  /** The shape of every sample. */
  public SignalShape shape() {
    return shape;
  }

  /** The kept bins. */
  public SpectralGrid grid() {
    return grid;
  }

  /** Number of channels C. */
  public int channels() {
    return shape.channels();
  }

  /** Number of samples m. */
  public int size() {
    return size;
  }

  /** Real part of coefficient (bin, channel) of sample i. */
  public double re(int bin, int channel, int sample) {
    return re[bin * shape.channels() + channel][sample];
  }

  /** Imaginary part of coefficient (bin, channel) of sample i. */
  public double im(int bin, int channel, int sample) {
    return im[bin * shape.channels() + channel][sample];
  }

  /** Rows for package kernels (not copied: do not modify). */
  double[][] reRows() {
    return re;
  }

  /** Rows for package kernels (not copied: do not modify). */
  double[][] imRows() {
    return im;
  }

  /**
   * Squared norm of every sample over all C·H·W coefficients: {@code Σ_f weight(f) Σ_c |v[f][c]|²}
   * (= the time-domain {@code ‖x‖²} by Parseval).
   */
  public double[] squaredNorms() {
    double[] out = new double[size];
    int channels = shape.channels();
    for (int f = 0; f < grid.bins(); f++) {
      double w = grid.weight(f);
      for (int c = 0; c < channels; c++) {
        double[] r = re[f * channels + c];
        double[] m = im[f * channels + c];
        for (int i = 0; i < size; i++) {
          out[i] += w * (r[i] * r[i] + m[i] * m[i]);
        }
      }
    }
    return out;
  }

  /**
   * Every sample divided by {@code max(‖v‖, 1e-8)}, the norm over all C·H·W coefficients
   * (REDUNET_SPEC §1 {@code normalize}).
   */
  public SpectralBatch normalized() {
    double[] n2 = squaredNorms();
    double[] scale = new double[size];
    for (int i = 0; i < size; i++) {
      scale[i] = 1.0 / Math.max(Math.sqrt(n2[i]), 1e-8);
    }
    double[][] r = new double[re.length][];
    double[][] m = new double[im.length][];
    for (int row = 0; row < re.length; row++) {
      r[row] = re[row].clone();
      m[row] = im[row].clone();
      for (int i = 0; i < size; i++) {
        r[row][i] *= scale[i];
        m[row][i] *= scale[i];
      }
    }
    return new SpectralBatch(shape, grid, size, r, m);
  }

  /**
   * The cyclic shift of every sample by (dh, dw): {@code x'[c][h][w] = x[c][h−dh][w−dw]} (indices
   * mod H, W; NumPy {@code roll(x, (dh, dw), axis=(1, 2))}), i.e. {@code v'(f) =
   * v(f)·e^{−2πi(h·dh/H + w·dw/W)}}. In 1D only dw (the time shift) is used.
   *
   * @param dh rows to shift by (must be 0 in 1D)
   * @param dw columns (time steps) to shift by
   */
  public SpectralBatch shifted(int dh, int dw) {
    if (shape.is1d() && dh != 0) {
      throw new IllegalArgumentException("a 1D signal " + shape + " has no row shift, got " + dh);
    }
    int channels = shape.channels();
    double[][] r = new double[re.length][size];
    double[][] m = new double[im.length][size];
    for (int f = 0; f < grid.bins(); f++) {
      double phase =
          -2
              * Math.PI
              * (((double) grid.row(f) * dh) / grid.height()
                  + ((double) grid.column(f) * dw) / grid.width());
      double cr = Math.cos(phase);
      double ci = Math.sin(phase);
      for (int c = 0; c < channels; c++) {
        int row = f * channels + c;
        for (int i = 0; i < size; i++) {
          double a = re[row][i];
          double b = im[row][i];
          r[row][i] = cr * a - ci * b;
          m[row][i] = cr * b + ci * a;
        }
      }
    }
    return new SpectralBatch(shape, grid, size, r, m);
  }

  /**
   * The samples at the given indices, in that order.
   *
   * @param indices sample indices, each in [0, m)
   */
  public SpectralBatch select(int[] indices) {
    for (int i : indices) {
      if (i < 0 || i >= size) {
        throw new IllegalArgumentException("sample index " + i + " outside [0, " + size + ")");
      }
    }
    double[][] r = new double[re.length][indices.length];
    double[][] m = new double[im.length][indices.length];
    for (int row = 0; row < re.length; row++) {
      for (int k = 0; k < indices.length; k++) {
        r[row][k] = re[row][indices[k]];
        m[row][k] = im[row][indices[k]];
      }
    }
    return new SpectralBatch(shape, grid, indices.length, r, m);
  }

  /**
   * The largest absolute difference between corresponding coefficients of two batches of the same
   * shape and size.
   */
  public double maxAbsDifference(SpectralBatch other) {
    if (!other.shape.equals(shape) || other.size != size) {
      throw new IllegalArgumentException(
          "cannot compare batches of "
              + shape
              + " × "
              + size
              + " and "
              + other.shape
              + " × "
              + other.size);
    }
    double max = 0;
    for (int row = 0; row < re.length; row++) {
      for (int i = 0; i < size; i++) {
        max = Math.max(max, Math.abs(re[row][i] - other.re[row][i]));
        max = Math.max(max, Math.abs(im[row][i] - other.im[row][i]));
      }
    }
    return max;
  }

  @Override
  public String toString() {
    return "SpectralBatch(" + size + " samples of " + shape + ", " + grid.bins() + " bins)";
  }
}
