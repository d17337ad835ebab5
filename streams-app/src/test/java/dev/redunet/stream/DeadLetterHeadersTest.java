package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.RejectReason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.internals.ExceptionHandlerUtils;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

/**
 * The dead-letter headers are those Kafka Streams 4.x itself writes on a KIP-1034 dead-letter
 * record ({@code ExceptionHandlerUtils.buildDeadLetterQueueRecord}, compared here header by header,
 * bytes included), and every handler of ours that diverts a record sets them.
 */
class DeadLetterHeadersTest {

  /** An input record at samples-2@17 with one header of its own. */
  @SuppressWarnings("ArrayRecordComponent") // test fixture
  private record Where(
      String topic,
      int partition,
      long offset,
      String processorNodeId,
      TaskId taskId,
      long timestamp,
      byte[] sourceRawKey,
      byte[] sourceRawValue,
      Headers headers)
      implements ErrorHandlerContext {}

  private static Headers inputHeaders() {
    RecordHeaders h = new RecordHeaders();
    h.add("trace-id", utf8("abc-123"));
    h.add("empty", null);
    return h;
  }

  private static final ErrorHandlerContext WHERE =
      new Where(
          "samples", 2, 17, "score", new TaskId(0, 2), 1234, utf8("k"), utf8("v"), inputHeaders());

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** Headers as (name, value) pairs, values as text (null kept), in order. */
  private static List<List<String>> pairs(Headers headers) {
    List<List<String>> out = new ArrayList<>();
    for (Header h : headers) {
      out.add(
          Arrays.asList(
              h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
    }
    return out;
  }

  private static Exception nested() {
    try {
      try {
        throw new IllegalArgumentException("inner cause");
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException("scoring failed for s-7", e);
      }
    } catch (IllegalStateException e) {
      return e;
    }
  }

  @Test
  void theHeadersAreExactlyThoseKafkaStreamsWritesOnADeadLetterRecord() {
    for (Exception e :
        List.of(
            nested(),
            new NullPointerException(),
            new InvalidSampleException(
                RejectReason.EMPTY_VECTOR, "features: all 3 values are zero"))) {
      ProducerRecord<byte[], byte[]> theirs =
          ExceptionHandlerUtils.buildDeadLetterQueueRecord("dlq", utf8("k"), utf8("v"), WHERE, e);
      Headers ours = DeadLetterHeaders.of(WHERE.headers(), e, "samples", 2, 17);
      assertThat(pairs(ours)).as("%s", e).isEqualTo(pairs(theirs.headers()));
      List<String> names = new ArrayList<>();
      ours.forEach(h -> names.add(h.key()));
      assertThat(names)
          .as("the input's headers first, then the dead-letter headers")
          .containsExactly(
              "trace-id",
              "empty",
              "__streams.errors.exception",
              "__streams.errors.message",
              "__streams.errors.stacktrace",
              "__streams.errors.topic",
              "__streams.errors.partition",
              "__streams.errors.offset");
    }
  }

  @Test
  void theValuesNameTheExceptionItsMessageItsTraceAndTheInputCoordinates() {
    Exception e = nested();
    Headers h = DeadLetterHeaders.of(null, e, "samples", 2, 17);
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.EXCEPTION))
        .isEqualTo("java.lang.IllegalStateException");
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.MESSAGE))
        .isEqualTo("scoring failed for s-7");
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.STACKTRACE))
        .startsWith("java.lang.IllegalStateException: scoring failed for s-7\n")
        .contains("\tat dev.redunet.stream.DeadLetterHeadersTest.nested(")
        .contains("Caused by: java.lang.IllegalArgumentException: inner cause");
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.TOPIC)).isEqualTo("samples");
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.PARTITION)).isEqualTo("2");
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.OFFSET)).isEqualTo("17");
    assertThat(h.lastHeader(DeadLetterHeaders.MESSAGE)).isNotNull();
    assertThat(DeadLetterHeaders.NAMES).hasSize(6).doesNotHaveDuplicates();
  }

  @Test
  void theInputHeadersAreCopiedNotModified() {
    Headers input = inputHeaders();
    Headers out = DeadLetterHeaders.of(input, new IllegalStateException("x"), "t", 0, 1);
    assertThat(pairs(input)).hasSize(2);
    assertThat(out).isNotSameAs(input);
    assertThat(pairs(out).subList(0, 2)).isEqualTo(pairs(input));
  }

  @Test
  void aRecordReadBackFromARejectedTopicKeepsItsOldHeadersAndTheNewOnesComeLast() {
    Headers first = DeadLetterHeaders.of(null, new IllegalStateException("first"), "a", 0, 5);
    Headers second = DeadLetterHeaders.of(first, new IllegalStateException("second"), "b", 1, 9);
    assertThat(second.headers(DeadLetterHeaders.MESSAGE)).hasSize(2);
    assertThat(DeadLetterHeaders.text(second, DeadLetterHeaders.MESSAGE)).isEqualTo("second");
    assertThat(DeadLetterHeaders.text(second, DeadLetterHeaders.TOPIC)).isEqualTo("b");
  }

  @Test
  void anEnormousStackTraceIsCutSoThatTheRecordFitsTheRejectedTopic() {
    Exception deep = new IllegalStateException("deep");
    StackTraceElement[] frames = new StackTraceElement[5000];
    for (int i = 0; i < frames.length; i++) {
      frames[i] = new StackTraceElement("dev.redunet.Deep", "level" + i, "Deep.java", i + 1);
    }
    deep.setStackTrace(frames);
    String full = DeadLetterHeaders.stackTrace(new IllegalStateException("short"));
    assertThat(full).doesNotContain("cut at");
    String cut = DeadLetterHeaders.stackTrace(deep);
    assertThat(cut.length()).isEqualTo(DeadLetterHeaders.MAX_STACKTRACE_CHARS);
    assertThat(cut).startsWith("java.lang.IllegalStateException: deep\n").endsWith("characters)\n");
    assertThat(DeadLetterHeaders.MAX_STACKTRACE_CHARS).isLessThan(Rejections.HEADROOM_BYTES / 2);
  }

  @Test
  void theProcessingHandlersDeadLetterCarriesTheHeadersAsKafkaStreamsBuildsThem() {
    IngressMetrics metrics = new IngressMetrics();
    RedunetExceptionHandlers.Processing handler = new RedunetExceptionHandlers.Processing();
    handler.configure(
        Map.of(
            RedunetExceptionHandlers.CONTEXT_CONFIG,
            new RedunetExceptionHandlers.Context("rej", "samples", 1024, metrics)));
    Exception e = nested();
    ProcessingExceptionHandler.Response r = handler.handleError(WHERE, null, e);
    ProducerRecord<byte[], byte[]> ours = r.deadLetterQueueRecords().get(0);
    ProducerRecord<byte[], byte[]> theirs =
        ExceptionHandlerUtils.buildDeadLetterQueueRecord(
            "rej", WHERE.sourceRawKey(), WHERE.sourceRawValue(), WHERE, e);
    assertThat(pairs(ours.headers())).isEqualTo(pairs(theirs.headers()));
    assertThat(ours.topic()).isEqualTo(theirs.topic());
    assertThat(ours.key()).isEqualTo(theirs.key());
    assertThat(ours.timestamp()).isEqualTo(theirs.timestamp());
  }
}
