package dev.redunet.stream;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A sample that passed parsing and validation, as the parse-and-validate processor forwards it to
 * the scoring stage (in memory, never serialized): its id, event time, source, features, shape and
 * optional label.
 *
 * <p>Guarantees, checked by the constructor: the id is not empty; there is at least one feature;
 * every feature is finite and at least one is non-zero (so the vector can be normalized to the unit
 * sphere); the shape is non-empty, every dimension is positive and the product of the dimensions is
 * the number of features. The shape is the <em>effective</em> one: the shape the topology expects
 * (configured, or fixed by the first valid sample), {@code [d]} for a plain vector. Features are
 * kept in row-major (C) order as doubles (exact conversions of the 32-bit floats on the wire).
 *
 * <p>Immutable: the constructor copies its arguments and {@link #features()} returns a copy.
 */
public final class ValidSample {

  private final String id;
  private final Instant eventTime;
  private final String source;
  private final double[] features;
  private final List<Integer> shape;
  private final String label;

  /**
   * A validated sample.
   *
   * @param id the sample id (non-empty)
   * @param eventTime when the sample was observed
   * @param source free text, may be empty
   * @param features the values, row-major; copied
   * @param shape the effective shape; its product must be {@code features.length}
   * @param label the true label, or null when the sample is unlabelled (empty is not allowed)
   * @throws IllegalArgumentException naming what is wrong, with the shapes
   */
  public ValidSample(
      String id,
      Instant eventTime,
      String source,
      double[] features,
      List<Integer> shape,
      String label) {
    this.id = Objects.requireNonNull(id, "id");
    if (id.isEmpty()) {
      throw new IllegalArgumentException("id must not be empty");
    }
    this.eventTime = Objects.requireNonNull(eventTime, "eventTime");
    this.source = Objects.requireNonNull(source, "source");
    Objects.requireNonNull(features, "features");
    if (features.length == 0) {
      throw new IllegalArgumentException("sample " + id + ": features must not be empty");
    }
    boolean nonZero = false;
    for (int i = 0; i < features.length; i++) {
      if (!Double.isFinite(features[i])) {
        throw new IllegalArgumentException(
            "sample " + id + ": features[" + i + "] is not finite: " + features[i]);
      }
      nonZero |= features[i] != 0.0;
    }
    if (!nonZero) {
      throw new IllegalArgumentException(
          "sample " + id + ": all " + features.length + " features are zero");
    }
    this.features = features.clone();
    this.shape = List.copyOf(Objects.requireNonNull(shape, "shape"));
    if (this.shape.isEmpty()) {
      throw new IllegalArgumentException("sample " + id + ": shape must not be empty");
    }
    long product = 1;
    for (int d : this.shape) {
      if (d < 1) {
        throw new IllegalArgumentException(
            "sample " + id + ": shape " + this.shape + " has a dimension < 1");
      }
      product = Math.min(product * d, Integer.MAX_VALUE + 1L);
    }
    if (product != features.length) {
      throw new IllegalArgumentException(
          "sample "
              + id
              + ": shape "
              + this.shape
              + " holds "
              + product
              + " values but there are "
              + features.length
              + " features");
    }
    if (label != null && label.isEmpty()) {
      throw new IllegalArgumentException("sample " + id + ": label must be null or non-empty");
    }
    this.label = label;
  }

  /** The sample id; also the key of the sample's output records. */
  public String id() {
    return id;
  }

  /** When the sample was observed. */
  public Instant eventTime() {
    return eventTime;
  }

  /** Where the sample came from; empty when unknown. */
  public String source() {
    return source;
  }

  /** The number of features d (the product of the shape). */
  public int dimension() {
    return features.length;
  }

  /** Feature {@code i} (row-major index), 0 ≤ i &lt; {@link #dimension()}. */
  public double feature(int i) {
    return features[i];
  }

  /** A copy of the features, row-major, length {@link #dimension()}. */
  public double[] features() {
    return features.clone();
  }

  /**
   * Copies the features into {@code destination[offset, offset + d)} (for batching samples into a
   * matrix without an intermediate array).
   *
   * @param destination modified
   * @throws IndexOutOfBoundsException if the range does not fit
   */
  public void copyFeaturesTo(double[] destination, int offset) {
    System.arraycopy(features, 0, destination, offset, features.length);
  }

  /** The Euclidean norm of the features, ‖x‖₂ (positive, by construction). */
  public double norm() {
    double scale = 0;
    for (double v : features) {
      scale = Math.max(scale, Math.abs(v));
    }
    double sum = 0;
    for (double v : features) {
      double r = v / scale;
      sum += r * r;
    }
    return scale * Math.sqrt(sum);
  }

  /** The effective shape: {@code [d]} for a vector, e.g. {@code [C, T]} or {@code [H, W]}. */
  public List<Integer> shape() {
    return shape;
  }

  /** The true label, if the sample has one. */
  public Optional<String> label() {
    return Optional.ofNullable(label);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ValidSample s
        && id.equals(s.id)
        && eventTime.equals(s.eventTime)
        && source.equals(s.source)
        && Arrays.equals(features, s.features)
        && shape.equals(s.shape)
        && Objects.equals(label, s.label);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, eventTime, source, Arrays.hashCode(features), shape, label);
  }

  @Override
  public String toString() {
    int shown = Math.min(4, features.length);
    StringBuilder values = new StringBuilder();
    for (int i = 0; i < shown; i++) {
      values.append(i == 0 ? "" : ", ").append(features[i]);
    }
    if (shown < features.length) {
      values.append(", ...");
    }
    return "ValidSample[id="
        + id
        + ", eventTime="
        + eventTime
        + ", shape="
        + shape
        + ", features=["
        + values
        + "], label="
        + label
        + "]";
  }
}
