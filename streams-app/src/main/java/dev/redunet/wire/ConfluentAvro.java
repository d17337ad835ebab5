package dev.redunet.wire;

import dev.redunet.avro.RejectReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * The Confluent wire format of one generated record class: the magic byte {@code 0}, the 4-byte
 * big-endian schema id of a schema registry, then the Avro binary body. Writing registers the
 * class's schema under the subject {@code <topic>-value} (TopicNameStrategy); reading fetches the
 * writer schema by id (both cached by {@link SchemaRegistryClient}) and resolves the record against
 * the class's schema. Bodies are checked by {@link AvroBodyCheck} first, as in {@link AvroCodec}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the generated record class
 */
public final class ConfluentAvro<T extends SpecificRecord> {

  /** The first byte of the Confluent framing. */
  public static final byte MAGIC = 0;

  /** Magic byte and schema id. */
  public static final int HEADER_LENGTH = 5;

  private final Class<T> type;
  private final Schema schema;
  private final SpecificData model;
  private final SchemaRegistryClient registry;
  private final Map<Integer, Boolean> compatible = new ConcurrentHashMap<>();

  /** A codec of {@code type} through {@code registry}. */
  public ConfluentAvro(Class<T> type, SchemaRegistryClient registry) {
    this.type = Objects.requireNonNull(type, "type");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
  }

  /** The record class. */
  public Class<T> type() {
    return type;
  }

  /** The registry. */
  public SchemaRegistryClient registry() {
    return registry;
  }

  /** True if {@code bytes} starts with the Confluent magic byte 0 and has room for a schema id. */
  public static boolean hasMagic(byte[] bytes) {
    return bytes != null && bytes.length >= HEADER_LENGTH && bytes[0] == MAGIC;
  }

  /** The schema id of Confluent-framed bytes (no check of the magic byte). */
  public static int schemaId(byte[] bytes) {
    return ByteBuffer.wrap(bytes, 1, 4).getInt();
  }

  /** The subject of a topic's values under the TopicNameStrategy. */
  public static String subject(String topic) {
    return topic + "-value";
  }

  /**
   * Encodes {@code record} for {@code topic}, registering the schema under {@code <topic>-value} on
   * first use.
   *
   * @throws SchemaRegistryClient.SchemaRegistryException if the registry cannot register it
   */
  public byte[] encode(String topic, T record) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(record, "record");
    int id = registry.register(subject(topic), schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new SpecificDatumWriter<T>(schema, model).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "cannot encode " + schema.getName() + ": " + e.getMessage(), e);
    }
    return out.toByteArray();
  }

  /**
   * Decodes one Confluent-framed record.
   *
   * @throws WireFormatException UNPARSABLE for a bad header, truncated or corrupted body;
   *     UNKNOWN_SCHEMA if the registry does not know the id, or its schema cannot be read as the
   *     record class's
   * @throws SchemaRegistryClient.SchemaRegistryException if the registry cannot be reached
   */
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (!hasMagic(bytes)) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE,
          WireFormatException.DOCUMENT,
          "not Confluent framing: it needs the magic byte 0 and a 4-byte schema id");
    }
    int id = schemaId(bytes);
    Schema writer =
        registry
            .schemaById(id)
            .orElseThrow(
                () ->
                    new WireFormatException(
                        RejectReason.UNKNOWN_SCHEMA,
                        WireFormatException.DOCUMENT,
                        "Confluent framing with schema id "
                            + id
                            + ", which the schema registry "
                            + registry.url()
                            + " does not know"));
    boolean readable =
        compatible.computeIfAbsent(
            id,
            k ->
                SchemaCompatibility.checkReaderWriterCompatibility(schema, writer).getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
    if (!readable) {
      throw new WireFormatException(
          RejectReason.UNKNOWN_SCHEMA,
          WireFormatException.DOCUMENT,
          "schema id "
              + id
              + " ("
              + writer.getFullName()
              + ") cannot be read as "
              + schema.getFullName());
    }
    AvroBodyCheck.check(writer, bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH);
    try {
      BinaryDecoder decoder =
          DecoderFactory.get()
              .binaryDecoder(bytes, HEADER_LENGTH, bytes.length - HEADER_LENGTH, null);
      return new SpecificDatumReader<T>(writer, schema, model).read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE, WireFormatException.DOCUMENT, "Avro decoding failed: " + e, e);
    }
  }

  /** The rejection of Confluent-framed bytes when no registry is configured. */
  static WireFormatException noRegistry(byte[] bytes) {
    return new WireFormatException(
        RejectReason.UNKNOWN_SCHEMA,
        WireFormatException.DOCUMENT,
        "Confluent framing (magic byte 0) with schema id "
            + schemaId(bytes)
            + ", but no schema registry is configured (redunet.schema.registry.url)");
  }
}
