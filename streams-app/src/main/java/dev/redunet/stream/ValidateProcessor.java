package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import java.time.Instant;
import java.util.Optional;
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
 * <p>The checks are {@link SampleValidation}'s (the same that {@code POST /predict} applies).
 *
 * <p>Any other exception while validating is caught and the record rejected as OTHER. Exceptions of
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

  @Override
  public void process(Record<byte[], byte[]> record) {
    Coordinates at = coordinates();
    SampleValidation.Outcome outcome;
    try {
      outcome =
          SampleValidation.validate(
              settings, record.key(), record.value(), Instant.ofEpochMilli(record.timestamp()));
    } catch (RuntimeException e) {
      LOG.warn(
          "Unexpected error validating {}-{}@{}; the record is rejected as OTHER",
          at.topic,
          at.partition,
          at.offset,
          e);
      outcome =
          new SampleValidation.Rejected(
              RejectReason.OTHER, "unexpected error while validating: " + e, e);
    }
    if (outcome instanceof SampleValidation.Accepted accepted) {
      sensors.accepted();
      metrics.recordAccepted();
      ValidSample sample = accepted.sample();
      context.forward(
          new Record<>(sample.id(), sample, record.timestamp(), record.headers()),
          RedunetTopology.SCORE);
    } else if (outcome instanceof SampleValidation.Rejected rejected) {
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

  @Override
  public void close() {
    if (sensors != null) {
      sensors.close();
    }
  }
}
