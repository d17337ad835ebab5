package dev.redunet.wire;

import dev.redunet.avro.RejectReason;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.IdentityHashMap;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Walks an Avro binary body against its writer schema without materialising it, and throws a {@link
 * WireFormatException} unless the bytes are exactly one well-formed datum.
 *
 * <p>Why: Avro's decoder trusts lengths and counts, so a corrupted length can make it allocate
 * gigabytes before it notices the end of the input, and it accepts encodings that do not round-trip
 * (over-long varints, booleans other than 0/1, invalid UTF-8, which it silently replaces). After
 * this check passes, every length and count fits in the remaining bytes (so decoding allocates at
 * most a few times the input size), every union branch and enum index is in range, every string is
 * valid UTF-8, every varint is in its shortest form, and there is no trailing byte. Hence a datum
 * that passes decodes to a record whose re-encoding is byte-for-byte the input.
 *
 * <p>Arrays and maps of items that take zero bytes (null, empty records) are limited to {@value
 * #MAX_ZERO_SIZE_ITEMS} entries per block, since their count is not bounded by the input size.
 */
final class AvroBodyCheck {

  static final int MAX_ZERO_SIZE_ITEMS = 65_536;
  private static final int MAX_DEPTH = 256;

  private final byte[] buf;
  private final int end;
  private int pos;
  private final IdentityHashMap<Schema, Integer> minSizes = new IdentityHashMap<>();

  private AvroBodyCheck(byte[] buf, int offset, int length) {
    this.buf = buf;
    this.pos = offset;
    this.end = offset + length;
  }

  /**
   * Checks that {@code buf[offset, offset+length)} is exactly one datum of {@code writer}.
   *
   * @throws WireFormatException with reason UNPARSABLE, naming the field path where it failed
   */
  static void check(Schema writer, byte[] buf, int offset, int length) {
    AvroBodyCheck c = new AvroBodyCheck(buf, offset, length);
    c.value(writer, "", 0);
    if (c.pos != c.end) {
      throw bad(
          WireFormatException.DOCUMENT,
          (c.end - c.pos) + " unexpected byte(s) after the end of the " + writer.getName());
    }
  }

  private void value(Schema s, String path, int depth) {
    if (depth > MAX_DEPTH) {
      throw bad(path, "nested deeper than " + MAX_DEPTH + " levels");
    }
    switch (s.getType()) {
      case NULL -> {}
      case BOOLEAN -> {
        need(1, path);
        int b = buf[pos++];
        if (b != 0 && b != 1) {
          throw bad(path, "boolean byte must be 0 or 1, got " + (b & 0xff));
        }
      }
      case INT -> readInt(path);
      case LONG -> readLong(path);
      case FLOAT -> skip(4, path);
      case DOUBLE -> skip(8, path);
      case STRING -> {
        int len = length(path);
        utf8(len, path);
      }
      case BYTES -> skip(length(path), path);
      case FIXED -> skip(s.getFixedSize(), path);
      case ENUM -> {
        int i = readInt(path);
        if (i < 0 || i >= s.getEnumSymbols().size()) {
          throw bad(
              path, "enum index " + i + " out of range [0, " + s.getEnumSymbols().size() + ")");
        }
      }
      case UNION -> {
        List<Schema> branches = s.getTypes();
        int i = readInt(path);
        if (i < 0 || i >= branches.size()) {
          throw bad(path, "union branch " + i + " out of range [0, " + branches.size() + ")");
        }
        value(branches.get(i), path, depth + 1);
      }
      case RECORD -> {
        for (Schema.Field f : s.getFields()) {
          value(f.schema(), path.isEmpty() ? f.name() : path + "." + f.name(), depth + 1);
        }
      }
      case ARRAY -> blocks(s.getElementType(), null, path, depth);
      case MAP -> blocks(s.getValueType(), Schema.create(Schema.Type.STRING), path, depth);
    }
  }

  /** Array or map blocks: count, [byte size if count < 0], items; a zero count ends. */
  private void blocks(Schema item, Schema key, String path, int depth) {
    int perItem = minSize(item) + (key == null ? 0 : 1);
    long index = 0;
    while (true) {
      String at = path + "[" + index + "]";
      long count = readLong(at);
      if (count == 0) {
        return;
      }
      int blockStart = -1;
      long blockBytes = -1;
      if (count < 0) {
        if (count == Long.MIN_VALUE) {
          throw bad(at, "item count out of range");
        }
        count = -count;
        blockBytes = readLong(at);
        if (blockBytes < 0 || blockBytes > remaining()) {
          throw bad(at, "block size " + blockBytes + " exceeds the " + remaining() + " bytes left");
        }
        blockStart = pos;
      }
      if (perItem == 0 ? count > MAX_ZERO_SIZE_ITEMS : count > remaining() / perItem) {
        throw bad(at, "item count " + count + " cannot fit in the " + remaining() + " bytes left");
      }
      for (long k = 0; k < count; k++, index++) {
        String itemPath = path + "[" + index + "]";
        if (key != null) {
          utf8(length(itemPath), itemPath);
        }
        value(item, itemPath, depth + 1);
      }
      if (blockStart >= 0 && pos - blockStart != blockBytes) {
        throw bad(at, "block size says " + blockBytes + " bytes, items took " + (pos - blockStart));
      }
    }
  }

  /** A lower bound of the encoded size of a datum of {@code s}, in bytes. */
  private int minSize(Schema s) {
    Integer known = minSizes.get(s);
    if (known != null) {
      return known;
    }
    minSizes.put(s, 0); // a recursive reference counts as zero while being computed
    int size =
        switch (s.getType()) {
          case NULL -> 0;
          case BOOLEAN, INT, LONG, STRING, BYTES, ENUM, ARRAY, MAP -> 1;
          case FLOAT -> 4;
          case DOUBLE -> 8;
          case FIXED -> s.getFixedSize();
          case UNION -> {
            int min = Integer.MAX_VALUE;
            for (Schema b : s.getTypes()) {
              min = Math.min(min, minSize(b));
            }
            yield 1 + (min == Integer.MAX_VALUE ? 0 : min);
          }
          case RECORD -> {
            long sum = 0;
            for (Schema.Field f : s.getFields()) {
              sum += minSize(f.schema());
            }
            yield (int) Math.min(sum, Integer.MAX_VALUE);
          }
        };
    minSizes.put(s, size);
    return size;
  }

  private int length(String path) {
    long len = readLong(path);
    if (len < 0) {
      throw bad(path, "negative length " + len);
    }
    if (len > remaining()) {
      throw bad(path, "length " + len + " exceeds the " + remaining() + " bytes left (truncated?)");
    }
    return (int) len;
  }

  private void utf8(int len, String path) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(buf, pos, len));
    } catch (CharacterCodingException e) {
      throw bad(path, "string is not valid UTF-8");
    }
    pos += len;
  }

  private void skip(int n, String path) {
    need(n, path);
    pos += n;
  }

  private void need(int n, String path) {
    if (n > remaining()) {
      throw bad(path, "needs " + n + " byte(s), " + remaining() + " left (truncated?)");
    }
  }

  private int remaining() {
    return end - pos;
  }

  private int readInt(String path) {
    long zz = varint(5, path);
    if (zz > 0xFFFF_FFFFL) {
      throw bad(path, "int varint out of range");
    }
    int n = (int) zz;
    return (n >>> 1) ^ -(n & 1);
  }

  private long readLong(String path) {
    long zz = varint(10, path);
    return (zz >>> 1) ^ -(zz & 1);
  }

  /** An unsigned LEB128 varint of at most {@code maxBytes} bytes, in its shortest form. */
  private long varint(int maxBytes, String path) {
    long value = 0;
    for (int i = 0; i < maxBytes; i++) {
      need(1, path);
      int b = buf[pos++] & 0xff;
      if (i == 9 && b > 1) {
        throw bad(path, "long varint out of range");
      }
      value |= (long) (b & 0x7f) << (7 * i);
      if ((b & 0x80) == 0) {
        if (b == 0 && i > 0) {
          throw bad(path, "over-long varint (not in shortest form)");
        }
        return value;
      }
    }
    throw bad(path, "varint longer than " + maxBytes + " bytes");
  }

  private static WireFormatException bad(String path, String problem) {
    return new WireFormatException(
        RejectReason.UNPARSABLE, path.isEmpty() ? WireFormatException.DOCUMENT : path, problem);
  }
}
