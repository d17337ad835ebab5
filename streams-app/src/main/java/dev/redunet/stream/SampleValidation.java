package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import dev.redunet.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * The checks every input sample passes, in the stream ({@code ValidateProcessor}) and in {@code
 * POST /predict}: one decoding and one set of rules, so a sample is accepted or rejected, with the
 * same reason code, wherever it comes in.
 *
 * <p>Checks, in order (the first that fails gives the reason):
 *
 * <ol>
 *   <li>decoding ({@link dev.redunet.wire.SampleDecoder}): value over {@code
 *       redunet.max.record.bytes} (TOO_LARGE), neither Avro nor JSON or malformed (UNPARSABLE),
 *       unknown Avro fingerprint (UNKNOWN_SCHEMA), no id (MISSING_FIELD; a JSON sample without id
 *       takes the record key as its id when the key is non-empty UTF-8), no features
 *       (EMPTY_VECTOR), NaN or infinity (NON_FINITE), shape inconsistent with the features
 *       (WRONG_DIMENSION);
 *   <li>more than {@code redunet.max.features} values: TOO_LARGE;
 *   <li>the configured shape {@code redunet.feature.shape}, if any ({@link ShapeRule}): a sample
 *       without a shape, or with a one-dimensional one, is a plain vector and must have as many
 *       values as the configured shape holds (it then takes that shape); a sample with a
 *       multi-dimensional shape must have exactly the configured shape. Otherwise WRONG_DIMENSION.
 *       Without a configured shape, the learning stage checks samples against the shape of the
 *       first labelled sample in the stream's order, when it scores them (a rule that does not
 *       depend on which partition is read first);
 *   <li>all values zero: EMPTY_VECTOR (a zero vector has no direction; every network normalizes its
 *       input to the unit sphere);
 *   <li>an empty label (UNPARSABLE), or, when {@code redunet.labels} fixes the label set, a label
 *       outside it: UNKNOWN_LABEL. Unlabelled samples are always accepted;
 *   <li>an id or a label of more than {@value #MAX_NAME_BYTES} UTF-8 bytes: TOO_LARGE (every model
 *       version stores its class names, and a cluster its members' ids).
 * </ol>
 */
public final class SampleValidation {

  /** The longest id or label accepted, in UTF-8 bytes. */
  public static final int MAX_NAME_BYTES = 1024;

  private SampleValidation() {}

  /** The result of validating one record. */
  public sealed interface Outcome {}

  /** A valid sample. */
  public record Accepted(ValidSample sample) implements Outcome {}

  /**
   * A rejection; {@code error} describes it in the dead-letter headers: the decoder's {@link
   * WireFormatException}, an unexpected exception, or an {@link InvalidSampleException} made by the
   * check that failed.
   *
   * @param reason the reason code of the rejected topic
   * @param message what was wrong, and where
   */
  public record Rejected(RejectReason reason, String message, Exception error) implements Outcome {
    Rejected(RejectReason reason, String message) {
      this(reason, message, new InvalidSampleException(reason, message));
    }
  }

  /**
   * Decodes and checks one record value.
   *
   * @param settings what to check against
   * @param key the record key (the id of a JSON sample without one), or null
   * @param value the record value: Avro or JSON
   * @param timestamp the record timestamp (the event time of a sample that carries none)
   * @return the valid sample, or the reason it is rejected; an unexpected failure is thrown
   */
  public static Outcome validate(
      IngressSettings settings, byte[] key, byte[] value, Instant timestamp) {
    try {
      Sample s = settings.decoder().decode(key, value, timestamp);
      List<Float> values = s.getFeatures();
      int n = values.size();
      if (n > settings.maxFeatures()) {
        return new Rejected(
            RejectReason.TOO_LARGE,
            "features: "
                + n
                + " values, over the limit redunet.max.features="
                + settings.maxFeatures());
      }
      List<Integer> own =
          s.getShape() == null || s.getShape().isEmpty() ? List.of(n) : s.getShape();
      List<Integer> effective = own;
      if (!settings.configuredShape().isEmpty()) {
        Optional<String> misfit =
            ShapeRule.misfit(own, settings.configuredShape(), "redunet.feature.shape");
        if (misfit.isPresent()) {
          return new Rejected(RejectReason.WRONG_DIMENSION, misfit.get());
        }
        effective = settings.configuredShape();
      }
      double[] x = new double[n];
      boolean nonZero = false;
      for (int i = 0; i < n; i++) {
        x[i] = values.get(i);
        nonZero |= x[i] != 0.0;
      }
      if (!nonZero) {
        return new Rejected(
            RejectReason.EMPTY_VECTOR,
            "features: all "
                + n
                + " values are zero; a zero vector has no direction and cannot be normalized");
      }
      String label = s.getLabel();
      for (String[] name : new String[][] {{"id", s.getId()}, {"label", label}}) {
        int bytes = name[1] == null ? 0 : name[1].getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_NAME_BYTES) {
          return new Rejected(
              RejectReason.TOO_LARGE,
              name[0]
                  + ": "
                  + bytes
                  + " UTF-8 bytes, over the limit of "
                  + MAX_NAME_BYTES
                  + " (starts \""
                  + name[1].substring(0, 40)
                  + "\")");
        }
      }
      if (label != null && label.isEmpty()) {
        return new Rejected(
            RejectReason.UNPARSABLE, "label: empty (use null for an unlabelled sample)");
      }
      if (label != null && !settings.labels().isEmpty() && !settings.labels().contains(label)) {
        return new Rejected(
            RejectReason.UNKNOWN_LABEL,
            "label: \""
                + label
                + "\" is not one of the configured labels "
                + new TreeSet<>(settings.labels())
                + " (redunet.labels)");
      }
      return new Accepted(
          new ValidSample(s.getId(), s.getEventTime(), s.getSource(), x, effective, label));
    } catch (WireFormatException e) {
      return new Rejected(e.reason(), e.getMessage(), e);
    }
  }
}
