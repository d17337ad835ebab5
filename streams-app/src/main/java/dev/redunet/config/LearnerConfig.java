package dev.redunet.config;

import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.learn.LearnerSettings.Network;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.learn.LearnerSettings.Unlabelled;
import dev.redunet.learn.ModelJson;
import dev.redunet.learn.WindowStatistics;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.signal.SignalShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Maps the configuration keys onto the learner's settings (one mapping for every command). */
public final class LearnerConfig {
  private LearnerConfig() {}

  /** The learner settings that {@code config} describes. */
  public static LearnerSettings settings(AppConfig config) {
    LearnerSettings vector = vectorSettings(config);
    if (!config.text(ConfigKeys.NETWORK).equals("spectral")) {
      return vector;
    }
    List<Integer> dims = config.intList(ConfigKeys.FEATURE_SHAPE);
    SignalShape shape =
        switch (dims.size()) {
          case 2 -> SignalShape.of1d(dims.get(0), dims.get(1));
          case 3 -> SignalShape.of2d(dims.get(0), dims.get(1), dims.get(2));
          default ->
              throw new ConfigException(
                  ConfigKeys.FEATURE_SHAPE.name(),
                  dims.stream().map(String::valueOf).collect(Collectors.joining(",")),
                  "C,T or C,H,W (1,H,W for an image) with redunet.network=spectral");
        };
    int channels = config.integer(ConfigKeys.LIFTING_CHANNELS);
    Optional<LiftingSettings> lifting =
        channels == 0
            ? Optional.empty()
            : Optional.of(
                new LiftingSettings(
                    channels,
                    config.integer(ConfigKeys.LIFTING_KERNEL),
                    config.isSet(ConfigKeys.LIFTING_SEED)
                        ? config.longValue(ConfigKeys.LIFTING_SEED)
                        : config.longValue(ConfigKeys.SEED)));
    if (config.text(ConfigKeys.PROJECTION).equals("on")) {
      throw new ConfigException(
          ConfigKeys.PROJECTION.name(),
          "on",
          "off or auto with redunet.network=spectral (the PCA projection destroys the shift"
              + " structure)");
    }
    try {
      return vector.withNetwork(Network.SPECTRAL, Optional.of(shape), lifting);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("redunet.network=spectral: " + e.getMessage());
    }
  }

  private static LearnerSettings vectorSettings(AppConfig config) {
    return new LearnerSettings(
            config.integer(ConfigKeys.LAYERS),
            config.real(ConfigKeys.EPS_SQ),
            config.real(ConfigKeys.ETA),
            config.real(ConfigKeys.LAMBDA),
            TrainingMembership.valueOf(upper(config.text(ConfigKeys.MEMBERSHIP))),
            config.integer(ConfigKeys.WINDOW),
            config.integer(ConfigKeys.REFERENCE_SIZE),
            Combination.valueOf(upper(config.text(ConfigKeys.STATISTICS))),
            config.real(ConfigKeys.DECAY),
            config.integer(ConfigKeys.SLIDING_WINDOWS),
            ProjectionMode.valueOf(upper(config.text(ConfigKeys.PROJECTION))),
            config.integer(ConfigKeys.PROJECTION_DIM),
            config.real(ConfigKeys.MICL_EPS_SQ),
            Construction.valueOf(upper(config.text(ConfigKeys.CONSTRUCTION))),
            config.real(ConfigKeys.NOVELTY_QUANTILE))
        .withUnlabelled(
            Unlabelled.valueOf(upper(config.text(ConfigKeys.UNLABELLED))),
            config.real(ConfigKeys.UNLABELLED_MARGIN),
            config.integer(ConfigKeys.UNLABELLED_WINDOW_MAX),
            config.text(ConfigKeys.CLUSTERS).equals("on"),
            config.real(ConfigKeys.CLUSTERS_EPS_SQ));
  }

