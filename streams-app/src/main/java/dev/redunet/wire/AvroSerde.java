package dev.redunet.wire;

import java.util.Map;
import java.util.Objects;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} of a generated Avro record class in single-object encoding, backed by an
 * {@link AvroCodec}. A null value (tombstone) maps to null both ways. Deserialization errors are
 * {@link WireFormatException}s. Stateless apart from the immutable codec: {@code configure} and
 * {@code close} do nothing, and one instance may be shared by threads.
 *
 * @param <T> the generated record class
 */
public final class AvroSerde<T extends SpecificRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  private final AvroCodec<T> codec;

  /** A serde that encodes and decodes with {@code codec}. */
  public AvroSerde(AvroCodec<T> codec) {
    this.codec = Objects.requireNonNull(codec, "codec");
  }

  /** A serde for {@code type} that reads only its current schema. */
  public static <T extends SpecificRecord> AvroSerde<T> of(Class<T> type) {
    return new AvroSerde<>(AvroCodec.of(type));
  }

  /** The codec in use. */
  public AvroCodec<T> codec() {
    return codec;
  }

  @Override
  public byte[] serialize(String topic, T data) {
    return data == null ? null : codec.encode(data);
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    return data == null ? null : codec.decode(data);
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
}
