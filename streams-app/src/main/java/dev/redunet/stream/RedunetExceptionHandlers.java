package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.wire.OutputFormat;
import dev.redunet.wire.OutputSerdes;
import dev.redunet.wire.SchemaRegistryClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka Streams exception handlers of the application (installed by {@link StreamsProperties}).
 * The parse-and-validate processor already turns every bad input into a rejected record; these
 * handlers cover what can still fail, so that nothing stops the application and nothing is dropped
 * silently. Each diverts the input record involved to the rejected topic, as a {@link
 * RejectedRecord} with the original bytes and coordinates (returned to Kafka Streams as a
 * dead-letter record of KIP-1034, so it is written in the same transaction, with the input's
 * headers and the dead-letter headers of {@link DeadLetterHeaders}), counts it in {@link
 * IngressMetrics} and logs it:
 *
 * <ul>
 *   <li>{@link Processing}: a processor threw (e.g. the scorer, or a future learning stage), reason
 *       OTHER, then processing resumes with the next record (in a global store's processor the
 *       record is skipped with a WARN);
 *   <li>{@link Deserialization}: a record of a typed source (an internal topic of a later stage;
 *       the samples source reads bytes and cannot fail) could not be deserialized, reason
 *       UNPARSABLE, resume;
 *   <li>{@link Production}: an output record could not be serialized (reason OTHER) or is too large
 *       for its topic (reason TOO_LARGE), resume; if the failed record was itself a rejected
 *       record, it is dropped with an ERROR log and counted in {@link
 *       IngressMetrics#droppedOutputs()}. Every other send error (authorization, missing topic,
 *       ...) concerns all records alike and fails the stream thread, as by default. The topic and
 *       producer size limits set by {@link StreamsProperties} and {@link TopicProvisioner} are
 *       meant to make TOO_LARGE impossible for the topics this application creates.
 * </ul>
 *
 * The handlers find the rejected topic, the record size limit and the counters in the Streams
 * property {@value #CONTEXT_CONFIG} (a {@link Context} object).
 */
public final class RedunetExceptionHandlers {

  /** Streams property holding the {@link Context} of the handlers. */
  public static final String CONTEXT_CONFIG = "redunet.exception.handlers.context";

  private static final Logger LOG = LoggerFactory.getLogger(RedunetExceptionHandlers.class);

  private RedunetExceptionHandlers() {}

  /**
   * What the handlers need.
   *
   * @param rejectedTopic where diverted records go
   * @param inputTopic the samples topic: only its records are users' records; a failure on a record
   *     of an internal topic (the learning topic) is logged, never sent to the rejected topic
   * @param maxRecordBytes longest original value copied in full ({@code redunet.max.record.bytes})
   * @param metrics the counters
   * @param rejectedSerializer writes the rejected records (the rejected topic's serializer of
   *     {@link OutputSerdes})
   */
  public record Context(
      String rejectedTopic,
      String inputTopic,
      int maxRecordBytes,
      IngressMetrics metrics,
      Serializer<RejectedRecord> rejectedSerializer) {
    public Context {
      Objects.requireNonNull(rejectedTopic, "rejectedTopic");
      Objects.requireNonNull(inputTopic, "inputTopic");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(rejectedSerializer, "rejectedSerializer");
    }

    /** A context whose rejected records are Avro single-object encoded (the default format). */
    public Context(
        String rejectedTopic, String inputTopic, int maxRecordBytes, IngressMetrics metrics) {
      this(
          rejectedTopic,
          inputTopic,
          maxRecordBytes,
          metrics,
          OutputSerdes.of(OutputFormat.AVRO).rejected().serializer());
    }
  }

  static Context context(Map<String, ?> configs) {
    Object c = configs.get(CONTEXT_CONFIG);
    if (c instanceof Context context) {
      return context;
    }
    throw new IllegalStateException(
        "the redunet exception handlers need the Streams property "
            + CONTEXT_CONFIG
            + " (a RedunetExceptionHandlers.Context); build the properties with StreamsProperties");
  }

  /**
   * The dead-letter record that carries {@code rejected} to the rejected topic, with the input
   * record's headers and the dead-letter headers of KIP-1034 ({@link DeadLetterHeaders}).
   */
  static ProducerRecord<byte[], byte[]> deadLetter(
      Context context,
      long timestamp,
      byte[] key,
      RejectedRecord rejected,
      Headers inputHeaders,
      Exception error) {
    return new ProducerRecord<>(
        context.rejectedTopic(),
        null,
        timestamp >= 0 ? timestamp : null,
        key,
        context.rejectedSerializer().serialize(context.rejectedTopic(), rejected),
        DeadLetterHeaders.of(
            inputHeaders,
            error,
            rejected.getSourceTopic(),
            rejected.getSourcePartition(),
            rejected.getSourceOffset()));
  }

  private static RejectedRecord rejected(
      Context context, ErrorHandlerContext where, RejectReason reason, String message) {
    return Rejections.of(
        where.sourceRawKey(),
        where.sourceRawValue(),
        where.topic(),
        where.partition(),
        where.offset(),
        reason,
        message,
        Instant.now(),
        context.maxRecordBytes());
  }

  private static String at(ErrorHandlerContext where) {
    return where.topic() + "-" + where.partition() + "@" + where.offset();
  }

  /** True for the global thread (task id -1_-1), which cannot write dead-letter records. */
  static boolean isGlobal(ErrorHandlerContext where) {
    return where.taskId() != null && where.taskId().subtopology() < 0;
  }

  /**
   * A processor threw: divert the input record (OTHER) and resume. A punctuation that threw (no
   * input record, e.g. a scoring task's wall-clock flush) is logged and the task resumes. In a
   * global store's update processor (enabled by {@code
   * processing.exception.handler.global.enabled}) the record is only skipped, with a WARN: the
   * global thread cannot write records, and the store keeps its previous value (e.g. the previous
   * model).
   */
  public static final class Processing implements ProcessingExceptionHandler {
    private Context context;

    @Override
    public void configure(Map<String, ?> configs) {
      context = context(configs);
    }

    @Override
    public ProcessingExceptionHandler.Response handleError(
        ErrorHandlerContext where, Record<?, ?> record, Exception e) {
      context.metrics().recordHandlerEvent(IngressMetrics.Handler.PROCESSING);
      if (isGlobal(where)) {
        LOG.warn(
            "Global store update of {} failed in node {}; the record is skipped and the store"
                + " keeps its previous value",
            at(where),
            where.processorNodeId(),
            e);
        return ProcessingExceptionHandler.Response.resume();
      }
      if (where.topic() == null) {
        LOG.error(
            "A punctuation in node {} of task {} failed (no input record to divert); the task"
                + " goes on",
            where.processorNodeId(),
            where.taskId(),
            e);
        return ProcessingExceptionHandler.Response.resume();
      }
      if (!where.topic().equals(context.inputTopic())) {
        LOG.error(
            "Processing of the internal record {} failed in node {}; it is skipped (it is not a"
                + " user's record: nothing goes to the rejected topic)",
            at(where),
            where.processorNodeId(),
            e);
        return ProcessingExceptionHandler.Response.resume();
      }
      LOG.warn(
          "Processing of {} failed in node {}; the input record goes to the rejected topic",
          at(where),
          where.processorNodeId(),
          e);
      RejectedRecord r =
          rejected(
              context,
              where,
              RejectReason.OTHER,
              "processing failed in node " + where.processorNodeId() + ": " + e);
      context.metrics().recordRejected(RejectReason.OTHER);
      return ProcessingExceptionHandler.Response.resume(
          List.of(
              deadLetter(context, where.timestamp(), where.sourceRawKey(), r, where.headers(), e)));
    }
  }

  /** An input record could not be deserialized: divert it (UNPARSABLE) and resume. */
  public static final class Deserialization implements DeserializationExceptionHandler {
    private Context context;

    @Override
    public void configure(Map<String, ?> configs) {
      context = context(configs);
    }

    @Override
    public DeserializationExceptionHandler.Response handleError(
        ErrorHandlerContext where, ConsumerRecord<byte[], byte[]> record, Exception e) {
      context.metrics().recordHandlerEvent(IngressMetrics.Handler.DESERIALIZATION);
      LOG.warn(
          "Cannot deserialize {}-{}@{}; it goes to the rejected topic: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.toString());
      RejectedRecord r =
          Rejections.of(
              record.key(),
              record.value(),
              record.topic(),
              record.partition(),
              record.offset(),
              RejectReason.UNPARSABLE,
              "cannot deserialize: " + e,
              Instant.now(),
              context.maxRecordBytes());
      context.metrics().recordRejected(RejectReason.UNPARSABLE);
      return DeserializationExceptionHandler.Response.resume(
          List.of(deadLetter(context, record.timestamp(), record.key(), r, record.headers(), e)));
    }
  }

  /** An output record could not be serialized or is too large: divert the input, resume. */
  public static final class Production implements ProductionExceptionHandler {
    private Context context;

    @Override
    public void configure(Map<String, ?> configs) {
      context = context(configs);
    }

    @Override
    public ProductionExceptionHandler.Response handleError(
        ErrorHandlerContext where, ProducerRecord<byte[], byte[]> record, Exception e) {
      context.metrics().recordHandlerEvent(IngressMetrics.Handler.PRODUCTION);
      if (!(e instanceof RecordTooLargeException)) {
        LOG.error("Cannot write to topic {}; the stream thread stops", record.topic(), e);
        return ProductionExceptionHandler.Response.fail();
      }
      return divert(
          where,
          record.topic(),
          RejectReason.TOO_LARGE,
          "the output record for topic "
              + record.topic()
              + " ("
              + size(record.key())
              + " key bytes, "
              + size(record.value())
              + " value bytes) is over the size limit: "
              + e.getMessage(),
          e);
    }

    @Override
    @SuppressWarnings("rawtypes") // the interface declares the raw type
    public ProductionExceptionHandler.Response handleSerializationError(
        ErrorHandlerContext where,
        ProducerRecord record,
        Exception e,
        SerializationExceptionOrigin origin) {
      context.metrics().recordHandlerEvent(IngressMetrics.Handler.PRODUCTION);
      if (registryFailure(e)) {
        // Not the record's fault, and its dead letter would need the registry too: stop, so the
        // input is read again (uncommitted) once the registry answers, rather than lose it.
        LOG.error(
            "Cannot serialize the output record for topic {}: the schema registry failed; the"
                + " stream thread stops",
            record.topic(),
            e);
        return ProductionExceptionHandler.Response.fail();
      }
      return divert(
          where,
          record.topic(),
          RejectReason.OTHER,
          "cannot serialize the "
              + origin
              + " of the output record for topic "
              + record.topic()
              + ": "
              + e,
          e);
    }

    private ProductionExceptionHandler.Response divert(
        ErrorHandlerContext where, String topic, RejectReason reason, String message, Exception e) {
      if (context.rejectedTopic().equals(topic)) {
        context.metrics().recordDroppedOutput();
        LOG.error(
            "A rejected record for input {} could not be written and is dropped: {}",
            at(where),
            message,
            e);
        return ProductionExceptionHandler.Response.resume();
      }
      LOG.warn("{} (input {}); the input record goes to the rejected topic", message, at(where));
      context.metrics().recordRejected(reason);
      return ProductionExceptionHandler.Response.resume(
          List.of(
              deadLetter(
                  context,
                  where.timestamp(),
                  where.sourceRawKey(),
                  rejected(context, where, reason, message),
                  where.headers(),
                  e)));
    }

    private static boolean registryFailure(Throwable e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof SchemaRegistryClient.SchemaRegistryException) {
          return true;
        }
      }
      return false;
    }

    private static int size(byte[] bytes) {
      return bytes == null ? 0 : bytes.length;
    }
  }
}
