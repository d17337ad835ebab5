package dev.redunet.wire;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} of an output record class: writes the configured {@link OutputFormat} (Avro
 * single-object encoding, or one JSON object of {@link JsonRecordWriter}), or, when it has a schema
 * registry ({@link #withRegistry}), the Confluent framing of {@link ConfluentAvro} under the
 * subject {@code <topic>-value}, which takes precedence over the format; reads any of them,
 * detected per record (the single-object marker {@code C3 01} means Avro, a first byte 0 Confluent
 * framing, anything else is read as JSON by {@link JsonRecordReader}), so a reader keeps working
 * when the format of a topic changes. A null value (tombstone) maps to null both ways; bad bytes
 * are {@link WireFormatException}s.
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
  private final Optional<ConfluentAvro<T>> confluent;
  private final Optional<String> topic;

  /** A serde that writes {@code format} and reads Avro with {@code avro} or JSON. */
  public OutputSerde(AvroCodec<T> avro, OutputFormat format) {
    this(avro, format, Optional.empty(), Optional.empty());
  }

  private OutputSerde(
      AvroCodec<T> avro,
      OutputFormat format,
      Optional<ConfluentAvro<T>> confluent,
      Optional<String> topic) {
    this.avro = Objects.requireNonNull(avro, "avro");
    this.format = Objects.requireNonNull(format, "format");
    this.confluent = confluent;
    this.topic = topic;
  }

  /**
   * A copy that writes Confluent framing through {@code registry} (subject {@code <topic>-value},
   * {@code topic} being the one Kafka names when it serializes, else {@code defaultTopic}) and also
   * reads it.
   */
  public OutputSerde<T> withRegistry(SchemaRegistryClient registry, String defaultTopic) {
    return new OutputSerde<>(
        avro,
        format,
        Optional.of(new ConfluentAvro<>(avro.type(), registry)),
        Optional.of(defaultTopic));
  }

  /**
   * The format this serde writes when it has no schema registry ({@link #confluent()} is then
   * false).
   */
  public OutputFormat format() {
    return format;
  }

  /** True if this serde writes Confluent framing through a schema registry. */
  public boolean confluent() {
    return confluent.isPresent();
  }

  /** The record class. */
  public Class<T> type() {
    return avro.type();
  }

  /** The record in this serde's format (with a registry: for its default topic). */
  public byte[] encode(T record) {
    return encode(null, record);
  }

  private byte[] encode(String kafkaTopic, T record) {
    Objects.requireNonNull(record, "record");
    if (confluent.isPresent()) {
      return confluent.get().encode(kafkaTopic != null ? kafkaTopic : topic.orElseThrow(), record);
    }
    return switch (format) {
      case AVRO -> avro.encode(record);
      case JSON -> JsonRecordWriter.toJsonBytes(record);
    };
  }

  /**
   * Decodes a record in any format.
   *
   * @throws WireFormatException if the bytes are neither a valid Avro record, a Confluent-framed
   *     one whose schema the registry has (UNKNOWN_SCHEMA without a registry), nor a valid JSON one
   */
  public T decode(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (AvroCodec.hasSingleObjectMagic(bytes)) {
      return avro.decode(bytes);
    }
    if (ConfluentAvro.hasMagic(bytes)) {
      return confluent.orElseThrow(() -> ConfluentAvro.noRegistry(bytes)).decode(bytes);
    }
    return JsonRecordReader.read(avro.type(), bytes);
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : encode(topic, data);
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
        && other.format == format
        && other
            .confluent
            .map(c -> c.registry().url())
            .equals(confluent.map(c -> c.registry().url()))
        && other.topic.equals(topic);
  }

  @Override
  public int hashCode() {
    return Objects.hash(avro.type(), format, topic);
  }

  @Override
  public String toString() {
    return "OutputSerde["
        + avro.type().getSimpleName()
        + ", "
        + confluent.map(c -> "confluent-avro via " + c.registry().url()).orElse(format.configName())
        + "]";
  }
}
