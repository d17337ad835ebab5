package dev.redunet.stream;

import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import java.util.Objects;

/**
 * The two output records of one scored sample: its {@link Prediction} and its {@link Features}.
 * Both must name the same sample and the same model version (a prediction is made by exactly one
 * model version).
 *
 * @param prediction written to the predictions topic
 * @param features written to the features topic
 */
public record Scored(Prediction prediction, Features features) {

  /**
   * @throws IllegalArgumentException if the two records name different samples or model versions
   */
  public Scored {
    Objects.requireNonNull(prediction, "prediction");
    Objects.requireNonNull(features, "features");
    if (!Objects.equals(prediction.getSampleId(), features.getSampleId())) {
      throw new IllegalArgumentException(
          "prediction of sample "
              + prediction.getSampleId()
              + " paired with features of sample "
              + features.getSampleId());
    }
    if (prediction.getModelVersion() != features.getModelVersion()) {
      throw new IllegalArgumentException(
          "sample "
              + prediction.getSampleId()
              + ": prediction by model version "
              + prediction.getModelVersion()
              + " paired with features of model version "
              + features.getModelVersion());
    }
  }

  /** The id of the scored sample. */
  public String sampleId() {
    return prediction.getSampleId();
  }
}
