package dev.redunet.stream;

import static dev.redunet.stream.TopologyFixture.avro;
import static dev.redunet.stream.TopologyFixture.json;
import static dev.redunet.stream.TopologyFixture.ramp;
import static dev.redunet.stream.TopologyFixture.sample;
import static dev.redunet.stream.TopologyFixture.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The ingress of the topology on a TopologyTestDriver (exactly-once v2, one partition). */
class RedunetTopologyTest {

  @TempDir Path stateDir;

  /** One kind of bad record, with valid records of {@code dimension} values around it. */
  static final class Case {
    final String name;
    final Map<String, String> settings;
    final int dimension;
    private final byte[] bad;
    final RejectReason reason;
    final String message;

    Case(
        String name,
        Map<String, String> settings,
        int dimension,
        byte[] bad,
        RejectReason reason,
        String message) {
      this.name = name;
      this.settings = settings;
      this.dimension = dimension;
      this.bad = bad == null ? null : bad.clone();
      this.reason = reason;
      this.message = message;
    }

    byte[] bad() {
      return bad == null ? null : bad.clone();
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static byte[] unknownFingerprint() {
    byte[] b = avro("x", 3, "a");
    b[2] ^= 0x5A;
    b[9] ^= 0x11;
    return b;
  }

  static Stream<Case> badRecords() {
    byte[] truncated = Arrays.copyOf(avro("t", 3, "a"), 14);
    return Stream.of(
        new Case(
            "wrong dimension against the configured shape",
            Map.of("redunet.feature.shape", "3"),
            3,
            json("bad", 4, "a"),
            RejectReason.WRONG_DIMENSION,
            "features: 4 values, expected 3 (shape [3], redunet.feature.shape)"),
        new Case(
            "a multi-dimensional shape other than the configured one",
            Map.of("redunet.feature.shape", "2,3"),
            6,
            TopologyFixture.SAMPLES.encode(sample("bad", ramp(6), List.of(3, 2), "a")),
            RejectReason.WRONG_DIMENSION,
            "shape: [3, 2] differs from the expected shape [2, 3] (redunet.feature.shape)"),
        new Case(
            "NaN in Avro",
            Map.of(),
            3,
            TopologyFixture.SAMPLES.encode(sample("bad", List.of(1f, Float.NaN, 2f), null, "a")),
            RejectReason.NON_FINITE,
            "features[1]: not finite: NaN"),
        new Case(
            "NaN in JSON",
            Map.of(),
            3,
            utf8("{\"id\":\"bad\",\"features\":[1,NaN,2]}"),
            RejectReason.NON_FINITE,
            "features[1]"),
        new Case(
            "Infinity in JSON",
            Map.of(),
            3,
            utf8("{\"id\":\"bad\",\"features\":[1,2,-Infinity]}"),
            RejectReason.NON_FINITE,
            "features[2]"),
        new Case(
            "Infinity in Avro",
            Map.of(),
            3,
            TopologyFixture.SAMPLES.encode(
                sample("bad", List.of(Float.POSITIVE_INFINITY, 1f, 2f), null, "a")),
            RejectReason.NON_FINITE,
            "features[0]: not finite: Infinity"),
        new Case(
            "a number out of float range in JSON",
            Map.of(),
            3,
            utf8("{\"id\":\"bad\",\"features\":[1,2,1e39]}"),
            RejectReason.NON_FINITE,
            "out of float range"),
        new Case(
            "an empty vector in JSON",
            Map.of(),
            3,
            utf8("{\"id\":\"bad\",\"features\":[]}"),
            RejectReason.EMPTY_VECTOR,
            "features: empty"),
        new Case(
            "an empty vector in Avro",
            Map.of(),
            3,
            TopologyFixture.SAMPLES.encode(sample("bad", List.of(), null, "a")),
            RejectReason.EMPTY_VECTOR,
            "features: empty"),
        new Case(
            "a zero vector",
            Map.of(),
            3,
            utf8("{\"id\":\"bad\",\"features\":[0,0,-0.0]}"),
            RejectReason.EMPTY_VECTOR,
            "all 3 values are zero"),
        new Case(
            "a vector over redunet.max.features",
            Map.of("redunet.max.features", "4"),
            3,
            json("bad", 5, "a"),
            RejectReason.TOO_LARGE,
            "features: 5 values, over the limit redunet.max.features=4"),
        new Case(
            "a record over redunet.max.record.bytes",
            Map.of("redunet.max.record.bytes", "1024"),
            3,
            utf8("{\"id\":\"bad\",\"features\":[1,2,3],\"source\":\"" + "x".repeat(1100) + "\"}"),
            RejectReason.TOO_LARGE,
            "over the limit of 1024"),
        new Case(
            "an unknown schema fingerprint",
            Map.of(),
            3,
            unknownFingerprint(),
            RejectReason.UNKNOWN_SCHEMA,
            "unknown writer schema fingerprint"),
        new Case(
            "bytes that are neither Avro nor JSON",
            Map.of(),
            3,
            utf8("hello, world"),
            RejectReason.UNPARSABLE,
            "first byte 68"),
        new Case("truncated Avro", Map.of(), 3, truncated, RejectReason.UNPARSABLE, "truncated"),
        new Case(
            "malformed JSON",
            Map.of(),
            3,
            utf8("{\"id\":\"bad\",\"features\":[1,2,"),
            RejectReason.UNPARSABLE,
            "invalid JSON"),
        new Case(
            "a tombstone", Map.of(), 3, null, RejectReason.UNPARSABLE, "null value (tombstone)"),
        new Case(
            // (a missing id takes the record key: JsonKeyedSamplesAndJsonOutputTest)
            "an empty id in JSON",
            Map.of(),
            3,
            utf8("{\"id\":\"\",\"features\":[1,2,3],\"label\":\"a\"}"),
            RejectReason.MISSING_FIELD,
            "id: empty"),
        new Case(
            "an empty id in Avro",
            Map.of(),
            3,
            TopologyFixture.SAMPLES.encode(sample("", ramp(3), null, "a")),
            RejectReason.MISSING_FIELD,
            "id: empty"),
        new Case(
            // a model version stores its class names, a cluster its members' ids
            "a label over 1024 UTF-8 bytes",
            Map.of(),
            3,
            json("long-label", 3, "é".repeat(513)),
            RejectReason.TOO_LARGE,
            "label: 1026 UTF-8 bytes, over the limit of 1024"),
        new Case(
            "an id over 1024 UTF-8 bytes",
            Map.of(),
            3,
            TopologyFixture.SAMPLES.encode(sample("i".repeat(1025), ramp(3), null, "a")),
            RejectReason.TOO_LARGE,
            "id: 1025 UTF-8 bytes, over the limit of 1024"),
        new Case(
            "an unknown label with a fixed label set",
            Map.of("redunet.labels", "a,b"),
            3,
            json("bad", 3, "c"),
            RejectReason.UNKNOWN_LABEL,
            "label: \"c\" is not one of the configured labels [a, b] (redunet.labels)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badRecords")
  void aBadRecordGoesToRejectedWithItsReasonBytesAndCoordinatesWhileTheValidOnesAroundItAreScored(
      Case c) {
    try (TopologyFixture f = new TopologyFixture(c.settings, stateDir)) {
      f.pipe("before", avro("before", c.dimension, "a"));
      f.pipe("bad-key", c.bad());
      long badTime = f.lastTimestamp();
      f.pipe("after", json("after", c.dimension, "b"));

      List<TestRecord<byte[], RejectedRecord>> rejected = f.rejected.readRecordsToList();
      assertThat(rejected).hasSize(1);
      TestRecord<byte[], RejectedRecord> r = rejected.get(0);
      assertThat(r.key()).isEqualTo(utf8("bad-key"));
      assertThat(r.timestamp()).isEqualTo(badTime);
      RejectedRecord v = r.value();
      assertThat(v.getReason()).isEqualTo(c.reason);
      assertThat(v.getMessage()).contains(c.message);
      assertThat(v.getSourceTopic()).isEqualTo(f.topics.samples());
      assertThat(v.getSourcePartition()).isZero();
      assertThat(v.getSourceOffset()).isEqualTo(1L);
      assertThat(bytes(v.getOriginalKey())).isEqualTo(utf8("bad-key"));
      byte[] bad = c.bad();
      int limit = f.config.integer(dev.redunet.config.ConfigKeys.MAX_RECORD_BYTES);
      assertThat(bytes(v.getOriginalValue()))
          .as("the original value, cut to redunet.max.record.bytes")
          .isEqualTo(bad == null ? null : Arrays.copyOf(bad, Math.min(bad.length, limit)));
      assertThat(v.getRejectedAt()).isAfterOrEqualTo(TopologyFixture.START);

      assertThat(f.predictions.readRecordsToList())
          .extracting(TestRecord::key)
          .containsExactly("before", "after");
      assertThat(f.features.readRecordsToList())
          .extracting(TestRecord::key)
          .containsExactly("before", "after");

      assertThat(f.metrics.rejected(c.reason)).isEqualTo(1);
      assertThat(f.metrics.rejectedTotal()).isEqualTo(1);
      assertThat(f.metrics.accepted()).isEqualTo(2);
      assertThat(f.streamsMetric("rejected-total", Map.of("reason", c.reason.name())))
          .isEqualTo(1.0);
      assertThat(f.streamsMetric("accepted-total", Map.of("task-id", "0_0"))).isEqualTo(2.0);
    }
  }

  @Test
  void validSamplesInBothFormatsGetTheIdentityFeaturesAndAnEmptyPredictionBeforeTheFirstModel() {
    try (TopologyFixture f = new TopologyFixture(Map.of(), stateDir)) {
      f.pipe(
          "k1", TopologyFixture.SAMPLES.encode(sample("s-1", List.of(3f, 0f, -4f), null, "cat")));
      f.pipe("k2", utf8("{\"id\":\"s-2\",\"features\":[0.5,0.5,0.5],\"shape\":[3]}"));

      List<TestRecord<String, Prediction>> predictions = f.predictions.readRecordsToList();
      assertThat(predictions).extracting(TestRecord::key).containsExactly("s-1", "s-2");
      Prediction p1 = predictions.get(0).value();
      assertThat(p1.getSampleId()).isEqualTo("s-1");
      assertThat(p1.getModelVersion()).isZero();
      assertThat(p1.getPredictedLabel()).isNull();
      assertThat(p1.getScores()).isEmpty();
      assertThat(p1.getTrueLabel()).isEqualTo("cat");
      assertThat(predictions.get(1).value().getTrueLabel()).isNull();

      List<TestRecord<String, Features>> features = f.features.readRecordsToList();
      assertThat(features).extracting(TestRecord::key).containsExactly("s-1", "s-2");
      Features z1 = features.get(0).value();
      assertThat(z1.getModelVersion()).isZero();
      assertThat(z1.getShape()).containsExactly(3);
      assertThat(z1.getFeatures()).containsExactly(0.6f, 0f, -0.8f);
      Features z2 = features.get(1).value();
      float third = (float) (1 / Math.sqrt(3));
      assertThat(z2.getFeatures()).containsExactly(third, third, third);
      assertThat(features.get(0).timestamp()).isEqualTo(predictions.get(0).timestamp());
      assertThat(f.rejected.isEmpty()).isTrue();
    }
  }

  @Test
  void aPlainVectorTakesTheConfiguredShapeAndAOneDimensionalShapeCountsAsPlain() {
    try (TopologyFixture f =
        new TopologyFixture(Map.of("redunet.feature.shape", "2,3"), stateDir)) {
      f.pipe("a", json("a", 6, null));
      f.pipe("b", TopologyFixture.SAMPLES.encode(sample("b", ramp(6), List.of(6), null)));
      f.pipe("c", TopologyFixture.SAMPLES.encode(sample("c", ramp(6), List.of(2, 3), null)));
      assertThat(f.features.readValuesToList())
          .extracting(Features::getShape)
          .containsExactly(List.of(2, 3), List.of(2, 3), List.of(2, 3));
      assertThat(f.rejected.isEmpty()).isTrue();
    }
  }

  @Test
  void withoutAConfiguredShapeValidationAcceptsAnyConsistentShape() {
    try (TopologyFixture f = new TopologyFixture(Map.of(), stateDir)) {
      f.pipe("four", TopologyFixture.SAMPLES.encode(sample("four", ramp(4), List.of(2, 2), "a")));
      f.pipe("three", json("three", 3, "a"));
      assertThat(f.predictions.readKeyValuesToMap()).containsOnlyKeys("four", "three");
      assertThat(f.rejected.isEmpty())
          .as("the learning stage checks shapes, in the stream's order")
          .isTrue();
    }
  }

  @Test
  void aScorerThatThrowsSendsItsInputToRejectedAsOtherAndTheStreamGoesOn() {
    ScoringPlugin failing =
        () ->
            SampleScorer.synchronous(
                sample -> {
                  if (sample.id().equals("boom")) {
                    throw new ArithmeticException("scorer exploded");
                  }
                  return IdentityScorer.identity(sample);
                });
    try (TopologyFixture f = new TopologyFixture(Map.of(), failing, stateDir)) {
      f.pipe("a", json("a", 3, null));
      byte[] boom = json("boom", 3, null);
      f.pipe("boom-key", boom);
      f.pipe("c", json("c", 3, null));

      assertThat(f.predictions.readKeyValuesToMap()).containsOnlyKeys("a", "c");
      assertThat(f.features.readKeyValuesToMap()).containsOnlyKeys("a", "c");
      RejectedRecord r = f.rejected.readValuesToList().get(0);
      assertThat(r.getReason()).isEqualTo(RejectReason.OTHER);
      assertThat(r.getMessage())
          .contains("processing failed in node score")
          .contains("scorer exploded");
      assertThat(bytes(r.getOriginalValue())).isEqualTo(boom);
      assertThat(bytes(r.getOriginalKey())).isEqualTo(utf8("boom-key"));
      assertThat(r.getSourceOffset()).isEqualTo(1L);
      assertThat(f.metrics.rejected(RejectReason.OTHER)).isEqualTo(1);
      assertThat(f.metrics.handlerEvents(IngressMetrics.Handler.PROCESSING)).isEqualTo(1);
    }
  }

  @Test
  void theCountersCountEachReasonSeparately() {
    try (TopologyFixture f =
        new TopologyFixture(
            Map.of("redunet.labels", "a", "redunet.feature.shape", "3"), stateDir)) {
      f.pipe("1", utf8("nope"));
      f.pipe("2", utf8("nope again"));
      f.pipe("3", json("3", 3, "z"));
      f.pipe("4", json("4", 3, "a"));
      f.pipe("5", json("5", 2, "a"));
      f.pipe("6", json("6", 3, null));

      IngressMetrics.Snapshot s = f.metrics.snapshot();
      assertThat(s.accepted()).isEqualTo(2);
      assertThat(s.rejected())
          .containsEntry(RejectReason.UNPARSABLE, 2L)
          .containsEntry(RejectReason.UNKNOWN_LABEL, 1L)
          .containsEntry(RejectReason.WRONG_DIMENSION, 1L)
          .containsEntry(RejectReason.NON_FINITE, 0L);
      assertThat(s.rejectedTotal()).isEqualTo(4);
      assertThat(f.streamsMetric("rejected-total", Map.of("reason", "UNPARSABLE"))).isEqualTo(2.0);
      assertThat(f.streamsMetric("rejected-total", Map.of("reason", "UNKNOWN_LABEL")))
          .isEqualTo(1.0);
      assertThat(f.streamsMetric("rejected-total", Map.of("reason", "NON_FINITE"))).isEqualTo(0.0);
      assertThat(f.streamsMetric("rejected-rate", Map.of("reason", "UNPARSABLE")))
          .isGreaterThan(0.0);
      assertThat(f.rejected.readValuesToList()).hasSize(4);
      assertThat(f.predictions.readKeyValuesToMap()).containsOnlyKeys("4", "6");
    }
  }

  @Test
  void aTooLargeRecordIsKeptInRejectedCutToTheRecordLimit() {
    try (TopologyFixture f =
        new TopologyFixture(Map.of("redunet.max.record.bytes", "1024"), stateDir)) {
      byte[] big = new byte[3000];
      Arrays.fill(big, (byte) 'x');
      f.pipe("k", big);
      RejectedRecord r = f.rejected.readValue();
      assertThat(r.getReason()).isEqualTo(RejectReason.TOO_LARGE);
      assertThat(bytes(r.getOriginalValue())).isEqualTo(Arrays.copyOf(big, 1024));
      assertThat(r.getMessage()).contains("originalValue holds the first 1024 of 3000 bytes");
    }
  }

  @Test
  void everyNodeAndStoreHasItsExplicitName() {
    TopologyDescription d =
        RedunetTopology.build(dev.redunet.config.AppConfig.of(Map.of("redunet.topic.prefix", "x.")))
            .describe();
    List<String> names = new ArrayList<>();
    d.subtopologies().forEach(s -> s.nodes().forEach(n -> names.add(n.name())));
    d.globalStores()
        .forEach(
            g -> {
              names.add(g.source().name());
              names.add(g.processor().name());
              names.addAll(g.processor().stores());
            });
    assertThat(names)
        .containsExactlyInAnyOrder(
            RedunetTopology.SOURCE,
            RedunetTopology.VALIDATE,
            RedunetTopology.SCORE,
            RedunetTopology.REJECTED_SINK,
            RedunetTopology.PREDICTIONS_SINK,
            RedunetTopology.FEATURES_SINK);
    assertThat(d.toString()).contains("x.samples", "x.rejected", "x.features");
  }

  @Test
  void theFeaturesAreUnitNormForAnyScale() {
    try (TopologyFixture f = new TopologyFixture(Map.of(), stateDir)) {
      f.pipe("tiny", utf8("{\"id\":\"tiny\",\"features\":[1e-40,2e-40,-2e-40]}"));
      f.pipe("huge", utf8("{\"id\":\"huge\",\"features\":[3e38,-3e38,1e38]}"));
      for (Features z : f.features.readValuesToList()) {
        double sq = 0;
        for (float v : z.getFeatures()) {
          sq += (double) v * v;
        }
        assertThat(Math.sqrt(sq)).as(z.getSampleId()).isCloseTo(1.0, within(1e-6));
      }
    }
  }

  static byte[] bytes(ByteBuffer b) {
    if (b == null) {
      return null;
    }
    ByteBuffer d = b.duplicate().order(ByteOrder.BIG_ENDIAN);
    byte[] out = new byte[d.remaining()];
    d.get(out);
    return out;
  }
}
