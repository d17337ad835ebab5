package dev.redunet.redunet.spectral;

import dev.redunet.linalg.ComplexKernels;
import dev.redunet.linalg.DoubleIo;
import dev.redunet.linalg.HermitianCholesky;
import dev.redunet.linalg.MathExecutor;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Objects;

/**
 * Per-frequency second-moment statistics of one class: the count m_j, for every kept bin f the C ×
 * C Hermitian scatter {@code S_j(f) = Σ_{i ∈ j} v_i(f) v_i(f)ᴴ} (REDUNET_SPEC §3.2), and the sum of
 * the DC coefficients {@code s_j = Σ_{i ∈ j} v_i(0) ∈ R^C} (real for real signals; the mean of the
 * class's shift-augmented set, which the affine MICL of {@link SpectralMicl} centres by). They are
 * additive — {@link #plus} of the statistics of two sample sets is the statistics of their union —
 * and can be {@link #scaled} (exponential forgetting), so a streaming learner can accumulate and
 * merge them anywhere. The spectral layer's operators are functions of them alone.
 *
 * <p>Only the kept bins of the {@link SpectralGrid} are stored, as packed lower triangles ({@link
 * HermitianCholesky} layout); {@code S(−f) = conj S(f)} gives the rest. Immutable.
 */
public final class SpectralStatistics {

  private final SpectralGrid grid;
  private final int channels;
  private final double count;
  private final double[] dcSum;
  private final double[] re;
  private final double[] im;

  private SpectralStatistics(
      SpectralGrid grid, int channels, double count, double[] dcSum, double[] re, double[] im) {
    this.grid = grid;
    this.channels = channels;
    this.count = count;
    this.dcSum = dcSum;
    this.re = re;
    this.im = im;
  }

