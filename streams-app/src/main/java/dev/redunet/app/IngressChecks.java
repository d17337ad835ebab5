package dev.redunet.app;

import dev.redunet.app.config.AppConfig;
import dev.redunet.app.config.ConfigKeys;
import dev.redunet.avro.RejectReason;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks the stream's parse-and-validate processor applies to a decoded sample, for {@code
 * evaluate}, which has no Kafka: in the processor's order, with its reason codes and messages.
 *
 * <ol>
 *   <li>more than {@code redunet.max.features} values: TOO_LARGE;
 *   <li>the expected shape ({@code redunet.feature.shape}, else fixed by the first accepted
 *       sample): a sample without a shape, or with a one-dimensional one, must have as many values
 *       as the expected shape holds; one with a multi-dimensional shape must have exactly the
 *       expected shape. Otherwise WRONG_DIMENSION;
 *   <li>all values zero: EMPTY_VECTOR;
 *   <li>an empty label: UNPARSABLE; with {@code redunet.labels}, a label outside it: UNKNOWN_LABEL.
 * </ol>
 *
 * The decoding checks (UNPARSABLE, MISSING_FIELD, EMPTY_VECTOR, NON_FINITE, an inconsistent shape,
 * and TOO_LARGE for a record over {@code redunet.max.record.bytes}) come before, from the reader.
 * Not thread-safe: the first accepted sample fixes the shape.
 */
final class IngressChecks {

  /** Why a sample is refused. */
  record Rejection(RejectReason reason, String message) {}

  private final int maxFeatures;
  private final int maxRecordBytes;
  private final Set<String> labels;
  private List<Integer> expected;
  private String origin;

  /**
   * @param maxFeatures {@code redunet.max.features}
   * @param maxRecordBytes {@code redunet.max.record.bytes}
   * @param configuredShape {@code redunet.feature.shape}; empty = fixed by the first sample
   * @param labels {@code redunet.labels}; empty = any label
   */
  IngressChecks(
      int maxFeatures, int maxRecordBytes, List<Integer> configuredShape, Set<String> labels) {
    this.maxFeatures = maxFeatures;
    this.maxRecordBytes = maxRecordBytes;
    this.labels = Set.copyOf(labels);
    if (!configuredShape.isEmpty()) {
      this.expected = List.copyOf(configuredShape);
      this.origin = "redunet.feature.shape";
    }
  }

  /** The checks of the configuration's ingress keys. */
  static IngressChecks of(AppConfig config) {
    return new IngressChecks(
        config.integer(ConfigKeys.MAX_FEATURES),
        config.integer(ConfigKeys.MAX_RECORD_BYTES),
        config.intList(ConfigKeys.FEATURE_SHAPE),
        new LinkedHashSet<>(config.textList(ConfigKeys.LABELS)));
  }

  /** {@code redunet.max.record.bytes}: the largest record the stream decodes. */
  int maxRecordBytes() {
    return maxRecordBytes;
  }

  /**
   * Checks one decoded sample; if it passes and no shape is expected yet, its shape becomes the
   * expected one.
   *
   * @param id the sample id (for the message of the sample that fixes the shape)
   * @param features the values, row-major
   * @param shape the sample's own shape, null for a plain vector
   * @param label the label, null if none
   * @return null if the sample is accepted, else why not
   */
  Rejection check(String id, double[] features, List<Integer> shape, String label) {
    int n = features.length;
    if (n > maxFeatures) {
      return new Rejection(
          RejectReason.TOO_LARGE,
          "features: " + n + " values, over the limit redunet.max.features=" + maxFeatures);
    }
    List<Integer> own = shape == null || shape.size() == 1 ? null : shape;
    List<Integer> effective;
    if (expected != null) {
      long size = 1;
      for (int d : expected) {
        size *= d;
      }
      if (own == null && n != size) {
        return new Rejection(
            RejectReason.WRONG_DIMENSION,
            "features: "
                + n
                + " values, expected "
                + size
                + " (shape "
                + expected
                + ", "
                + origin
                + ")");
      }
      if (own != null && !own.equals(expected)) {
        return new Rejection(
            RejectReason.WRONG_DIMENSION,
            "shape: " + own + " differs from the expected shape " + expected + " (" + origin + ")");
      }
      effective = expected;
    } else {
      effective = own == null ? List.of(n) : own;
    }
    boolean nonZero = false;
    for (double v : features) {
      nonZero |= v != 0.0;
    }
    if (!nonZero) {
      return new Rejection(
          RejectReason.EMPTY_VECTOR,
          "features: all "
              + n
              + " values are zero; a zero vector has no direction and cannot be normalized");
    }
    if (label != null && label.isEmpty()) {
      return new Rejection(
          RejectReason.UNPARSABLE, "label: empty (use null for an unlabelled sample)");
    }
    if (label != null && !labels.isEmpty() && !labels.contains(label)) {
      return new Rejection(
          RejectReason.UNKNOWN_LABEL,
          "label: \""
              + label
              + "\" is not one of the configured labels "
              + new TreeSet<>(labels)
              + " (redunet.labels)");
    }
    if (expected == null) {
      expected = List.copyOf(effective);
      origin = "fixed by sample " + Objects.requireNonNull(id, "id");
    }
    return null;
  }
}
