package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.Prediction;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.eval.PrequentialEvaluator;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.OnlineLearner;
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
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two instances of one application on a 4-partition input: the union of their outputs is complete
 * and has no duplicates (read_committed), every prediction names a published model version,
 * stopping one instance mid-stream loses nothing, and every sample gets the prediction one offline
 * learner gives it (the version it is owed, and that version's label).
 */
@ExtendWith(KafkaBrokerExtension.class)
class ScaleOutIT {

  private static final Logger LOG = LoggerFactory.getLogger(ScaleOutIT.class);
  private static final int N = 3000;
  private static final int PARTITIONS = 4;

  @TempDir Path stateA;
  @TempDir Path stateB;

  private static AppConfig config(KafkaCluster kafka, String prefix, String appId, Path state) {
    Map<String, String> s = TestStreams.settings(kafka, prefix, appId, state);
    s.put("redunet.partitions", Integer.toString(PARTITIONS));
    s.put("redunet.window", "300");
    return AppConfig.of(s);
  }

  private static KafkaStreams start(AppConfig config) {
    return TestStreams.start(config, new LearningPlugin(config, LearnerConfig.settings(config)));
  }

  @Test
  void twoInstancesShareTheWorkAndStoppingOneMidStreamLosesNothing(KafkaCluster kafka)
      throws Exception {
    LabelledDataset mnist = ShippedDatasets.mnist10k();
    String prefix = kafka.uniqueName("scale") + ".";
    String appId = kafka.uniqueName("scale-app");
    AppConfig a = config(kafka, prefix, appId, stateA);
    AppConfig b = config(kafka, prefix, appId, stateB);
    RedunetTopics topics = RedunetTopics.of(a);
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.ensure(admin, a, List.of(), Duration.ofSeconds(60));
    }

    AtomicLong predicted = new AtomicLong();
    Thread producer =
        new Thread(
            () ->
                PacedMnistProducer.produce(kafka, topics.samples(), mnist, N, predicted, 100, 180),
            "scale-producer");

    KafkaStreams first = start(a);
    KafkaStreams second = start(b);
    boolean secondStopped = false;
    Map<String, Integer> count = new HashMap<>();
    Map<String, PredictionsRead.Outcome> outcomes = new HashMap<>();
    Set<Long> versionsUsed = new TreeSet<>();
    Set<Long> versionsPublished = new TreeSet<>();
    try {
      producer.start();
      AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class);
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              kafka.consumerConfig("scale-out"),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
          tps.add(new TopicPartition(topics.predictions(), p));
        }
        TopicPartition model = new TopicPartition(topics.model(), 0);
        tps.add(model);
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline && count.size() < N) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(topics.model())) {
              if ("default".equals(new String(r.key(), StandardCharsets.UTF_8))) {
                versionsPublished.add(ModelCodec.version(r.value()));
              }
              continue;
            }
            Prediction p = codec.decode(r.value());
            count.merge(p.getSampleId(), 1, Integer::sum);
            outcomes.put(p.getSampleId(), PredictionsRead.Outcome.of(p));
            versionsUsed.add(p.getModelVersion());
          }
          predicted.set(count.size());
          if (!secondStopped && count.size() >= N / 2) {
            LOG.info("stopping the second instance after {} predictions", count.size());
            TestStreams.closeWithin30s(second, b);
            secondStopped = true;
          }
        }
        for (int extra = 0; extra < 5; extra++) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            if (r.topic().equals(topics.predictions())) {
              throw new AssertionError("unexpected extra prediction: " + r);
            }
          }
        }
      }
    } finally {
      producer.join(TimeUnit.SECONDS.toMillis(30));
      first.close(StreamsProperties.closeOptions(a, Duration.ofSeconds(30)));
      if (!secondStopped) {
        second.close(StreamsProperties.closeOptions(b, Duration.ofSeconds(30)));
      }
    }
    LOG.info(
        "scale-out: {} predictions on {} partitions, versions used {}, published {}",
        count.size(),
        PARTITIONS,
        versionsUsed,
        versionsPublished);

    assertThat(secondStopped).isTrue();
    assertThat(count).hasSize(N);
    assertThat(count.values()).containsOnly(1);
    versionsUsed.remove(0L);
    assertThat(versionsUsed).isNotEmpty();
    assertThat(versionsPublished).containsAll(versionsUsed);
    assertThat(PredictionsRead.differences(outcomes, offline(a, mnist)))
        .as("two instances, one stopped mid-stream, predict what one learner does")
        .isEmpty();
  }

  /** The offline learner's (version, label) for samples d0 … d(N−1), in file order. */
  private static Map<String, PredictionsRead.Outcome> offline(
      AppConfig config, LabelledDataset mnist) {
    double[][] rows = new double[N][];
    int[] labels = new int[N];
    for (int i = 0; i < N; i++) {
      rows[i] = mnist.sample(i).clone();
      for (int a = 0; a < rows[i].length; a++) {
        rows[i][a] = (float) rows[i][a];
      }
      labels[i] = mnist.classIndex(i);
    }
    LearnerSettings settings = LearnerConfig.settings(config);
    OnlineLearner learner = new OnlineLearner(mnist.dimension(), settings, m -> {});
    Map<String, PredictionsRead.Outcome> out = new HashMap<>();
    new PrequentialEvaluator(settings.window())
        .evaluate(
            rows,
            labels,
            learner,
            null,
            (from, predicted) -> {
              for (int b = 0; b < predicted.length; b++) {
                out.put(
                    "d" + (from + b),
                    new PredictionsRead.Outcome(
                        learner.version(),
                        predicted[b] < 0 ? null : mnist.classes().get(predicted[b])));
              }
            });
    return out;
  }
}
