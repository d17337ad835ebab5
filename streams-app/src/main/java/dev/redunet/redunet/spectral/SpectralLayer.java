package dev.redunet.redunet.spectral;

import dev.redunet.linalg.ComplexKernels;
import dev.redunet.linalg.DoubleIo;
import dev.redunet.linalg.HermitianCholesky;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.Layer;
import dev.redunet.signal.SignalShape;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * One shift-invariant ReduNet layer in the frequency domain (REDUNET_SPEC §3, the reference's
 * {@code Fourier1D} / {@code Fourier2D}), built from per-class per-frequency statistics.
 *
 * <p>Operators, for every bin f (C × C Hermitian):
 *
 * <pre>
 *   E(f)   = α (I + α S(f))⁻¹   = (S(f) + I/α)⁻¹,     α   = C/(m ε²),   S = Σ_j S_j
 *   Cʲ(f)  = α_j (I + α_j S_j(f))⁻¹ = (S_j(f) + I/α_j)⁻¹, α_j = C/(m_j ε²),  γ_j = m_j/m
 * </pre>
 *
 * (no factor T: spec §3.6). They are kept as Hermitian Cholesky factors of {@code S + I/α} and
 * applied by two triangular solves, which costs the same as a product with the explicit inverse.
 * Only the kept bins of the {@link SpectralGrid} are stored: {@code E(−f) = conj E(f)}.
 *
 * <p>Update of a sample v (all its C × N coefficients):
 *
 * <pre>
 *   n_j   = max(‖Cʲ v‖, 1e-8),  the norm over all bins and channels
 *   π̂_j   = softmax_j(−λ n_j)
 *   v'    = normalize(v + η (E v − Σ_j γ_j P_j Cʲ v)),  P = π̂, or the one-hot label in
 *           {@link TrainingMembership#LABELS} mode for training samples
 * </pre>
 *
 * A class with no samples has no operator, γ_j = 0 and π̂_j = 0. Immutable; thread-safe.
 */
public final class SpectralLayer implements Layer {

  /** The tag of spectral layers in a serialized network. */
  public static final String TAG = "spectral";

  /**
   * Memory (bytes) up to which the products Cʲ(f)v of a forward pass are kept between its two
   * passes, an eighth of the maximum heap; above it they are recomputed in the second pass.
   */
  static final long KEEP_BYTES = Runtime.getRuntime().maxMemory() / 8;

  private final SpectralGrid grid;
  private final int channels;
  private final int classes;
  private final int[] classLabels;
  private final SpectralParameters parameters;
  private final double alpha;
  private final double[] classAlpha;
  private final double[] gamma;
  private final double[] classCount;
  private final int[] present;
  private final double[] eRe;
  private final double[] eIm;
  private final double[][] cRe;
  private final double[][] cIm;
  private final Rates inputRates;

  private SpectralLayer(
      SpectralGrid grid,
      int channels,
      SpectralParameters parameters,
      double[] classCount,
      int[] classLabels,
      double[] eRe,
      double[] eIm,
      double[][] cRe,
      double[][] cIm,
      Rates inputRates) {
    this.grid = grid;
    this.channels = channels;
    this.classes = classCount.length;
    this.classLabels = classLabels;
    this.parameters = parameters;
    this.classCount = classCount;
    double m = Arrays.stream(classCount).sum();
    this.alpha = channels / (m * parameters.epsSq());
    this.classAlpha = new double[classes];
    this.gamma = new double[classes];
    this.present = IntStream.range(0, classes).filter(j -> classCount[j] > 0).toArray();
    for (int j : present) {
      classAlpha[j] = channels / (classCount[j] * parameters.epsSq());
      gamma[j] = classCount[j] / m;
    }
    this.eRe = eRe;
    this.eIm = eIm;
    this.cRe = cRe;
    this.cIm = cIm;
    this.inputRates = inputRates;
  }

  /**
   * Builds the layer from the per-class statistics of its input features.
   *
   * @param perClass statistics of each class j = 0 … k−1 (same grid and C; at least one sample)
   * @param parameters ε², η, λ
   * @throws IllegalArgumentException if the statistics disagree in shape or hold no sample
   * @throws ArithmeticException if an operator is not positive definite (NaN/Inf in the input)
   */
  public static SpectralLayer build(SpectralStatistics[] perClass, SpectralParameters parameters) {
    return build(perClass, parameters, MathExecutor.sequential());
  }

  /** {@link #build(SpectralStatistics[], SpectralParameters)} on the executor's threads. */
  public static SpectralLayer build(
      SpectralStatistics[] perClass, SpectralParameters parameters, MathExecutor math) {
    return build(perClass, IntStream.range(0, perClass.length).toArray(), parameters, math);
  }

  /**
   * Builds the layer from the per-class statistics of its input features.
   *
   * @param perClass statistics of each class index j = 0 … k−1
   * @param classLabels the label of each class index (distinct), reported by {@link #classLabels()}
   * @param parameters ε², η, λ
   * @param math the threads to split the bins over (every bin is factored alone: the result does
   *     not depend on them)
   */
  public static SpectralLayer build(
      SpectralStatistics[] perClass,
      int[] classLabels,
      SpectralParameters parameters,
      MathExecutor math) {
    if (classLabels.length != perClass.length
        || Arrays.stream(classLabels).distinct().count() != classLabels.length) {
      throw new IllegalArgumentException(
          "need one distinct label per class: "
              + Arrays.toString(classLabels)
              + " for "
              + perClass.length
              + " classes");
    }
    if (perClass.length == 0) {
      throw new IllegalArgumentException("a spectral layer needs at least one class");
    }
    SpectralGrid grid = perClass[0].grid();
    int channels = perClass[0].channels();
    double[] counts = new double[perClass.length];
    double total = 0;
    for (int j = 0; j < perClass.length; j++) {
      if (!perClass[j].grid().equals(grid) || perClass[j].channels() != channels) {
        throw new IllegalArgumentException(
            "class "
                + j
                + " statistics are of "
                + perClass[j].grid()
                + " with C = "
                + perClass[j].channels()
                + ", class 0 of "
                + grid
                + " with C = "
                + channels);
      }
      counts[j] = perClass[j].count();
      total += counts[j];
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException("a spectral layer needs at least one sample");
    }
    int tri = HermitianCholesky.packedSize(channels);
    int bins = grid.bins();
    double alpha = channels / (total * parameters.epsSq());
    double[] eRe = new double[bins * tri];
    double[] eIm = new double[bins * tri];
    double[][] cRe = new double[perClass.length][];
    double[][] cIm = new double[perClass.length][];
    double[] classAlpha = new double[perClass.length];
    for (int j = 0; j < perClass.length; j++) {
      if (counts[j] > 0) {
        cRe[j] = perClass[j].packedRe().clone();
        cIm[j] = perClass[j].packedIm().clone();
        classAlpha[j] = channels / (counts[j] * parameters.epsSq());
      }
    }
    double[] logDetE = new double[bins];
    double[][] logDetC = new double[perClass.length][bins];
    Ranges.split(
        math,
        bins,
        (lo, hi) -> {
          for (int f = lo; f < hi; f++) {
            int off = f * tri;
            for (SpectralStatistics s : perClass) {
              double[] sr = s.packedRe();
              double[] si = s.packedIm();
              for (int p = 0; p < tri; p++) {
                eRe[off + p] += sr[off + p];
                eIm[off + p] += si[off + p];
              }
            }
            addToDiagonal(channels, eRe, off, 1.0 / alpha);
            HermitianCholesky.decompose(channels, eRe, eIm, off);
            logDetE[f] = SpectralRates.logDetShifted(channels, alpha, eRe, off);
            for (int j = 0; j < perClass.length; j++) {
              if (cRe[j] != null) {
                addToDiagonal(channels, cRe[j], off, 1.0 / classAlpha[j]);
                HermitianCholesky.decompose(channels, cRe[j], cIm[j], off);
                logDetC[j][f] = SpectralRates.logDetShifted(channels, classAlpha[j], cRe[j], off);
              }
            }
          }
        });
    double n2 = 2.0 * grid.fullSize();
    double r = 0;
    for (int f = 0; f < bins; f++) {
      r += grid.weight(f) * logDetE[f];
    }
    double rc = 0;
    for (int j = 0; j < perClass.length; j++) {
      if (cRe[j] != null) {
        double s = 0;
        for (int f = 0; f < bins; f++) {
          s += grid.weight(f) * logDetC[j][f];
        }
        rc += counts[j] / total * s / n2;
      }
    }
    return new SpectralLayer(
        grid,
        channels,
        parameters,
        counts,
        classLabels.clone(),
        eRe,
        eIm,
        cRe,
        cIm,
        Rates.of(r / n2, rc));
  }

  private static void addToDiagonal(int n, double[] re, int offset, double value) {
    for (int a = 0; a < n; a++) {
      re[offset + HermitianCholesky.index(a, a)] += value;
    }
  }

  /** The result of a forward pass: the output features and the membership π̂ of the input. */
  public static final class Output {
    private final SpectralBatch features;
    private final double[][] membership;

    Output(SpectralBatch features, double[][] membership) {
      this.features = features;
      this.membership = membership;
    }

    /** The normalised output features. */
    public SpectralBatch features() {
      return features;
    }

    /** π̂_j(v_i) as a k × m array (a copy). */
    public double[][] membership() {
      return Arrays.stream(membership).map(double[]::clone).toArray(double[][]::new);
    }

    /** π̂_j of sample i. */
    public double membership(int j, int i) {
      return membership[j][i];
    }

    /** ŷ_i = argmax_j π̂_j(v_i) (ties to the smaller class). */
    public int[] predictedClasses() {
      int m = features.size();
      int[] out = new int[m];
      for (int i = 0; i < m; i++) {
        int best = 0;
        for (int j = 1; j < membership.length; j++) {
          if (membership[j][i] > membership[best][i]) {
            best = j;
          }
        }
        out[i] = best;
      }
      return out;
    }
  }

  /**
   * Applies the layer to test (or training, {@link TrainingMembership#SOFTMAX}) samples: all use
   * π̂.
   *
   * @param input m samples of this layer's grid and channel count, not modified
   */
  public Output forward(SpectralBatch input) {
    return forward(input, null, MathExecutor.sequential());
  }

  /**
   * Applies the layer (REDUNET_SPEC §3.4).
   *
   * @param input m samples, not modified
   * @param labels null to weight every sample by π̂; else the true labels of training samples,
   *     whose one-hot vectors replace π̂ in the update ({@link TrainingMembership#LABELS}), or −1
   *     for a sample weighted by π̂ (a class the layer does not know)
   * @param math the threads to split the frequency bins over (the result does not depend on them:
   *     the sums over bins add fixed blocks of bins in order)
   */
  public Output forward(SpectralBatch input, int[] labels, MathExecutor math) {
    return forward(input, labels, math, new Workspace());
  }

  /**
   * {@link #forward(SpectralBatch, int[], MathExecutor)} with scratch memory that is kept between
   * calls: a construction that passes the same workspace to every layer allocates the class
   * products once.
   */
  public Output forward(SpectralBatch input, int[] labels, MathExecutor math, Workspace workspace) {
    if (!input.grid().equals(grid) || input.channels() != channels) {
      throw new IllegalArgumentException(
          "layer of "
              + grid
              + " with C = "
              + channels
              + " cannot take a batch of "
              + input.grid()
              + " with C = "
              + input.channels());
    }
    int m = input.size();
    if (labels != null) {
      if (labels.length != m) {
        throw new IllegalArgumentException(
            "labels has length " + labels.length + " but the batch has " + m + " samples");
      }
      for (int i = 0; i < m; i++) {
        if (labels[i] < -1
            || labels[i] >= classes
            || (labels[i] >= 0 && classCount[labels[i]] == 0)) {
          throw new IllegalArgumentException(
              "label " + labels[i] + " of sample " + i + " is not a class of this layer");
        }
      }
    }
    boolean keep = 16L * present.length * grid.bins() * channels * m <= KEEP_BYTES;
    return forwardPasses(input, labels, math, keep ? workspace : null);
  }

  /**
   * Reusable scratch memory of {@link #forward(SpectralBatch, int[], MathExecutor, Workspace)}: the
   * products Cʲ(f)v of every class, bin and sample between the two passes. Not thread-safe: one
   * forward pass at a time.
   */
  public static final class Workspace {
    private double[][][] re;
    private double[][][] im;

    /** An empty workspace; memory is allocated by the first pass that needs it. */
    public Workspace() {}

    /** {@code {re, im}}, each k × rows × m, reused when the dimensions repeat. */
    double[][][][] kept(int k, int rows, int m) {
      if (re == null || re.length != k || re[0].length != rows || re[0][0].length != m) {
        re = new double[k][rows][m];
        im = new double[k][rows][m];
      }
      return new double[][][][] {re, im};
    }
  }

  /**
   * The forward pass in two passes over the bins, each split over the threads. Pass 1: {@code
   * Cʲ(f)v} for every class and bin, and the squared norms {@code Σ_f w_f ‖Cʲ(f)v(f)‖²}; then π̂.
   * Pass 2: {@code v + η(E(f)v − Σ_j γ_j P_j Cʲ(f)v)} per bin, with {@code Cʲ(f)v} kept from pass 1
   * in the workspace, or recomputed when the workspace is null; then the normalisation. Every
   * kernel streams over all m samples of a bin. The sums over bins (the norms) are taken per fixed
   * block of bins ({@link Ranges#REDUCTION_BLOCKS}) and the blocks' sums added in block order, so
   * the output does not depend on the number of threads.
   */
  Output forwardPasses(SpectralBatch input, int[] labels, MathExecutor math, Workspace workspace) {
    boolean keep = workspace != null;
    int m = input.size();
    int bins = grid.bins();
    int k = present.length;
    int tri = HermitianCholesky.packedSize(channels);
    double[][] inRe = input.reRows();
    double[][] inIm = input.imRows();
    double[][][][] kept = keep ? workspace.kept(k, bins * channels, m) : null;
    double[][][] keptRe = keep ? kept[0] : null;
    double[][][] keptIm = keep ? kept[1] : null;
    int[] blocks = MathExecutor.blocks(bins, Ranges.REDUCTION_BLOCKS);
    int blockCount = blocks.length - 1;

    // Pass 1: class products and their squared norms over all bins.
    double[] norms = new double[k * m]; // class q, sample i at q·m + i
    OrderedSum normSum = new OrderedSum(blockCount, norms);
    math.forEach(
        blockCount,
        () -> new Scratch(channels, m, k * m, !keep, false),
        (Scratch scratch, int b) -> {
          double[] local = scratch.partial;
          for (int f = blocks[b]; f < blocks[b + 1]; f++) {
            double w = grid.weight(f);
            for (int q = 0; q < k; q++) {
              // Cʲ(f)v in the kept rows of the class (row base f·C), or in a temporary block
              double[][] yr = keep ? keptRe[q] : scratch.tr;
              double[][] yi = keep ? keptIm[q] : scratch.ti;
              int base = keep ? f * channels : 0;
              for (int a = 0; a < channels; a++) {
                System.arraycopy(inRe[f * channels + a], 0, yr[base + a], 0, m);
                System.arraycopy(inIm[f * channels + a], 0, yi[base + a], 0, m);
              }
              int j = present[q];
              HermitianCholesky.solve(channels, cRe[j], cIm[j], f * tri, yr, yi, base, 0, m);
              for (int a = 0; a < channels; a++) {
                ComplexKernels.addSquaredModulus(w, yr[base + a], yi[base + a], 0, m, local, q * m);
              }
            }
          }
          normSum.add(b, local);
        });

    // π̂ = softmax(−λ n) over the present classes, and the update weights γ_j P_j.
    double[][] membership = new double[classes][m];
    double[][] coef = new double[k][m];
    double lambda = parameters.lambda();
    double[] e = new double[k];
    for (int i = 0; i < m; i++) {
      double min = Double.POSITIVE_INFINITY;
      for (int q = 0; q < k; q++) {
        norms[q * m + i] = Math.max(Math.sqrt(norms[q * m + i]), 1e-8);
        min = Math.min(min, norms[q * m + i]);
      }
      double sum = 0;
      for (int q = 0; q < k; q++) {
        e[q] = Math.exp(-lambda * (norms[q * m + i] - min));
        sum += e[q];
      }
      for (int q = 0; q < k; q++) {
        int j = present[q];
        double p = e[q] / sum;
        membership[j][i] = p;
        coef[q][i] =
            gamma[j] * (labels == null || labels[i] < 0 ? p : (labels[i] == j ? 1.0 : 0.0));
      }
    }

    // Pass 2: the update, bin by bin, straight into the output rows.
    SpectralBatch out = SpectralBatch.zeros(input.shape(), grid, m);
    double[][] outRe = out.reRows();
    double[][] outIm = out.imRows();
    double[] outNorm = new double[m];
    OrderedSum outNormSum = new OrderedSum(blockCount, outNorm);
    double eta = parameters.eta();
    math.forEach(
        blockCount,
        () -> new Scratch(channels, m, m, true, !keep),
        (Scratch scratch, int b) -> {
          double[] local = scratch.partial;
          double[][] tr = scratch.tr;
          double[][] ti = scratch.ti;
          double[][] yr = scratch.yr;
          double[][] yi = scratch.yi;
          for (int f = blocks[b]; f < blocks[b + 1]; f++) {
            int base = f * channels;
            for (int a = 0; a < channels; a++) {
              System.arraycopy(inRe[base + a], 0, tr[a], 0, m);
              System.arraycopy(inIm[base + a], 0, ti[a], 0, m);
            }
            HermitianCholesky.solve(channels, eRe, eIm, f * tri, tr, ti, 0, 0, m);
            for (int q = 0; q < k; q++) {
              double[][] cr;
              double[][] ci;
              if (keep) {
                cr = keptRe[q];
                ci = keptIm[q];
              } else {
                for (int a = 0; a < channels; a++) {
                  System.arraycopy(inRe[base + a], 0, yr[a], 0, m);
                  System.arraycopy(inIm[base + a], 0, yi[a], 0, m);
                }
                int j = present[q];
                HermitianCholesky.solve(channels, cRe[j], cIm[j], f * tri, yr, yi, 0, 0, m);
                cr = yr;
                ci = yi;
              }
              int off = keep ? base : 0;
              for (int a = 0; a < channels; a++) {
                subtractWeighted(coef[q], cr[off + a], ci[off + a], tr[a], ti[a], m);
              }
            }
            double w = grid.weight(f);
            for (int a = 0; a < channels; a++) {
              double[] vr = inRe[base + a];
              double[] vi = inIm[base + a];
              double[] or = outRe[base + a];
              double[] oi = outIm[base + a];
              double[] ar = tr[a];
              double[] ai = ti[a];
              for (int i = 0; i < m; i++) {
                or[i] = vr[i] + eta * ar[i];
                oi[i] = vi[i] + eta * ai[i];
              }
              ComplexKernels.addSquaredModulus(w, or, oi, 0, m, local, 0);
            }
          }
          outNormSum.add(b, local);
        });
    double[] scale = new double[m];
    for (int i = 0; i < m; i++) {
      scale[i] = 1.0 / Math.max(Math.sqrt(outNorm[i]), 1e-8);
    }
    Ranges.split(
        math,
        bins * channels,
        (lo, hi) -> {
          for (int row = lo; row < hi; row++) {
            double[] or = outRe[row];
            double[] oi = outIm[row];
            for (int i = 0; i < m; i++) {
              or[i] *= scale[i];
              oi[i] *= scale[i];
            }
          }
        });
    return new Output(out, membership);
  }

  /**
   * Per-thread scratch of a forward pass: the block's partial sums, and C × m blocks of products
   * (one pair, or two when the class products are recomputed).
   */
  private static final class Scratch {
    final double[] partial;
    final double[][] tr;
    final double[][] ti;
    final double[][] yr;
    final double[][] yi;

    Scratch(int channels, int m, int partialLength, boolean first, boolean second) {
      partial = new double[partialLength];
      tr = first ? new double[channels][m] : null;
      ti = first ? new double[channels][m] : null;
      yr = second ? new double[channels][m] : null;
      yi = second ? new double[channels][m] : null;
    }
  }

  /**
   * Adds the partial sums of numbered blocks to a total in block order, whatever order the blocks
   * finish in (total = ((p₀ + p₁) + p₂) + …), so the total is the same to the bit on any number of
   * threads. A block that finishes before those ahead of it waits as a copy; one that is next is
   * added at once, so on one thread nothing is copied.
   */
  static final class OrderedSum {
    private final double[] total;
    private final double[][] pending;
    private int next;

    OrderedSum(int blocks, double[] total) {
      this.total = total;
      this.pending = new double[blocks][];
    }

    /**
     * Adds block {@code b}'s partial sums in block order, then zeroes {@code partial} for reuse.
     */
    void add(int b, double[] partial) {
      synchronized (this) {
        if (b != next) {
          pending[b] = partial.clone();
        } else {
          addToTotal(partial);
          next++;
          while (next < pending.length && pending[next] != null) {
            addToTotal(pending[next]);
            pending[next] = null;
            next++;
          }
        }
      }
      Arrays.fill(partial, 0.0);
    }

    private void addToTotal(double[] partial) {
      for (int i = 0; i < total.length; i++) {
        total[i] += partial[i];
      }
    }
  }

  /** {@code t −= c ⊙ y} on [0, n) for real per-column weights c. */
  private static void subtractWeighted(
      double[] c, double[] yr, double[] yi, double[] tr, double[] ti, int n) {
    for (int i = 0; i < n; i++) {
      tr[i] -= c[i] * yr[i];
      ti[i] -= c[i] * yi[i];
    }
  }

  /**
   * Writes the layer: C, H, W, ε², η, λ, k, each class's label and count, then per kept bin the
   * packed Cholesky factor of {@code S(f) + I/α} (real parts, then imaginary parts) and of every
   * present class's {@code S_j(f) + I/α_j}; finally R and R_c of its input. {@link #readPayload}
   * inverts it.
   */
  @Override
  public void writePayload(DataOutput out) throws IOException {
    out.writeInt(channels);
    out.writeInt(grid.height());
    out.writeInt(grid.width());
    out.writeDouble(parameters.epsSq());
    out.writeDouble(parameters.eta());
    out.writeDouble(parameters.lambda());
    out.writeInt(classes);
    for (int j = 0; j < classes; j++) {
      out.writeInt(classLabels[j]);
      out.writeDouble(classCount[j]);
    }
    DoubleIo.write(out, eRe);
    DoubleIo.write(out, eIm);
    for (int j : present) {
      DoubleIo.write(out, cRe[j]);
      DoubleIo.write(out, cIm[j]);
    }
    out.writeDouble(inputRates.r());
    out.writeDouble(inputRates.rc());
  }

  /**
   * Reads a layer written by {@link #writePayload}.
   *
   * @throws IOException on truncated or invalid content
   */
  public static SpectralLayer readPayload(DataInput in) throws IOException {
    int channels = in.readInt();
    int height = in.readInt();
    int width = in.readInt();
    if (channels < 1 || height < 1 || width < 1 || (long) channels * height * width > 1 << 28) {
      throw new IOException(
          "invalid spectral layer shape C=" + channels + " H=" + height + " W=" + width);
    }
    SpectralParameters parameters;
    try {
      parameters = new SpectralParameters(in.readDouble(), in.readDouble(), in.readDouble());
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid spectral layer parameters: " + e.getMessage(), e);
    }
    int classes = in.readInt();
    if (classes < 1 || classes > 1 << 16) {
      throw new IOException("invalid number of classes " + classes);
    }
    double[] counts = new double[classes];
    int[] labels = new int[classes];
    double total = 0;
    for (int j = 0; j < classes; j++) {
      labels[j] = in.readInt();
      counts[j] = in.readDouble();
      if (!(counts[j] >= 0) || Double.isInfinite(counts[j])) {
        throw new IOException("invalid count " + counts[j] + " of class " + j);
      }
      total += counts[j];
    }
    if (!(total > 0)) {
      throw new IOException("a spectral layer needs at least one sample");
    }
    SpectralGrid grid = new SpectralGrid(height, width);
    int n = grid.bins() * HermitianCholesky.packedSize(channels);
    double[] eRe = DoubleIo.read(in, n);
    double[] eIm = DoubleIo.read(in, n);
    double[][] cRe = new double[classes][];
    double[][] cIm = new double[classes][];
    for (int j = 0; j < classes; j++) {
      if (counts[j] > 0) {
        cRe[j] = DoubleIo.read(in, n);
        cIm[j] = DoubleIo.read(in, n);
      }
    }
    Rates rates = Rates.of(in.readDouble(), in.readDouble());
    if (Arrays.stream(labels).distinct().count() != classes) {
      throw new IOException("duplicate class labels " + Arrays.toString(labels));
    }
    return new SpectralLayer(grid, channels, parameters, counts, labels, eRe, eIm, cRe, cIm, rates);
  }

  /** C·H·W: a sample is a flat multichannel signal, channel-major. */
  @Override
  public int inputDimension() {
    return channels * grid.fullSize();
  }

  /** C·H·W. */
  @Override
  public int outputDimension() {
    return inputDimension();
  }

  /** The label of each class, in the order of the rows of {@link #membership(Matrix)}. */
  @Override
  public int[] classLabels() {
    return classLabels.clone();
  }

  /**
   * The layer applied to time-domain samples (the columns of z, flat C·H·W signals): ortho DFT,
   * {@link #forward(SpectralBatch, int[], MathExecutor)}, inverse DFT. Every sample uses π̂.
   */
  @Override
  public Matrix apply(Matrix z, MathExecutor math) {
    return Matrix.fromColumns(forward(batchOf(z, math), null, math).features().toSignals(math));
  }

  /** π̂ of time-domain samples: k × m. */
  @Override
  public Matrix membership(Matrix z, MathExecutor math) {
    return Matrix.fromRows(forward(batchOf(z, math), null, math).membership());
  }

  /** {@value #TAG}. */
  @Override
  public String tag() {
    return TAG;
  }

  private SpectralBatch batchOf(Matrix z, MathExecutor math) {
    if (z.rows() != inputDimension()) {
      throw new IllegalArgumentException(
          "a " + z.shape() + " batch does not fit a spectral layer of shape " + shape());
    }
    double[][] samples = new double[z.cols()][];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = z.column(i);
    }
    return SpectralBatch.fromSignals(shape(), samples, math);
  }

  /** The grid of kept bins. */
  public SpectralGrid grid() {
    return grid;
  }

  /** Number of channels C. */
  public int channels() {
    return channels;
  }

  /** Number of classes k (including classes without samples, which have no operator). */
  public int classes() {
    return classes;
  }

  /** ε², η, λ. */
  public SpectralParameters parameters() {
    return parameters;
  }

  /** α = C/(m ε²). */
  public double alpha() {
    return alpha;
  }

  /** α_j = C/(m_j ε²), 0 for a class without samples. */
  public double classAlpha(int j) {
    return classAlpha[j];
  }

  /** γ_j = m_j/m (a copy). */
  public double[] gamma() {
    return gamma.clone();
  }

  /** Whether class j had samples (and so an operator). */
  public boolean hasClass(int j) {
    return classCount[j] > 0;
  }

  /** R and R_c of the statistics this layer was built from (its input features). */
  public Rates inputRates() {
    return inputRates;
  }

  /**
   * The explicit operator {@code E(f) = α (I + α S(f))⁻¹} of a kept bin, row-major C × C.
   *
   * @return {@code {re, im}}
   */
  public double[][] expansionOperator(int bin) {
    checkBin(bin);
    return HermitianCholesky.inverse(
        channels, eRe, eIm, bin * HermitianCholesky.packedSize(channels));
  }

  /**
   * The explicit operator {@code Cʲ(f) = α_j (I + α_j S_j(f))⁻¹} of a kept bin, row-major C × C.
   *
   * @return {@code {re, im}}
   * @throws IllegalArgumentException if class j had no samples
   */
  public double[][] compressionOperator(int j, int bin) {
    checkBin(bin);
    if (j < 0 || j >= classes || cRe[j] == null) {
      throw new IllegalArgumentException("class " + j + " has no operator in this layer");
    }
    return HermitianCholesky.inverse(
        channels, cRe[j], cIm[j], bin * HermitianCholesky.packedSize(channels));
  }

  private void checkBin(int bin) {
    if (bin < 0 || bin >= grid.bins()) {
      throw new IllegalArgumentException("bin " + bin + " outside [0, " + grid.bins() + ")");
    }
  }

  /** The shape of the layer's samples for spatial size and C. */
  public SignalShape shape() {
    return new SignalShape(channels, grid.height(), grid.width());
  }

  @Override
  public String toString() {
    return "SpectralLayer("
        + grid
        + ", C = "
        + channels
        + ", k = "
        + classes
        + ", "
        + parameters
        + ")";
  }
}
