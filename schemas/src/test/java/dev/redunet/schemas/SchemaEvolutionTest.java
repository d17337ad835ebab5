package dev.redunet.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.avro.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.MissingSchemaException;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.Test;

class SchemaEvolutionTest {

  /** Sample as first published: no shape, no label (see test resources). */
  private static Schema sampleV1() throws IOException {
    try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream("/sample-v1.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  private static ByteBuffer writeV1(Schema v1) throws IOException {
    GenericRecord old = new GenericData.Record(v1);
    old.put("id", "s-1");
    old.put("eventTime", 1_700_000_000_000L);
    old.put("source", "sensor-7");
    old.put("features", List.of(0.5f, -1.25f, 3.0f));
    return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
  }

  @Test
  void currentSampleRoundTripsThroughSingleObjectEncoding() throws IOException {
    Sample sample =
        Sample.newBuilder()
            .setId("a")
            .setEventTime(Instant.ofEpochMilli(42))
            .setSource("src")
            .setFeatures(List.of(1f, 2f))
            .setShape(List.of(1, 2))
            .setLabel("7")
            .build();
    ByteBuffer bytes = Sample.getEncoder().encode(sample);
    assertThat(Sample.getDecoder().decode(bytes)).isEqualTo(sample);
  }

  @Test
  void aV1WriterIsReadByTheCurrentReaderWithDefaultsForTheAddedOptionalFields() throws IOException {
    Schema v1 = sampleV1();
    SchemaStore.Cache store = new SchemaStore.Cache();
    store.addSchema(v1);
    BinaryMessageDecoder<Sample> decoder =
        new BinaryMessageDecoder<>(SpecificData.get(), Sample.getClassSchema(), store);

    Sample decoded = decoder.decode(writeV1(v1));

    assertThat(decoded.getId()).isEqualTo("s-1");
    assertThat(decoded.getEventTime()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    assertThat(decoded.getSource()).isEqualTo("sensor-7");
    assertThat(decoded.getFeatures()).containsExactly(0.5f, -1.25f, 3.0f);
    assertThat(decoded.getShape()).isNull();
    assertThat(decoded.getLabel()).isNull();
  }

  @Test
  void aV1RecordIsRefusedWhenItsSchemaIsNotInTheStore() throws IOException {
    ByteBuffer v1Bytes = writeV1(sampleV1());
    assertThatThrownBy(() -> Sample.getDecoder().decode(v1Bytes))
        .isInstanceOf(MissingSchemaException.class);
  }
}
