package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.app.config.AppConfig;
import dev.redunet.app.config.LearnerConfig;
import dev.redunet.avro.Prediction;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.eval.PrequentialEvaluator;
import dev.redunet.eval.PrequentialResult;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.OnlineLearner;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming learner end to end on a real broker, with exactly-once v2 and the default model
 * settings: the shipped 10,000-digit MNIST stream in file order, one input partition.
 */
@ExtendWith(KafkaBrokerExtension.class)
class LearningIT {

  private static final Logger LOG = LoggerFactory.getLogger(LearningIT.class);

  /** At most this many samples ahead of the predictions (see {@link PacedMnistProducer}). */
  private static final int IN_FLIGHT = 50;

  @TempDir Path stateDir;

  @Test
  void theMnistStreamIsLearnedOnlineWithOnePredictionPerSampleAndTheOfflineAccuracy(
      KafkaCluster kafka) throws Exception {
    LabelledDataset mnist = ShippedDatasets.mnist10k();
    int n = mnist.size();
    String prefix = kafka.uniqueName("learn") + ".";
    Map<String, String> settings = new HashMap<>();
    settings.put("redunet.bootstrap.servers", kafka.bootstrapServers());
    settings.put("redunet.application.id", kafka.uniqueName("learn-app"));
    settings.put("redunet.topic.prefix", prefix);
    settings.put("redunet.state.dir", stateDir.toString());
    settings.put("redunet.partitions", "1");
    settings.put("redunet.replication.factor", "1");
    AppConfig config = AppConfig.of(settings);
    RedunetTopics topics = RedunetTopics.of(config);
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
    }

    IngressMetrics metrics = new IngressMetrics();
    LearnerSettings learner = LearnerConfig.settings(config);
    KafkaStreams streams =
        new KafkaStreams(
            RedunetTopology.build(config, new LearningPlugin(config, learner), metrics),
            StreamsProperties.of(config, metrics));
    Map<String, Integer> count = new HashMap<>();
    long scored = 0;
    long correct = 0;
    long maxVersion = 0;
    long t0 = System.nanoTime();
    AtomicLong predicted = new AtomicLong();
    Thread producer =
        new Thread(
            () ->
                PacedMnistProducer.produce(
                    kafka, topics.samples(), mnist, n, predicted, IN_FLIGHT, 240),
            "mnist-producer");
    try {
      streams.start();
      producer.start();
      AvroCodec<Prediction> predictions = AvroCodec.of(Prediction.class);
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              kafka.consumerConfig("learn-out"),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())) {
        TopicPartition tp = new TopicPartition(topics.predictions(), 0);
        consumer.assign(List.of(tp));
        consumer.seekToBeginning(List.of(tp));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline && count.size() < n) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            Prediction p = predictions.decode(r.value());
            count.merge(p.getSampleId(), 1, Integer::sum);
            predicted.set(count.size());
            maxVersion = Math.max(maxVersion, p.getModelVersion());
            if (p.getModelVersion() > 0 && p.getPredictedLabel() != null) {
              scored++;
              correct += p.getPredictedLabel().equals(p.getTrueLabel()) ? 1 : 0;
            }
          }
        }
        for (int extra = 0; extra < 5; extra++) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            throw new AssertionError("unexpected extra prediction: " + r);
          }
        }
      }
    } finally {
      producer.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(streams.close(CloseOptions.timeout(Duration.ofSeconds(30)))).isTrue();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    double accuracy = correct / (double) scored;

    OnlineLearner offline = new OnlineLearner(mnist.dimension(), learner, m -> {});
    PrequentialResult reference =
        new PrequentialEvaluator(learner.window())
            .evaluate(floatRounded(mnist), mnist.classIndices(), offline, null);
    LOG.info(
        "MNIST through the learning topology: {} predictions in {} s ({} samples/s), {} scored,"
            + " prequential accuracy {} (offline evaluate: {} on {}), last model version {}",
        count.size(),
        String.format("%.1f", seconds),
        String.format("%.0f", n / seconds),
        scored,
        String.format("%.4f", accuracy),
        String.format("%.4f", reference.accuracy()),
        reference.scored(),
        maxVersion);

    assertThat(count).hasSize(n);
    assertThat(count.values()).containsOnly(1);
    assertThat(maxVersion).isGreaterThanOrEqualTo(15);
    assertThat(accuracy).isCloseTo(reference.accuracy(), within(0.01));
    assertThat(accuracy).isGreaterThanOrEqualTo(0.95);
  }

  private static double[][] floatRounded(LabelledDataset data) {
    double[][] rows = data.toRows();
    for (double[] row : rows) {
      for (int a = 0; a < row.length; a++) {
        row[a] = (float) row[a];
      }
    }
    return rows;
  }
}
