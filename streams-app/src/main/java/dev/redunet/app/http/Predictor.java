package dev.redunet.app.http;

import dev.redunet.stream.learning.LivePredictor;
import java.util.List;

/**
 * What {@code POST /predict} asks: one outcome per sample, with the model in force ({@link
 * LivePredictor} in a running application). Called from HTTP threads, concurrently.
 */
@FunctionalInterface
public interface Predictor {

  /**
   * Predicts every sample.
   *
   * @param samples the samples' JSON objects, as the samples topic takes them
   * @return one outcome per sample, in order
   * @throws LivePredictor.UnavailableException if the model cannot be read now
   */
  List<LivePredictor.Outcome> predict(List<byte[]> samples);

  /** A predictor of an instance without a model store: always unavailable. */
  static Predictor none() {
    return samples -> {
      throw new LivePredictor.UnavailableException("this instance has no model store", null);
    };
  }
}