  /** The statistics of no samples. */
  public static SpectralStatistics empty(SpectralGrid grid, int channels) {
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be ≥ 1, got " + channels);
    }
    int n = grid.bins() * HermitianCholesky.packedSize(channels);
    return new SpectralStatistics(
        grid, channels, 0, new double[channels], new double[n], new double[n]);
  }

  /** The statistics of all samples of a batch. */
  public static SpectralStatistics of(SpectralBatch batch) {
    int[] labels = new int[batch.size()];
    return perClass(batch, labels, 1, MathExecutor.sequential())[0];
  }

  /**
   * The statistics of each class of a labelled batch: {@code m_j = #{i : y_i = j}}, {@code S_j(f) =
   * Σ_{y_i = j} v_i(f) v_i(f)ᴴ} and {@code s_j = Σ_{y_i = j} Re v_i(0)} for {@code j = 0 …
   * classes−1}.
   *
   * @param batch m samples, not modified
   * @param labels m labels in [0, classes)
   * @param classes k ≥ 1
   */
  public static SpectralStatistics[] perClass(SpectralBatch batch, int[] labels, int classes) {
    return perClass(batch, labels, classes, MathExecutor.sequential());
  }

  /**
   * {@link #perClass(SpectralBatch, int[], int)} on the executor's threads, split over the bins
   * (every bin is summed alone: the result does not depend on them).
   */
  public static SpectralStatistics[] perClass(
      SpectralBatch batch, int[] labels, int classes, MathExecutor math) {
    int m = batch.size();
    if (labels.length != m) {
      throw new IllegalArgumentException(
          "labels has length " + labels.length + " but the batch has " + m + " samples");
    }
    if (classes < 1) {
      throw new IllegalArgumentException("classes must be ≥ 1, got " + classes);
    }
    int[] counts = new int[classes];
    for (int i = 0; i < m; i++) {
      if (labels[i] < 0 || labels[i] >= classes) {
        throw new IllegalArgumentException(
            "label " + labels[i] + " of sample " + i + " outside [0, " + classes + ")");
      }
      counts[labels[i]]++;
    }
    // Samples of each class, contiguous: members[start[j] .. start[j+1])
    int[] start = new int[classes + 1];
    for (int j = 0; j < classes; j++) {
      start[j + 1] = start[j] + counts[j];
    }
    int[] members = new int[m];
    int[] fill = start.clone();
    for (int i = 0; i < m; i++) {
      members[fill[labels[i]]++] = i;
    }
    SpectralGrid grid = batch.grid();
    int c = batch.channels();
    int tri = HermitianCholesky.packedSize(c);
    SpectralStatistics[] out = new SpectralStatistics[classes];
    for (int j = 0; j < classes; j++) {
      double[] dc = new double[c];
      for (int p = start[j]; p < start[j + 1]; p++) {
        for (int a = 0; a < c; a++) {
          dc[a] += batch.re(0, a, members[p]);
        }
      }
      out[j] =
          new SpectralStatistics(
              grid, c, counts[j], dc, new double[grid.bins() * tri], new double[grid.bins() * tri]);
    }
    double[][] vr = batch.reRows();
    double[][] vi = batch.imRows();
    Ranges.split(
        math,
        grid.bins(),
        (fLo, fHi) -> {
          double[][] gr = new double[c][m];
          double[][] gi = new double[c][m];
          for (int f = fLo; f < fHi; f++) {
            // gather the bin's rows in class order, then one Gram per class range
            for (int a = 0; a < c; a++) {
              double[] sr = vr[f * c + a];
              double[] si = vi[f * c + a];
              for (int p = 0; p < m; p++) {
                gr[a][p] = sr[members[p]];
                gi[a][p] = si[members[p]];
              }
            }
            for (int j = 0; j < classes; j++) {
              if (counts[j] > 0) {
                ComplexKernels.addGram(
                    c, gr, gi, 0, start[j], start[j + 1], out[j].re, out[j].im, f * tri);
              }
            }
          }
        });
    return out;
  }

  /** The grid of kept bins. */
  public SpectralGrid grid() {
    return grid;
  }

  /** Number of channels C. */
  public int channels() {
    return channels;
  }

  /** The (possibly scaled) number of samples m_j. */
  public double count() {
    return count;
  }

  /** The sum of the DC coefficients {@code s_j = Σ_i Re v_i(0)}, length C (a copy). */
  public double[] dcSum() {
    return dcSum.clone();
  }

  /**
   * The sum of two statistics (the statistics of the union of the two sample sets).
   *
   * @throws IllegalArgumentException if grids or channel counts differ
   */
  public SpectralStatistics plus(SpectralStatistics other) {
    checkCompatible(other);
    double[] r = re.clone();
    double[] m = im.clone();
    for (int p = 0; p < r.length; p++) {
      r[p] += other.re[p];
      m[p] += other.im[p];
    }
    double[] dc = dcSum.clone();
    for (int a = 0; a < channels; a++) {
      dc[a] += other.dcSum[a];
    }
    return new SpectralStatistics(grid, channels, count + other.count, dc, r, m);
  }

  /**
   * Count and scatter multiplied by {@code factor} (exponential forgetting).
   *
   * @param factor ≥ 0, finite
   */
  public SpectralStatistics scaled(double factor) {
    if (!(factor >= 0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("scale factor must be finite and ≥ 0, got " + factor);
    }
    double[] r = re.clone();
    double[] m = im.clone();
    for (int p = 0; p < r.length; p++) {
      r[p] *= factor;
      m[p] *= factor;
    }
    double[] dc = dcSum.clone();
    for (int a = 0; a < channels; a++) {
      dc[a] *= factor;
    }
    return new SpectralStatistics(grid, channels, count * factor, dc, r, m);
  }

  /**
   * The full C × C scatter {@code S(f)} of a kept bin, row-major (entry (a, b) at {@code a·C + b}).
   *
   * @return {@code {re, im}}
   */
  public double[][] scatter(int bin) {
    int tri = HermitianCholesky.packedSize(channels);
    double[] r = new double[channels * channels];
    double[] m = new double[channels * channels];
    for (int a = 0; a < channels; a++) {
      for (int b = 0; b <= a; b++) {
        int p = bin * tri + HermitianCholesky.index(a, b);
        r[a * channels + b] = re[p];
        m[a * channels + b] = im[p];
        r[b * channels + a] = re[p];
        m[b * channels + a] = -im[p];
      }
    }
    return new double[][] {r, m};
  }

  /**
   * Writes the statistics: H, W, C, the count, the DC sum (C values), then the packed real and
   * imaginary parts of every kept bin's scatter. {@link #read} inverts it.
   */
  public void write(DataOutput out) throws IOException {
    out.writeInt(grid.height());
    out.writeInt(grid.width());
    out.writeInt(channels);
    out.writeDouble(count);
    DoubleIo.write(out, dcSum);
    DoubleIo.write(out, re);
    DoubleIo.write(out, im);
  }

  /**
   * Reads statistics written by {@link #write}.
   *
   * @throws IOException on truncated or invalid content
   */
  public static SpectralStatistics read(DataInput in) throws IOException {
    int height = in.readInt();
    int width = in.readInt();
    int channels = in.readInt();
    if (height < 1
        || width < 1
        || channels < 1
        || (long) height * width * channels * channels > 1 << 28) {
      throw new IOException(
          "invalid spectral statistics shape C=" + channels + " H=" + height + " W=" + width);
    }
    double count = in.readDouble();
    if (!(count >= 0) || Double.isInfinite(count)) {
      throw new IOException("invalid count " + count);
    }
    SpectralGrid grid = new SpectralGrid(height, width);
    int n = grid.bins() * HermitianCholesky.packedSize(channels);
    double[] dc = DoubleIo.read(in, channels);
    double[] r = DoubleIo.read(in, n);
    double[] m = DoubleIo.read(in, n);
    return new SpectralStatistics(grid, channels, count, dc, r, m);
  }

  /**
   * Writes the bins {@code [from, to)} of the statistics, so that large statistics can be stored in
   * parts of bounded size: H, W, C, from, to, the count and the DC sum (C values) — the true ones
   * in the part that starts at bin 0, zeros in every other — then the packed real and imaginary
   * parts of the scatters {@code S(f)}, f ∈ [from, to) ({@code (to − from)·C(C+1)/2} values each).
   * {@link #readBins} reads a part back as statistics that are zero outside its bins, so the {@link
   * #plus} of the parts of a partition of {@code [0, bins)} equals these statistics.
   *
   * @param from the first bin, in [0, bins)
   * @param to one past the last bin, in (from, bins]
   */
  public void writeBins(DataOutput out, int from, int to) throws IOException {
    if (from < 0 || to <= from || to > grid.bins()) {
      throw new IllegalArgumentException(
          "bins [" + from + ", " + to + ") outside [0, " + grid.bins() + ")");
    }
    out.writeInt(grid.height());
    out.writeInt(grid.width());
    out.writeInt(channels);
    out.writeInt(from);
    out.writeInt(to);
    out.writeDouble(from == 0 ? count : 0);
    DoubleIo.write(out, from == 0 ? dcSum : new double[channels]);
    int tri = HermitianCholesky.packedSize(channels);
    DoubleIo.write(out, Arrays.copyOfRange(re, from * tri, to * tri));
    DoubleIo.write(out, Arrays.copyOfRange(im, from * tri, to * tri));
  }

  /**
   * Reads a part written by {@link #writeBins}: statistics of the part's grid and channels whose
   * scatters are zero outside the part's bins.
   *
   * @throws IOException on truncated or invalid content
   */
  public static SpectralStatistics readBins(DataInput in) throws IOException {
    int height = in.readInt();
    int width = in.readInt();
    int channels = in.readInt();
    if (height < 1
        || width < 1
        || channels < 1
        || (long) height * width * channels * channels > 1 << 28) {
      throw new IOException(
          "invalid spectral statistics shape C=" + channels + " H=" + height + " W=" + width);
    }
    SpectralGrid grid = new SpectralGrid(height, width);
    int from = in.readInt();
    int to = in.readInt();
    if (from < 0 || to <= from || to > grid.bins()) {
      throw new IOException("invalid bins [" + from + ", " + to + ") of " + grid);
    }
    double count = in.readDouble();
    if (!(count >= 0) || Double.isInfinite(count)) {
      throw new IOException("invalid count " + count);
    }
    int tri = HermitianCholesky.packedSize(channels);
    double[] dc = DoubleIo.read(in, channels);
    double[] r = new double[grid.bins() * tri];
    double[] m = new double[grid.bins() * tri];
    System.arraycopy(DoubleIo.read(in, (to - from) * tri), 0, r, from * tri, (to - from) * tri);
    System.arraycopy(DoubleIo.read(in, (to - from) * tri), 0, m, from * tri, (to - from) * tri);
    return new SpectralStatistics(grid, channels, count, dc, r, m);
  }

  /** Packed real parts (not copied: package kernels read them, never write). */
  double[] packedRe() {
    return re;
  }

  /** Packed imaginary parts (not copied). */
  double[] packedIm() {
    return im;
  }

  /**
   * The largest absolute difference of count, DC sum and scatter entries (for tests of additivity).
   */
  public double maxAbsDifference(SpectralStatistics other) {
    checkCompatible(other);
    double max = Math.abs(count - other.count);
    for (int a = 0; a < channels; a++) {
      max = Math.max(max, Math.abs(dcSum[a] - other.dcSum[a]));
    }
    for (int p = 0; p < re.length; p++) {
      max = Math.max(max, Math.abs(re[p] - other.re[p]));
      max = Math.max(max, Math.abs(im[p] - other.im[p]));
    }
    return max;
  }

  private void checkCompatible(SpectralStatistics other) {
    if (!other.grid.equals(grid) || other.channels != channels) {
      throw new IllegalArgumentException(
          "statistics of "
              + grid
              + " with C = "
              + channels
              + " and of "
              + other.grid
              + " with C = "
              + other.channels
              + " cannot be combined");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SpectralStatistics s
        && s.grid.equals(grid)
        && s.channels == channels
        && Double.compare(s.count, count) == 0
        && Arrays.equals(s.dcSum, dcSum)
        && Arrays.equals(s.re, re)
        && Arrays.equals(s.im, im);
  }

  @Override
  public int hashCode() {
    return Objects.hash(grid, channels, count, Arrays.hashCode(dcSum), Arrays.hashCode(re));
  }

  @Override
  public String toString() {
    return "SpectralStatistics(count " + count + ", C = " + channels + ", " + grid + ")";
  }
}
