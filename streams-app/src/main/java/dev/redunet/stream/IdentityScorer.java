package dev.redunet.stream;

import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import java.util.ArrayList;
import java.util.List;

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
 * Stateless.
 */
public final class IdentityScorer {

  /** The model version of the identity network. */
  public static final long MODEL_VERSION = 0;

  private IdentityScorer() {}

  /** The scorer of the identity network: every sample at once, with {@link #identity}. */
  public static SampleScorer scorer() {
    return SampleScorer.synchronous(IdentityScorer::identity);
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
