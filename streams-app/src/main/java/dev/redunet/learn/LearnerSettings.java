package dev.redunet.learn;

import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.signal.SignalShape;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the streaming learner builds its model (ARCHITECTURE.md §3; CALIBRATION.md for the defaults).
 *
 * @param layers the number of ReduNet layers L ≥ 0 (0 = MICL on the prepared input)
 * @param epsSq ε² of the layers' coding rates &gt; 0
 * @param eta the layers' step η ≥ 0
 * @param lambda the membership sharpness λ ≥ 0
 * @param membership the training membership of the layer updates
 * @param window labelled samples per window; the model is rebuilt at every window boundary
 * @param referenceSize the reference size m of α = d/(m ε²); the statistics are rescaled to m
 *     samples before an operator is built (0 = the window size)
 * @param combination how successive windows' statistics combine
 * @param decay the per-window factor of {@link Combination#DECAYED}, in (0, 1]
 * @param slidingWindows the number of windows summed by {@link Combination#SLIDING}
 * @param projection whether a PCA projection precedes the layers
 * @param projectionDimension the dimension p of that projection
 * @param miclEpsSq ε² of the MICL coding lengths &gt; 0
 * @param construction how the layers are built at a window boundary
 * @param noveltyQuantile the quantile q in (0, 1] of the labelled samples' own novelty (scored
 *     before they are learned) that a version records as its novelty threshold: about 1 − q of
 *     known-class samples are flagged novel
 * @param unlabelled what the learner does with unlabelled samples ({@link Unlabelled#IGNORE}, the
 *     default, or {@link Unlabelled#SELF}-training)
 * @param unlabelledMargin with {@link Unlabelled#SELF}: an unlabelled sample is learned as its
 *     predicted class when its MICL margin ({@link StreamingModel#marginBits}, bits per dimension)
 *     is at least this, ≥ 0
 * @param unlabelledPerWindow the most unlabelled samples a window keeps (the first ones in the
 *     stream's order) for self-training and clustering, ≥ 1
 * @param clusters whether the unlabelled samples flagged novel are clustered at each window's close
 *     ({@link NoveltyClusters})
 * @param clustersEpsSq ε² of that clustering (linear coding on z₀), &gt; 0
 * @param network the kind of layers: vector, or spectral (shift-invariant, on multichannel signals
 *     of {@code featureShape}, classified by the MICL of the shift-augmented classes)
 * @param featureShape the shape (C, T) or (C, H, W) of every sample; required by the spectral
 *     network
 * @param lifting the random lifting before the spectral layers, if any
 */
public record LearnerSettings(
    int layers,
    double epsSq,
    double eta,
    double lambda,
    TrainingMembership membership,
    int window,
    int referenceSize,
    Combination combination,
    double decay,
    int slidingWindows,
    ProjectionMode projection,
    int projectionDimension,
    double miclEpsSq,
    Construction construction,
    double noveltyQuantile,
    Unlabelled unlabelled,
    double unlabelledMargin,
    int unlabelledPerWindow,
    boolean clusters,
    double clustersEpsSq,
    Network network,
    Optional<SignalShape> featureShape,
    Optional<LiftingSettings> lifting) {

  /** What the learner does with unlabelled samples. */
  public enum Unlabelled {
    /** Score them only (the default). */
    IGNORE,
    /**
     * Self-training: learn those predicted with a margin of at least {@code unlabelledMargin} as
     * their predicted class.
     */
    SELF
  }

  /** The kind of network the learner builds. */
  public enum Network {
    /** Vector ReduNet layers on flat samples (REDUNET_SPEC §2), MICL on the output. */
    VECTOR,
    /**
     * Spectral ReduNet layers on multichannel signals (REDUNET_SPEC §3): shift-equivariant, with
     * the shift-invariant MICL of the shift-augmented classes on the output (MICL_SPEC §9).
     */
    SPECTRAL
  }

  /**
   * A random multichannel lifting ({@code dev.redunet.data.Lifting}) before the spectral layers.
   *
   * @param channels output channels C' ≥ 1
   * @param kernel kernel size k ≥ 1 (k × k in 2D)
   * @param seed the seed of the filters
   */
  public record LiftingSettings(int channels, int kernel, long seed) {
    /** Validates the values. */
    public LiftingSettings {
      if (channels < 1 || kernel < 1) {
        throw new IllegalArgumentException(
            "lifting needs channels ≥ 1 and kernel ≥ 1, got " + channels + " and " + kernel);
      }
    }
  }

  /** The default {@link #unlabelledMargin()}: bits per dimension. */
  public static final double DEFAULT_UNLABELLED_MARGIN = 0.5;

  /** The default {@link #unlabelledPerWindow()}. */
  public static final int DEFAULT_UNLABELLED_PER_WINDOW = 5000;

  /** The default {@link #clustersEpsSq()}. */
  public static final double DEFAULT_CLUSTERS_EPS_SQ = 0.05;

  /**
   * Settings that ignore unlabelled samples (no self-training, no clustering): the settings before
   * they had a say.
   */
  public LearnerSettings(
      int layers,
      double epsSq,
      double eta,
      double lambda,
      TrainingMembership membership,
      int window,
      int referenceSize,
      Combination combination,
      double decay,
      int slidingWindows,
      ProjectionMode projection,
      int projectionDimension,
      double miclEpsSq,
      Construction construction,
      double noveltyQuantile) {
    this(
        layers,
        epsSq,
        eta,
        lambda,
        membership,
        window,
        referenceSize,
        combination,
        decay,
        slidingWindows,
        projection,
        projectionDimension,
        miclEpsSq,
        construction,
        noveltyQuantile,
        Unlabelled.IGNORE,
        DEFAULT_UNLABELLED_MARGIN,
        DEFAULT_UNLABELLED_PER_WINDOW,
        false,
        DEFAULT_CLUSTERS_EPS_SQ,
        Network.VECTOR,
        Optional.empty(),
        Optional.empty());
  }

  /** How the statistics of successive windows are combined. */
  public enum Combination {
    /** Everything since the start (the default: it converges on a stationary stream). */
    CUMULATIVE,
    /** Older windows weigh {@code decay} per window. */
    DECAYED,
    /** The sum of the last {@code slidingWindows} windows (exact, statistics subtract). */
    SLIDING
  }

  /** Whether the input is projected by PCA before the layers. */
  public enum ProjectionMode {
    /** Project when the input dimension exceeds {@link #AUTO_THRESHOLD}. */
    AUTO,
    ON,
    OFF;

    /** Input dimensions above this get a projection in {@link #AUTO} mode. */
    public static final int AUTO_THRESHOLD = 128;
  }

  /** How the layers are rebuilt at a window boundary. */
  public enum Construction {
    /**
     * Layer ℓ+1 is rebuilt from the accumulated statistics of the features z_ℓ that the model in
     * force produced for every labelled sample (bounded memory O(L·k·d²)).
     */
    STATISTICS,
    /** The exact batch forward construction on a bounded buffer of the last window's samples. */
    REPLAY
  }

  /** Validates the settings. */
  public LearnerSettings {
    if (layers < 0) {
      throw new IllegalArgumentException("layers must be ≥ 0, got " + layers);
    }
    if (!(epsSq > 0) || !Double.isFinite(epsSq)) {
      throw new IllegalArgumentException("epsSq must be a finite number > 0, got " + epsSq);
    }
    if (!(eta >= 0) || !Double.isFinite(eta)) {
      throw new IllegalArgumentException("eta must be a finite number ≥ 0, got " + eta);
    }
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      throw new IllegalArgumentException("lambda must be a finite number ≥ 0, got " + lambda);
    }
    Objects.requireNonNull(membership, "membership");
    if (window < 1) {
      throw new IllegalArgumentException("window must be ≥ 1, got " + window);
    }
    if (referenceSize < 0) {
      throw new IllegalArgumentException("referenceSize must be ≥ 0, got " + referenceSize);
    }
    Objects.requireNonNull(combination, "combination");
    if (!(decay > 0 && decay <= 1)) {
      throw new IllegalArgumentException("decay must be in (0, 1], got " + decay);
    }
    if (slidingWindows < 1) {
      throw new IllegalArgumentException("slidingWindows must be ≥ 1, got " + slidingWindows);
    }
    Objects.requireNonNull(projection, "projection");
    if (projectionDimension < 1) {
      throw new IllegalArgumentException(
          "projectionDimension must be ≥ 1, got " + projectionDimension);
    }
    if (!(miclEpsSq > 0) || !Double.isFinite(miclEpsSq)) {
      throw new IllegalArgumentException("miclEpsSq must be a finite number > 0, got " + miclEpsSq);
    }
    Objects.requireNonNull(construction, "construction");
    if (!(noveltyQuantile > 0 && noveltyQuantile <= 1)) {
      throw new IllegalArgumentException(
          "noveltyQuantile must be in (0, 1], got " + noveltyQuantile);
    }
    Objects.requireNonNull(unlabelled, "unlabelled");
    if (!(unlabelledMargin >= 0) || !Double.isFinite(unlabelledMargin)) {
      throw new IllegalArgumentException(
          "unlabelledMargin must be a finite number ≥ 0, got " + unlabelledMargin);
    }
    if (unlabelledPerWindow < 1) {
      throw new IllegalArgumentException(
          "unlabelledPerWindow must be ≥ 1, got " + unlabelledPerWindow);
    }
    if (!(clustersEpsSq > 0) || !Double.isFinite(clustersEpsSq)) {
      throw new IllegalArgumentException(
          "clustersEpsSq must be a finite number > 0, got " + clustersEpsSq);
    }
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(featureShape, "featureShape");
    Objects.requireNonNull(lifting, "lifting");
    if (network == Network.SPECTRAL) {
      if (featureShape.isEmpty()) {
        throw new IllegalArgumentException(
            "the spectral network needs the feature shape (C,T or C,H,W) of its samples");
      }
      if (projection == ProjectionMode.ON) {
        throw new IllegalArgumentException(
            "the spectral network takes no PCA projection (it destroys the shift structure):"
                + " projection must be off or auto with network spectral");
      }
      if (lifting.isPresent()) {
        SignalShape shape = featureShape.get();
        int k = lifting.get().kernel();
        if (k > shape.width() || (!shape.is1d() && k > shape.height())) {
          throw new IllegalArgumentException(
              "lifting kernel " + k + " exceeds the samples' shape " + shape);
        }
      }
    } else if (lifting.isPresent()) {
      throw new IllegalArgumentException("a lifting needs the spectral network");
    }
  }

  /** Whether windows keep unlabelled samples: for self-training or for clustering. */
  public boolean keepsUnlabelled() {
    return unlabelled == Unlabelled.SELF || clusters;
  }

  /**
   * These settings with other choices for unlabelled samples (see the record's parameters).
   *
   * @throws IllegalArgumentException as the constructor
   */
  public LearnerSettings withUnlabelled(
      Unlabelled mode, double margin, int perWindow, boolean cluster, double clusterEpsSq) {
    return new LearnerSettings(
        layers,
        epsSq,
        eta,
        lambda,
        membership,
        window,
        referenceSize,
        combination,
        decay,
        slidingWindows,
        projection,
        projectionDimension,
        miclEpsSq,
        construction,
        noveltyQuantile,
        mode,
        margin,
        perWindow,
        cluster,
        clusterEpsSq,
        network,
        featureShape,
        lifting);
  }

  /** These settings with self-training at {@code margin} (bits per dimension). */
  public LearnerSettings withSelfTraining(double margin) {
    return withUnlabelled(Unlabelled.SELF, margin, unlabelledPerWindow, clusters, clustersEpsSq);
  }

  /** These settings with the novel unlabelled samples clustered at ε² {@code clusterEpsSq}. */
  public LearnerSettings withClusters(double clusterEpsSq) {
    return withUnlabelled(unlabelled, unlabelledMargin, unlabelledPerWindow, true, clusterEpsSq);
  }

  /**
   * These settings with another network, sample shape and lifting.
   *
   * @throws IllegalArgumentException as the constructor
   */
  public LearnerSettings withNetwork(
      Network kind, Optional<SignalShape> shape, Optional<LiftingSettings> lift) {
    return new LearnerSettings(
        layers,
        epsSq,
        eta,
        lambda,
        membership,
        window,
        referenceSize,
        combination,
        decay,
        slidingWindows,
        projection,
        projectionDimension,
        miclEpsSq,
        construction,
        noveltyQuantile,
        unlabelled,
        unlabelledMargin,
        unlabelledPerWindow,
        clusters,
        clustersEpsSq,
        kind,
        shape,
        lift);
  }

  /** Whether the learner builds spectral layers. */
  public boolean spectral() {
    return network == Network.SPECTRAL;
  }

  /**
   * The shape of the spectral layers' samples: the feature shape, with the lifting's channels.
   *
   * @throws IllegalStateException for a vector network
   */
  public SignalShape layerShape() {
    SignalShape shape =
        featureShape.orElseThrow(() -> new IllegalStateException("no feature shape"));
    return lifting.map(l -> shape.withChannels(l.channels())).orElse(shape);
  }

  /**
   * The defaults that CALIBRATION.md measured best on the MNIST stream: L = 2, ε² = 0.5, η = 0.5, λ
   * = 500, softmax membership, W = 500, m = W, cumulative statistics, PCA to 64 above 128
   * dimensions, MICL ε² = 0.5, statistics construction; novelty threshold at the 0.95 quantile.
   */
  public static LearnerSettings defaults() {
    return new LearnerSettings(
        2,
        0.5,
        0.5,
        500,
        TrainingMembership.SOFTMAX,
        500,
        0,
        Combination.CUMULATIVE,
        0.9,
        10,
        ProjectionMode.AUTO,
        64,
        0.5,
        Construction.STATISTICS,
        0.95);
  }

  /** The reference size m actually used: {@link #referenceSize()}, or the window when it is 0. */
  public int effectiveReferenceSize() {
    return referenceSize == 0 ? window : referenceSize;
  }

  /** Whether inputs of {@code inputDimension} are projected. */
  public boolean projects(int inputDimension) {
    if (network == Network.SPECTRAL) {
      return false;
    }
    return switch (projection) {
      case ON -> projectionDimension < inputDimension;
      case OFF -> false;
      case AUTO ->
          inputDimension > ProjectionMode.AUTO_THRESHOLD && projectionDimension < inputDimension;
    };
  }

  /** The settings by name, as recorded in the model's provenance. */
  public Map<String, String> asMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("layers", Integer.toString(layers));
    m.put("eps_sq", Double.toString(epsSq));
    m.put("eta", Double.toString(eta));
    m.put("lambda", Double.toString(lambda));
    m.put("membership", membership.name().toLowerCase(Locale.ROOT));
    m.put("window", Integer.toString(window));
    m.put("reference_size", Integer.toString(effectiveReferenceSize()));
    m.put("combination", combination.name().toLowerCase(Locale.ROOT));
    m.put("decay", Double.toString(decay));
    m.put("sliding_windows", Integer.toString(slidingWindows));
    m.put("projection", projection.name().toLowerCase(Locale.ROOT));
    m.put("projection_dim", Integer.toString(projectionDimension));
    m.put("micl_eps_sq", Double.toString(miclEpsSq));
    m.put("construction", construction.name().toLowerCase(Locale.ROOT));
    m.put("novelty_quantile", Double.toString(noveltyQuantile));
    m.put("unlabelled", unlabelled.name().toLowerCase(Locale.ROOT));
    m.put("unlabelled_margin", Double.toString(unlabelledMargin));
    m.put("unlabelled_per_window", Integer.toString(unlabelledPerWindow));
    m.put("clusters", Boolean.toString(clusters));
    m.put("clusters_eps_sq", Double.toString(clustersEpsSq));
    m.put("network", network.name().toLowerCase(Locale.ROOT));
    featureShape.ifPresent(
        s ->
            m.put(
                "feature_shape",
                s.is1d()
                    ? s.channels() + "," + s.width()
                    : s.channels() + "," + s.height() + "," + s.width()));
    lifting.ifPresent(
        l -> {
          m.put("lifting_channels", Integer.toString(l.channels()));
          m.put("lifting_kernel", Integer.toString(l.kernel()));
          m.put("lifting_seed", Long.toString(l.seed()));
        });
    return m;
  }
}
