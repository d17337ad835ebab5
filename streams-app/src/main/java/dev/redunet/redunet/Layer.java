package dev.redunet.redunet;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import java.io.DataOutput;
import java.io.IOException;

/**
 * One layer of a ReduNet: a fixed map from a batch of feature vectors to the next, with the class
 * membership estimate π̂ it uses on the way (REDUNET_SPEC §2.2, §3.4).
 *
 * <p>A batch is a d × m {@link Matrix} whose columns are samples; a sample is a flat vector of
 * dimension d (a vector layer reads it as it is, a spectral layer as a [C,T] or [C,H,W] signal
 * flattened channel-major). Implementations are immutable.
 */
public interface Layer {

  /** The dimension d of the samples this layer accepts. */
  int inputDimension();

  /** The dimension of the samples it produces. */
  int outputDimension();

  /**
   * The labels of the classes this layer knows, in the order of the rows of {@link #membership}.
   */
  int[] classLabels();

  /**
   * The layer applied to every sample (the soft-membership update used at inference), on the
   * calling thread.
   *
   * @param z inputDimension() × m
   * @return outputDimension() × m, every column of unit norm
   */
  default Matrix apply(Matrix z) {
    return apply(z, MathExecutor.sequential());
  }

  /**
   * {@link #apply(Matrix)} on the executor's threads (the result does not depend on them).
   *
   * @param z inputDimension() × m
   * @return outputDimension() × m, every column of unit norm
   */
  Matrix apply(Matrix z, MathExecutor math);

  /**
   * The estimated membership π̂_j(z) for every sample: k × m, columns sum to 1, rows in the order
   * of {@link #classLabels()}; on the calling thread.
   */
  default Matrix membership(Matrix z) {
    return membership(z, MathExecutor.sequential());
  }

  /** {@link #membership(Matrix)} on the executor's threads (the result does not depend on them). */
  Matrix membership(Matrix z, MathExecutor math);

  /** The tag that identifies the layer type in the serialized network (e.g. {@code "vector"}). */
  String tag();

  /** Writes the layer's parameters; {@link ReduNetCodec} frames them with the tag and a length. */
  void writePayload(DataOutput out) throws IOException;
}
