package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.Prediction;
import dev.redunet.avro.Sample;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.stream.learning.LearningListener;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * An input partition that never receives a record must not stall learning for ever: after {@code
 * redunet.idle.timeout.ms} the builder's watermark stops waiting for it (logged and counted), the
 * windows close, and every sample is predicted — by the version it is owed, as offline.
 */
@ExtendWith(KafkaBrokerExtension.class)
class IdlePartitionIT {

  private static final int N = 1200;
  private static final int W = 300;

  @TempDir Path state;

  @Test
  void learningGoesOnPastAnIdlePartition(KafkaCluster kafka) throws Exception {
    LabelledDataset mnist = ShippedDatasets.mnist10k();
    String prefix = kafka.uniqueName("idle") + ".";
    Map<String, String> s = new HashMap<>();
    s.put("redunet.bootstrap.servers", kafka.bootstrapServers());
    s.put("redunet.application.id", prefix + "app");
    s.put("redunet.topic.prefix", prefix);
    s.put("redunet.state.dir", state.toString());
    s.put("redunet.replication.factor", "1");
    s.put("redunet.partitions", "3");
    s.put("redunet.window", Integer.toString(W));
    s.put("redunet.idle.timeout.ms", "2000");
    AppConfig config = AppConfig.of(s);
    RedunetTopics topics = RedunetTopics.of(config);
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
    }
    AtomicInteger idle = new AtomicInteger();
    IngressMetrics metrics = new IngressMetrics();
    KafkaStreams streams =
        new KafkaStreams(
            RedunetTopology.build(
                config,
                new LearningPlugin(
                    config,
                    LearnerConfig.settings(config),
                    new LearningListener() {
                      @Override
                      public void partitionIdle(int partition) {
                        idle.incrementAndGet();
                      }
                    }),
                metrics),
            StreamsProperties.of(config, metrics));
    AvroCodec<Sample> samples = AvroCodec.of(Sample.class);
    try {
      streams.start();
      try (KafkaProducer<byte[], byte[]> producer =
          new KafkaProducer<>(
              kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        for (int i = 0; i < N; i++) {
          Sample sample = PacedMnistProducer.sample(mnist, i);
          // partitions 0 and 1 only: partition 2 stays idle
          sent.add(
              producer.send(
                  new ProducerRecord<>(
                      topics.samples(),
                      i % 2,
                      sample.getId().getBytes(StandardCharsets.UTF_8),
                      samples.encode(sample))));
        }
        producer.flush();
        for (Future<RecordMetadata> f : sent) {
          f.get(60, TimeUnit.SECONDS);
        }
      }
      PredictionsRead read = PredictionsRead.until(kafka, topics.predictions(), 3, N, 120, n -> {});
      Map<String, PredictionsRead.Outcome> outcomes = read.outcomes();
      assertThat(outcomes).hasSize(N);
      for (int i = 0; i < N; i++) {
        Prediction p = read.byId.get("d" + i).get(0);
        assertThat(p.getModelVersion()).as("d%d is owed v%d", i, i / W).isEqualTo(i / W);
        assertThat(p.getStale()).isFalse();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (idle.get() == 0 && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(50);
      }
      assertThat(idle.get()).as("partition 2 skipped, and counted").isGreaterThanOrEqualTo(1);
    } finally {
      TestStreams.closeWithin30s(streams, config);
    }
  }
}
