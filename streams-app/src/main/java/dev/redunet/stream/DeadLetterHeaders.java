package dev.redunet.stream;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The headers of a record on the rejected topic, the dead-letter convention of KIP-1034 as Kafka
 * Streams 4.x writes them ({@code ExceptionHandlerUtils.buildDeadLetterQueueRecord}): the original
 * record's headers, then
 *
 * <ul>
 *   <li>{@value #EXCEPTION}: the class name of the exception;
 *   <li>{@value #MESSAGE}: its message (a header with a null value when it has none);
 *   <li>{@value #STACKTRACE}: its {@link Throwable#printStackTrace(PrintWriter) stack trace};
 *   <li>{@value #TOPIC}, {@value #PARTITION}, {@value #OFFSET}: where the input record was read;
 * </ul>
 *
 * every value a UTF-8 string, in this order. A record that already carries such headers (one read
 * back from a rejected topic) keeps them; the ones added here come last, so {@link
 * Headers#lastHeader} gives them. The one difference from Kafka Streams: a stack trace longer than
 * {@value #MAX_STACKTRACE_CHARS} characters is cut there (with a note), so that a rejected record
 * still fits the rejected topic ({@link Rejections#HEADROOM_BYTES}).
 *
 * <p>A rejection that is not an exception (a sample that fails a check of the configuration) is
 * described by an {@link InvalidSampleException} made where the check failed.
 */
public final class DeadLetterHeaders {

  /** Header: the exception's class name. */
  public static final String EXCEPTION = "__streams.errors.exception";

  /** Header: the exception's message. */
  public static final String MESSAGE = "__streams.errors.message";

  /** Header: the exception's stack trace. */
  public static final String STACKTRACE = "__streams.errors.stacktrace";

  /** Header: the input record's topic. */
  public static final String TOPIC = "__streams.errors.topic";

  /** Header: the input record's partition (decimal). */
  public static final String PARTITION = "__streams.errors.partition";

  /** Header: the input record's offset (decimal). */
  public static final String OFFSET = "__streams.errors.offset";

  /** Every header added, in the order they are added. */
  public static final List<String> NAMES =
      List.of(EXCEPTION, MESSAGE, STACKTRACE, TOPIC, PARTITION, OFFSET);

  /** Longest stack trace kept in full. */
  static final int MAX_STACKTRACE_CHARS = 64 * 1024;

  private DeadLetterHeaders() {}

  /**
   * A new set of headers: a copy of {@code original} (none if null) followed by the dead-letter
   * headers. {@code original} is not modified.
   *
   * @param error why the record was rejected
   * @param topic the input record's topic (null: a header with a null value, as Kafka Streams
   *     writes it for a record without one)
   */
  public static Headers of(
      Headers original, Throwable error, String topic, int partition, long offset) {
    Objects.requireNonNull(error, "error");
    RecordHeaders headers = new RecordHeaders();
    if (original != null) {
      for (Header h : original) {
        headers.add(h);
      }
    }
    headers.add(EXCEPTION, utf8(error.getClass().getName()));
    headers.add(MESSAGE, utf8(error.getMessage()));
    headers.add(STACKTRACE, utf8(stackTrace(error)));
    headers.add(TOPIC, utf8(topic));
    headers.add(PARTITION, utf8(String.valueOf(partition)));
    headers.add(OFFSET, utf8(String.valueOf(offset)));
    return headers;
  }

  /** {@code error}'s stack trace as {@link Throwable#printStackTrace(PrintWriter)} prints it. */
  static String stackTrace(Throwable error) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      error.printStackTrace(out);
    }
    String trace = text.toString();
    if (trace.length() <= MAX_STACKTRACE_CHARS) {
      return trace;
    }
    String note = "\n\t... (cut at " + MAX_STACKTRACE_CHARS + " characters)\n";
    return trace.substring(0, MAX_STACKTRACE_CHARS - note.length()) + note;
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** The value of the last header {@code name} as a string, null if absent or null. */
  public static String text(Headers headers, String name) {
    Header h = headers.lastHeader(name);
    return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
