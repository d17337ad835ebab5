package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SampleDecoderTest {

  private static final SampleDecoder DECODER = SampleDecoder.create();
  private static final Instant RECORD_TIME = Instant.ofEpochMilli(77);

  private static WireFormatException failure(SampleDecoder decoder, byte[] bytes) {
    WireFormatException e =
        catchThrowableOfType(WireFormatException.class, () -> decoder.decode(bytes, RECORD_TIME));
    assertThat(e).as("expected a rejection").isNotNull();
    return e;
  }

  @Test
  void avroAndJsonOfTheSameSampleDecodeToEqualSamples() {
    Sample s = AvroCodecTest.fullSample();
    byte[] avro = DECODER.avro().encode(s);
    byte[] json = JsonRecordWriter.toJson(s).getBytes(StandardCharsets.UTF_8);
    assertThat(SampleDecoder.detect(avro)).contains(SampleDecoder.Format.AVRO);
    assertThat(SampleDecoder.detect(json)).contains(SampleDecoder.Format.JSON);
    assertThat(DECODER.decode(avro, RECORD_TIME)).isEqualTo(s);
    assertThat(DECODER.decode(json, RECORD_TIME)).isEqualTo(s);
  }

  @Test
  void jsonIsDetectedAfterWhitespaceAndAByteOrderMark() {
    byte[] json = "\uFEFF \r\n\t{\"id\":\"a\",\"features\":[2]}".getBytes(StandardCharsets.UTF_8);
    assertThat(SampleDecoder.detect(json)).contains(SampleDecoder.Format.JSON);
    Sample s = DECODER.decode(json, RECORD_TIME);
    assertThat(s.getFeatures()).containsExactly(2f);
    assertThat(s.getEventTime()).isEqualTo(RECORD_TIME);
  }

  @Test
  void garbageEmptyAndTombstonesAreUnparsableWithTheFirstByteNamed() {
    assertThat(SampleDecoder.detect(new byte[] {'[', '1', ']'})).isEqualTo(Optional.empty());
    assertThat(failure(DECODER, "[1,2]".getBytes(StandardCharsets.UTF_8)).getMessage())
        .isEqualTo(
            "document: neither Avro single-object encoding (starts C3 01), Confluent framing"
                + " (starts 00 and a 4-byte schema id) nor a JSON object (starts {); first byte"
                + " 5B");
    assertThat(failure(DECODER, new byte[0]).getMessage()).isEqualTo("document: empty value");
    assertThat(failure(DECODER, null).getMessage()).isEqualTo("document: null value (tombstone)");
    assertThat(failure(DECODER, new byte[] {(byte) 0xC3}).reason())
        .isEqualTo(RejectReason.UNPARSABLE);
  }

  @Test
  void anAvroSampleGetsTheSameChecksAsAJsonOne() {
    Sample nan =
        Sample.newBuilder()
            .setId("n")
            .setEventTime(Instant.EPOCH)
            .setFeatures(List.of(1f, Float.NaN))
            .build();
    WireFormatException e = failure(DECODER, DECODER.avro().encode(nan));
    assertThat(e.reason()).isEqualTo(RejectReason.NON_FINITE);
    assertThat(e.getMessage()).isEqualTo("features[1]: not finite: NaN");

    Sample badShape =
        Sample.newBuilder(nan).setFeatures(List.of(1f, 2f)).setShape(List.of(3)).build();
    assertThat(failure(DECODER, DECODER.avro().encode(badShape)).reason())
        .isEqualTo(RejectReason.WRONG_DIMENSION);

    Sample empty = Sample.newBuilder(nan).setFeatures(List.of()).build();
    assertThat(failure(DECODER, DECODER.avro().encode(empty)).reason())
        .isEqualTo(RejectReason.EMPTY_VECTOR);
  }

  @Test
  void anOlderAvroVersionDecodesOnlyThroughACodecThatKnowsIt() throws IOException {
    byte[] v1 = AvroCodecTest.writeV1(AvroCodecTest.sampleV1());
    assertThat(failure(DECODER, v1).reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
    SampleDecoder evolved =
        DECODER.withAvro(AvroCodec.of(Sample.class).withWriterSchemas(AvroCodecTest.sampleV1()));
    assertThat(evolved.decode(v1, RECORD_TIME).getId()).isEqualTo("old-1");
  }

  @Test
  void aRecordOverTheSizeLimitIsTooLargeBeforeParsing() {
    SampleDecoder small = DECODER.withMaxBytes(16);
    byte[] json = "{\"id\":\"a\",\"features\":[1]}".getBytes(StandardCharsets.UTF_8);
    WireFormatException e = failure(small, json);
    assertThat(e.reason()).isEqualTo(RejectReason.TOO_LARGE);
    assertThat(e.getMessage()).isEqualTo("document: 25 bytes, over the limit of 16");
  }

  @Test
  void everyTruncationOfEitherFormatIsRejected() {
    Sample s = AvroCodecTest.fullSample();
    for (byte[] full :
        List.of(
            DECODER.avro().encode(s),
            JsonRecordWriter.toJson(s).getBytes(StandardCharsets.UTF_8))) {
      for (int len = 0; len < full.length; len++) {
        byte[] prefix = Arrays.copyOf(full, len);
        assertThat(failure(DECODER, prefix).reason()).isEqualTo(RejectReason.UNPARSABLE);
      }
    }
  }

  @Test
  void randomByteFlipsOfAvroGiveTheTypedExceptionOrExactlyWhatTheBytesSay() {
    Sample s = AvroCodecTest.fullSample();
    byte[] original = DECODER.avro().encode(s);
    SplittableRandom random = new SplittableRandom(99L);
    for (int trial = 0; trial < 2_000; trial++) {
      byte[] corrupted = original.clone();
      corrupted[random.nextInt(corrupted.length)] ^= (byte) (1 + random.nextInt(255));
      try {
        Sample decoded = DECODER.decode(corrupted, RECORD_TIME);
        assertThat(DECODER.avro().encode(decoded)).isEqualTo(corrupted);
        assertThat(SampleChecks.validate(decoded)).isSameAs(decoded);
      } catch (WireFormatException e) {
        assertThat(e.getMessage()).isEqualTo(e.field() + ": " + e.problem());
      }
    }
  }

  private static WireFormatException keyedFailure(byte[] key, String json) {
    WireFormatException e =
        catchThrowableOfType(
            WireFormatException.class,
            () -> DECODER.decode(key, json.getBytes(StandardCharsets.UTF_8), RECORD_TIME));
    assertThat(e).as("expected a rejection of %s", json).isNotNull();
    return e;
  }

  @Test
  void aJsonSampleWithoutIdTakesItsRecordKeyAsItsId() {
    byte[] key = "sensor-7/42 é".getBytes(StandardCharsets.UTF_8);
    for (String json :
        List.of(
            "{\"features\":[1,2],\"label\":\"a\"}",
            "{\"id\":null,\"features\":[1,2],\"label\":\"a\"}")) {
      Sample s = DECODER.decode(key, json.getBytes(StandardCharsets.UTF_8), RECORD_TIME);
      assertThat(s.getId()).isEqualTo("sensor-7/42 é");
      assertThat(s.getFeatures()).containsExactly(1f, 2f);
      assertThat(s.getLabel()).isEqualTo("a");
    }
    // An id in the document wins over the key; an empty one is still an error.
    byte[] withId = "{\"id\":\"doc-id\",\"features\":[1]}".getBytes(StandardCharsets.UTF_8);
    assertThat(DECODER.decode(key, withId, RECORD_TIME).getId()).isEqualTo("doc-id");
    assertThat(keyedFailure(key, "{\"id\":\"\",\"features\":[1]}").getMessage())
        .isEqualTo("id: empty");
    // Other checks are unchanged.
    assertThat(keyedFailure(key, "{\"features\":[]}").reason())
        .isEqualTo(RejectReason.EMPTY_VECTOR);
  }

  @Test
  void aKeyThatCannotStandForTheIdIsNamedInTheRejection() {
    WireFormatException none = keyedFailure(null, "{\"features\":[1]}");
    assertThat(none.reason()).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(none.getMessage()).isEqualTo("id: missing (required)");
    WireFormatException empty = keyedFailure(new byte[0], "{\"features\":[1]}");
    assertThat(empty.reason()).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(empty.getMessage())
        .isEqualTo(
            "id: missing (required: the record key is empty, so it cannot stand for the id)");
    WireFormatException binary =
        keyedFailure(new byte[] {'k', (byte) 0xFF}, "{\"id\":null,\"features\":[1]}");
    assertThat(binary.reason()).isEqualTo(RejectReason.MISSING_FIELD);
    assertThat(binary.getMessage())
        .isEqualTo(
            "id: null (required: the record key is not valid UTF-8, so it cannot stand for the"
                + " id)");
  }

  @Test
  void anAvroSampleKeepsItsOwnIdWhateverTheKey() {
    Sample s = AvroCodecTest.fullSample();
    byte[] avro = DECODER.avro().encode(s);
    assertThat(DECODER.decode("other".getBytes(StandardCharsets.UTF_8), avro, RECORD_TIME))
        .isEqualTo(s);
  }
}
