package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import dev.redunet.config.AppConfig;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The topology under Kafka Streams on a real broker (exactly-once v2, three partitions): valid Avro
 * and JSON samples with bad records interleaved; the outputs are read with read_committed.
 */
@ExtendWith(KafkaBrokerExtension.class)
class RedunetTopologyIT {

  private static final Logger LOG = LoggerFactory.getLogger(RedunetTopologyIT.class);
  private static final AvroCodec<Sample> SAMPLES = AvroCodec.of(Sample.class);
  private static final int RECORDS = 300;

  @TempDir Path stateDir;

  /** A bad record of kind {@code k} and the reason it must be rejected with. */
  private static Map.Entry<RejectReason, byte[]> bad(int k, String id) {
    return switch (k % 9) {
      case 0 -> Map.entry(RejectReason.UNPARSABLE, utf8("garbage " + id));
      case 1 ->
          Map.entry(
              RejectReason.NON_FINITE, utf8("{\"id\":\"" + id + "\",\"features\":[1,NaN,2,3]}"));
      case 2 ->
          Map.entry(
              RejectReason.WRONG_DIMENSION,
              utf8("{\"id\":\"" + id + "\",\"features\":[1,2,3,4,5]}"));
      case 3 ->
          Map.entry(RejectReason.EMPTY_VECTOR, utf8("{\"id\":\"" + id + "\",\"features\":[]}"));
      case 4 ->
          Map.entry(
              RejectReason.UNKNOWN_LABEL,
              utf8("{\"id\":\"" + id + "\",\"features\":[1,2,3,4],\"label\":\"zebra\"}"));
      case 5 -> {
        byte[] b = SAMPLES.encode(sample(id, 4, "a"));
        b[3] ^= 0x7F;
        yield Map.entry(RejectReason.UNKNOWN_SCHEMA, b);
      }
      // (without an id the record key would be the id: an empty one is rejected)
      case 6 -> Map.entry(RejectReason.MISSING_FIELD, utf8("{\"id\":\"\",\"features\":[1,2,3,4]}"));
      case 7 ->
          Map.entry(
              RejectReason.TOO_LARGE,
              utf8("{\"id\":\"" + id + "\",\"features\":[1,2,3,4,5,6,7,8,9]}"));
      default ->
          Map.entry(
              RejectReason.EMPTY_VECTOR, utf8("{\"id\":\"" + id + "\",\"features\":[0,0,0,0]}"));
    };
  }

