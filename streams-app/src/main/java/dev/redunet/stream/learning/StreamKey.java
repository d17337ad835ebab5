package dev.redunet.stream.learning;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * A sample's position in the stream's order (DETERMINISM.md), as a string whose lexicographic order
 * is the stream's order, so that state stores keep samples sorted: (effective event time, input
 * partition, offset), each as fixed-width hexadecimal, the time with its sign bit flipped.
 *
 * <p>The effective event time of a sample is its own, or the highest earlier one of its partition
 * when it came out of order: within a partition the order is then the offset order, and it depends
 * only on the partition's contents, never on when the records arrive. Ties across partitions are
 * broken by partition, then offset.
 *
 * <p>The builder files a sample that reaches it after its watermark passed the sample's position (a
 * partition skipped as idle that comes back with older times) under {@link #late}: right after the
 * watermark, in arrival order.
 */
final class StreamKey {

  private StreamKey() {}

  /**
   * A key before every sample's key ({@code "-"} sorts before every hexadecimal digit): the
   * boundary of a restored version ({@code redunet.model.initial}), which every sample is owed
   * until the next window closes.
   */
  static final String BEFORE_ALL = "-";

  /** The key of a sample: effective time {@code time}, {@code partition}, {@code offset}. */
  static String of(long time, int partition, long offset) {
    return String.format(Locale.ROOT, "%016x.%08x.%016x", time ^ Long.MIN_VALUE, partition, offset);
  }

  /** The input partition a key holds. */
  static int partition(String key) {
    return Integer.parseUnsignedInt(key.substring(17, 25), 16);
  }

  /** The offset a key holds. */
  static long offset(String key) {
    return Long.parseUnsignedLong(key.substring(26, 42), 16);
  }

  /**
   * A key after {@code watermark} and before every key that is after it otherwise, for the {@code
   * sequence}-th late sample: {@code watermark + "+" + sequence}.
   */
  static String late(String watermark, long sequence) {
    return watermark + "+" + String.format(Locale.ROOT, "%019d", sequence);
  }

  /** An upper bound of {@code key} and of every late key after it (inclusive range scans). */
  static String upTo(String key) {
    return key + "~";
  }

  /** IEEE 754 32-bit floats, little-endian: how samples travel inside internal records. */
  static ByteBuffer floats(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      b.putFloat((float) v);
    }
    return b.flip();
  }

  /** The values of {@link #floats}, as doubles (exact). */
  static double[] doubles(ByteBuffer floats) {
    ByteBuffer b = floats.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    double[] out = new double[b.remaining() / 4];
    for (int i = 0; i < out.length; i++) {
      out[i] = b.getFloat();
    }
    return out;
  }
}
