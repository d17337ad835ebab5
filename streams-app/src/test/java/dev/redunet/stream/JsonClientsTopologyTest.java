package dev.redunet.stream;

import static dev.redunet.stream.TopologyFixture.avro;
import static dev.redunet.stream.TopologyFixture.json;
import static dev.redunet.stream.TopologyFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.wire.AvroCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a client that is not on the JVM sees (issue 20): JSON samples keyed by id without an id
 * field, and {@code redunet.output.format=json}, on the topology (TopologyTestDriver).
 */
class JsonClientsTopologyTest {

  private static final ObjectMapper STRICT_JSON = new ObjectMapper();

  @TempDir Path stateDir;

  private static List<String> fieldNames(JsonNode n) {
    List<String> names = new ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static List<String> schemaFields(Schema s) {
    return s.getFields().stream().map(Schema.Field::name).toList();
  }

  private static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    byte[] out = new byte[b.remaining()];
    b.duplicate().get(out);
    return out;
  }

  /** The raw values of an output topic, each parsed as strict RFC 8259 JSON. */
  private static List<TestRecord<String, JsonNode>> jsonRecords(TopologyFixture f, String topic)
      throws Exception {
    TestOutputTopic<String, byte[]> raw =
        f.driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
    List<TestRecord<String, JsonNode>> out = new ArrayList<>();
    for (TestRecord<String, byte[]> r : raw.readRecordsToList()) {
      assertThat(AvroCodec.hasSingleObjectMagic(r.value())).as("not Avro").isFalse();
      String text = new String(r.value(), StandardCharsets.UTF_8);
      assertThat(text).as("one line").doesNotContain("\n");
      out.add(
          new TestRecord<>(r.key(), STRICT_JSON.readTree(r.value()), r.headers(), r.timestamp()));
    }
    return out;
  }

  @Test
  void aJsonSampleWithoutIdIsScoredUnderItsRecordKey() {
    try (TopologyFixture f = new TopologyFixture(Map.of(), stateDir)) {
      f.pipe("sensor-1", utf8("{\"features\":[3,0,-4],\"label\":\"a\"}"));
      f.pipe("sensor-2", utf8("{\"id\":null,\"features\":[1,1,1]}"));
      f.pipe("key-loses", json("id-wins", 3, null));

      List<TestRecord<String, Prediction>> predictions = f.predictions.readRecordsToList();
      assertThat(predictions)
          .extracting(TestRecord::key)
          .containsExactly("sensor-1", "sensor-2", "id-wins");
      assertThat(predictions)
          .extracting(r -> r.value().getSampleId())
          .containsExactly("sensor-1", "sensor-2", "id-wins");
      assertThat(predictions.get(0).value().getTrueLabel()).isEqualTo("a");
      assertThat(f.features.readValuesToList())
          .extracting(Features::getSampleId)
          .containsExactly("sensor-1", "sensor-2", "id-wins");
      assertThat(f.rejected.isEmpty()).isTrue();
    }
  }

  @Test
  void withoutAnIdOrAUsableKeyTheSampleIsRejectedSayingWhy() {
    try (TopologyFixture f = new TopologyFixture(Map.of(), stateDir)) {
      f.pipe(null, utf8("{\"features\":[1,2,3]}"));
      f.pipe("", utf8("{\"features\":[1,2,3]}"));
      f.samples.pipeInput(new byte[] {(byte) 0xC0, (byte) 0xFF}, utf8("{\"features\":[1,2,3]}"));
      f.pipe("ok", utf8("{\"features\":[1,2,3]}"));

      List<RejectedRecord> rejected = f.rejected.readValuesToList();
      assertThat(rejected)
          .extracting(RejectedRecord::getReason)
          .containsOnly(RejectReason.MISSING_FIELD);
      assertThat(rejected)
          .extracting(RejectedRecord::getMessage)
          .containsExactly(
              "id: missing (required)",
              "id: missing (required: the record key is empty, so it cannot stand for the id)",
              "id: missing (required: the record key is not valid UTF-8, so it cannot stand for"
                  + " the id)");
      assertThat(f.predictions.readKeyValuesToMap()).containsOnlyKeys("ok");
    }
  }

