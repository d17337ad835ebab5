package dev.redunet.redunet;

import dev.redunet.linalg.Cholesky;
import dev.redunet.linalg.Gemm;
import dev.redunet.linalg.Kernels;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.Rates;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Batch forward construction of an L-layer vector ReduNet (the paper's algorithm, REDUNET_SPEC §2):
 * normalize the training features Z_0; for ℓ = 0 … L−1 build layer ℓ from the per-class statistics
 * of Z_ℓ and the true labels, then Z_{ℓ+1} = layer_ℓ(Z_ℓ). The coding rates of every Z_{ℓ+1} are
 * recorded.
 *
 * <p>The statistics of Z_{ℓ+1} serve twice: their Cholesky factors give the rates of the layer's
 * output and, inverted, the operators of the next layer. Internally the samples are kept grouped by
 * class, so that each class scatter is one symmetric rank-k update; the returned features are in
 * the caller's order.
 *
 * <p>Immutable; configure with the {@code with…} methods.
 */
public final class ForwardConstruction {

  /** Which membership drives the update of the training samples (§2.2). */
  public enum TrainingMembership {
    /** The estimate π̂ = softmax(−λ‖Cʲz‖), as the reference code does. */
    SOFTMAX,
    /** The one-hot true label, as the paper and the lecture write the rule. */
    LABELS
  }

  /** Which classes and weights the recorded R^c uses (§2.5); R is the same in all three. */
  public enum RateEvaluation {
    /** The true labels, weights m_j/m: the MCR² objective itself. */
    TRUE_LABELS,
    /**
     * Classes ŷ = argmax π̂ of the layer, weights m̂_j/m: what the official PyTorch code logs
     * ({@code loss.compute_loss_vec}).
     */
    PREDICTED_TORCH,
    /**
     * Classes ŷ = argmax π̂ of the layer, weights γ_j (training-label proportions): what the NumPy
     * paper code logs ({@code Vector.compute_loss}).
     */
    PREDICTED_PAPER
  }

  /**
   * The construction parameters.
   *
   * @param layers the number of layers L ≥ 0
   * @param epsSq ε² (the reference code's {@code eps}) &gt; 0
   * @param eta the step η ≥ 0
   * @param lambda the softmax sharpness λ ≥ 0
   * @param membership the training membership rule
   * @param rateEvaluation how the per-layer R^c is evaluated
   */
  public record Parameters(
      int layers,
      double epsSq,
      double eta,
      double lambda,
      TrainingMembership membership,
      RateEvaluation rateEvaluation) {

    /** Validates the parameters. */
    public Parameters {
      if (layers < 0) {
        throw new IllegalArgumentException("the number of layers must be ≥ 0, got " + layers);
      }
      VectorLayer.checkParameters(epsSq, eta, lambda);
      Objects.requireNonNull(membership, "membership");
      Objects.requireNonNull(rateEvaluation, "rateEvaluation");
    }

    /**
     * The reference defaults for L layers: ε² = 0.1, η = 0.5, λ = 500, softmax training membership,
     * rates with the true labels.
     */
    public static Parameters defaults(int layers) {
      return new Parameters(
          layers, 0.1, 0.5, 500, TrainingMembership.SOFTMAX, RateEvaluation.TRUE_LABELS);
    }

    /** The parameters by name, as recorded in the provenance. */
    public Map<String, String> asMap() {
      Map<String, String> m = new LinkedHashMap<>();
      m.put("kind", "vector");
      m.put("layers", Integer.toString(layers));
      m.put("eps_sq", Double.toString(epsSq));
      m.put("eta", Double.toString(eta));
      m.put("lambda", Double.toString(lambda));
      m.put("membership", membership.name().toLowerCase(java.util.Locale.ROOT));
      m.put("rate_evaluation", rateEvaluation.name().toLowerCase(java.util.Locale.ROOT));
      return m;
    }
  }

  /** Told about every layer as soon as it is built and applied. */
  @FunctionalInterface
  public interface Listener {
    /**
     * Called once per layer, in order.
     *
     * @param layer the 1-based index ℓ+1 of the layer
     * @param built the layer
     * @param rates the rates recorded on its output
     */
    void layerBuilt(int layer, VectorLayer built, Rates rates);
  }

  /**
   * The constructed network and the training features it produced.
   *
   * @param network the network
   * @param trainFeatures Z_L of the training samples, in the caller's order (with {@link
   *     TrainingMembership#LABELS} these differ from {@code network.transform(Z)}, which uses π̂)
   */
  public record Result(ReduNet network, Matrix trainFeatures) {}

  private final Parameters parameters;
  private final String source;
  private final OptionalLong seed;
  private final MathExecutor math;
  private final Listener listener;

  private ForwardConstruction(
      Parameters parameters,
      String source,
      OptionalLong seed,
      MathExecutor math,
      Listener listener) {
    this.parameters = Objects.requireNonNull(parameters, "parameters");
    this.source = Objects.requireNonNull(source, "source");
    this.seed = Objects.requireNonNull(seed, "seed");
    this.math = Objects.requireNonNull(math, "math");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * A construction with the given parameters, on the calling thread, without provenance details.
   */
  public static ForwardConstruction with(Parameters parameters) {
    return new ForwardConstruction(
        parameters,
        "unspecified",
        OptionalLong.empty(),
        MathExecutor.sequential(),
        (l, b, r) -> {});
  }

  /** The same construction recording the given data description in the provenance. */
  public ForwardConstruction withSource(String newSource) {
    return new ForwardConstruction(parameters, newSource, seed, math, listener);
  }

  /** The same construction recording the given data seed in the provenance. */
  public ForwardConstruction withSeed(long newSeed) {
    return new ForwardConstruction(parameters, source, OptionalLong.of(newSeed), math, listener);
  }

  /** The same construction on the executor's threads (the result does not depend on them). */
  public ForwardConstruction withExecutor(MathExecutor executor) {
    return new ForwardConstruction(parameters, source, seed, executor, listener);
  }

  /** The same construction reporting every layer to {@code l}. */
  public ForwardConstruction withListener(Listener l) {
    return new ForwardConstruction(parameters, source, seed, math, l);
  }

  /** The parameters. */
  public Parameters parameters() {
    return parameters;
  }

  /**
   * Builds the network on a labelled training batch.
   *
   * @param z d × m training features, columns are samples (normalized here)
   * @param labels one label per column (any integers)
   * @throws IllegalArgumentException on mismatched shapes
   */
  public Result fit(Matrix z, int[] labels) {
    if (labels.length != z.cols()) {
      throw new IllegalArgumentException(
          labels.length + " labels for a " + z.shape() + " batch (one label per column)");
    }
    int d = z.rows();
    int m = z.cols();
    int[] classLabels = Arrays.stream(labels).distinct().sorted().toArray();
    int k = classLabels.length;
    int[] start = new int[k + 1];
    int[] classOfSample = new int[m];
    for (int i = 0; i < m; i++) {
      classOfSample[i] = Arrays.binarySearch(classLabels, labels[i]);
      start[classOfSample[i] + 1]++;
    }
    for (int j = 0; j < k; j++) {
      start[j + 1] += start[j];
    }
    // perm[pos] = original index of the sample at sorted position pos (stable).
    int[] perm = new int[m];
    int[] classAt = new int[m];
    int[] fill = Arrays.copyOf(start, k);
    double[] src = z.toColumnMajor();
    double[] zs = new double[m * d];
    for (int i = 0; i < m; i++) {
      int pos = fill[classOfSample[i]]++;
      perm[pos] = i;
      classAt[pos] = classOfSample[i];
      System.arraycopy(src, i * d, zs, pos * d, d);
    }
    Kernels.normalizeColumns(zs, d, m);

    LayerStatistics stats = LayerStatistics.ofSorted(zs, d, classLabels, start, math);
    double[] classCounts = new double[k];
    for (int j = 0; j < k; j++) {
      classCounts[j] = start[j + 1] - start[j];
    }
    int layersToBuild = parameters.layers();
    StatisticsFactors factors = StatisticsFactors.of(stats, parameters.epsSq(), true, math);
    Rates inputRates = factors.trueLabelRates();
    List<VectorLayer> layers = new ArrayList<>(layersToBuild);
    List<Rates> rates = new ArrayList<>(layersToBuild);
    int[] oneHot = parameters.membership() == TrainingMembership.LABELS ? classAt : null;
    for (int l = 0; l < layersToBuild; l++) {
      VectorLayer layer = factors.toLayer(parameters.eta(), parameters.lambda(), math);
      double[] out = new double[m * d];
      double[] pi = new double[k * m];
      layer.forwardRaw(zs, m, oneHot, out, pi, math);
      LayerStatistics next = LayerStatistics.ofSorted(out, d, classLabels, start, math);
      boolean last = l == layersToBuild - 1;
      boolean trueRates = parameters.rateEvaluation() == RateEvaluation.TRUE_LABELS;
      StatisticsFactors nextFactors =
          StatisticsFactors.of(next, parameters.epsSq(), !last || trueRates, math);
      Rates r =
          trueRates
              ? nextFactors.trueLabelRates()
              : predictedRates(nextFactors, next, out, d, m, k, classAt, pi, layer.gamma());
      layers.add(layer);
      rates.add(r);
      listener.layerBuilt(l + 1, layer, r);
      zs = out;
      factors = nextFactors;
    }
    double[] features = new double[m * d];
    for (int pos = 0; pos < m; pos++) {
      System.arraycopy(zs, pos * d, features, perm[pos] * d, d);
    }
    Provenance provenance =
        new Provenance(source, seed, parameters.asMap(), classLabels, classCounts);
    return new Result(
        new ReduNet(layers, provenance, inputRates, rates), Matrix.ofColumnMajor(d, m, features));
  }

  /**
   * R and R^c over the predicted classes ŷ = argmax π̂ (§2.5). The scatter Ŝ_j of each predicted
   * class is derived from the true-label scatter S_j of the same features by adding the samples
   * predicted j but labelled otherwise and removing those labelled j but predicted otherwise, when
   * that touches fewer samples than m̂_j; otherwise it is accumulated directly.
   */
  private Rates predictedRates(
      StatisticsFactors outFactors,
      LayerStatistics trueStats,
      double[] z,
      int d,
      int m,
      int k,
      int[] classAt,
      double[] pi,
      double[] gamma) {
    int[] yhat = new int[m];
    int[] predicted = new int[k];
    int[] added = new int[k];
    int[] removed = new int[k];
    for (int i = 0; i < m; i++) {
      int best = 0;
      for (int j = 1; j < k; j++) {
        if (pi[i * k + j] > pi[i * k + best]) {
          best = j;
        }
      }
      yhat[i] = best;
      predicted[best]++;
      if (best != classAt[i]) {
        added[best]++;
        removed[classAt[i]]++;
      }
    }
    double[] halfLogDet = new double[k];
    double epsSq = parameters.epsSq();
    List<LayerStatistics.ClassStatistics> trueClasses =
        new ArrayList<>(trueStats.classes().values());
    math.forEach(
        k,
        j -> {
          if (predicted[j] == 0) {
            return;
          }
          double[] s;
          if (added[j] + removed[j] < predicted[j]) {
            s = trueClasses.get(j).scatter().clone();
            addGram(s, z, d, m, i -> yhat[i] == j && classAt[i] != j, 1.0);
            addGram(s, z, d, m, i -> classAt[i] == j && yhat[i] != j, -1.0);
          } else {
            s = new double[d * d];
            addGram(s, z, d, m, i -> yhat[i] == j, 1.0);
          }
          Cholesky f = StatisticsFactors.factorShifted(s, d, d / (predicted[j] * epsSq));
          halfLogDet[j] = 0.5 * f.logDet();
        });
    double rc = 0;
    for (int j = 0; j < k; j++) {
      if (predicted[j] > 0) {
        double w =
            parameters.rateEvaluation() == RateEvaluation.PREDICTED_TORCH
                ? (double) predicted[j] / m
                : gamma[j];
        rc += w * halfLogDet[j];
      }
    }
    return Rates.of(outFactors.expansionRate(), rc);
  }

  /** s += sign·Σ_{i selected} z_i z_iᵀ (full symmetric d × d). */
  private static void addGram(
      double[] s, double[] z, int d, int m, java.util.function.IntPredicate select, double sign) {
    int n = 0;
    for (int i = 0; i < m; i++) {
      if (select.test(i)) {
        n++;
      }
    }
    if (n == 0) {
      return;
    }
    double[] rows = new double[n * d];
    int r = 0;
    for (int i = 0; i < m; i++) {
      if (select.test(i)) {
        System.arraycopy(z, i * d, rows, r * d, d);
        r++;
      }
    }
    double[] g = new double[d * d];
    Gemm.syrkUpper(rows, 0, d, n, d, g, 0, d, false);
    Kernels.mirrorUpper(g, d);
    for (int i = 0; i < s.length; i++) {
      s[i] += sign * g[i];
    }
  }
}
