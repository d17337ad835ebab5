package dev.redunet.stream;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the application's input and output topics when they are missing, and leaves existing ones
 * alone (it only warns about settings that break the application's assumptions).
 *
 * <p>The topics, as created ({@code P} = {@code redunet.partitions}, replication factor {@code
 * redunet.replication.factor}, -1 = the broker default):
 *
 * <table>
 *   <caption>Topics</caption>
 *   <tr><th>role</th><th>partitions</th><th>settings</th></tr>
 *   <tr><td>samples</td><td>P</td><td>broker defaults (the producers' records)</td></tr>
 *   <tr><td>features</td><td>P</td><td>{@code max.message.bytes} = max(1 MiB, 4 B ×
 *       {@code redunet.max.features} + 64 KiB)</td></tr>
 *   <tr><td>predictions</td><td>P</td><td>broker defaults</td></tr>
 *   <tr><td>rejected</td><td>P</td><td>{@code max.message.bytes} = {@code
 *       redunet.max.record.bytes} + 256 KiB (holds a copy of any accepted-size input)</td></tr>
 *   <tr><td>model</td><td>1</td><td>{@code cleanup.policy=compact}, {@code max.message.bytes} =
 *       {@code redunet.model.max.message.bytes} (32 MiB)</td></tr>
 *   <tr><td>metrics</td><td>1</td><td>broker defaults</td></tr>
 *   <tr><td>learning</td><td>1</td><td>{@code max.message.bytes} = {@code
 *       redunet.model.max.message.bytes}, {@code LogAppendTime}</td></tr>
 *   <tr><td>clusters</td><td>1</td><td>broker defaults</td></tr>
 * </table>
 *
 * Warnings for existing topics: the model topic not compacted; the learning topic without {@code
 * LogAppendTime}.
 */
public final class TopicProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

  private TopicProvisioner() {}

  /**
   * One topic as the application creates it.
   *
   * @param role what the topic is for ({@code samples}, {@code model}, ...)
   * @param name the topic name
   * @param partitions partition count when created
   * @param configs topic-level settings when created
   */
  public record TopicSpec(String role, String name, int partitions, Map<String, String> configs) {
    public TopicSpec {
      Objects.requireNonNull(role, "role");
      Objects.requireNonNull(name, "name");
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
      }
      configs = Map.copyOf(configs);
    }
  }

  /**
   * What {@link #ensure} did.
   *
   * @param created topics created now
   * @param existing topics that were already there (left unchanged)
   * @param warnings problems with existing topics, also logged at WARN
   */
  public record Result(List<String> created, List<String> existing, List<String> warnings) {
    public Result {
      created = List.copyOf(created);
      existing = List.copyOf(existing);
      warnings = List.copyOf(warnings);
    }
  }

  /** The topics of {@code config}, in the order of {@link RedunetTopics#all()}. */
  public static List<TopicSpec> plan(AppConfig config) {
    RedunetTopics t = RedunetTopics.of(config);
    int p = config.integer(ConfigKeys.PARTITIONS);
    return List.of(
        new TopicSpec("samples", t.samples(), p, Map.of()),
        new TopicSpec(
            "features",
            t.features(),
            p,
            Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(StreamsProperties.featuresMaxBytes(config)))),
        new TopicSpec("predictions", t.predictions(), p, Map.of()),
        new TopicSpec(
            "rejected",
            t.rejected(),
            p,
            Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(StreamsProperties.rejectedMaxBytes(config)))),
        new TopicSpec(
            "model",
            t.model(),
            1,
            Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                TopicConfig.CLEANUP_POLICY_COMPACT,
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(config.integer(ConfigKeys.MODEL_MAX_MESSAGE_BYTES)))),
        new TopicSpec("metrics", t.metrics(), 1, Map.of()),
        new TopicSpec(
            "learning",
            t.learning(),
            1,
            Map.of(
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(config.integer(ConfigKeys.MODEL_MAX_MESSAGE_BYTES)),
                // Retention counts from when a delta was written, not from its samples' event time
                // (which the record carries in a header): replaying old data must not expire
                // deltas the builder has yet to read.
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG,
                "LogAppendTime")),
        new TopicSpec("clusters", t.clusters(), 1, Map.of()));
  }

  /**
   * Creates the missing topics of {@link #plan} (all of them, or those of the given roles).
   *
   * @param roles the roles to provision; empty = all
   * @throws IllegalStateException if the cluster cannot be reached or a topic cannot be created
   *     within {@code timeout}, with the cause
   */
  public static Result ensure(
      Admin admin, AppConfig config, Collection<String> roles, Duration timeout) {
    List<TopicSpec> specs =
        plan(config).stream().filter(s -> roles.isEmpty() || roles.contains(s.role())).toList();
    Optional<Short> replication =
        config.integer(ConfigKeys.REPLICATION_FACTOR) < 0
            ? Optional.empty()
            : Optional.of((short) config.integer(ConfigKeys.REPLICATION_FACTOR));
    long deadline = System.nanoTime() + timeout.toNanos();
    try {
      Set<String> present =
          admin.listTopics().names().get(remaining(deadline), TimeUnit.NANOSECONDS);
      List<String> created = new ArrayList<>();
      List<String> existing = new ArrayList<>();
      Map<String, NewTopic> toCreate = new LinkedHashMap<>();
      for (TopicSpec s : specs) {
        if (present.contains(s.name())) {
          existing.add(s.name());
        } else {
          toCreate.put(
              s.name(),
              new NewTopic(s.name(), Optional.of(s.partitions()), replication)
                  .configs(s.configs()));
        }
      }
      if (!toCreate.isEmpty()) {
        var futures = admin.createTopics(toCreate.values()).values();
        for (Map.Entry<String, ? extends java.util.concurrent.Future<Void>> f :
            futures.entrySet()) {
          try {
            f.getValue().get(remaining(deadline), TimeUnit.NANOSECONDS);
            created.add(f.getKey());
            LOG.info("Created topic {} ({})", f.getKey(), describe(toCreate.get(f.getKey())));
          } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
              existing.add(f.getKey()); // created concurrently by another instance
            } else {
              throw e;
            }
          }
        }
      }
      awaitVisible(admin, created, deadline);
      List<String> warnings = check(admin, specs, existing, deadline);
      warnings.forEach(w -> LOG.warn(w));
      return new Result(created, existing, warnings);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create the topics: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "cannot create the topics: no answer from Kafka within " + timeout.toSeconds() + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating the topics", e);
    }
  }

  /**
   * Waits until every created topic is in the metadata the brokers serve and every partition's
   * leader answers (creation completes on the controller first): Kafka Streams started on a topic
   * not yet visible would stop with a missing source topic, and an idempotent producer that writes
   * while a leader is still being elected can see its retried first batch refused as out of order.
   * Leadership is probed with a ListOffsets request, which only the leader answers.
   */
  /**
   * Waits until the topics exist and every partition's leader answers (see {@link #awaitVisible}).
   *
   * @throws IllegalStateException if that takes longer than {@code timeout}
   */
  public static void awaitLeaders(Admin admin, List<String> topics, Duration timeout) {
    try {
      awaitVisible(admin, topics, System.nanoTime() + timeout.toNanos());
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("topics " + topics + " not ready: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for topics " + topics, e);
    }
  }

  private static void awaitVisible(Admin admin, List<String> created, long deadline)
      throws ExecutionException, TimeoutException, InterruptedException {
    if (created.isEmpty()) {
      return;
    }
    while (true) {
      try {
        Map<String, TopicDescription> described =
            admin
                .describeTopics(created)
                .allTopicNames()
                .get(remaining(deadline), TimeUnit.NANOSECONDS);
        Map<TopicPartition, OffsetSpec> partitions = new LinkedHashMap<>();
        described.forEach(
            (name, d) ->
                d.partitions()
                    .forEach(
                        p ->
                            partitions.put(
                                new TopicPartition(name, p.partition()), OffsetSpec.latest())));
        admin.listOffsets(partitions).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException)) {
          throw e;
        }
        if (remaining(deadline) == 0) {
          throw new TimeoutException(
              "created topics not ready (no leader answering) in time: " + created);
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
    }
  }

  private static String describe(NewTopic t) {
    return t.numPartitions()
        + " partition(s), replication "
        + (t.replicationFactor() < 0 ? "broker default" : t.replicationFactor())
        + (t.configs() == null || t.configs().isEmpty() ? "" : ", " + t.configs());
  }

  private static long remaining(long deadline) {
    return Math.max(0, deadline - System.nanoTime());
  }

  private static List<String> check(
      Admin admin, List<TopicSpec> specs, List<String> existing, long deadline)
      throws ExecutionException, TimeoutException, InterruptedException {
    List<String> warnings = new ArrayList<>();
    List<TopicSpec> checked =
        specs.stream()
            .filter(s -> existing.contains(s.name()))
            .filter(s -> List.of("model", "learning").contains(s.role()))
            .toList();
    if (checked.isEmpty()) {
      return warnings;
    }
    List<ConfigResource> resources =
        checked.stream().map(s -> new ConfigResource(ConfigResource.Type.TOPIC, s.name())).toList();
    Map<ConfigResource, Config> configs =
        admin.describeConfigs(resources).all().get(remaining(deadline), TimeUnit.NANOSECONDS);
    for (TopicSpec s : checked) {
      Config c = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, s.name()));
      String policy = value(c, TopicConfig.CLEANUP_POLICY_CONFIG);
      if (s.role().equals("model") && !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        warnings.add(
            "The model topic "
                + s.name()
                + " exists with cleanup.policy="
                + policy
                + ", not compact: old model versions will expire by retention instead of being"
                + " compacted, and the model can be lost. Set cleanup.policy=compact on it.");
      }
      String timestampType = value(c, TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG);
      if (s.role().equals("learning") && !timestampType.equals("LogAppendTime")) {
        warnings.add(
            "The learning topic "
                + s.name()
                + " exists with message.timestamp.type="
                + timestampType
                + ": its records carry the samples' event time, so retention can expire deltas of"
                + " old samples before the builder reads them. Set"
                + " message.timestamp.type=LogAppendTime on it.");
      }
    }
    return warnings;
  }

  private static String value(Config config, String name) {
    ConfigEntry e = config == null ? null : config.get(name);
    return e == null || e.value() == null ? "" : e.value();
  }
}
