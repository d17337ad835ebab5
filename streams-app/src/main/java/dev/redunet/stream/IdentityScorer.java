package dev.redunet.stream;

import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The documented behaviour before the first model is built: the network is the identity (no layers)
 * and no class has statistics yet, so
 *
 * <ul>
 *   <li>the {@link Features} are the input normalized to unit length, z = x / ‖x‖₂ (as 32-bit
 *       floats, same shape), with {@code modelVersion = 0};
 *   <li>the {@link Prediction} has {@code modelVersion = 0}, {@code predictedLabel = null}, no
 *       class scores, and the sample's true label (null when unlabelled).
 * </ul>
 *
 * Stateless (but for where it emits).
 */
public final class IdentityScorer implements SampleScorer {

  /** The model version of the identity network. */
  public static final long MODEL_VERSION = 0;

  private Output output;

  @Override
  public void init(ProcessorContext<String, Object> context, Output output) {
    this.output = output;
  }

  @Override
  public void score(ValidSample sample, long timestamp) {
    output.emit(identity(sample), timestamp);
  }

  /** The identity-network output of {@code sample}; see the class comment. */
  public static Scored identity(ValidSample sample) {
    double norm = sample.norm();
    List<Float> z = new ArrayList<>(sample.dimension());
    for (int i = 0; i < sample.dimension(); i++) {
      z.add((float) (sample.feature(i) / norm));
    }
    Features features =
        Features.newBuilder()
            .setSampleId(sample.id())
            .setModelVersion(MODEL_VERSION)
            .setFeatures(z)
            .setShape(sample.shape())
            .build();
    Prediction prediction =
        Prediction.newBuilder()
            .setSampleId(sample.id())
            .setModelVersion(MODEL_VERSION)
            .setPredictedLabel(null)
            .setScores(List.of())
            .setTrueLabel(sample.label().orElse(null))
            .build();
    return new Scored(prediction, features);
  }
}
