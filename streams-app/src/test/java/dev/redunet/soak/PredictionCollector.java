package dev.redunet.soak;

import dev.redunet.avro.Prediction;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a predictions topic from the beginning with a read_committed consumer (only committed
 * transactions' records), on a thread of its own, and keeps every prediction per sample id. It
 * waits for the application to create the topic.
 */
final class PredictionCollector implements AutoCloseable {

  /** What one prediction said about its sample. */
  record Outcome(long modelVersion, String predictedLabel, String trueLabel) {}

  private final KafkaCluster kafka;
  private final String topic;
  private final Map<String, List<Outcome>> byId = new HashMap<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final Thread thread;
  private volatile boolean stopped;
  private long total;

  PredictionCollector(KafkaCluster kafka, String topic) {
    this.kafka = kafka;
    this.topic = topic;
    this.thread = new Thread(this::collect, "soak-collector-" + topic);
    this.thread.setDaemon(true);
  }

  void start() {
    thread.start();
  }

  /** How many distinct sample ids have a prediction. */
  synchronized int distinct() {
    return byId.size();
  }

  /** How many predictions were read. */
  synchronized long total() {
    return total;
  }

  /** A copy of every prediction read, per sample id. */
  synchronized Map<String, List<Outcome>> snapshot() {
    Map<String, List<Outcome>> copy = new HashMap<>();
    byId.forEach((id, list) -> copy.put(id, List.copyOf(list)));
    return copy;
  }

  /** Why the collector stopped early, if it did. */
  Throwable failure() {
    return failure.get();
  }

  private synchronized void add(Prediction p) {
    total++;
    byId.computeIfAbsent(p.getSampleId(), k -> new ArrayList<>(1))
        .add(new Outcome(p.getModelVersion(), p.getPredictedLabel(), p.getTrueLabel()));
  }

  private void collect() {
    try {
      int partitions = awaitTopic();
      AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class);
      Map<String, Object> config = kafka.consumerConfig("soak-predictions");
      config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
          tps.add(new TopicPartition(topic, p));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        while (!stopped) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            add(codec.decode(r.value()));
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | ExecutionException | TimeoutException e) {
      failure.set(e);
    }
  }

  /** Waits until the application has created the topic; returns its number of partitions. */
  private int awaitTopic() throws InterruptedException, ExecutionException, TimeoutException {
    try (Admin admin = kafka.admin()) {
      while (!stopped) {
        try {
          TopicDescription d =
              admin
                  .describeTopics(List.of(topic))
                  .allTopicNames()
                  .get(30, TimeUnit.SECONDS)
                  .get(topic);
          return d.partitions().size();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
            throw e;
          }
          TimeUnit.MILLISECONDS.sleep(200);
        }
      }
    }
    return 0;
  }

  /** Stops reading (idempotent). */
  void stop() {
    stopped = true;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
  }
}
