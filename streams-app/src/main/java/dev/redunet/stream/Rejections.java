package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Arrays;

/**
 * Builds {@link RejectedRecord}s that always fit the rejected topic: the original key and value are
 * copied exactly, except that a key over {@value #MAX_KEY_BYTES} bytes or a value over the
 * configured {@code redunet.max.record.bytes} (only possible for a record already rejected as
 * TOO_LARGE) is cut to that length, and the message says so; the message is cut to {@value
 * #MAX_MESSAGE_CHARS} characters. The rejected topic is created with {@code max.message.bytes} =
 * the record limit + {@value #HEADROOM_BYTES} bytes, which holds such a record.
 */
public final class Rejections {

  /** Longest original key kept in full. */
  static final int MAX_KEY_BYTES = 64 * 1024;

  /** Longest message kept in full. */
  static final int MAX_MESSAGE_CHARS = 4000;

  /** Room for the key, message, coordinates and batch overhead over the value limit. */
  static final int HEADROOM_BYTES = 256 * 1024;

  private Rejections() {}

  /**
   * A rejected record.
   *
   * @param key the original key (null if none); not modified
   * @param value the original value (null for a tombstone); not modified
   * @param maxValueBytes the longest value kept in full
   */
  public static RejectedRecord of(
      byte[] key,
      byte[] value,
      String topic,
      int partition,
      long offset,
      RejectReason reason,
      String message,
      Instant rejectedAt,
      int maxValueBytes) {
    StringBuilder text = new StringBuilder(message == null ? "(no message)" : message);
    if (text.length() > MAX_MESSAGE_CHARS) {
      text.setLength(MAX_MESSAGE_CHARS - 3);
      text.append("...");
    }
    ByteBuffer keyCopy = copy(key, MAX_KEY_BYTES, "originalKey", text);
    ByteBuffer valueCopy = copy(value, maxValueBytes, "originalValue", text);
    return RejectedRecord.newBuilder()
        .setOriginalKey(keyCopy)
        .setOriginalValue(valueCopy)
        .setSourceTopic(topic == null ? "" : topic)
        .setSourcePartition(partition)
        .setSourceOffset(offset)
        .setReason(reason)
        .setMessage(text.toString())
        .setRejectedAt(rejectedAt)
        .build();
  }

  private static ByteBuffer copy(byte[] bytes, int limit, String field, StringBuilder message) {
    if (bytes == null) {
      return null;
    }
    if (bytes.length <= limit) {
      return ByteBuffer.wrap(bytes.clone());
    }
    message
        .append(" (")
        .append(field)
        .append(" holds the first ")
        .append(limit)
        .append(" of ")
        .append(bytes.length)
        .append(" bytes)");
    return ByteBuffer.wrap(Arrays.copyOf(bytes, limit));
  }
}
