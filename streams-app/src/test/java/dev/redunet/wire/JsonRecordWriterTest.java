package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;

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
  void aPredictionUnwrapsNullableUnionsAndWritesInfinityAsAString() {
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
            .build();
    assertThat(JsonRecordWriter.toJson(p))
        .isEqualTo(
            "{\"sampleId\":\"s-1\",\"modelVersion\":4,\"predictedLabel\":null,\"scores\":["
                + "{\"label\":\"a\",\"deltaLBits\":\"Infinity\",\"membership\":null},"
                + "{\"label\":\"b\",\"deltaLBits\":3.5,\"membership\":0.25}],\"trueLabel\":\"b\","
                + "\"stale\":false,\"owedVersion\":null}");
  }

  @Test
  void aRejectedRecordHasBase64BytesTheReasonSymbolAndAnIsoTimestamp() {
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
                + "\"message\":\"document: invalid JSON\",\"rejectedAt\":\"2024-05-01T12:00:00Z\"}");
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
}
