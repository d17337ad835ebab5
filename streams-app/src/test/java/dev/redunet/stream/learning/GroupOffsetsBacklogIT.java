package dev.redunet.stream.learning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The input backlog as a real broker reports it: a partition is caught up when the group's
 * committed offset reaches its last stable offset (past transaction markers), an uncommitted one
 * when it is empty.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GroupOffsetsBacklogIT {

  @Test
  void aPartitionIsCaughtUpWhenTheGroupHasCommittedItsEnd(KafkaCluster kafka) throws Exception {
    String topic = kafka.createTopic("backlog", 3);
    String learning = kafka.createTopic("learning", 1);
    String group = kafka.uniqueName("backlog-group");
    try (KafkaProducer<String, String> plain = producer(kafka, null);
        KafkaProducer<String, String> transactional = producer(kafka, kafka.uniqueName("tx"))) {
      for (int i = 0; i < 5; i++) {
        plain.send(new ProducerRecord<>(topic, 0, "k", "plain " + i)).get();
      }
      transactional.initTransactions();
      transactional.beginTransaction();
      for (int i = 0; i < 3; i++) {
        var unused = transactional.send(new ProducerRecord<>(topic, 2, "k", "tx " + i));
      }
      transactional.commitTransaction(); // partition 2: offsets 0..2, its commit marker at 3
    }
    GroupOffsetsBacklog backlog =
        new GroupOffsetsBacklog(
            () -> Admin.create(adminConfig(kafka)), topic, learning, group, 500);
    try {
      long t = answer(backlog, 1);
      assertThat(backlog.caughtUp(0, t)).as("5 records, nothing committed").isFalse();
      assertThat(backlog.caughtUp(1, t)).as("empty").isTrue();
      assertThat(backlog.caughtUp(2, t)).as("a transaction, nothing committed").isFalse();

      // The group reads partitions 0 and 2 to their ends and commits its positions, as Kafka
      // Streams does: partition 2's position is past the transaction's marker.
      commitPositions(kafka, topic, group, List.of(0, 2), 5 + 3);
      t = answer(backlog, 1_000_000);
      assertThat(backlog.caughtUp(0, t)).isTrue();
      assertThat(backlog.evidence()).contains("partition 2: committed 4, offsets 0 to 4");

      // What the tasks sent for them is in the learning topic: until the builder has read it,
      // a silent partition may still have samples on their way to it.
      try (KafkaProducer<String, String> plain = producer(kafka, null)) {
        plain.send(new ProducerRecord<>(learning, 0, "default", "a sample")).get();
      }
      t = 2_000_000;
      backlog.check(t, 3);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!backlog.evidence().contains("waiting for the builder")) {
        assertThat(System.nanoTime()).as("asked within 30 s").isLessThan(deadline);
        Thread.sleep(10);
        backlog.check(t + 1, 3);
      }
      assertThat(backlog.answeredAskedAt())
          .as("no answer while the builder has not read")
          .isLessThan(t);
      assertThat(backlog.caughtUp(0, t)).isFalse();
      assertThat(backlog.evidence()).contains("builder read none of 1 learning records");
      commitPositions(kafka, learning, group, List.of(0), 1);
      assertThat(answer(backlog, t))
          .as("the same question, answered once the builder read")
          .isEqualTo(t);
      assertThat(backlog.caughtUp(0, t)).isTrue();
      assertThat(backlog.caughtUp(1, t)).isTrue();
      assertThat(backlog.caughtUp(1, t)).isTrue();
      assertThat(backlog.caughtUp(2, t)).as("committed past the marker").isTrue();
      assertThat(backlog.caughtUp(0, t + 1)).as("an answer asked before since").isFalse();

      try (KafkaProducer<String, String> plain = producer(kafka, null)) {
        plain.send(new ProducerRecord<>(topic, 1, "k", "late")).get();
        plain.send(new ProducerRecord<>(topic, 0, "k", "more")).get();
      }
      t = answer(backlog, 3_000_000);
      assertThat(backlog.caughtUp(0, t)).as("a record past the committed offset").isFalse();
      assertThat(backlog.caughtUp(1, t)).as("no longer empty, nothing committed").isFalse();
      assertThat(backlog.caughtUp(2, t)).isTrue();
    } finally {
      backlog.close();
    }
  }

  @Test
  void whenTheClusterCannotAnswerIdlenessFallsBackToSilenceAlone() {
    GroupOffsetsBacklog backlog =
        new GroupOffsetsBacklog(
            () -> {
              throw new IllegalStateException("no admin client here");
            },
            "t",
            "l",
            "g",
            0);
    backlog.check(10, 2);
    assertThat(backlog.caughtUp(0, 10)).isTrue();
    assertThat(backlog.caughtUp(1, 10)).isTrue();
    assertThat(backlog.caughtUp(1, 11)).as("only for that question").isFalse();
    backlog.close();
  }

  /**
   * Asks at time {@code at} (ms; or goes on with the question in flight) and collects, the clock
   * moving on as it does, until an answer to a question asked at or after {@code at} comes.
   */
  private static long answer(GroupOffsetsBacklog backlog, long at) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(30).toNanos();
    backlog.check(at, 3);
    while (backlog.answeredAskedAt() < at) {
      assertThat(System.nanoTime()).as("answered within 30 s").isLessThan(deadline);
      Thread.sleep(10);
      backlog.check(at + (System.nanoTime() - start) / 1_000_000, 3);
    }
    return at;
  }

  private static void commitPositions(
      KafkaCluster kafka, String topic, String group, List<Integer> partitions, int records) {
    Map<String, Object> c = kafka.consumerConfig("unused");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> tps =
          partitions.stream().map(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(tps);
      int read = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (read < records || tps.stream().anyMatch(tp -> consumer.currentLag(tp).orElse(1) > 0)) {
        assertThat(System.nanoTime()).as("read within 30 s").isLessThan(deadline);
        read += consumer.poll(Duration.ofMillis(100)).count();
      }
      consumer.commitSync(
          tps.stream()
              .collect(
                  java.util.stream.Collectors.toMap(
                      tp -> tp, tp -> new OffsetAndMetadata(consumer.position(tp)))));
    }
  }

  private static KafkaProducer<String, String> producer(KafkaCluster kafka, String txId) {
    Map<String, Object> c = kafka.producerConfig();
    if (txId != null) {
      c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, txId);
    }
    return new KafkaProducer<>(c, new StringSerializer(), new StringSerializer());
  }

  private static Map<String, Object> adminConfig(KafkaCluster kafka) {
    return Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
  }
}
