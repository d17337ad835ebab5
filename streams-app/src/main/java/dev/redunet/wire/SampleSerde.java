package dev.redunet.wire;

import dev.redunet.avro.Sample;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serde} of {@link Sample}: writes Avro single-object encoding; reads either Avro or
 * the JSON sample format through a {@link SampleDecoder} (format detected per record, checks
 * applied). A null value maps to null both ways.
 *
 * <p>A Kafka deserializer does not see the record timestamp, so a JSON sample without {@code
 * timestamp} gets the current time of {@link #clock()}. Code that has the record (the topology)
 * should call {@link SampleDecoder#decode} with the record timestamp instead.
 */
public final class SampleSerde implements Serde<Sample>, Serializer<Sample>, Deserializer<Sample> {

  private final SampleDecoder decoder;
  private final Clock clock;

  /** A serde using {@code decoder} and {@code clock} (for JSON samples without timestamp). */
  public SampleSerde(SampleDecoder decoder, Clock clock) {
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** Default decoder, system UTC clock. */
  public static SampleSerde create() {
    return new SampleSerde(SampleDecoder.create(), Clock.systemUTC());
  }

  /** The clock that dates JSON samples without a timestamp. */
  public Clock clock() {
    return clock;
  }

  @Override
  public byte[] serialize(String topic, Sample data) {
    return data == null ? null : decoder.avro().encode(data);
  }

  @Override
  public Sample deserialize(String topic, byte[] data) {
    return data == null ? null : decoder.decode(data, clock.instant());
  }

  @Override
  public Serializer<Sample> serializer() {
    return this;
  }

  @Override
  public Deserializer<Sample> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {}

  @Override
  public void close() {}
}
