package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import dev.redunet.wire.WireFormatException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The parse-and-validate processor ({@value RedunetTopology#VALIDATE}): decodes every input record
 * once and checks it against the configuration; a valid sample goes to {@value
 * RedunetTopology#SCORE} as a {@link ValidSample} keyed by its id, anything else to the rejected
 * topic as a {@link RejectedRecord} keyed by the original key, with the original headers and the
 * dead-letter headers of KIP-1034 ({@link DeadLetterHeaders}). It never throws for bad input.
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
 *       outside it: UNKNOWN_LABEL. Unlabelled samples are always accepted.
 * </ol>
 *
 * Any other exception while validating is caught and the record rejected as OTHER. Exceptions of
 * the scoring stage are not caught here (they surface from {@code forward}): they reach the
 * processing exception handler, which also writes a rejected record.
 *
 * <p>Every rejection is counted ({@link IngressMetrics}, {@link IngressSensors}) and logged ({@link
 * RejectionLog}).
 */
final class ValidateProcessor implements Processor<byte[], byte[], Object, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ValidateProcessor.class);

  private final IngressSettings settings;
  private final IngressMetrics metrics;
  private final RejectionLog rejectionLog;
  private ProcessorContext<Object, Object> context;
  private IngressSensors sensors;

  ValidateProcessor(IngressSettings settings, IngressMetrics metrics, RejectionLog rejectionLog) {
    this.settings = settings;
    this.metrics = metrics;
    this.rejectionLog = rejectionLog;
  }

  @Override
  public void init(ProcessorContext<Object, Object> context) {
    this.context = context;
    this.sensors = new IngressSensors(context.metrics(), context.taskId().toString());
  }

  /** The result of validating one record. */
  private sealed interface Outcome {}

  private record Accepted(ValidSample sample) implements Outcome {}

  /**
   * A rejection; {@code error} describes it in the dead-letter headers: the decoder's {@link
   * WireFormatException}, an unexpected exception, or an {@link InvalidSampleException} made by the
   * check that failed.
   */
  private record Rejected(RejectReason reason, String message, Exception error) implements Outcome {
    Rejected(RejectReason reason, String message) {
      this(reason, message, new InvalidSampleException(reason, message));
    }
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    Coordinates at = coordinates();
    Outcome outcome = validate(record, at);
    if (outcome instanceof Accepted accepted) {
      sensors.accepted();
      metrics.recordAccepted();
      ValidSample sample = accepted.sample();
      context.forward(
          new Record<>(sample.id(), sample, record.timestamp(), record.headers()),
          RedunetTopology.SCORE);
    } else if (outcome instanceof Rejected rejected) {
      sensors.rejected(rejected.reason());
      metrics.recordRejected(rejected.reason());
      rejectionLog.rejected(
          at.topic, at.partition, at.offset, rejected.reason(), rejected.message());
      RejectedRecord value =
          Rejections.of(
              record.key(),
              record.value(),
              at.topic,
              at.partition,
              at.offset,
              rejected.reason(),
              rejected.message(),
              Instant.ofEpochMilli(context.currentSystemTimeMs()),
              settings.maxRecordBytes());
      context.forward(
          new Record<>(
              record.key(),
              value,
              record.timestamp(),
              DeadLetterHeaders.of(
                  record.headers(), rejected.error(), at.topic, at.partition, at.offset)),
          RedunetTopology.REJECTED_SINK);
    }
  }

  private record Coordinates(String topic, int partition, long offset) {}

  private Coordinates coordinates() {
    Optional<RecordMetadata> m = context.recordMetadata();
    return m.map(r -> new Coordinates(r.topic(), r.partition(), r.offset()))
        .orElse(new Coordinates("", -1, -1));
  }

  private Outcome validate(Record<byte[], byte[]> record, Coordinates at) {
    try {
      Sample s =
          settings
              .decoder()
              .decode(record.key(), record.value(), Instant.ofEpochMilli(record.timestamp()));
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
      ValidSample sample =
          new ValidSample(s.getId(), s.getEventTime(), s.getSource(), x, effective, label);
      return new Accepted(sample);
    } catch (WireFormatException e) {
      return new Rejected(e.reason(), e.getMessage(), e);
    } catch (RuntimeException e) {
      LOG.warn(
          "Unexpected error validating {}-{}@{}; the record is rejected as OTHER",
          at.topic,
          at.partition,
          at.offset,
          e);
      return new Rejected(RejectReason.OTHER, "unexpected error while validating: " + e, e);
    }
  }

  @Override
  public void close() {
    if (sensors != null) {
      sensors.close();
    }
  }
}
