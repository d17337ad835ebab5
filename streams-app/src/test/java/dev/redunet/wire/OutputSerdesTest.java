package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OutputSerdesTest {

  private static final Prediction PREDICTION =
      Prediction.newBuilder()
          .setSampleId("s-9")
          .setModelVersion(3)
          .setPredictedLabel("b")
          .setScores(
              List.of(
                  new ClassScore("a", Double.POSITIVE_INFINITY, 0.0),
                  new ClassScore("b", -12.5, 1.0)))
          .setTrueLabel("b")
          .build();

  private static OutputSerdes serdes(Map<String, String> settings) {
    return OutputSerdes.of(AppConfig.of(settings));
  }

  @Test
  void avroIsTheDefaultAndJsonIsChosenForEveryOutputTopic() {
    OutputSerdes defaults = serdes(Map.of());
    assertThat(defaults).isEqualTo(OutputSerdes.of(OutputFormat.AVRO));
    assertThat(defaults.predictions().format()).isEqualTo(OutputFormat.AVRO);
    assertThat(AvroCodec.hasSingleObjectMagic(defaults.predictions().encode(PREDICTION))).isTrue();

    OutputSerdes json = serdes(Map.of("redunet.output.format", "JSON"));
    assertThat(json).isEqualTo(OutputSerdes.of(OutputFormat.JSON));
    assertThat(new String(json.predictions().serialize("t", PREDICTION), StandardCharsets.UTF_8))
        .isEqualTo(JsonRecordWriter.toJson(PREDICTION))
        .startsWith("{\"sampleId\":\"s-9\",\"modelVersion\":3,");
  }

  @Test
  void aTopicsOwnKeyOverridesTheGlobalFormat() {
    OutputSerdes mixed =
        serdes(
            Map.of(
                "redunet.output.format", "json",
                "redunet.output.format.rejected", "avro"));
    assertThat(mixed)
        .isEqualTo(OutputSerdes.of(OutputFormat.JSON, OutputFormat.JSON, OutputFormat.AVRO));
    OutputSerdes onlyPredictions = serdes(Map.of("redunet.output.format.predictions", "json"));
    assertThat(onlyPredictions)
        .isEqualTo(OutputSerdes.of(OutputFormat.JSON, OutputFormat.AVRO, OutputFormat.AVRO));
    OutputSerdes onlyFeatures = serdes(Map.of("redunet.output.format.features", "json"));
    assertThat(onlyFeatures.features().format()).isEqualTo(OutputFormat.JSON);
    assertThat(onlyFeatures.predictions().format()).isEqualTo(OutputFormat.AVRO);
    assertThat(onlyPredictions.clusters().format())
        .as("the clusters topic follows the predictions topic")
        .isEqualTo(OutputFormat.JSON);
    assertThat(onlyFeatures.clusters().format()).isEqualTo(OutputFormat.AVRO);
  }

  @Test
  void anUnknownFormatIsAConfigurationErrorNamingTheKey() {
    assertThatThrownBy(() -> serdes(Map.of("redunet.output.format", "xml")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redunet.output.format")
        .hasMessageContaining("avro, json");
    assertThatThrownBy(() -> OutputFormat.of("protobuf"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("avro or json");
  }

  @Test
  void everySerdeReadsBothFormatsWhateverItWrites() throws Exception {
    Features f =
        Features.newBuilder()
            .setSampleId("s-9")
            .setModelVersion(3)
            .setFeatures(List.of(0.6f, -0.8f))
            .setShape(List.of(2))
            .build();
    RejectedRecord r =
        RejectedRecord.newBuilder()
            .setOriginalKey(null)
            .setOriginalValue(ByteBuffer.wrap(new byte[] {'{', (byte) 0xFF}))
            .setSourceTopic("redunet.samples")
            .setSourcePartition(1)
            .setSourceOffset(44)
            .setReason(RejectReason.UNPARSABLE)
            .setMessage("document: invalid JSON")
            .setRejectedAt(Instant.ofEpochMilli(1_700_000_000_000L))
            .build();
    OutputSerdes avro = OutputSerdes.of(OutputFormat.AVRO);
    OutputSerdes json = OutputSerdes.of(OutputFormat.JSON);
    for (OutputSerdes reader : List.of(avro, json)) {
      for (OutputFormat format : OutputFormat.values()) {
        OutputSerdes writer = OutputSerdes.of(format);
        assertThat(reader.features().deserialize("t", writer.features().serialize("t", f)))
            .isEqualTo(f);
        assertThat(reader.rejected().deserialize("t", writer.rejected().serialize("t", r)))
            .isEqualTo(r);
        Prediction p =
            reader.predictions().deserialize("t", writer.predictions().serialize("t", PREDICTION));
        assertThat(p.getSampleId()).isEqualTo("s-9");
        assertThat(p.getScores().get(1).getDeltaLBits()).isEqualTo(-12.5);
        // Avro keeps the infinity; JSON cannot, writes null, and null reads as NaN.
        double infinite = p.getScores().get(0).getDeltaLBits();
        if (format == OutputFormat.AVRO) {
          assertThat(infinite).isEqualTo(Double.POSITIVE_INFINITY);
        } else {
          assertThat(infinite).isNaN();
        }
      }
    }
    assertThat(json.predictions().serialize("t", null)).isNull();
    assertThat(json.predictions().deserialize("t", null)).isNull();
    JsonNode tree = new ObjectMapper().readTree(json.rejected().serialize("t", r));
    assertThat(tree.get("reason").asText()).isEqualTo("UNPARSABLE");
    assertThat(tree.get("originalValue").asText()).isEqualTo("e/8=");
    assertThat(tree.get("rejectedAt").asLong()).isEqualTo(1_700_000_000_000L);
  }
}
