package dev.redunet.wire;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} of an output record class: writes the configured {@link OutputFormat} (Avro
 * single-object encoding, or one JSON object of {@link JsonRecordWriter}); reads either, detected
 * per record (the single-object marker {@code C3 01} means Avro, anything else is read as JSON by
 * {@link JsonRecordReader}), so a reader keeps working when the format of a topic changes. A null
 * value (tombstone) maps to null both ways; bad bytes are {@link WireFormatException}s.
 *
 * <p>Immutable and thread-safe; two serdes are equal when they read and write the same class in the
 * same format.
 *
 * @param <T> the generated record class
 */
public final class OutputSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  private final AvroCodec<T> avro;
  private final OutputFormat format;

  /** A serde that writes {@code format} and reads Avro with {@code avro} or JSON. */
  public OutputSerde(AvroCodec<T> avro, OutputFormat format) {
    this.avro = Objects.requireNonNull(avro, "avro");
    this.format = Objects.requireNonNull(format, "format");
  }

  /** The format this serde writes. */
  public OutputFormat format() {
    return format;
  }

  /** The record class. */
  public Class<T> type() {
    return avro.type();
  }

  /** The record in this serde's format (no topic needed). */
  public byte[] encode(T record) {
    Objects.requireNonNull(record, "record");
    return switch (format) {
      case AVRO -> avro.encode(record);
      case JSON -> JsonRecordWriter.toJsonBytes(record);
    };
  }

  /**
   * Decodes a record in either format.
   *
   * @throws WireFormatException if the bytes are neither a valid Avro record nor a valid JSON one
   */
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    return AvroCodec.hasSingleObjectMagic(bytes)
        ? avro.decode(bytes)
        : JsonRecordReader.read(avro.type(), bytes);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : decode(data);
  }

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}

  @Override
  public boolean equals(Object o) {
    return o instanceof OutputSerde<?> other
        && other.avro.type().equals(avro.type())
        && other.format == format;
  }

  @Override
  public int hashCode() {
    return Objects.hash(avro.type(), format);
  }

  @Override
  public String toString() {
    return "OutputSerde[" + avro.type().getSimpleName() + ", " + format.configName() + "]";
  }
}
