package dev.redunet.stream.learning;

import dev.redunet.learn.StreamingModel;

/**
 * Told what the learning stage does, for metrics; called from the stream threads (implementations
 * must be thread-safe and fast). Every method does nothing by default.
 */
public interface LearningListener {

  /** The builder published {@code model}, built in {@code seconds}. */
  default void modelBuilt(StreamingModel model, double seconds) {}

  /** A scoring task started to use {@code model}. */
  default void modelLoaded(StreamingModel model) {}

  /** A labelled sample was scored by a model; {@code correct} if the prediction was its label. */
  default void scored(boolean correct) {}

  /**
   * A sample was scored with another version than the one it is owed ({@code redunet.scoring=
   * latest}, past {@code redunet.scoring.max.waiting}, or an owed version no longer retained).
   */
  default void scoredStale() {}

  /** A sample was flagged novel: its noveltyBits exceed its version's novelty threshold. */
  default void scoredNovel() {}

  /**
   * A sample waited {@code millis} of wall-clock time for its owed version (consistent scoring).
   */
  default void waited(long millis) {}

  /** The builder's watermark stopped waiting for an idle input partition. */
  default void partitionIdle(int partition) {}

  /** A labelled sample reached the builder after the watermark had passed its position. */
  default void lateSample() {}

  /** The builder skipped a learning record it could not use (logged with its coordinates). */
  default void learningRecordSkipped() {}

  /**
   * Version {@code version} learned {@code count} of its window's unlabelled samples as their
   * predicted class ({@code redunet.unlabelled=self}).
   */
  default void selfLearned(long version, int count) {}

  /** The builder published {@code count} cluster records of a window ({@code redunet.clusters}). */
  default void clustersPublished(int count) {}

  /** Computing a model version failed (it is tried again). */
  default void buildFailed() {}

  /**
   * The builder computed and installed a version; {@code metricsJson} is its record for the metrics
   * topic (version, built_at, the window's accuracy and kappa, novelty, rates).
   */
  default void versionEvaluated(String metricsJson) {}
}
