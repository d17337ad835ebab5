package dev.redunet.app;

import dev.redunet.avro.RejectReason;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import dev.redunet.stream.ShapeRule;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks the stream's parse-and-validate processor applies to a decoded sample, for {@code
 * evaluate}, which has no Kafka: in the processor's order, with its reason codes and messages.
 *
 * <ol>
 *   <li>more than {@code redunet.max.features} values: TOO_LARGE;
 *   <li>the configured shape {@code redunet.feature.shape} ({@link ShapeRule}): otherwise
 *       WRONG_DIMENSION;
 *   <li>all values zero: EMPTY_VECTOR;
 *   <li>an empty label: UNPARSABLE; with {@code redunet.labels}, a label outside it: UNKNOWN_LABEL;
 *   <li>without a configured shape, the shape of the first accepted labelled sample, as the
 *       learning stage checks it when it scores a later sample: otherwise WRONG_DIMENSION.
 * </ol>
 *
 * The decoding checks (UNPARSABLE, MISSING_FIELD, EMPTY_VECTOR, NON_FINITE, an inconsistent shape,
 * and TOO_LARGE for a record over {@code redunet.max.record.bytes}) come before, from the reader.
 * Not thread-safe: without a configured shape, the first accepted labelled sample fixes the shape,
 * checked (as the stream checks it when it scores) after the other checks.
 */
final class IngressChecks {

  /** Why a sample is refused. */
  record Rejection(RejectReason reason, String message) {}

  private final int maxFeatures;
  private final int maxRecordBytes;
  private final Set<String> labels;
  private final List<Integer> configured;
  private List<Integer> learned;
  private String learnedOrigin;

  /**
   * @param maxFeatures {@code redunet.max.features}
   * @param maxRecordBytes {@code redunet.max.record.bytes}
   * @param configuredShape {@code redunet.feature.shape}; empty = fixed by the first labelled
   *     sample
   * @param labels {@code redunet.labels}; empty = any label
   */
  IngressChecks(
      int maxFeatures, int maxRecordBytes, List<Integer> configuredShape, Set<String> labels) {
    this.maxFeatures = maxFeatures;
    this.maxRecordBytes = maxRecordBytes;
    this.labels = Set.copyOf(labels);
    this.configured = configuredShape.isEmpty() ? null : List.copyOf(configuredShape);
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
   * Checks one decoded sample; if it passes, is labelled, and no shape is fixed yet, its shape
   * becomes the expected one.
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
    List<Integer> own = shape == null || shape.isEmpty() ? List.of(n) : shape;
    if (configured != null) {
      Optional<String> misfit = ShapeRule.misfit(own, configured, "redunet.feature.shape");
      if (misfit.isPresent()) {
        return new Rejection(RejectReason.WRONG_DIMENSION, misfit.get());
      }
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
    if (configured == null && learned != null) {
      Optional<String> misfit = ShapeRule.misfit(own, learned, learnedOrigin);
      if (misfit.isPresent()) {
        return new Rejection(RejectReason.WRONG_DIMENSION, misfit.get());
      }
    } else if (configured == null && label != null) {
      learned = List.copyOf(own);
      learnedOrigin = "fixed by the first labelled sample, " + Objects.requireNonNull(id, "id");
    }
    return null;
  }
}
