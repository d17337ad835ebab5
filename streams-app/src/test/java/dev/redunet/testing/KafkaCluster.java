package dev.redunet.testing;

import dev.redunet.stream.TopicProvisioner;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The Kafka cluster a test runs against (supplied by {@link KafkaBrokerExtension}): its kind, its
 * bootstrap address, and helpers that give every test its own topics, group ids and application
 * ids, since the cluster is shared by all tests of the JVM (and, for an external cluster, kept
 * between runs).
 */
public final class KafkaCluster {

  /** Where the broker comes from. */
  public enum Kind {
    /** {@code KAFKA_BOOTSTRAP_SERVERS} from the environment: a cluster someone else runs. */
    EXTERNAL,
    /** A Testcontainers {@code apache/kafka} container (Docker available). */
    TESTCONTAINERS,
    /** The in-process single-node KRaft broker, {@code dev.redunet.broker.EmbeddedKafkaBroker}. */
    EMBEDDED
  }

  private static final AtomicLong COUNTER = new AtomicLong();

  private final Kind kind;
  private final String bootstrapServers;
  private final String description;

  KafkaCluster(Kind kind, String bootstrapServers, String description) {
    this.kind = Objects.requireNonNull(kind, "kind");
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.description = Objects.requireNonNull(description, "description");
  }

  /** Where the broker comes from. */
  public Kind kind() {
    return kind;
  }

  /** The {@code bootstrap.servers} value. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** What the broker is, for logs (image, data directory, ...). */
  public String description() {
    return description;
  }

  /**
   * A name no other test of any run uses: {@code <prefix>-<n>-<random hex>}, valid as a topic name,
   * consumer group id and Streams application id.
   */
  public String uniqueName(String prefix) {
    if (!prefix.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("prefix must match [A-Za-z0-9._-]+, got " + prefix);
    }
    return prefix
        + "-"
        + COUNTER.incrementAndGet()
        + "-"
        + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xFFFF_FFFFL);
  }

  /** Creates a topic with a unique name and {@code partitions} partitions; returns its name. */
  public String createTopic(String prefix, int partitions) {
    String name = uniqueName(prefix);
    try (Admin admin = admin()) {
      admin
          .createTopics(List.of(new NewTopic(name, Optional.of(partitions), Optional.empty())))
          .all()
          .get(60, TimeUnit.SECONDS);
      TopicProvisioner.awaitLeaders(admin, List.of(name), Duration.ofSeconds(60));
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name + " on " + this, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topic " + name, e);
    }
    return name;
  }

  /** A new Admin client (close it). */
  public Admin admin() {
    return Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
  }

  /** Producer settings: bootstrap servers, acks=all, idempotence. */
  public Map<String, Object> producerConfig() {
    Map<String, Object> c = new HashMap<>();
    c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    return c;
  }

  /**
   * Consumer settings: bootstrap servers, a unique group id, earliest offsets, read_committed (only
   * records of committed transactions are seen).
   */
  public Map<String, Object> consumerConfig(String groupPrefix) {
    Map<String, Object> c = new HashMap<>();
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.GROUP_ID_CONFIG, uniqueName(groupPrefix));
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return c;
  }

  @Override
  public String toString() {
    return kind + " Kafka at " + bootstrapServers + " (" + description + ")";
  }
}
