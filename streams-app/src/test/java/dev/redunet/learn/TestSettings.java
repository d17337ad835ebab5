package dev.redunet.learn;

import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;

/** Learner settings of the core's tests. */
final class TestSettings {

  private TestSettings() {}

  /**
   * The vector network with {@code layers} layers on windows of {@code window} samples, no
   * projection, built from statistics: ε² = η = 0.5, λ = 500, soft membership, cumulative
   * statistics, MICL ε² = 0.5, the default novelty quantile.
   */
  static LearnerSettings vector(int layers, int window) {
    LearnerSettings d = LearnerSettings.defaults();
    return new LearnerSettings(
        layers,
        0.5,
        0.5,
        500,
        TrainingMembership.SOFTMAX,
        window,
        0,
        Combination.CUMULATIVE,
        0.9,
        3,
        ProjectionMode.OFF,
        d.projectionDimension(),
        0.5,
        Construction.STATISTICS,
        d.noveltyQuantile());
  }
}
