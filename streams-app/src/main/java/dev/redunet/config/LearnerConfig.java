package dev.redunet.config;

import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.learn.LearnerSettings.Network;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.learn.LearnerSettings.Unlabelled;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.signal.SignalShape;
import java.util.List;
import java.util.Locale;
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
