package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonRecordWriterTest {

  @Test
  void aSampleIsWrittenInTheJsonSampleFormatAndReadsBackEqual() {
    Sample s = AvroCodecTest.fullSample();
    String json = JsonRecordWriter.toJson(s);
    assertThat(json)
        .isEqualTo(
            "{\"id\":\"sample-42\",\"timestamp\":\"2024-05-01T12:00:00.123Z\","
                + "\"source\":\"sensor-7\",\"features\":[0.5,-1.25,3.0,1.0E-30,-0.0,3.4028235E38],"
                + "\"shape\":[2,3],\"label\":\"cat\"}");
    assertThat(JsonSampleReader.strict().read(json, Instant.EPOCH)).isEqualTo(s);
  }

  @Test
  void aPredictionUnwrapsNullableUnionsAndWritesAnInfiniteLengthAsNull() {
    Prediction p =
        Prediction.newBuilder()
            .setSampleId("s-1")
            .setModelVersion(4)
            .setPredictedLabel(null)
            .setScores(
                List.of(
                    new ClassScore("a", Double.POSITIVE_INFINITY, null),
                    new ClassScore("b", 3.5, 0.25)))
            .setTrueLabel("b")
            .setNoveltyBits(0.75)
            .setNovel(true)
            .build();
    assertThat(JsonRecordWriter.toJson(p))
        .isEqualTo(
            "{\"sampleId\":\"s-1\",\"modelVersion\":4,\"predictedLabel\":null,\"scores\":["
                + "{\"label\":\"a\",\"deltaLBits\":null,\"membership\":null},"
                + "{\"label\":\"b\",\"deltaLBits\":3.5,\"membership\":0.25}],\"trueLabel\":\"b\","
                + "\"stale\":false,\"owedVersion\":null,\"noveltyBits\":0.75,\"novel\":true}");
  }

  @Test
  void aRejectedRecordHasBase64BytesTheReasonSymbolAndItsTimeInEpochMilliseconds() {
    RejectedRecord r =
        RejectedRecord.newBuilder()
            .setOriginalKey(null)
            .setOriginalValue(ByteBuffer.wrap("{bad".getBytes(StandardCharsets.UTF_8)))
            .setSourceTopic("samples")
            .setSourcePartition(0)
            .setSourceOffset(12)
            .setReason(RejectReason.UNPARSABLE)
            .setMessage("document: invalid JSON")
            .setRejectedAt(Instant.ofEpochMilli(1_714_564_800_000L))
            .build();
    assertThat(JsonRecordWriter.toJson(r))
        .isEqualTo(
            "{\"originalKey\":null,\"originalValue\":\"e2JhZA==\",\"sourceTopic\":\"samples\","
                + "\"sourcePartition\":0,\"sourceOffset\":12,\"reason\":\"UNPARSABLE\","
                + "\"message\":\"document: invalid JSON\",\"rejectedAt\":1714564800000}");
  }

  @Test
  void featuresAndSeveralLinesAreOneObjectPerLine() {
    Features f =
        Features.newBuilder()
            .setSampleId("x")
            .setModelVersion(0)
            .setFeatures(List.of(0.6f, 0.8f))
            .setShape(List.of(2))
            .build();
    assertThat(JsonRecordWriter.toJsonLines(List.of(f, f)))
        .isEqualTo(
            "{\"sampleId\":\"x\",\"modelVersion\":0,\"features\":[0.6,0.8],\"shape\":[2]}\n"
                .repeat(2));
  }

  @Test
  void everyNonFiniteNumberIsNullAndTheLineIsStrictRfc8259Json() throws Exception {
    Prediction p =
        Prediction.newBuilder()
            .setSampleId("s-2")
            .setModelVersion(1)
            .setPredictedLabel("b")
            .setScores(
                List.of(
                    new ClassScore("a", Double.NaN, Double.POSITIVE_INFINITY),
                    new ClassScore("b", Double.NEGATIVE_INFINITY, -0.0),
                    new ClassScore("c", 1e-300, Double.MAX_VALUE)))
            .build();
    Features f =
        Features.newBuilder()
            .setSampleId("s-2")
            .setModelVersion(1)
            .setFeatures(List.of(Float.NaN, Float.NEGATIVE_INFINITY, -0.0f, Float.MIN_VALUE))
            .setShape(List.of(4))
            .build();
    assertThat(JsonRecordWriter.toJson(p))
        .isEqualTo(
            "{\"sampleId\":\"s-2\",\"modelVersion\":1,\"predictedLabel\":\"b\",\"scores\":["
                + "{\"label\":\"a\",\"deltaLBits\":null,\"membership\":null},"
                + "{\"label\":\"b\",\"deltaLBits\":null,\"membership\":-0.0},"
                + "{\"label\":\"c\",\"deltaLBits\":1.0E-300,"
                + "\"membership\":1.7976931348623157E308}],"
                + "\"trueLabel\":null,\"stale\":false,\"owedVersion\":null,"
                + "\"noveltyBits\":null,\"novel\":false}");
    assertThat(JsonRecordWriter.toJson(f))
        .isEqualTo(
            "{\"sampleId\":\"s-2\",\"modelVersion\":1,"
                + "\"features\":[null,null,-0.0,1.4E-45],\"shape\":[4]}");
    // Jackson's default parser accepts only RFC 8259 JSON (no NaN, no Infinity, no comments).
    ObjectMapper strict = new ObjectMapper();
    for (byte[] line : List.of(JsonRecordWriter.toJsonBytes(p), JsonRecordWriter.toJsonBytes(f))) {
      JsonNode tree = strict.readTree(line);
      assertThat(tree.isObject()).isTrue();
      assertThat(new String(line, StandardCharsets.UTF_8)).doesNotContain("\n", "NaN", "Infinity");
    }
  }

  @Test
  void textIsUtf8WithControlCharactersEscaped() throws Exception {
    Prediction p =
        Prediction.newBuilder()
            .setSampleId("é-😀-\"q\"-\n-\u0001")
            .setModelVersion(2)
            .setTrueLabel("naïve")
            .build();
    byte[] bytes = JsonRecordWriter.toJsonBytes(p);
    assertThat(new String(bytes, StandardCharsets.UTF_8))
        .startsWith("{\"sampleId\":\"é-😀-\\\"q\\\"-\\n-\\u0001\",")
        .doesNotContain("\n");
    assertThat(new ObjectMapper().readTree(bytes).get("sampleId").asText())
        .isEqualTo("é-😀-\"q\"-\n-\u0001");
  }
}
