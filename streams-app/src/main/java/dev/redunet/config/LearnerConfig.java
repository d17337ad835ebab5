package dev.redunet.config;

import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.learn.LearnerSettings.Unlabelled;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import java.util.Locale;

/** Maps the configuration keys onto the learner's settings (one mapping for every command). */
public final class LearnerConfig {
  private LearnerConfig() {}

  /** The learner settings that {@code config} describes. */
  public static LearnerSettings settings(AppConfig config) {
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
        config.real(ConfigKeys.NOVELTY_QUANTILE),
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
