package dev.redunet.learn;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.micl.MiclModel;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.Layer;
import dev.redunet.redunet.LayerOutput;
import dev.redunet.redunet.ReduNet;
import dev.redunet.redunet.VectorLayer;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralMicl;
import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One version of the streaming model: an optional frozen projection, the ReduNet layers, and the
 * MICL classifier on the output features (ARCHITECTURE.md §2–3). Immutable; every prediction uses
 * exactly one version.
 *
 * <p>Scoring a raw sample x ∈ R^D: z₀ = normalize(x) (or the {@link Projection} of x), z_{ℓ+1} =
 * layer_ℓ(z_ℓ), then the MICL increments δL(z_L, j) in bits and the membership π̂ of the last
 * layer.
 *
 * <p>A spectral model ({@link #spectral}) reads multichannel signals instead: z₀ is the normalised
 * ortho DFT of the (lifted) signal ({@link SpectralInput}), the layers are {@link SpectralLayer}s
 * in the frequency domain, the classifier is the shift-invariant {@link SpectralMicl} on z_L, and
 * the features it reports are z_L in the signal domain (inverse DFT, unit norm), of the layers'
 * shape.
 *
 * <p>Every method that computes has a variant on a {@link MathExecutor}; its result does not depend
 * on the executor's threads. The variants without one run on the calling thread.
 */
public final class StreamingModel {

  private final long version;
  private final int inputDimension;
  private final Optional<Projection> projection;
  private final ReduNet network;
  private final MiclModel micl;
  private final Optional<SpectralInput> spectralInput;
  private final SpectralMicl spectralMicl;
  private final List<String> classNames;
  private final List<Rates> layerRates;
  private final double noveltyThreshold;

  /**
   * Creates a model version.
   *
   * @param version the version, ≥ 1
   * @param inputDimension the dimension D of the raw samples
   * @param projection the frozen projection, if any
   * @param network the layers (depth 0 = none)
   * @param micl the MICL classifier on the output features, over class indices 0 … k−1
   * @param classNames the name of every class index, k entries
   * @param layerRates R, R^c, ΔR on the output of every layer, from the statistics at the reference
   *     size (one per layer)
   */
  public StreamingModel(
      long version,
      int inputDimension,
      Optional<Projection> projection,
      ReduNet network,
      MiclModel micl,
      List<String> classNames,
      List<Rates> layerRates) {
    this(version, inputDimension, projection, network, micl, classNames, layerRates, Double.NaN);
  }

  private StreamingModel(
      long version,
      int inputDimension,
      Optional<Projection> projection,
      ReduNet network,
      MiclModel micl,
      List<String> classNames,
      List<Rates> layerRates,
      double noveltyThreshold) {
    this(
        version,
        inputDimension,
        projection,
        network,
        Objects.requireNonNull(micl, "micl"),
        Optional.empty(),
        null,
        classNames,
        layerRates,
        noveltyThreshold);
  }

  private StreamingModel(
      long version,
      int inputDimension,
      Optional<Projection> projection,
      ReduNet network,
      MiclModel micl,
      Optional<SpectralInput> spectralInput,
      SpectralMicl spectralMicl,
      List<String> classNames,
      List<Rates> layerRates,
      double noveltyThreshold) {
    this.noveltyThreshold = noveltyThreshold;
    if (version < 1) {
      throw new IllegalArgumentException("model versions start at 1, got " + version);
    }
    this.version = version;
    this.inputDimension = inputDimension;
    this.projection = Objects.requireNonNull(projection, "projection");
    this.network = Objects.requireNonNull(network, "network");
    this.micl = micl;
    this.spectralInput = Objects.requireNonNull(spectralInput, "spectralInput");
    this.spectralMicl = spectralMicl;
    this.classNames = List.copyOf(classNames);
    this.layerRates = List.copyOf(layerRates);
    int d = featureDimension();
    projection.ifPresent(
        p -> {
          if (p.inputDimension() != inputDimension) {
            throw new IllegalArgumentException(
                "projection from " + p.inputDimension() + ", model input " + inputDimension);
          }
        });
    if (network.depth() > 0 && network.layer(0).inputDimension() != d) {
      throw new IllegalArgumentException(
          "layers expect dimension " + network.layer(0).inputDimension() + ", features have " + d);
    }
    int classes;
    if (spectralInput.isPresent()) {
      Objects.requireNonNull(spectralMicl, "spectralMicl");
      if (projection.isPresent()) {
        throw new IllegalArgumentException("a spectral model takes no projection");
      }
      for (Layer l : network.layers()) {
        if (!(l instanceof SpectralLayer)) {
          throw new IllegalArgumentException("a spectral model of " + l.tag() + " layers");
        }
      }
      if (spectralMicl.dimension() != d) {
        throw new IllegalArgumentException(
            "spectral MICL on dimension " + spectralMicl.dimension() + ", features have " + d);
      }
      classes = spectralMicl.classes();
    } else {
      if (micl.dimension() != d) {
        throw new IllegalArgumentException(
            "MICL on dimension " + micl.dimension() + ", features have " + d);
      }
      classes = micl.numClasses();
    }
    if (classes > this.classNames.size()) {
      throw new IllegalArgumentException(
          classes + " MICL classes but " + this.classNames.size() + " class names");
    }
    if (this.layerRates.size() != network.depth()) {
      throw new IllegalArgumentException(
          network.depth() + " layers but " + this.layerRates.size() + " rates");
    }
  }

  /**
   * Creates a version of a spectral model.
   *
   * @param version the version, ≥ 1
   * @param input how raw samples become z₀ (their shape, the lifting)
   * @param network the spectral layers (depth 0 = none), of {@link SpectralInput#layerShape()}
   * @param micl the shift-invariant MICL classifier on z_L, over class indices 0 … k−1
   * @param classNames the name of every class index, k entries
   * @param layerRates R, R^c, ΔR on the output of every layer (one per layer)
   */
  public static StreamingModel spectral(
      long version,
      SpectralInput input,
      ReduNet network,
      SpectralMicl micl,
      List<String> classNames,
      List<Rates> layerRates) {
    return new StreamingModel(
        version,
        input.shape().size(),
        Optional.empty(),
        network,
        null,
        Optional.of(input),
        Objects.requireNonNull(micl, "micl"),
        classNames,
        layerRates,
        Double.NaN);
  }

  /**
   * The scores of a batch of samples: a transient result whose arrays belong to the caller.
   *
   * @param features the output features z_L, d × m
   * @param deltaL δL(z_i, j) in bits, m × k (+∞ for a class without statistics)
   * @param membership π̂_j(z_i) of the last layer, m × k, absent when L = 0
   * @param predicted argmin_j δL per sample, −1 when no class has statistics
   */
  @SuppressWarnings("ArrayRecordComponent") // a transient result, not a value
  public record Scores(
      Matrix features, double[][] deltaL, Optional<double[][]> membership, int[] predicted) {}

  /**
   * z₀ of a batch: normalize(x), or the projection.
   *
   * @param x D × m raw samples, columns are samples
   * @return d × m, unit-norm columns
   */
  public Matrix prepare(Matrix x) {
    if (x.rows() != inputDimension) {
      throw new IllegalArgumentException(
          "the model expects dimension " + inputDimension + ", got a " + x.shape() + " batch");
    }
    if (spectralInput.isPresent()) {
      MathExecutor one = MathExecutor.sequential();
      return SpectralInput.toSignals(spectralInput.get().prepare(x, one), one);
    }
    return projection.map(p -> p.apply(x)).orElseGet(x::normalizeColumns);
  }

  /**
   * The features at every depth: [z₀, z₁, …, z_L], each d × m. With {@code trainLabels}, a sample
   * whose class a vector layer knows is updated there with its one-hot label (the paper's training
   * rule), any other sample with π̂; with {@code null} every sample uses π̂.
   *
   * @param x D × m raw samples
   * @param trainLabels class indices, one per sample, or null
   */
  public List<Matrix> forward(Matrix x, int[] trainLabels) {
    return forward(x, trainLabels, MathExecutor.sequential());
  }

  /** {@link #forward(Matrix, int[])} on the executor's threads. */
  public List<Matrix> forward(Matrix x, int[] trainLabels, MathExecutor math) {
    if (spectralInput.isPresent()) {
      List<Matrix> out = new ArrayList<>(network.depth() + 1);
      for (SpectralBatch z : spectralPath(x, trainLabels, math)) {
        out.add(SpectralInput.toSignals(z, math));
      }
      return out;
    }
    List<Matrix> out = new ArrayList<>(network.depth() + 1);
    Matrix z = prepare(x);
    out.add(z);
    for (Layer layer : network.layers()) {
      z =
          trainLabels != null && layer instanceof VectorLayer v
              ? v.forward(z, knownOrUnlabelled(v, trainLabels), math).features()
              : layer.apply(z, math);
      out.add(z);
    }
    return out;
  }

  /**
   * The statistics of labelled samples pushed through this version, as the learner adds them to a
   * window: per class, z₀ … z_L on the training path and z_L at inference ({@link #forward} with
   * the labels under {@code LABELS} membership, else with π̂).
   *
   * @param x D × m raw samples, m ≥ 1
   * @param labels class indices, one per sample (may name classes this version does not know)
   * @param membership the training rule
   */
  public ModelStatistics statistics(Matrix x, int[] labels, TrainingMembership membership) {
    return learn(x, labels, membership, MathExecutor.sequential()).statistics();
  }

  /**
   * What a window learns from its samples through this version, and what this version predicted for
   * them (one forward pass serves both).
   *
   * @param statistics as {@link #statistics}
   * @param predicted the MICL class of every sample's z_L at inference, −1 when no class has
   *     statistics (as {@link #score})
   */
  @SuppressWarnings("ArrayRecordComponent") // a transient result
  public record Learned(ModelStatistics statistics, int[] predicted, double[] noveltyBits) {}

  /**
   * {@link #statistics} and the predictions of {@link #score} for the same samples, from one
   * forward pass: z₀ … z_L per class, and argmin_j δL(z_L, j) with z_L at inference.
   *
   * @param x D × m raw samples, m ≥ 1
   * @param labels class indices, one per sample
   * @param membership the training rule
   */
  public Learned learn(Matrix x, int[] labels, TrainingMembership membership) {
    return learn(x, labels, membership, MathExecutor.sequential());
  }

  /** {@link #learn(Matrix, int[], TrainingMembership)} on the executor's threads. */
  public Learned learn(Matrix x, int[] labels, TrainingMembership membership, MathExecutor math) {
    boolean byLabels = membership == TrainingMembership.LABELS;
    if (spectralInput.isPresent()) {
      List<SpectralBatch> path = spectralPath(x, byLabels ? labels : null, math);
      SpectralBatch output = path.get(path.size() - 1);
      if (byLabels) {
        output = path.get(0);
        for (Layer layer : network.layers()) {
          output = ((SpectralLayer) layer).forward(output, null, math).features();
        }
      }
      double[][] scores = spectralMicl.deltaL(output, math);
      int[] predicted = new int[scores.length];
      double[] novelty = new double[scores.length];
      for (int i = 0; i < predicted.length; i++) {
        predicted[i] = argminFinite(scores[i]);
        novelty[i] = noveltyBits(scores[i]);
      }
      int classes = Math.max(classNames.size(), Arrays.stream(labels).max().orElse(-1) + 1);
      return new Learned(
          ModelStatistics.ofSpectral(path, output, labels, classes, math), predicted, novelty);
    }
    List<Matrix> path = forward(x, byLabels ? labels : null, math);
    Matrix output = path.get(path.size() - 1);
    if (byLabels) {
      output = path.get(0);
      for (Layer layer : network.layers()) {
        output = layer.apply(output, math); // z_L at inference, from the same z₀
      }
    }
    double[][] deltaL = deltaL(output, math);
    int[] predicted = new int[deltaL.length];
    double[] novelty = new double[deltaL.length];
    for (int i = 0; i < predicted.length; i++) {
      predicted[i] = argminFinite(deltaL[i]);
      novelty[i] = noveltyBits(deltaL[i]);
    }
    return new Learned(ModelStatistics.of(path, output, labels, math), predicted, novelty);
  }

  /** δL(z_i, j) in bits for every column z_i of the output features, m × (classes with data). */
  private double[][] deltaL(Matrix z, MathExecutor math) {
    double[][] samples = new double[z.cols()][];
    for (int i = 0; i < samples.length; i++) {
      samples[i] = z.column(i);
    }
    return micl.deltaL(samples, math);
  }

  /**
   * z₀ … z_L of a batch through the spectral layers (frequency domain). With {@code trainLabels}, a
   * sample whose class a layer knows is updated with its one-hot label, any other with π̂.
   */
  private List<SpectralBatch> spectralPath(Matrix x, int[] trainLabels, MathExecutor math) {
    if (x.rows() != inputDimension) {
      throw new IllegalArgumentException(
          "the model expects dimension " + inputDimension + ", got a " + x.shape() + " batch");
    }
    List<SpectralBatch> out = new ArrayList<>(network.depth() + 1);
    SpectralBatch z = spectralInput.orElseThrow().prepare(x, math);
    out.add(z);
    SpectralLayer.Workspace workspace = new SpectralLayer.Workspace();
    for (Layer layer : network.layers()) {
      SpectralLayer s = (SpectralLayer) layer;
      z =
          s.forward(
                  z,
                  trainLabels == null ? null : knownOrUnlabelled(s, trainLabels),
                  math,
                  workspace)
              .features();
      out.add(z);
    }
    return out;
  }

  /** The labels, with −1 (π̂) for the classes the spectral layer has no operator for. */
  private static int[] knownOrUnlabelled(SpectralLayer s, int[] labels) {
    int[] out = labels.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] >= s.classes() || !s.hasClass(out[i])) {
        out[i] = -1;
      }
    }
    return out;
  }

  /** The labels, with −1 (π̂) for those the layer does not know. */
  private static int[] knownOrUnlabelled(VectorLayer v, int[] labels) {
    int[] out = labels.clone();
    for (int i = 0; i < out.length; i++) {
      if (v.classIndex(out[i]) < 0) {
        out[i] = -1;
      }
    }
    return out;
  }

  /**
   * Scores a batch: the output features z_L, the MICL increments δL(z_L, j) in bits (+∞ for a class
   * without statistics), the last layer's membership π̂ (absent when L = 0) and the MICL prediction
   * argmin_j δL (−1 when no class has statistics).
   *
   * @param x D × m raw samples
   */
  public Scores score(Matrix x) {
    return score(x, MathExecutor.sequential());
  }

  /** {@link #score(Matrix)} on the executor's threads. */
  public Scores score(Matrix x, MathExecutor math) {
    if (spectralInput.isPresent()) {
      return scoreSpectral(x, math);
    }
    Matrix z = prepare(x);
    int k = classNames.size();
    int m = x.cols();
    Optional<double[][]> membership = Optional.empty();
    List<Layer> layers = network.layers();
    for (int l = 0; l < layers.size(); l++) {
      Layer layer = layers.get(l);
      boolean last = l == layers.size() - 1;
      if (last) {
        Matrix pi;
        if (layer instanceof VectorLayer v) {
          LayerOutput o = v.forward(z, null, math);
          z = o.features();
          pi = o.membership();
        } else {
          pi = layer.membership(z, math);
          z = layer.apply(z, math);
        }
        membership = Optional.of(spread(pi, layer.classLabels(), k, m));
      } else {
        z = layer.apply(z, math);
      }
    }
    double[][] deltaL = deltaL(z, math);
    int[] predicted = new int[m];
    for (int i = 0; i < m; i++) {
      predicted[i] = argminFinite(deltaL[i]);
      if (deltaL[i].length < k) {
        double[] padded = Arrays.copyOf(deltaL[i], k);
        Arrays.fill(padded, deltaL[i].length, k, Double.POSITIVE_INFINITY);
        deltaL[i] = padded;
      }
    }
    return new Scores(z, deltaL, membership, predicted);
  }

  private Scores scoreSpectral(Matrix x, MathExecutor math) {
    if (x.rows() != inputDimension) {
      throw new IllegalArgumentException(
          "the model expects dimension " + inputDimension + ", got a " + x.shape() + " batch");
    }
    int k = classNames.size();
    int m = x.cols();
    SpectralBatch z = spectralInput.orElseThrow().prepare(x, math);
    Optional<double[][]> membership = Optional.empty();
    SpectralLayer.Workspace workspace = new SpectralLayer.Workspace();
    List<Layer> layers = network.layers();
    for (int l = 0; l < layers.size(); l++) {
      SpectralLayer layer = (SpectralLayer) layers.get(l);
      SpectralLayer.Output o = layer.forward(z, null, math, workspace);
      z = o.features();
      if (l == layers.size() - 1) {
        membership =
            Optional.of(spread(Matrix.fromRows(o.membership()), layer.classLabels(), k, m));
      }
    }
    double[][] deltaL = spectralMicl.deltaL(z, math);
    int[] predicted = new int[m];
    for (int i = 0; i < m; i++) {
      predicted[i] = argminFinite(deltaL[i]);
      if (deltaL[i].length < k) {
        double[] padded = Arrays.copyOf(deltaL[i], k);
        Arrays.fill(padded, deltaL[i].length, k, Double.POSITIVE_INFINITY);
        deltaL[i] = padded;
      }
    }
    return new Scores(SpectralInput.toSignals(z, math), deltaL, membership, predicted);
  }

  private static double[][] spread(Matrix pi, int[] labels, int k, int m) {
    double[][] out = new double[m][k];
    for (int i = 0; i < m; i++) {
      for (int r = 0; r < labels.length; r++) {
        if (labels[r] < k) {
          out[i][labels[r]] = pi.get(r, i);
        }
      }
    }
    return out;
  }

  private static int argminFinite(double[] v) {
    int best = -1;
    for (int j = 0; j < v.length; j++) {
      if (Double.isFinite(v[j]) && (best < 0 || v[j] < v[best])) {
        best = j;
      }
    }
    return best;
  }

  /** The version, ≥ 1. */
  public long version() {
    return version;
  }

  /** The dimension D of the raw samples. */
  public int inputDimension() {
    return inputDimension;
  }

  /** The dimension d of the features (p after a projection, else D). */
  public int featureDimension() {
    if (spectralInput.isPresent()) {
      return spectralInput.get().layerShape().size();
    }
    return projection.map(Projection::outputDimension).orElse(inputDimension);
  }

  /**
   * The shape of the output features z_L as the Features records carry it: {@code [d]} for a vector
   * model; for a spectral model, whose z_L is a signal of the layers' shape (C' channels after a
   * lifting), {@code [C', T]} (1D) or {@code [C', H, W]} (2D), flattened channel-major.
   */
  public List<Integer> featureShape() {
    if (spectralInput.isEmpty()) {
      return List.of(featureDimension());
    }
    SignalShape s = spectralInput.get().layerShape();
    return s.is1d()
        ? List.of(s.channels(), s.width())
        : List.of(s.channels(), s.height(), s.width());
  }

  /** Whether this is a spectral model. */
  public boolean isSpectral() {
    return spectralInput.isPresent();
  }

  /** How a spectral model reads its samples; empty for a vector model. */
  public Optional<SpectralInput> spectralInput() {
    return spectralInput;
  }

  /** The shift-invariant classifier of a spectral model; empty for a vector model. */
  public Optional<SpectralMicl> spectralMicl() {
    return Optional.ofNullable(spectralMicl);
  }

  /** The (possibly decayed) number of samples class index j was built from; 0 if unknown. */
  public double classCount(int j) {
    if (spectralMicl != null) {
      return j < spectralMicl.classes() ? spectralMicl.count(j) : 0;
    }
    return j < micl.numClasses() ? micl.statistics(j).count() : 0;
  }

  /** The frozen projection, if any. */
  public Optional<Projection> projection() {
    return projection;
  }

  /** The layers. */
  public ReduNet network() {
    return network;
  }

  /**
   * The MICL classifier on the output features.
   *
   * @throws IllegalStateException for a spectral model (see {@link #spectralMicl()})
   */
  public MiclModel micl() {
    if (micl == null) {
      throw new IllegalStateException("a spectral model classifies with its spectralMicl()");
    }
    return micl;
  }

  /** The name of every class index. */
  public List<String> classNames() {
    return classNames;
  }

  /** R, R^c, ΔR on the output of every layer (nats). */
  public List<Rates> layerRates() {
    return layerRates;
  }

  /**
   * The novelty of a scored sample: the smallest MICL increment over the known classes, per
   * dimension of the space MICL scores in, {@code ν = min_j δL(z_L, j) / d} in bits per dimension
   * (d = {@link #featureDimension()}); NaN when no class has statistics.
   *
   * @param deltaL δL(z_L, j) in bits for every class j (+∞ for a class without statistics)
   */
  public double noveltyBits(double[] deltaL) {
    double min = Double.POSITIVE_INFINITY;
    for (double v : deltaL) {
      if (Double.isFinite(v)) {
        min = Math.min(min, v);
      }
    }
    return Double.isFinite(min) ? min / featureDimension() : Double.NaN;
  }

  /**
   * The confidence of a scored sample's MICL prediction: the gap between the two smallest finite
   * increments over the classes, in the normalization of {@link #noveltyBits}, {@code μ = (δL_(2) −
   * δL_(1)) / d} in bits per dimension (δL_(1) ≤ δL_(2) the two smallest, d = {@link
   * #featureDimension()}); NaN when fewer than two classes have statistics.
   *
   * @param deltaL δL(z_L, j) in bits for every class j (+∞ for a class without statistics)
   */
  public double marginBits(double[] deltaL) {
    double first = Double.POSITIVE_INFINITY;
    double second = Double.POSITIVE_INFINITY;
    for (double v : deltaL) {
      if (!Double.isFinite(v)) {
        continue;
      }
      if (v < first) {
        second = first;
        first = v;
      } else if (v < second) {
        second = v;
      }
    }
    return Double.isFinite(second) ? (second - first) / featureDimension() : Double.NaN;
  }

  /**
   * The novelty threshold this version records ({@link #withNoveltyThreshold}), absent before the
   * model has seen a window scored by a version with classes.
   */
  public java.util.OptionalDouble noveltyThreshold() {
    return Double.isNaN(noveltyThreshold)
        ? java.util.OptionalDouble.empty()
        : java.util.OptionalDouble.of(noveltyThreshold);
  }

  /** Whether a sample of novelty {@code bits} is novel: above this version's threshold. */
  public boolean novel(double bits) {
    return !Double.isNaN(noveltyThreshold) && bits > noveltyThreshold;
  }

  /**
   * This model with the novelty threshold {@code threshold} (NaN: none). The same operators, a new
   * value.
   */
  public StreamingModel withNoveltyThreshold(double threshold) {
    return new StreamingModel(
        version,
        inputDimension,
        projection,
        network,
        micl,
        spectralInput,
        spectralMicl,
        classNames,
        layerRates,
        threshold);
  }

  /**
   * The threshold that flags the fraction 1 − q of {@code bits} (the finite ones): their q-quantile
   * by the nearest rank, the ⌈q·n⌉-th smallest; NaN when none is finite.
   */
  public static double noveltyQuantile(double[] bits, double q) {
    double[] finite = java.util.Arrays.stream(bits).filter(Double::isFinite).sorted().toArray();
    if (finite.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(q * finite.length);
    return finite[Math.max(0, Math.min(finite.length, rank) - 1)];
  }

  @Override
  public String toString() {
    return "StreamingModel[v"
        + version
        + ", D="
        + inputDimension
        + ", d="
        + featureDimension()
        + ", L="
        + network.depth()
        + ", classes="
        + classNames
        + "]";
  }
}
