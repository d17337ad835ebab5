package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.Cluster;
import dev.redunet.avro.Sample;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.OutputSerde;
import dev.redunet.wire.OutputSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Clusters topic" acceptance, through a real broker: three classes are learned from
 * labelled samples; two classes never labelled are then sent unlabelled among the labelled stream
 * and come out on the clusters topic (JSON output) as clusters of ≥ 70 % purity, each keeping its
 * id as it grows window after window.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ClustersIT {

  private static final int D = 16;
  private static final int W = 100;
  private static final String[] KNOWN = {"a", "b", "c"};
  private static final String[] UNSEEN = {"x", "y"};

  @TempDir Path state;

  /** Class k lives near a random 2-dimensional subspace of R^16 (noise 0.02), seeded. */
  private static final class Classes {
    final double[][][] bases = new double[5][2][D];
    final SplittableRandom random = new SplittableRandom(17);

    Classes() {
      SplittableRandom r = new SplittableRandom(5);
      for (double[][] basis : bases) {
        for (double[] v : basis) {
          for (int a = 0; a < D; a++) {
            v[a] = r.nextDouble(-1, 1);
          }
        }
      }
    }

    List<Float> sample(int k) {
      double[] x = new double[D];
      for (double[] v : bases[k]) {
        double c = random.nextDouble(-1, 1);
        for (int a = 0; a < D; a++) {
          x[a] += c * v[a];
        }
      }
      List<Float> f = new ArrayList<>(D);
      for (int a = 0; a < D; a++) {
        f.add((float) (x[a] + 0.02 * random.nextDouble(-1, 1)));
      }
      return f;
    }
  }

  @Test
  void unseenClassesComeOutAsPureClustersThatKeepTheirIds(KafkaCluster kafka) throws Exception {
    String prefix = kafka.uniqueName("clusters") + ".";
    Map<String, String> s = new HashMap<>();
    s.put("redunet.bootstrap.servers", kafka.bootstrapServers());
    s.put("redunet.application.id", prefix + "app");
    s.put("redunet.topic.prefix", prefix);
    s.put("redunet.state.dir", state.toString());
    s.put("redunet.replication.factor", "1");
    s.put("redunet.partitions", "1");
    s.put("redunet.window", Integer.toString(W));
    s.put("redunet.lambda", "10");
    s.put("redunet.idle.timeout.ms", "1000");
    s.put("redunet.clusters", "on");
    s.put("redunet.clusters.max.members", "1000");
    s.put("redunet.output.format", "json");
    AppConfig config = AppConfig.of(s);
    RedunetTopics topics = RedunetTopics.of(config);
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
    }
    IngressMetrics metrics = new IngressMetrics();
    KafkaStreams streams =
        new KafkaStreams(
            RedunetTopology.build(
                config, new LearningPlugin(config, LearnerConfig.settings(config)), metrics),
            StreamsProperties.of(config, metrics));
    Classes classes = new Classes();
    AvroCodec<Sample> codec = AvroCodec.of(Sample.class);
    Map<String, String> truth = new HashMap<>();
    int unseen = 0;
    try {
      streams.start();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        long t = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
        int n = 0;
        // Windows 1–3: the known classes, labelled. Windows 4–7: each labelled sample is followed
        // by
        // an unlabelled one of an unseen class, every other one also by an unlabelled known one.
        // Window 8 closes the last window that holds unlabelled samples.
        for (int i = 0; i < 8 * W; i++) {
          int k = i % 3;
          sent.add(send(producer, codec, topics, "l" + i, classes.sample(k), KNOWN[k], t + n++));
          if (i >= 3 * W && i < 7 * W) {
            int u = i % 2;
            String id = "u" + i;
            truth.put(id, UNSEEN[u]);
            sent.add(send(producer, codec, topics, id, classes.sample(3 + u), null, t + n++));
            unseen++;
            if (i % 2 == 0) {
              String kid = "k" + i;
              truth.put(kid, KNOWN[(i / 2) % 3]);
              sent.add(
                  send(producer, codec, topics, kid, classes.sample((i / 2) % 3), null, t + n++));
            }
          }
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
          f.get(60, TimeUnit.SECONDS);
        }
      }
      Map<Long, List<Cluster>> byId = readClusters(kafka, topics.clusters(), config);
      assertThat(byId).as("clusters were published").isNotEmpty();
      Map<String, Integer> flaggedPerClass = new HashMap<>();
      Map<Long, Cluster> latest = new LinkedHashMap<>();
      for (Map.Entry<Long, List<Cluster>> e : byId.entrySet()) {
        List<Cluster> records = e.getValue();
        Cluster last = records.get(records.size() - 1);
        latest.put(e.getKey(), last);
        for (int r = 1; r < records.size(); r++) {
          assertThat(records.get(r).getSize())
              .as("cluster %d grows", e.getKey())
              .isEqualTo(records.get(r - 1).getSize() + records.get(r).getAdded());
          assertThat(records.get(r).getModelVersion())
              .isGreaterThan(records.get(r - 1).getModelVersion());
        }
        assertThat(last.getMemberIds()).hasSize((int) last.getSize());
        assertThat(last.getMeanFeature()).hasSize(D);
        for (String m : last.getMemberIds()) {
          flaggedPerClass.merge(truth.getOrDefault(m, "?"), 1, Integer::sum);
        }
      }
      System.out.printf(
          "clusters of the unknown: %d unseen sent, flagged and clustered per class %s%n",
          unseen, flaggedPerClass);
      for (Cluster c : latest.values()) {
        Map<String, Integer> counts = new HashMap<>();
        c.getMemberIds().forEach(m -> counts.merge(truth.getOrDefault(m, "?"), 1, Integer::sum));
        System.out.printf(
            "cluster %d: size %d, in %d window(s), first v%d, L %.1f bits, members by class %s%n",
            c.getClusterId(),
            c.getSize(),
            byId.get(c.getClusterId()).size(),
            c.getFirstVersion(),
            c.getCodingLengthBits(),
            counts);
      }
      for (String u : UNSEEN) {
        // The cluster holding most of class u's flagged samples: pure, and most of them.
        Cluster best = null;
        int bestCount = 0;
        for (Cluster c : latest.values()) {
          int count = (int) c.getMemberIds().stream().filter(m -> u.equals(truth.get(m))).count();
          if (count > bestCount) {
            best = c;
            bestCount = count;
          }
        }
        assertThat(best).as("a cluster of class %s", u).isNotNull();
        double purity = bestCount / (double) best.getSize();
        int flagged = flaggedPerClass.getOrDefault(u, 0);
        System.out.printf(
            "class %s: cluster %d holds %d of its %d clustered samples, purity %.3f%n",
            u, best.getClusterId(), bestCount, flagged, purity);
        assertThat(purity).as("purity of class %s's cluster", u).isGreaterThanOrEqualTo(0.70);
        assertThat(bestCount)
            .as("most of class %s's clustered samples", u)
            .isGreaterThan(flagged / 2);
        assertThat(flagged).as("class %s is flagged novel", u).isGreaterThan(unseen / 2 / 3);
        assertThat(byId.get(best.getClusterId()))
            .as("class %s's cluster grows over several windows, keeping its id", u)
            .hasSizeGreaterThanOrEqualTo(2);
      }
    } finally {
      TestStreams.closeWithin30s(streams, config);
    }
  }

  private static Future<RecordMetadata> send(
      KafkaProducer<byte[], byte[]> producer,
      AvroCodec<Sample> codec,
      RedunetTopics topics,
      String id,
      List<Float> features,
      String label,
      long time) {
    Sample sample =
        Sample.newBuilder()
            .setId(id)
            .setEventTime(Instant.ofEpochMilli(time))
            .setSource("clusters-it")
            .setFeatures(features)
            .setShape(null)
            .setLabel(label)
            .build();
    return producer.send(
        new ProducerRecord<>(
            topics.samples(), 0, id.getBytes(StandardCharsets.UTF_8), codec.encode(sample)));
  }

  /**
   * Reads the clusters topic (committed records) until it has been quiet for 5 s after the last
   * window's records, or 180 s: every record by cluster id, in order.
   */
  private static Map<Long, List<Cluster>> readClusters(
      KafkaCluster kafka, String topic, AppConfig config) {
    OutputSerde<Cluster> serde = OutputSerdes.of(config).clusters();
    Map<Long, List<Cluster>> byId = new LinkedHashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            kafka.consumerConfig(kafka.uniqueName("clusters")),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
      long lastNews = System.nanoTime();
      long lastVersion = -1;
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          String json = new String(r.value(), StandardCharsets.UTF_8);
          assertThat(json).as("JSON output").startsWith("{");
          Cluster c = serde.deserializer().deserialize(topic, r.value());
          assertThat(new String(r.key(), StandardCharsets.UTF_8))
              .isEqualTo("default/" + c.getClusterId());
          byId.computeIfAbsent(c.getClusterId(), k -> new ArrayList<>()).add(c);
          lastVersion = Math.max(lastVersion, c.getModelVersion());
          lastNews = System.nanoTime();
        }
        // The unlabelled samples are in windows 4–7, scored by versions 3–6.
        if (lastVersion >= 6 && System.nanoTime() - lastNews > TimeUnit.SECONDS.toNanos(5)) {
          break;
        }
      }
    }
    return byId;
  }
}
