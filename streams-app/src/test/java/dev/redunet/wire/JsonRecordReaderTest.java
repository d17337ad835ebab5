package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonRecordReaderTest {

  private static final List<Class<? extends SpecificRecord>> OUTPUTS =
      List.of(Features.class, Prediction.class, RejectedRecord.class);

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A float from random bits: any finite value, subnormals and -0.0 included. */
  private static float anyFloat(SplittableRandom r) {
    while (true) {
      float f = Float.intBitsToFloat(r.nextInt());
      if (Float.isFinite(f)) {
        return f;
      }
    }
  }

  private static double anyDouble(SplittableRandom r) {
    while (true) {
      double d = Double.longBitsToDouble(r.nextLong());
      if (Double.isFinite(d)) {
        return d;
      }
    }
  }

  @Test
  void finiteRecordsReadBackEqualBitForBit() {
    SplittableRandom r = new SplittableRandom(20);
    for (int i = 0; i < 500; i++) {
      List<Float> values = new ArrayList<>();
      for (int k = 0; k < 1 + r.nextInt(20); k++) {
        values.add(i == 0 && k == 0 ? -0.0f : anyFloat(r));
      }
      Features f =
          Features.newBuilder()
              .setSampleId("f-" + i)
              .setModelVersion(r.nextLong())
              .setFeatures(values)
              .setShape(List.of(values.size()))
              .build();
      assertThat(JsonRecordReader.read(Features.class, JsonRecordWriter.toJsonBytes(f)))
          .isEqualTo(f);

      List<ClassScore> scores = new ArrayList<>();
      for (int k = 0; k < r.nextInt(4); k++) {
        scores.add(new ClassScore("c" + k, anyDouble(r), r.nextBoolean() ? null : anyDouble(r)));
      }
      Prediction p =
          Prediction.newBuilder()
              .setSampleId("p-" + i)
              .setModelVersion(r.nextInt(100))
              .setPredictedLabel(scores.isEmpty() ? null : "c0")
              .setScores(scores)
              .setTrueLabel(r.nextBoolean() ? null : "c1")
              .setStale(r.nextBoolean())
              .setOwedVersion(r.nextBoolean() ? null : r.nextLong())
              .build();
      assertThat(JsonRecordReader.read(Prediction.class, JsonRecordWriter.toJsonBytes(p)))
          .isEqualTo(p);
    }
  }

  @Test
  void aRejectedRecordReadsBackWithItsBytesReasonAndTime() {
    byte[] value = {(byte) 0xC3, 0x01, 0, (byte) 0xFF, '{'};
    RejectedRecord rec =
        RejectedRecord.newBuilder()
            .setOriginalKey(ByteBuffer.wrap(utf8("k-1")))
            .setOriginalValue(ByteBuffer.wrap(value))
            .setSourceTopic("redunet.samples")
            .setSourcePartition(2)
            .setSourceOffset(1L << 40)
            .setReason(RejectReason.UNKNOWN_SCHEMA)
            .setMessage("document: unknown fingerprint")
            .setRejectedAt(Instant.ofEpochMilli(1_714_564_800_123L))
            .build();
    byte[] json = JsonRecordWriter.toJsonBytes(rec);
    RejectedRecord back = JsonRecordReader.read(RejectedRecord.class, json);
    assertThat(back).isEqualTo(rec);
    assertThat(back.getRejectedAt()).isEqualTo(Instant.parse("2024-05-01T12:00:00.123Z"));
  }

  @Test
  void aNullInADoubleThatIsNotNullableIsHowANonFiniteValueWasWrittenAndReadsAsNaN() {
    Prediction p =
        Prediction.newBuilder()
            .setSampleId("s")
            .setModelVersion(3)
            .setScores(List.of(new ClassScore("a", Double.POSITIVE_INFINITY, 0.5)))
            .build();
    Prediction back = JsonRecordReader.read(Prediction.class, JsonRecordWriter.toJsonBytes(p));
    assertThat(back.getScores().get(0).getDeltaLBits()).isNaN();
    assertThat(back.getScores().get(0).getMembership()).isEqualTo(0.5);
    // Written again, it is the same line: the JSON form is a fixed point.
    assertThat(JsonRecordWriter.toJson(back)).isEqualTo(JsonRecordWriter.toJson(p));
  }

  @Test
  void absentFieldsWithADefaultTakeIt() {
    // A prediction of schema version 1 had neither stale nor owedVersion; scores defaults to [].
    Prediction p =
        JsonRecordReader.read(
            Prediction.class,
            utf8("{\"sampleId\":\"old\",\"modelVersion\":7,\"predictedLabel\":\"x\"}"));
    assertThat(p.getStale()).isFalse();
    assertThat(p.getOwedVersion()).isNull();
    assertThat(p.getScores()).isEmpty();
    assertThat(p.getTrueLabel()).isNull();
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        "`[1]`                                     | UNPARSABLE    | document: expected a JSON"
            + " object, got START_ARRAY",
        "``                                        | UNPARSABLE    | document: empty (no JSON"
            + " value)",
        "`{\"sampleId\":\"a\",\"modelVersion\":1} {}` | UNPARSABLE | document: unexpected content"
            + " after the JSON object",
        "`{\"sampleId\":\"a\",\"sampleId\":\"b\",\"modelVersion\":1}` | UNPARSABLE | document:"
            + " invalid JSON: Duplicate field 'sampleId'",
        "`{\"sampleId\":\"a\",\"modelVersion\":1`   | UNPARSABLE    | document: invalid JSON",
        "`{\"modelVersion\":1}`                    | MISSING_FIELD | sampleId: missing (required)",
        "`{\"sampleId\":\"a\",\"modelVersion\":1,\"extra\":0}` | UNPARSABLE | extra: unknown field"
            + " of Prediction",
        "`{\"sampleId\":1,\"modelVersion\":1}`     | UNPARSABLE    | sampleId: expected a string,"
            + " got 1",
        "`{\"sampleId\":\"a\",\"modelVersion\":1.5}` | UNPARSABLE  | modelVersion: expected a 64-bit"
            + " integer, got 1.5",
        "`{\"sampleId\":\"a\",\"modelVersion\":null}` | UNPARSABLE | modelVersion: expected a"
            + " 64-bit integer, got null",
        "`{\"sampleId\":\"a\",\"modelVersion\":1e3}` | UNPARSABLE  | modelVersion: expected a 64-bit"
            + " integer",
        "`{\"sampleId\":\"a\",\"modelVersion\":99999999999999999999}` | UNPARSABLE | modelVersion:"
            + " expected a 64-bit integer",
        "`{\"sampleId\":\"a\",\"modelVersion\":1,\"stale\":\"no\"}` | UNPARSABLE | stale: expected"
            + " true or false, got \"no\"",
        "`{\"sampleId\":\"a\",\"modelVersion\":1,\"scores\":[{\"label\":\"x\"}]}` | MISSING_FIELD"
            + " | scores[0].deltaLBits: missing (required)",
        "`{\"sampleId\":\"a\",\"modelVersion\":1,\"scores\":[{\"label\":\"x\",\"deltaLBits\":\"1\"}]}`"
            + " | UNPARSABLE | scores[0].deltaLBits: expected a number, got \"1\"",
        "`{\"sampleId\":\"a\",\"modelVersion\":1,\"scores\":{}}` | UNPARSABLE | scores: expected"
            + " an array, got an object",
        "`{\"sampleId\":\"a\",\"modelVersion\":1,\"predictedLabel\":[]}` | UNPARSABLE |"
            + " predictedLabel: expected a string, got an array",
        "`{\"sampleId\":\"a\",\"modelVersion\":1,\"scores\":[{\"label\":\"x\",\"deltaLBits\":NaN}]}`"
            + " | UNPARSABLE | document: invalid JSON",
      })
  void badPredictionsAreRejectedNamingTheField(String json, RejectReason reason, String message) {
    WireFormatException e =
        catchThrowableOfType(
            WireFormatException.class,
            () -> JsonRecordReader.read(Prediction.class, utf8(json == null ? "" : json)));
    assertThat(e).as("a rejection of %s", json).isNotNull();
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.getMessage()).startsWith(message);
  }

  @Test
  void badRejectedRecordValuesAreRejectedNamingTheField() {
    String ok = "\"sourceTopic\":\"t\",\"sourceOffset\":1,\"message\":\"m\",\"rejectedAt\":5";
    assertThat(
            catchThrowableOfType(
                    WireFormatException.class,
                    () ->
                        JsonRecordReader.read(
                            RejectedRecord.class,
                            utf8("{" + ok + ",\"sourcePartition\":0,\"reason\":\"BAD\"}")))
                .getMessage())
        .startsWith("reason: expected one of [UNPARSABLE,");
    assertThat(
            catchThrowableOfType(
                    WireFormatException.class,
                    () ->
                        JsonRecordReader.read(
                            RejectedRecord.class,
                            utf8(
                                "{"
                                    + ok
                                    + ",\"sourcePartition\":0,\"reason\":\"OTHER\","
                                    + "\"originalValue\":\"%%\"}")))
                .getMessage())
        .startsWith("originalValue: not Base64");
    assertThat(
            catchThrowableOfType(
                    WireFormatException.class,
                    () ->
                        JsonRecordReader.read(
                            RejectedRecord.class,
                            utf8(
                                "{"
                                    + ok
                                    + ",\"reason\":\"OTHER\",\"sourcePartition\":3000000000}")))
                .getMessage())
        .isEqualTo("sourcePartition: expected a 32-bit integer, got 3000000000");
  }

  @Test
  void theTypeOfAJsonObjectIsFoundByItsFieldNames() {
    Features f =
        Features.newBuilder()
            .setSampleId("x")
            .setModelVersion(0)
            .setFeatures(List.of(1f))
            .setShape(List.of(1))
            .build();
    Prediction p = Prediction.newBuilder().setSampleId("x").setModelVersion(0).build();
    RejectedRecord rec =
        RejectedRecord.newBuilder()
            .setSourceTopic("t")
            .setSourcePartition(0)
            .setSourceOffset(0)
            .setReason(RejectReason.OTHER)
            .setMessage("m")
            .setRejectedAt(Instant.EPOCH)
            .build();
    assertThat(JsonRecordReader.typeOf(JsonRecordWriter.toJsonBytes(f), OUTPUTS))
        .contains(Features.class);
    assertThat(JsonRecordReader.typeOf(JsonRecordWriter.toJsonBytes(p), OUTPUTS))
        .contains(Prediction.class);
    assertThat(JsonRecordReader.typeOf(JsonRecordWriter.toJsonBytes(rec), OUTPUTS))
        .contains(RejectedRecord.class);
    // A sample, with or without id, is none of them; nor is what is not a JSON object.
    Sample s = AvroCodecTest.fullSample();
    assertThat(JsonRecordReader.typeOf(JsonRecordWriter.toJsonBytes(s), OUTPUTS)).isEmpty();
    assertThat(JsonRecordReader.typeOf(utf8("{\"features\":[1,2]}"), OUTPUTS)).isEmpty();
    assertThat(JsonRecordReader.typeOf(utf8("{\"sampleId\":\"x\"}"), OUTPUTS)).isEmpty();
    assertThat(JsonRecordReader.typeOf(utf8("not json"), OUTPUTS)).isEmpty();
    assertThat(JsonRecordReader.typeOf(utf8("[]"), OUTPUTS)).isEmpty();
  }
}
