package dev.redunet.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Starts and restarts private brokers (not the shared one) to check the broker class itself. */
class EmbeddedKafkaBrokerIT {

  private static final TimeUnit SECONDS = TimeUnit.SECONDS;

  @TempDir Path tmp;

  @Test
  void aBrokerInAKeptDataDirectoryRestartsOnTheSamePortsWithItsDataAndTransactionsWork()
      throws Exception {
    Path dataDir = tmp.resolve("kafka");
    String bootstrap;
    int controllerPort;
    String clusterId;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).start()) {
      bootstrap = broker.bootstrapServers();
      controllerPort = broker.controllerPort();
      clusterId = broker.clusterId();
      assertThat(bootstrap).isEqualTo("localhost:" + broker.port());
      try (Admin admin = admin(bootstrap)) {
        admin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all().get(30, SECONDS);
        assertThat(admin.describeCluster().clusterId().get(30, SECONDS)).isEqualTo(clusterId);
      }
      produceTransactionally(bootstrap, "kept", List.of("a", "b", "c"));
    }
    assertThat(dataDir.resolve(EmbeddedKafkaBroker.STATE_FILE)).exists();

    try (EmbeddedKafkaBroker again = EmbeddedKafkaBroker.builder().dataDir(dataDir).start()) {
      assertThat(again.bootstrapServers()).isEqualTo(bootstrap);
      assertThat(again.controllerPort()).isEqualTo(controllerPort);
      assertThat(again.clusterId()).isEqualTo(clusterId);
      assertThat(readAllCommitted(bootstrap, "kept", 3)).containsExactly("a", "b", "c");
    }
    assertThat(dataDir).exists();
  }

  @Test
  void aTemporaryBrokerAutoCreatesTopicsTakesLargeRecordsWhenAskedAndDeletesItsDataOnClose()
      throws Exception {
    int twoMiB = 2 * 1024 * 1024;
    EmbeddedKafkaBroker broker =
        EmbeddedKafkaBroker.builder().autoCreateTopics(true).messageMaxBytes(twoMiB).start();
    Path dir = broker.dataDir();
    assertThat(dir).isDirectory();
    assertThat(broker.isDataDirTemporary()).isTrue();
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, twoMiB);
    String big = "x".repeat(1_500_000);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      RecordMetadata m = producer.send(new ProducerRecord<>("auto-created", big)).get(30, SECONDS);
      assertThat(m.serializedValueSize()).isEqualTo(big.length());
    }
    assertThat(readAllCommitted(broker.bootstrapServers(), "auto-created", 1))
        .singleElement()
        .isEqualTo(big);
    broker.close();
    long t0 = System.nanoTime();
    broker.close();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(100));
    assertThat(broker.isClosed()).isTrue();
    assertThat(dir).doesNotExist();
  }

  @Test
  void aNonEmptyForeignDataDirectoryIsRefusedWithAClearMessage() throws Exception {
    Path foreign = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(foreign.resolve("something.txt"), "not a broker", StandardCharsets.UTF_8);
    assertThatThrownBy(() -> EmbeddedKafkaBroker.builder().dataDir(foreign).start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not empty")
        .hasMessageContaining(EmbeddedKafkaBroker.STATE_FILE);
  }

  private static Admin admin(String bootstrap) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
  }

  private static void produceTransactionally(String bootstrap, String topic, List<String> values)
      throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-broker-it");
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (String v : values) {
        sent.add(producer.send(new ProducerRecord<>(topic, v)));
      }
      producer.commitTransaction();
      for (Future<RecordMetadata> f : sent) {
        f.get(30, SECONDS);
      }
    }
  }

  private static List<String> readAllCommitted(String bootstrap, String topic, int expected) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (values.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }
}