  /**
   * The learner settings (names of {@link LearnerSettings#asMap()}) that a model must have been
   * built with to be continued ({@code redunet.model.initial}), and their keys. The others (window
   * size, decay, novelty quantile, unlabelled samples, clusters) may change from one run to the
   * next.
   */
  private static final Map<String, ConfigKey> CONTINUED =
      orderedMap(
          "network", ConfigKeys.NETWORK,
          "layers", ConfigKeys.LAYERS,
          "eps_sq", ConfigKeys.EPS_SQ,
          "eta", ConfigKeys.ETA,
          "lambda", ConfigKeys.LAMBDA,
          "membership", ConfigKeys.MEMBERSHIP,
          "reference_size", ConfigKeys.REFERENCE_SIZE,
          "combination", ConfigKeys.STATISTICS,
          "sliding_windows", ConfigKeys.SLIDING_WINDOWS,
          "projection", ConfigKeys.PROJECTION,
          "projection_dim", ConfigKeys.PROJECTION_DIM,
          "micl_eps_sq", ConfigKeys.MICL_EPS_SQ,
          "construction", ConfigKeys.CONSTRUCTION,
          "feature_shape", ConfigKeys.FEATURE_SHAPE,
          "lifting_channels", ConfigKeys.LIFTING_CHANNELS,
          "lifting_kernel", ConfigKeys.LIFTING_KERNEL,
          "lifting_seed", ConfigKeys.LIFTING_SEED);

  private static Map<String, ConfigKey> orderedMap(Object... pairs) {
    Map<String, ConfigKey> m = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      m.put((String) pairs[i], (ConfigKey) pairs[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /**
   * The model {@code redunet.model.initial} names, read and checked against {@code settings}: empty
   * when the key is not set.
   *
   * @throws ConfigException if the file is missing or unreadable, is not a model export this
   *     release reads, carries no statistics to continue from, or was built with other settings
   *     (the message names the key and both values)
   */
  public static Optional<ModelJson.Restored> initialModel(
      AppConfig config, LearnerSettings settings) {
    Optional<String> file = config.optionalText(ConfigKeys.MODEL_INITIAL).filter(f -> !f.isBlank());
    if (file.isEmpty()) {
      return Optional.empty();
    }
    String key = ConfigKeys.MODEL_INITIAL.name();
    Path path = Path.of(file.get());
    String text;
    try {
      text = Files.readString(path, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      throw new ConfigException(
          key
              + "="
              + file.get()
              + ": cannot read the file ("
              + (e instanceof NoSuchFileException ? "no such file" : e.toString())
              + ")");
    }
    ModelJson.Restored restored;
    try {
      restored = ModelJson.read(text);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          key + "=" + file.get() + ": not a model export this release reads: " + e.getMessage());
    }
    String model = "the model in " + file.get();
    if (restored.statistics().flatMap(WindowStatistics::total).isEmpty()) {
      throw new ConfigException(
          key
              + "="
              + file.get()
              + ": the export has no learning statistics to continue from (\"learning\" is"
              + " null: exported by an older release or from a version without them); export it"
              + " again with this release");
    }
    Map<String, String> mine = settings.asMap();
    for (Map.Entry<String, ConfigKey> e : CONTINUED.entrySet()) {
      String theirs = restored.settings().get(e.getKey());
      String ours = mine.get(e.getKey());
      if (!java.util.Objects.equals(theirs, ours)) {
        throw new ConfigException(
            key
                + "="
                + file.get()
                + ": "
                + model
                + " was built with "
                + e.getValue().name()
                + " = "
                + (theirs == null ? "(not set)" : theirs)
                + ", this configuration has "
                + (ours == null ? "(not set)" : ours)
                + "; set "
                + e.getValue().name()
                + " as the model has it, or start without "
                + key);
      }
    }
    List<Integer> shape = config.intList(ConfigKeys.FEATURE_SHAPE);
    if (!shape.isEmpty() && !settings.spectral()) {
      int product = 1;
      for (int x : shape) {
        product *= x;
      }
      if (product != restored.model().inputDimension()) {
        throw new ConfigException(
            key
                + "="
                + file.get()
                + ": "
                + model
                + " takes samples of dimension "
                + restored.model().inputDimension()
                + ", "
                + ConfigKeys.FEATURE_SHAPE.name()
                + " = "
                + shape.stream().map(String::valueOf).collect(Collectors.joining(","))
                + " has "
                + product);
      }
    }
    return Optional.of(restored);
  }

  /**
   * The thread count of the application's math executor: {@code redunet.math.threads}, or every
   * processor the JVM may use when it is 0.
   */
  public static int mathThreads(AppConfig config) {
    int n = config.integer(ConfigKeys.MATH_THREADS);
    return n == 0 ? Runtime.getRuntime().availableProcessors() : n;
  }

  private static String upper(String s) {
    return s.toUpperCase(Locale.ROOT);
  }
}
