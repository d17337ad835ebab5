package dev.redunet.wire;

import dev.redunet.avro.RejectReason;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro single-object encoding of one generated record class: {@code C3 01}, the 8-byte
 * little-endian CRC-64-AVRO fingerprint of the writer schema, then the Avro binary body (see the
 * Avro specification, "Single object encoding"). Uses Avro's own {@link BinaryMessageEncoder} and
 * {@link BinaryMessageDecoder}; the decoder resolves writer schemas through a {@link SchemaStore}
 * that holds the class's current schema and any older versions given to {@link #withWriterSchemas},
 * so records written with an older schema still decode (missing fields take their defaults).
 *
 * <p>Decoding is strict: the body is first checked against the writer schema by {@link
 * AvroBodyCheck} (lengths within the input, valid UTF-8, shortest varints, no trailing bytes), so
 * corrupted or truncated input gives a {@link WireFormatException} rather than an out-of-memory
 * error, another exception, or a record that differs from what the bytes say.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> {

  /** First byte of the single-object header. */
  public static final byte MAGIC_0 = (byte) 0xC3;

  /** Second byte of the single-object header (format version 1). */
  public static final byte MAGIC_1 = (byte) 0x01;

  /** Length of the single-object header: 2 magic bytes and an 8-byte fingerprint. */
  public static final int HEADER_LENGTH = 10;

  private final Class<T> type;
  private final Schema schema;
  private final List<Schema> olderSchemas;
  private final SchemaStore.Cache store;
  private final BinaryMessageEncoder<T> encoder;
  private final BinaryMessageDecoder<T> decoder;

  private AvroCodec(Class<T> type, List<Schema> olderSchemas) {
    this.type = type;
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.olderSchemas = List.copyOf(olderSchemas);
    this.store = new SchemaStore.Cache();
    store.addSchema(schema);
    for (Schema older : this.olderSchemas) {
      store.addSchema(older);
    }
    this.encoder = new BinaryMessageEncoder<>(model, schema);
    this.decoder = new BinaryMessageDecoder<>(model, schema, store);
  }

  /** A codec for {@code type} that reads only records written with its current schema. */
  public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type) {
    return new AvroCodec<>(Objects.requireNonNull(type, "type"), List.of());
  }

  /**
   * A copy of this codec that also reads records written with the given older schemas.
   *
   * @throws IllegalArgumentException if a schema cannot be read as the current one (Avro schema
   *     resolution rules), with the incompatibilities in the message
   */
  public AvroCodec<T> withWriterSchemas(Schema... writerSchemas) {
    List<Schema> all = new ArrayList<>(olderSchemas);
    for (Schema writer : writerSchemas) {
      SchemaCompatibility.SchemaPairCompatibility compat =
          SchemaCompatibility.checkReaderWriterCompatibility(schema, writer);
      if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
        throw new IllegalArgumentException(
            "schema "
                + writer.getFullName()
                + " (fingerprint "
                + hex(fingerprint(writer))
                + ") cannot be read as the current "
                + schema.getFullName()
                + ": "
                + compat.getResult().getIncompatibilities());
      }
      all.add(writer);
    }
    return new AvroCodec<>(type, all);
  }

  /** The record class. */
  public Class<T> type() {
    return type;
  }

  /** The current (reader and writer) schema. */
  public Schema schema() {
    return schema;
  }

  /** The CRC-64-AVRO fingerprint of the current schema, as written in the header. */
  public long fingerprint() {
    return fingerprint(schema);
  }

  /** The fingerprints of every schema this codec reads: the current one first, then the older. */
  public List<Long> fingerprints() {
    List<Long> all = new ArrayList<>();
    all.add(fingerprint());
    for (Schema older : olderSchemas) {
      all.add(fingerprint(older));
    }
    return all;
  }

  /** The CRC-64-AVRO fingerprint of the parsing canonical form of {@code s}. */
  public static long fingerprint(Schema s) {
    return SchemaNormalization.parsingFingerprint64(s);
  }

  /** True if {@code bytes} starts with the single-object magic {@code C3 01}. */
  public static boolean hasSingleObjectMagic(byte[] bytes) {
    return bytes != null && bytes.length >= 2 && bytes[0] == MAGIC_0 && bytes[1] == MAGIC_1;
  }

  /**
   * Encodes {@code record} with the current schema.
   *
   * @throws IllegalArgumentException if the record does not conform to its schema (e.g. a required
   *     field is null)
   */
  public byte[] encode(T record) {
    Objects.requireNonNull(record, "record");
    ByteBuffer buffer;
    try {
      buffer = encoder.encode(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode " + schema.getName() + ": " + e.getMessage(), e);
    }
    byte[] out = new byte[buffer.remaining()];
    buffer.get(out);
    return out;
  }

  /** Decodes a whole array; see {@link #decode(byte[], int, int)}. */
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return decode(bytes, 0, bytes.length);
  }

  /**
   * Decodes exactly one single-object-encoded record from {@code bytes[offset, offset+length)}.
   *
   * @throws WireFormatException UNPARSABLE for a bad header, truncated or corrupted body, or
   *     trailing bytes; UNKNOWN_SCHEMA if the fingerprint is neither the current schema's nor a
   *     registered older one's
   */
  public T decode(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length < HEADER_LENGTH) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE,
          WireFormatException.DOCUMENT,
          "only "
              + length
              + " byte(s); Avro single-object encoding needs a "
              + HEADER_LENGTH
              + "-byte header");
    }
    if (bytes[offset] != MAGIC_0 || bytes[offset + 1] != MAGIC_1) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE,
          WireFormatException.DOCUMENT,
          String.format(
              "not Avro single-object encoding: header %02X %02X, expected C3 01",
              bytes[offset] & 0xff, bytes[offset + 1] & 0xff));
    }
    long fp = ByteBuffer.wrap(bytes, offset + 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    Schema writer = store.findByFingerprint(fp);
    if (writer == null) {
      throw new WireFormatException(
          RejectReason.UNKNOWN_SCHEMA,
          WireFormatException.DOCUMENT,
          "unknown writer schema fingerprint "
              + hex(fp)
              + "; this reader knows "
              + schema.getName()
              + " "
              + knownFingerprints());
    }
    AvroBodyCheck.check(writer, bytes, offset + HEADER_LENGTH, length - HEADER_LENGTH);
    try {
      return decoder.decode(new ByteArrayInputStream(bytes, offset, length), null);
    } catch (IOException | RuntimeException e) {
      // Not expected after the body check; reported, never propagated as another type.
      throw new WireFormatException(
          RejectReason.UNPARSABLE, WireFormatException.DOCUMENT, "Avro decoding failed: " + e, e);
    }
  }

  private List<String> knownFingerprints() {
    List<String> known = new ArrayList<>();
    known.add(hex(fingerprint(schema)) + " (current)");
    for (Schema s : olderSchemas) {
      known.add(hex(fingerprint(s)));
    }
    return known;
  }

  /** The fingerprint as the 8 header bytes in hex, as they appear on the wire. */
  static String hex(long fingerprint) {
    byte[] le = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(fingerprint).array();
    return HexFormat.of().withUpperCase().formatHex(le);
  }
}