  @Test
  void withJsonOutputEveryOutputRecordIsOneJsonObjectWithTheSchemasFieldNames() throws Exception {
    try (TopologyFixture f =
        new TopologyFixture(Map.of("redunet.output.format", "json"), stateDir)) {
      f.pipe("k1", avro("s-1", 3, "cat"));
      f.pipe("s-2", utf8("{\"features\":[0.6,0,-0.8]}"));
      byte[] bad = utf8("{\"features\":[1,2,");
      f.pipe("bad-key", bad);
      long badTime = f.lastTimestamp();

      List<TestRecord<String, JsonNode>> predictions = jsonRecords(f, f.topics.predictions());
      assertThat(predictions).extracting(TestRecord::key).containsExactly("s-1", "s-2");
      JsonNode p1 = predictions.get(0).value();
      assertThat(fieldNames(p1)).isEqualTo(schemaFields(Prediction.getClassSchema()));
      assertThat(p1.get("sampleId").asText()).isEqualTo("s-1");
      assertThat(p1.get("modelVersion").isIntegralNumber()).isTrue();
      assertThat(p1.get("modelVersion").asLong()).isZero();
      assertThat(p1.get("predictedLabel").isNull()).isTrue();
      assertThat(p1.get("scores").isArray()).isTrue();
      assertThat(p1.get("trueLabel").asText()).isEqualTo("cat");
      assertThat(p1.get("stale").isBoolean()).isTrue();
      assertThat(predictions.get(1).value().get("trueLabel").isNull()).isTrue();

      List<TestRecord<String, JsonNode>> features = jsonRecords(f, f.topics.features());
      assertThat(features).extracting(TestRecord::key).containsExactly("s-1", "s-2");
      JsonNode z2 = features.get(1).value();
      assertThat(fieldNames(z2)).isEqualTo(schemaFields(Features.getClassSchema()));
      assertThat(z2.get("features").toString()).isEqualTo("[0.6,0.0,-0.8]");
      assertThat(z2.get("shape").toString()).isEqualTo("[3]");

      TestOutputTopic<byte[], byte[]> raw =
          f.driver.createOutputTopic(
              f.topics.rejected(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TestRecord<byte[], byte[]>> rejected = raw.readRecordsToList();
      assertThat(rejected).hasSize(1);
      assertThat(rejected.get(0).key()).isEqualTo(utf8("bad-key"));
      assertThat(rejected.get(0).timestamp()).isEqualTo(badTime);
      JsonNode r = STRICT_JSON.readTree(rejected.get(0).value());
      assertThat(fieldNames(r)).isEqualTo(schemaFields(RejectedRecord.getClassSchema()));
      assertThat(r.get("reason").asText()).isEqualTo("UNPARSABLE");
      assertThat(r.get("message").asText()).startsWith("document: invalid JSON");
      assertThat(Base64.getDecoder().decode(r.get("originalValue").asText())).isEqualTo(bad);
      assertThat(Base64.getDecoder().decode(r.get("originalKey").asText()))
          .isEqualTo(utf8("bad-key"));
      assertThat(r.get("sourceTopic").asText()).isEqualTo(f.topics.samples());
      assertThat(r.get("sourcePartition").asInt()).isZero();
      assertThat(r.get("sourceOffset").asLong()).isEqualTo(2);
      assertThat(r.get("rejectedAt").isIntegralNumber()).isTrue();
      assertThat(r.get("rejectedAt").asLong())
          .isGreaterThanOrEqualTo(TopologyFixture.START.toEpochMilli());
    }
  }

  @Test
  void anInfiniteScoreIsNullInJson() throws Exception {
    ScoringPlugin withScores =
        () ->
            SampleScorer.synchronous(
                sample -> {
                  Scored identity = IdentityScorer.identity(sample);
                  Prediction p =
                      Prediction.newBuilder(identity.prediction())
                          .setPredictedLabel("b")
                          .setScores(
                              List.of(
                                  new ClassScore("a", Double.POSITIVE_INFINITY, 0.0),
                                  new ClassScore("b", 2.5, 1.0)))
                          .build();
                  return new Scored(p, identity.features());
                });
    try (TopologyFixture f =
        new TopologyFixture(Map.of("redunet.output.format", "json"), withScores, stateDir)) {
      f.pipe("x", json("x", 3, null));
      JsonNode p = jsonRecords(f, f.topics.predictions()).get(0).value();
      assertThat(p.get("scores").toString())
          .isEqualTo(
              "[{\"label\":\"a\",\"deltaLBits\":null,\"membership\":0.0},"
                  + "{\"label\":\"b\",\"deltaLBits\":2.5,\"membership\":1.0}]");
    }
  }

  @Test
  void aRecordTheExceptionHandlerDivertsIsJsonToo() throws Exception {
    ScoringPlugin failing =
        () ->
            SampleScorer.synchronous(
                sample -> {
                  if (sample.id().equals("boom")) {
                    throw new ArithmeticException("scorer exploded");
                  }
                  return IdentityScorer.identity(sample);
                });
    try (TopologyFixture f =
        new TopologyFixture(Map.of("redunet.output.format", "json"), failing, stateDir)) {
      byte[] boom = json("boom", 3, null);
      f.pipe("boom-key", boom);
      f.pipe("fine", json("fine", 3, null));
      TestOutputTopic<byte[], byte[]> raw =
          f.driver.createOutputTopic(
              f.topics.rejected(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<byte[]> rejected = raw.readValuesToList();
      assertThat(rejected).hasSize(1);
      JsonNode r = STRICT_JSON.readTree(rejected.get(0));
      assertThat(r.get("reason").asText()).isEqualTo("OTHER");
      assertThat(r.get("message").asText()).contains("scorer exploded");
      assertThat(Base64.getDecoder().decode(r.get("originalValue").asText())).isEqualTo(boom);
      assertThat(jsonRecords(f, f.topics.predictions()))
          .extracting(TestRecord::key)
          .containsExactly("fine");
    }
  }

  @Test
  void aTopicOfItsOwnKeepsItsFormat() {
    try (TopologyFixture f =
        new TopologyFixture(
            Map.of("redunet.output.format", "json", "redunet.output.format.rejected", "avro"),
            stateDir)) {
      f.pipe("a", json("a", 3, null));
      f.pipe("b", utf8("nope"));
      TestOutputTopic<String, byte[]> predictions =
          f.driver.createOutputTopic(
              f.topics.predictions(), new StringDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<byte[], byte[]> rejected =
          f.driver.createOutputTopic(
              f.topics.rejected(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
      assertThat(new String(predictions.readValue(), StandardCharsets.UTF_8))
          .startsWith("{\"sampleId\":\"a\",");
      byte[] r = rejected.readValue();
      assertThat(AvroCodec.hasSingleObjectMagic(r)).isTrue();
      assertThat(AvroCodec.of(RejectedRecord.class).decode(r).getReason())
          .isEqualTo(RejectReason.UNPARSABLE);
      assertThat(bytes(AvroCodec.of(RejectedRecord.class).decode(r).getOriginalValue()))
          .isEqualTo(utf8("nope"));
    }
  }
}
