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
}
