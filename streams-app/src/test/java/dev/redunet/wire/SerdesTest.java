package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.avro.Features;
import dev.redunet.avro.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.Test;

class SerdesTest {

  @Test
  void theSampleSerdeWritesAvroAndReadsAvroOrJson() {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(123), ZoneOffset.UTC);
    SampleSerde serde = new SampleSerde(SampleDecoder.create(), clock);
    Sample s = AvroCodecTest.fullSample();
    byte[] bytes = serde.serializer().serialize("t", s);
    assertThat(AvroCodec.hasSingleObjectMagic(bytes)).isTrue();
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(s);

    byte[] json = "{\"id\":\"j\",\"features\":[1,2]}".getBytes(StandardCharsets.UTF_8);
    Sample fromJson = serde.deserializer().deserialize("t", json);
    assertThat(fromJson.getEventTime()).isEqualTo(Instant.ofEpochMilli(123));
    assertThat(fromJson.getFeatures()).containsExactly(1f, 2f);
  }

  @Test
  void nullIsATombstoneBothWays() {
    Serde<Features> features = WireSerdes.features();
    assertThat(features.serializer().serialize("t", null)).isNull();
    assertThat(features.deserializer().deserialize("t", null)).isNull();
    Serde<Sample> samples = WireSerdes.sample();
    assertThat(samples.serializer().serialize("t", null)).isNull();
    assertThat(samples.deserializer().deserialize("t", null)).isNull();
  }

  @Test
  void everyTopicSerdeRoundTripsItsRecordAndRejectsAnotherRecordType() {
    Features f =
        Features.newBuilder()
            .setSampleId("x")
            .setModelVersion(1)
            .setFeatures(List.of(1f))
            .setShape(List.of(1))
            .build();
    Serde<Features> serde = WireSerdes.features();
    byte[] bytes = serde.serializer().serialize("t", f);
    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(f);
    assertThatThrownBy(() -> WireSerdes.prediction().deserializer().deserialize("t", bytes))
        .isInstanceOf(WireFormatException.class)
        .hasMessageStartingWith("document: unknown writer schema fingerprint");
    assertThat(WireSerdes.rejected()).isNotNull();
  }
}