  private static Sample sample(String id, int d, String label) {
    List<Float> v = new ArrayList<>();
    for (int j = 0; j < d; j++) {
      v.add((float) Math.sin(id.hashCode() + j) + 2f);
    }
    return Sample.newBuilder()
        .setId(id)
        .setEventTime(Instant.parse("2024-05-01T00:00:00Z"))
        .setFeatures(v)
        .setLabel(label)
        .build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void everyValidSampleGetsExactlyOnePredictionAndEveryBadRecordExactlyOneRejectedRecord(
      KafkaCluster kafka) throws Exception {
    String prefix = kafka.uniqueName("ingress") + ".";
    Map<String, String> settings = new HashMap<>();
    settings.put("redunet.bootstrap.servers", kafka.bootstrapServers());
    settings.put("redunet.application.id", kafka.uniqueName("ingress-app"));
    settings.put("redunet.topic.prefix", prefix);
    settings.put("redunet.state.dir", stateDir.toString());
    settings.put("redunet.partitions", "3");
    settings.put("redunet.feature.shape", "4");
    settings.put("redunet.max.features", "8");
    settings.put("redunet.labels", "a,b,c");
    settings.put("redunet.replication.factor", "1");
    AppConfig config = AppConfig.of(settings);
    RedunetTopics topics = RedunetTopics.of(config);

    try (Admin admin = kafka.admin()) {
      TopicProvisioner.Result r =
          TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
      assertThat(r.created()).containsExactlyInAnyOrderElementsOf(topics.all());
      Config model =
          admin
              .describeConfigs(
                  List.of(new ConfigResource(ConfigResource.Type.TOPIC, topics.model())))
              .all()
              .get(30, TimeUnit.SECONDS)
              .values()
              .iterator()
              .next();
      assertThat(model.get("cleanup.policy").value()).isEqualTo("compact");
      assertThat(model.get("max.message.bytes").value()).isEqualTo(Integer.toString(32 << 20));
      TopicProvisioner.Result again =
          TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
      assertThat(again.created()).isEmpty();
      assertThat(again.warnings()).isEmpty();
    }

    Map<String, byte[]> valid = new LinkedHashMap<>();
    Map<String, Map.Entry<RejectReason, byte[]>> invalid = new LinkedHashMap<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    String[] labels = {"a", "b", "c", null};
    for (int i = 0; i < RECORDS; i++) {
      String id = "s-" + i;
      byte[] value;
      if (i % 7 == 3) {
        Map.Entry<RejectReason, byte[]> b = bad(i / 7, id);
        invalid.put(id, b);
        value = b.getValue();
      } else {
        Sample s = sample(id, 4, labels[i % 4]);
        value = i % 2 == 0 ? SAMPLES.encode(s) : utf8(dev.redunet.wire.JsonRecordWriter.toJson(s));
        valid.put(id, value);
      }
      records.add(new ProducerRecord<>(topics.samples(), utf8(id), value));
    }
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> r : records) {
        sent.add(producer.send(r));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }

    IngressMetrics metrics = new IngressMetrics();
    long t0 = System.nanoTime();
    KafkaStreams streams =
        new KafkaStreams(
            RedunetTopology.build(config, ScoringPlugin.identity(), metrics),
            StreamsProperties.of(config, metrics));
    Map<String, Integer> predictions = new HashMap<>();
    Map<String, Integer> features = new HashMap<>();
    Map<String, List<RejectedRecord>> rejected = new HashMap<>();
    try {
      streams.start();
      AvroCodec<Prediction> p = AvroCodec.of(Prediction.class);
      AvroCodec<Features> f = AvroCodec.of(Features.class);
      AvroCodec<RejectedRecord> rj = AvroCodec.of(RejectedRecord.class);
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              kafka.consumerConfig("ingress-out"),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())) {
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : List.of(topics.predictions(), topics.features(), topics.rejected())) {
          for (int i = 0; i < 3; i++) {
            parts.add(new TopicPartition(t, i));
          }
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline
            && (sum(predictions) < valid.size()
                || sum(features) < valid.size()
                || rejected.values().stream().mapToInt(List::size).sum() < invalid.size())) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(topics.predictions())) {
              predictions.merge(p.decode(r.value()).getSampleId(), 1, Integer::sum);
            } else if (r.topic().equals(topics.features())) {
              features.merge(f.decode(r.value()).getSampleId(), 1, Integer::sum);
            } else {
              rejected
                  .computeIfAbsent(
                      new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                  .add(rj.decode(r.value()));
            }
          }
        }
        // Anything more (a duplicate) would show up within a few more polls.
        for (int extra = 0; extra < 5; extra++) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            throw new AssertionError("unexpected extra record in " + r.topic() + ": " + r);
          }
        }
      }
      LOG.info(
          "{} records ({} valid, {} bad) through Kafka Streams with exactly-once v2 in {} ms",
          RECORDS,
          valid.size(),
          invalid.size(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    } finally {
      TestStreams.closeWithin30s(streams, config);
    }

    assertThat(predictions.keySet()).isEqualTo(valid.keySet());
    assertThat(predictions.values()).containsOnly(1);
    assertThat(features.keySet()).isEqualTo(valid.keySet());
    assertThat(features.values()).containsOnly(1);
    assertThat(rejected.keySet()).isEqualTo(invalid.keySet());
    Map<RejectReason, Long> expectedCounts = new HashMap<>();
    for (Map.Entry<String, Map.Entry<RejectReason, byte[]>> e : invalid.entrySet()) {
      List<RejectedRecord> got = rejected.get(e.getKey());
      assertThat(got).as(e.getKey()).hasSize(1);
      RejectedRecord r = got.get(0);
      assertThat(r.getReason())
          .as(e.getKey() + ": " + r.getMessage())
          .isEqualTo(e.getValue().getKey());
      assertThat(RedunetTopologyTest.bytes(r.getOriginalValue()))
          .isEqualTo(e.getValue().getValue());
      assertThat(r.getSourceTopic()).isEqualTo(topics.samples());
      expectedCounts.merge(e.getValue().getKey(), 1L, Long::sum);
    }
    assertThat(metrics.accepted()).isEqualTo(valid.size());
    expectedCounts.forEach(
        (reason, n) -> assertThat(metrics.rejected(reason)).as("%s", reason).isEqualTo(n));
    assertThat(metrics.rejectedTotal()).isEqualTo(invalid.size());
  }

  private static int sum(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }
}
