package dev.redunet.stream;

import static dev.redunet.stream.TopologyFixture.json;
import static dev.redunet.stream.TopologyFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.avro.Features;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.wire.AvroCodec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedunetExceptionHandlersTest {

  @TempDir Path stateDir;

  private static final AvroCodec<RejectedRecord> REJECTED = AvroCodec.of(RejectedRecord.class);
  private final IngressMetrics metrics = new IngressMetrics();
  private final Map<String, Object> configs =
      Map.of(
          RedunetExceptionHandlers.CONTEXT_CONFIG,
          new RedunetExceptionHandlers.Context("rej", "samples", 8, metrics));

  /** Where a handler is called from: the fields of an {@link ErrorHandlerContext}. */
  @SuppressWarnings("ArrayRecordComponent") // test fixtures
  private record Where(
      String topic,
      int partition,
      long offset,
      String processorNodeId,
      TaskId taskId,
      long timestamp,
      byte[] sourceRawKey,
      byte[] sourceRawValue)
      implements ErrorHandlerContext {
    @Override
    public Headers headers() {
      return new RecordHeaders();
    }
  }

  /** The context of an input record at samples-2@17 with raw key "k" and a 10-byte value. */
  private static final ErrorHandlerContext WHERE =
      new Where("samples", 2, 17, "score", new TaskId(0, 2), 1234, utf8("k"), utf8("0123456789"));

  @Test
  void anOversizedOutputSendsItsInputToRejectedCutToTheRecordLimit() {
    RedunetExceptionHandlers.Production h = new RedunetExceptionHandlers.Production();
    h.configure(configs);
    ProductionExceptionHandler.Response r =
        h.handleError(
            WHERE,
            new ProducerRecord<>("features", new byte[3], new byte[2000]),
            new RecordTooLargeException("too big"));
    assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    ProducerRecord<byte[], byte[]> dlq = r.deadLetterQueueRecords().get(0);
    assertThat(dlq.topic()).isEqualTo("rej");
    assertThat(dlq.key()).isEqualTo(utf8("k"));
    assertThat(dlq.timestamp()).isEqualTo(1234L);
    RejectedRecord rejected = REJECTED.decode(dlq.value());
    assertThat(rejected.getReason()).isEqualTo(RejectReason.TOO_LARGE);
    assertThat(rejected.getSourceTopic()).isEqualTo("samples");
    assertThat(rejected.getSourcePartition()).isEqualTo(2);
    assertThat(rejected.getSourceOffset()).isEqualTo(17L);
    assertThat(RedunetTopologyTest.bytes(rejected.getOriginalValue())).isEqualTo(utf8("01234567"));
    assertThat(rejected.getMessage())
        .contains("output record for topic features (3 key bytes, 2000 value bytes)")
        .contains("too big")
        .contains("originalValue holds the first 8 of 10 bytes");
    assertThat(metrics.rejected(RejectReason.TOO_LARGE)).isEqualTo(1);
    assertThat(metrics.handlerEvents(IngressMetrics.Handler.PRODUCTION)).isEqualTo(1);
  }

  @Test
  void aRejectedRecordThatCannotBeWrittenIsDroppedAndCounted() {
    RedunetExceptionHandlers.Production h = new RedunetExceptionHandlers.Production();
    h.configure(configs);
    ProductionExceptionHandler.Response r =
        h.handleError(
            WHERE, new ProducerRecord<>("rej", null, new byte[1]), new RecordTooLargeException());
    assertThat(r.result()).isEqualTo(ProductionExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
    assertThat(metrics.droppedOutputs()).isEqualTo(1);
    assertThat(metrics.rejectedTotal()).isZero();
  }

  @Test
  void otherSendErrorsStopTheThreadAsByDefault() {
    RedunetExceptionHandlers.Production h = new RedunetExceptionHandlers.Production();
    h.configure(configs);
    assertThat(
            h.handleError(
                    WHERE,
                    new ProducerRecord<>("features", null, new byte[1]),
                    new TopicAuthorizationException("denied"))
                .result())
        .isEqualTo(ProductionExceptionHandler.Result.FAIL);
  }

  @Test
  void anUndeserializableRecordGoesToRejectedAsUnparsable() {
    RedunetExceptionHandlers.Deserialization h = new RedunetExceptionHandlers.Deserialization();
    h.configure(configs);
    ConsumerRecord<byte[], byte[]> in =
        new ConsumerRecord<>("internal", 1, 5, utf8("key"), utf8("value"));
    DeserializationExceptionHandler.Response r =
        h.handleError(WHERE, in, new IllegalArgumentException("bad bytes"));
    assertThat(r.result()).isEqualTo(DeserializationExceptionHandler.Result.RESUME);
    RejectedRecord rejected = REJECTED.decode(r.deadLetterQueueRecords().get(0).value());
    assertThat(rejected.getReason()).isEqualTo(RejectReason.UNPARSABLE);
    assertThat(rejected.getSourceTopic()).isEqualTo("internal");
    assertThat(rejected.getSourceOffset()).isEqualTo(5L);
    assertThat(RedunetTopologyTest.bytes(rejected.getOriginalKey())).isEqualTo(utf8("key"));
    assertThat(rejected.getMessage()).contains("bad bytes");
    assertThat(metrics.handlerEvents(IngressMetrics.Handler.DESERIALIZATION)).isEqualTo(1);
  }

  @Test
  void aFailedPunctuationIsLoggedAndTheTaskGoesOnWithoutADeadLetter() {
    RedunetExceptionHandlers.Processing h = new RedunetExceptionHandlers.Processing();
    h.configure(configs);
    ErrorHandlerContext punctuation =
        new Where(null, -1, -1, "model-builder", new TaskId(1, 0), -1, null, null);
    ProcessingExceptionHandler.Response r =
        h.handleError(punctuation, null, new IllegalStateException("v3 failed"));
    assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
    assertThat(metrics.rejectedTotal()).isZero();
    assertThat(metrics.handlerEvents(IngressMetrics.Handler.PROCESSING)).isEqualTo(1);
  }

  @Test
  void aBuilderFailureOnALearningRecordIsLoggedAndNeverReachesTheRejectedTopic() {
    RedunetExceptionHandlers.Processing h = new RedunetExceptionHandlers.Processing();
    h.configure(configs);
    ErrorHandlerContext learning =
        new Where(
            "learning", 0, 41, "model-builder", new TaskId(1, 0), 5, utf8("default"), utf8("x"));
    ProcessingExceptionHandler.Response r =
        h.handleError(learning, null, new IllegalStateException("state store closed"));
    assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
    assertThat(metrics.rejectedTotal()).isZero();
    assertThat(metrics.handlerEvents(IngressMetrics.Handler.PROCESSING)).isEqualTo(1);
  }

  @Test
  void aFailureInAGlobalStoreProcessorIsSkippedWithoutADeadLetter() {
    RedunetExceptionHandlers.Processing h = new RedunetExceptionHandlers.Processing();
    h.configure(configs);
    ErrorHandlerContext global =
        new Where("model", 0, 3, "model-update", new TaskId(-1, -1), 0, null, null);
    ProcessingExceptionHandler.Response r =
        h.handleError(global, null, new IllegalStateException("bad model"));
    assertThat(r.result()).isEqualTo(ProcessingExceptionHandler.Result.RESUME);
    assertThat(r.deadLetterQueueRecords()).isEmpty();
    assertThat(metrics.rejectedTotal()).isZero();
    assertThat(metrics.handlerEvents(IngressMetrics.Handler.PROCESSING)).isEqualTo(1);
    assertThat(RedunetExceptionHandlers.isGlobal(WHERE)).isFalse();
  }

  @Test
  void theHandlersRefuseToRunWithoutTheirContext() {
    assertThatThrownBy(() -> new RedunetExceptionHandlers.Processing().configure(Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(RedunetExceptionHandlers.CONTEXT_CONFIG);
  }

  @Test
  void anOutputThatCannotBeSerializedSendsItsInputToRejectedAndTheStreamGoesOn() {
    ScoringPlugin broken =
        () ->
            SampleScorer.synchronous(
                sample -> {
                  Scored ok = IdentityScorer.identity(sample);
                  if (!sample.id().equals("ser")) {
                    return ok;
                  }
                  List<Float> withNull = new ArrayList<>(ok.features().getFeatures());
                  withNull.set(0, null);
                  Features bad = Features.newBuilder(ok.features()).setFeatures(withNull).build();
                  return new Scored(ok.prediction(), bad);
                });
    try (TopologyFixture f = new TopologyFixture(Map.of(), broken, stateDir)) {
      f.pipe("a", json("a", 3, null));
      f.pipe("ser", json("ser", 3, null));
      f.pipe("c", json("c", 3, null));
      assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("a", "c");
      RejectedRecord r = f.rejected.readValue();
      assertThat(r.getReason()).isEqualTo(RejectReason.OTHER);
      assertThat(r.getMessage())
          .contains("cannot serialize the VALUE of the output record for topic redunet.features");
      assertThat(r.getSourceOffset()).isEqualTo(1L);
      assertThat(RedunetTopologyTest.bytes(r.getOriginalValue())).isEqualTo(json("ser", 3, null));
      assertThat(f.metrics.handlerEvents(IngressMetrics.Handler.PRODUCTION)).isEqualTo(1);
    }
  }
}
