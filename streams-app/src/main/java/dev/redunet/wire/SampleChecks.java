package dev.redunet.wire;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import java.util.List;

/**
 * The checks every {@link Sample} must pass whatever its encoding: they depend on the sample alone,
 * not on the configuration (the configured dimension and label set are checked by the topology).
 *
 * <ul>
 *   <li>{@code id} is not empty (MISSING_FIELD);
 *   <li>{@code features} is not empty (EMPTY_VECTOR) and every value is finite (NON_FINITE);
 *   <li>{@code shape}, when present, is non-empty, every dimension is positive, and the product of
 *       the dimensions equals the number of features (WRONG_DIMENSION).
 * </ul>
 */
public final class SampleChecks {

  private SampleChecks() {}

  /**
   * Returns {@code sample} if it passes the checks above.
   *
   * @throws WireFormatException naming the first field that fails, with its reason code
   */
  public static Sample validate(Sample sample) {
    if (sample.getId() == null || sample.getId().isEmpty()) {
      throw new WireFormatException(RejectReason.MISSING_FIELD, "id", "empty");
    }
    List<Float> features = sample.getFeatures();
    if (features == null || features.isEmpty()) {
      throw new WireFormatException(RejectReason.EMPTY_VECTOR, "features", "empty");
    }
    for (int i = 0; i < features.size(); i++) {
      Float v = features.get(i);
      if (v == null || !Float.isFinite(v)) {
        throw new WireFormatException(
            RejectReason.NON_FINITE, "features[" + i + "]", "not finite: " + v);
      }
    }
    List<Integer> shape = sample.getShape();
    if (shape != null) {
      checkShape(shape, features.size());
    }
    return sample;
  }

  static void checkShape(List<Integer> shape, int featureCount) {
    if (shape.isEmpty()) {
      throw new WireFormatException(
          RejectReason.WRONG_DIMENSION, "shape", "empty (use null for a plain vector)");
    }
    long product = 1;
    for (int i = 0; i < shape.size(); i++) {
      Integer dim = shape.get(i);
      if (dim == null || dim < 1) {
        throw new WireFormatException(
            RejectReason.WRONG_DIMENSION, "shape[" + i + "]", "must be positive, got " + dim);
      }
      product = Math.min(product * dim, Integer.MAX_VALUE + 1L);
    }
    if (product != featureCount) {
      throw new WireFormatException(
          RejectReason.WRONG_DIMENSION,
          "shape",
          "product of "
              + shape
              + " is "
              + (product > Integer.MAX_VALUE ? "over 2^31" : Long.toString(product))
              + " but features has "
              + featureCount
              + " values");
    }
  }
}
