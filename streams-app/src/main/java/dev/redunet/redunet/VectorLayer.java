package dev.redunet.redunet;

import dev.redunet.linalg.DoubleIo;
import dev.redunet.linalg.Gemm;
import dev.redunet.linalg.Kernels;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One layer of the vector ReduNet (REDUNET_SPEC §2).
 *
 * <p>Operators, built from the per-class statistics (m_j, S_j = Z_j Z_jᵀ) of the training features
 * that enter the layer, with m = Σ m_j and S = Σ S_j:
 *
 * <ul>
 *   <li>E = α (I + α S)⁻¹, α = d/(m ε²);
 *   <li>Cʲ = α_j (I + α_j S_j)⁻¹, α_j = d/(m_j ε²);
 *   <li>γ_j = m_j / m.
 * </ul>
 *
 * <p>Update of a sample z (train and test alike, §2.2): n_j = max(‖Cʲ z‖₂, 1e-8), π̂_j =
 * softmax_j(−λ n_j), z ← normalize(z + η (E z − Σ_j γ_j π̂_j Cʲ z)). In the paper's training rule
 * ({@link #forward(Matrix, int[])}) a training sample uses its one-hot label instead of π̂.
 *
 * <p>Only the classes with a positive count in the statistics take part; a missing class is left
 * out of the operators and of π̂, never divided by.
 *
 * <p>Cost of a batch of m samples: one product of the stacked (k+1)d × d operator with the d × m
 * batch (2(k+1)d²m flops, cache-blocked, on the given {@link MathExecutor}'s threads for large
 * batches), plus O(kdm). Memory: the (k+1)d² doubles of the stacked operator, kept once in the
 * packed layout.
 */
public final class VectorLayer implements Layer {

  /** The serialization tag of this layer type. */
  public static final String TAG = "vector";

  /**
   * Doubles of the per-thread product buffer Y (block × (k+1)d): 512 KiB, half of a 1 MiB L2, so
   * the update reads Y from cache.
   */
  private static final int BUFFER_DOUBLES = 1 << 16;

  /** Below this many multiply-adds a batch is processed on the calling thread only. */
  private static final long PARALLEL_THRESHOLD = 2_000_000L;

  private final int d;
  private final int[] labels;
  private final double epsSq;
  private final double eta;
  private final double lambda;
  private final double[] gamma;

  /** W = [E C¹ … Cᵏ] (d × (k+1)d), packed for the product; the only copy of the operators. */
  private final Gemm.PackedRight stacked;

  private VectorLayer(
      int d,
      int[] labels,
      double epsSq,
      double eta,
      double lambda,
      double[] gamma,
      double[] e,
      double[][] c) {
    this.d = d;
    this.labels = labels;
    this.epsSq = epsSq;
    this.eta = eta;
    this.lambda = lambda;
    this.gamma = gamma;
    // W = [E C¹ … Cᵏ] (d × (k+1)d); the operators are symmetric, so Zᵀ·W stacks (Op z)ᵀ.
    double[][] blocks = new double[labels.length + 1][];
    blocks[0] = e;
    System.arraycopy(c, 0, blocks, 1, labels.length);
    this.stacked = Gemm.packRightBlocks(blocks, d, d);
  }

  /**
   * Builds the layer from per-class statistics (see the class comment), on the calling thread.
   *
   * <p>α and α_j come from the counts of the statistics. To build operators at a reference size W
   * (a streaming window, CALIBRATION.md), pass {@code stats.scale(W / stats.totalCount())}: this
   * leaves γ unchanged and sets α = d/(W ε²).
   *
   * @param stats the statistics of the features entering the layer; not empty
   * @param epsSq ε² (the reference code's {@code eps}), &gt; 0
   * @param eta the step η ≥ 0
   * @param lambda the softmax sharpness λ ≥ 0
   * @throws IllegalArgumentException if the statistics are empty or a parameter is invalid
   */
  public static VectorLayer fromStatistics(
      LayerStatistics stats, double epsSq, double eta, double lambda) {
    return fromStatistics(stats, epsSq, eta, lambda, MathExecutor.sequential());
  }

  /**
   * {@link #fromStatistics(LayerStatistics, double, double, double)} on the executor's threads (one
   * factorization and inverse per task: the result does not depend on them).
   */
  public static VectorLayer fromStatistics(
      LayerStatistics stats, double epsSq, double eta, double lambda, MathExecutor math) {
    checkParameters(epsSq, eta, lambda);
    return StatisticsFactors.of(stats, epsSq, true, math).toLayer(eta, lambda, math);
  }

  /**
   * A layer from explicit operators (for example read back from storage).
   *
   * @param labels the class labels, distinct
   * @param gamma γ_j, one per class, positive
   * @param expansion E, d × d symmetric
   * @param compression Cʲ, one d × d symmetric matrix per class
   * @throws IllegalArgumentException on inconsistent shapes or values
   */
  public static VectorLayer of(
      int[] labels,
      double[] gamma,
      Matrix expansion,
      List<Matrix> compression,
      double epsSq,
      double eta,
      double lambda) {
    checkParameters(epsSq, eta, lambda);
    int d = expansion.rows();
    int k = labels.length;
    if (k == 0 || gamma.length != k || compression.size() != k) {
      throw new IllegalArgumentException(
          k
              + " labels, "
              + gamma.length
              + " γ values and "
              + compression.size()
              + " compression operators: they must agree and be at least one");
    }
    if (Arrays.stream(labels).distinct().count() != k) {
      throw new IllegalArgumentException(
          "class labels are not distinct: " + Arrays.toString(labels));
    }
    for (double g : gamma) {
      if (!(g > 0) || !Double.isFinite(g)) {
        throw new IllegalArgumentException(
            "γ must be positive and finite: " + Arrays.toString(gamma));
      }
    }
    double[] ed = symmetric(expansion, d, "E");
    double[][] cd = new double[k][];
    for (int j = 0; j < k; j++) {
      cd[j] = symmetric(compression.get(j), d, "C^" + labels[j]);
    }
    return new VectorLayer(d, labels.clone(), epsSq, eta, lambda, gamma.clone(), ed, cd);
  }

  /** Builds a layer from arrays this package has just computed (ownership is taken). */
  static VectorLayer adopt(
      int d,
      int[] labels,
      double epsSq,
      double eta,
      double lambda,
      double[] gamma,
      double[] e,
      double[][] c) {
    return new VectorLayer(d, labels, epsSq, eta, lambda, gamma, e, c);
  }

  @Override
  public int inputDimension() {
    return d;
  }

  @Override
  public int outputDimension() {
    return d;
  }

  @Override
  public int[] classLabels() {
    return labels.clone();
  }

  /** ε², the reference code's {@code eps}, used to build the operators. */
  public double epsSq() {
    return epsSq;
  }

  /** The step size η. */
  public double eta() {
    return eta;
  }

  /** The softmax sharpness λ of the membership estimate. */
  public double lambda() {
    return lambda;
  }

  /** γ_j = m_j/m, in class order. */
  public double[] gamma() {
    return gamma.clone();
  }

  /** E = α(I + αZZᵀ)⁻¹ (d × d). */
  public Matrix expansion() {
    return Matrix.ofColumnMajor(d, d, operator(0));
  }

  /** Cʲ = α_j(I + α_j Z_jZ_jᵀ)⁻¹ (d × d) of the class at position j of {@link #classLabels()}. */
  public Matrix compression(int j) {
    if (j < 0 || j >= labels.length) {
      throw new IndexOutOfBoundsException(
          "class position " + j + " outside the " + labels.length + " classes of this layer");
    }
    return Matrix.ofColumnMajor(d, d, operator(j + 1));
  }

  /** Operator t of the stack (0 = E, j+1 = Cʲ), row-major d × d (symmetric). */
  private double[] operator(int t) {
    return stacked.columns(t * d, d);
  }

  /** The soft-membership update of every sample and its π̂ (REDUNET_SPEC §2.2). */
  public LayerOutput forward(Matrix z) {
    return forward(z, null);
  }

  /**
   * The update with the paper's training rule: sample i uses the one-hot membership of its label
   * {@code trainLabels[i]} (z ← normalize(z + η(Ez − γ_y C^y z))). π̂ is still computed and
   * returned. With {@code trainLabels == null} every sample uses π̂, and so does a sample whose
   * label is negative.
   *
   * @throws IllegalArgumentException if a label ≥ 0 is not a class of this layer
   */
  public LayerOutput forward(Matrix z, int[] trainLabels) {
    return forward(z, trainLabels, MathExecutor.sequential());
  }

  /**
   * {@link #forward(Matrix, int[])} on the executor's threads, by blocks of samples that depend on
   * the batch only (the result does not depend on the threads); a small batch runs on the caller.
   */
  public LayerOutput forward(Matrix z, int[] trainLabels, MathExecutor math) {
    checkBatch(z);
    int m = z.cols();
    int[] idx = null;
    if (trainLabels != null) {
      if (trainLabels.length != m) {
        throw new IllegalArgumentException(
            trainLabels.length + " labels for a " + z.shape() + " batch");
      }
      idx = new int[m];
      for (int i = 0; i < m; i++) {
        idx[i] = trainLabels[i] < 0 ? -1 : classIndex(trainLabels[i]);
        if (idx[i] < 0 && trainLabels[i] >= 0) {
          throw new IllegalArgumentException(
              "label "
                  + trainLabels[i]
                  + " of sample "
                  + i
                  + " is not a class of this layer "
                  + Arrays.toString(labels));
        }
      }
    }
    double[] out = new double[d * m];
    double[] pi = new double[labels.length * m];
    forwardRaw(z.toColumnMajor(), m, idx, out, pi, executorFor(m, math));
    return new LayerOutput(
        Matrix.ofColumnMajor(d, m, out), Matrix.ofColumnMajor(labels.length, m, pi));
  }

  @Override
  public Matrix apply(Matrix z, MathExecutor math) {
    return forward(z, null, math).features();
  }

  @Override
  public Matrix membership(Matrix z, MathExecutor math) {
    return forward(z, null, math).membership();
  }

  /** The position of a label in {@link #classLabels()}, or −1. */
  public int classIndex(int label) {
    for (int j = 0; j < labels.length; j++) {
      if (labels[j] == label) {
        return j;
      }
    }
    return -1;
  }

  /**
   * The fused update on raw arrays: for blocks of samples, Y = [E; C¹; …; Cᵏ]·Z_block by one packed
   * product, then per sample the norms, the softmax, the combination and the normalization.
   *
   * @param z column-major d × m input; not modified
   * @param classIdx per-sample class position for the one-hot training rule, −1 or null for π̂
   * @param out column-major d × m output; written
   * @param pi column-major k × m membership π̂; written
   */
  void forwardRaw(double[] z, int m, int[] classIdx, double[] out, double[] pi, MathExecutor math) {
    int k = labels.length;
    int n = (k + 1) * d;
    int fit = Math.max(Gemm.MR, Math.min(128, BUFFER_DOUBLES / n / Gemm.MR * Gemm.MR));
    // A small batch (one streamed sample) gets a workspace of its size, not a full block's: below
    // MR samples the product goes row by row, without padding.
    int block = m < Gemm.MR ? Math.max(1, m) : Math.min(fit, (m + Gemm.MR - 1) / Gemm.MR * Gemm.MR);
    int blocks = (m + block - 1) / block;
    math.forEach(
        blocks,
        () -> new Workspace(block * n, block * d, k, d),
        (ws, b) -> {
          int i0 = b * block;
          int mb = Math.min(block, m - i0);
          Gemm.multiply(z, i0 * d, d, mb, stacked, ws.y, 0, n, false, ws.pack);
          for (int r = 0; r < mb; r++) {
            int i = i0 + r;
            update(z, i * d, ws.y, r * n, classIdx == null ? -1 : classIdx[i], out, pi, i, ws);
          }
        });
  }

  private void update(
      double[] z,
      int zo,
      double[] y,
      int yo,
      int oneHot,
      double[] out,
      double[] pi,
      int i,
      Workspace ws) {
    int k = labels.length;
    double[] w = ws.weights;
    double best = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < k; j++) {
      int o = yo + (j + 1) * d;
      double s = 0;
      for (int t = 0; t < d; t++) {
        double v = y[o + t];
        s += v * v;
      }
      double logit = -lambda * Math.max(Math.sqrt(s), Kernels.NORM_FLOOR);
      w[j] = logit;
      best = Math.max(best, logit);
    }
    double sum = 0;
    for (int j = 0; j < k; j++) {
      w[j] = Math.exp(w[j] - best);
      sum += w[j];
    }
    for (int j = 0; j < k; j++) {
      w[j] /= sum;
      pi[i * k + j] = w[j];
    }
    if (oneHot >= 0) {
      Arrays.fill(w, 0.0);
      w[oneHot] = 1.0;
    }
    double[] g = ws.g;
    System.arraycopy(y, yo, g, 0, d);
    for (int j = 0; j < k; j++) {
      double f = gamma[j] * w[j];
      if (f != 0) {
        Kernels.axpy(-f, y, yo + (j + 1) * d, g, 0, d);
      }
    }
    int oo = i * d;
    for (int t = 0; t < d; t++) {
      out[oo + t] = z[zo + t] + eta * g[t];
    }
    Kernels.normalize(out, oo, d);
  }

  /** Per-thread buffers of {@link #forwardRaw}. */
  private static final class Workspace {
    final double[] y;
    final double[] pack;
    final double[] weights;
    final double[] g;

    Workspace(int ySize, int packSize, int k, int d) {
      y = new double[ySize];
      pack = new double[packSize];
      weights = new double[k];
      g = new double[d];
    }
  }

  private MathExecutor executorFor(int m, MathExecutor math) {
    long work = (long) m * d * d * (labels.length + 1);
    return work < PARALLEL_THRESHOLD ? MathExecutor.sequential() : math;
  }

  @Override
  public String tag() {
    return TAG;
  }

  /**
   * Writes d, k, the labels, ε², η, λ, γ, then E and every Cʲ as upper triangles (row by row,
   * d(d+1)/2 doubles each).
   */
  @Override
  public void writePayload(DataOutput out) throws IOException {
    out.writeInt(d);
    out.writeInt(labels.length);
    for (int l : labels) {
      out.writeInt(l);
    }
    out.writeDouble(epsSq);
    out.writeDouble(eta);
    out.writeDouble(lambda);
    for (double g : gamma) {
      out.writeDouble(g);
    }
    for (int t = 0; t <= labels.length; t++) {
      DoubleIo.write(out, Kernels.packUpper(operator(t), d));
    }
  }

  /** Reads a layer written by {@link #writePayload}. */
  public static VectorLayer readPayload(DataInput in) throws IOException {
    int d = in.readInt();
    int k = in.readInt();
    if (d <= 0 || k <= 0 || (long) d * d * (k + 1) > Integer.MAX_VALUE) {
      throw new IOException("invalid vector layer header: d=" + d + ", k=" + k);
    }
    int[] labels = new int[k];
    for (int j = 0; j < k; j++) {
      labels[j] = in.readInt();
    }
    double epsSq = in.readDouble();
    double eta = in.readDouble();
    double lambda = in.readDouble();
    double[] gamma = new double[k];
    for (int j = 0; j < k; j++) {
      gamma[j] = in.readDouble();
    }
    Matrix e = readSymmetric(in, d);
    List<Matrix> c = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      c.add(readSymmetric(in, d));
    }
    try {
      return of(labels, gamma, e, c, epsSq, eta, lambda);
    } catch (IllegalArgumentException ex) {
      throw new IOException("invalid vector layer: " + ex.getMessage(), ex);
    }
  }

  private static Matrix readSymmetric(DataInput in, int d) throws IOException {
    double[] packed = DoubleIo.read(in, d * (d + 1) / 2);
    return Matrix.ofColumnMajor(d, d, Kernels.unpackUpper(packed, d));
  }

  @Override
  public String toString() {
    return "VectorLayer[d="
        + d
        + ", classes="
        + Arrays.toString(labels)
        + ", ε²="
        + epsSq
        + ", η="
        + eta
        + ", λ="
        + lambda
        + "]";
  }

  private void checkBatch(Matrix z) {
    if (z.rows() != d) {
      throw new IllegalArgumentException(
          "a " + z.shape() + " batch does not fit a vector layer of dimension " + d);
    }
  }

  static void checkParameters(double epsSq, double eta, double lambda) {
    if (!(epsSq > 0) || !Double.isFinite(epsSq)) {
      throw new IllegalArgumentException("ε² must be positive and finite, got " + epsSq);
    }
    if (!(eta >= 0) || !Double.isFinite(eta)) {
      throw new IllegalArgumentException("η must be finite and ≥ 0, got " + eta);
    }
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("λ must be finite and ≥ 0, got " + lambda);
    }
  }

  /**
   * The entries of a matrix that must be symmetric, symmetrized exactly; asymmetry beyond
   * 1e-10·max(1, max|a|) is rejected.
   */
  private static double[] symmetric(Matrix a, int d, String name) {
    if (a.rows() != d || a.cols() != d) {
      throw new IllegalArgumentException(name + " is " + a.shape() + ", expected " + d + "×" + d);
    }
    double[] x = a.toColumnMajor();
    double scale = 1;
    for (double v : x) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int i = 0; i < d; i++) {
      for (int j = i + 1; j < d; j++) {
        double u = x[i * d + j];
        double l = x[j * d + i];
        if (Math.abs(u - l) > 1e-10 * scale) {
          throw new IllegalArgumentException(
              name + " is not symmetric at (" + i + ", " + j + "): " + u + " versus " + l);
        }
        double mean = 0.5 * (u + l);
        x[i * d + j] = mean;
        x[j * d + i] = mean;
      }
    }
    return x;
  }
}
