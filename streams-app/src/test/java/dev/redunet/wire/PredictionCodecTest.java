package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.Prediction;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

/** Predictions written by the first release still decode, their new fields at the defaults. */
class PredictionCodecTest {

  @Test
  void aVersionOnePredictionDecodesAsNotStaleWithNoOwedVersion() throws Exception {
    Schema v1;
    try (InputStream in =
        PredictionCodec.class.getResourceAsStream("/avro/history/Prediction-1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    assertThat(v1.getField("stale")).isNull();
    GenericRecord old = new GenericData.Record(v1);
    old.put("sampleId", "s-1");
    old.put("modelVersion", 7L);
    old.put("predictedLabel", "3");
    old.put("scores", List.of());
    old.put("trueLabel", "3");
    byte[] bytes =
        new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old).array();

    AvroCodec<Prediction> codec = PredictionCodec.create();
    Prediction p = codec.decode(bytes);
    assertThat(p.getSampleId()).isEqualTo("s-1");
    assertThat(p.getModelVersion()).isEqualTo(7);
    assertThat(p.getStale()).isFalse();
    assertThat(p.getOwedVersion()).isNull();
    assertThat(codec.fingerprints()).hasSize(2).contains(AvroCodec.fingerprint(v1));
  }
}
