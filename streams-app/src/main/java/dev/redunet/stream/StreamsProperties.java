package dev.redunet.stream;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKeys;
import dev.redunet.wire.OutputSerdes;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams properties of the application, from its configuration. In increasing order of
 * precedence:
 *
 * <ol>
 *   <li>the application's defaults: the three {@link RedunetExceptionHandlers} (bad input and
 *       failed outputs go to the rejected topic, nothing stops the application), the processing
 *       handler also for global stores ({@code processing.exception.handler.global.enabled}), the
 *       {@code rocksdb.config.setter} {@link BoundedRocksDbConfig} (all RocksDB stores share one
 *       block cache of {@code redunet.rocksdb.cache.bytes}, memtables included, unless {@code
 *       kafka.rocksdb.config.setter} names another), and the producer size limits below;
 *   <li>the {@code kafka.*} pass-through settings, without the prefix (security, client tuning,
 *       {@code num.stream.threads}, 2 unless set, {@code commit.interval.ms}, or other handlers);
 *       Kafka Streams hands each to the clients it concerns;
 *   <li>the settings that have their own {@code redunet.*} key: {@code application.id}, {@code
 *       bootstrap.servers}, {@code processing.guarantee} ({@code exactly_once_v2} by default),
 *       {@code replication.factor} of internal topics, {@code state.dir}.
 * </ol>
 *
 * <p>Sizes: the producer's {@code max.request.size} is raised to the largest record the application
 * may write, the maximum of the rejected topic's limit ({@code redunet.max.record.bytes} + 256
 * KiB), the features limit ({@link #featuresMaxBytes}), and {@code
 * redunet.model.max.message.bytes}; a larger {@code kafka.max.request.size} is kept. {@code
 * buffer.memory} is raised to hold at least one such record. The main and global consumers fetch up
 * to {@value #PARTITION_FETCH_BYTES} bytes per partition unless {@code
 * kafka.[main.|global.]consumer.max.partition.fetch.bytes} or {@code
 * kafka.max.partition.fetch.bytes} is given.
 */
public final class StreamsProperties {

  /** Kafka's default {@code max.message.bytes} of a topic (1 MiB + 12 bytes of overhead). */
  public static final int KAFKA_DEFAULT_MAX_MESSAGE_BYTES = 1_048_588;

  /**
   * Applies the processing exception handler to global store processors too (Kafka 4.x; its
   * constant is deprecated because it becomes the default, and goes away, in Kafka 5.0).
   */
  static final String PROCESSING_HANDLER_GLOBAL = "processing.exception.handler.global.enabled";

  private static final long DEFAULT_BUFFER_MEMORY = 32L * 1024 * 1024;

  /**
   * The consumers' {@code max.partition.fetch.bytes} unless set: 16 MiB rather than Kafka's 1 MiB,
   * so that one fetch brings the builder a window's deltas (hundreds of KiB each) and an instance a
   * model version, instead of three records. Measured with {@code StreamingBenchmark}: at 1 MiB the
   * builder fell a third of the stream behind the scorers sharing its thread.
   */
  static final int PARTITION_FETCH_BYTES = 16 * 1024 * 1024;

  /**
   * {@code num.stream.threads} unless {@code kafka.num.stream.threads} is given: 2 rather than
   * Kafka's 1, so that the builder's task and a scoring task run on different threads and commit
   * separate transactions. On one thread the scorer's predictions wait for the builder's version
   * (megabytes) to be installed and committed, and the builder for the scorer's commits: {@code
   * StreamingBenchmark --samples 40000 --rounds 3}, consistent scoring 0.40–0.42 of the
   * pass-through rate on one thread against 0.54–0.59 on two (docs/PERFORMANCE.md).
   */
  static final int DEFAULT_STREAM_THREADS = 2;

  private StreamsProperties() {}

  /**
   * The settings of an admin client that reaches the cluster as the application does (its {@code
   * kafka.*} security and client settings, {@code admin.}-prefixed ones included).
   *
   * @param clientId the admin client's {@code client.id}
   */
  public static Map<String, Object> adminSettings(
      AppConfig config, IngressMetrics metrics, String clientId) {
    return new StreamsConfig(of(config, metrics), false) {}.getAdminConfigs(clientId);
  }

  /**
   * The properties for {@code new KafkaStreams(RedunetTopology.build(config, plugin, metrics),
   * StreamsProperties.of(config, metrics))}.
   *
   * @param metrics the counters the exception handlers report to (the topology's)
   * @throws ConfigException if {@code redunet.bootstrap.servers} is unset
   */
  public static Properties of(AppConfig config, IngressMetrics metrics) {
    Properties p = new Properties();
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        RedunetExceptionHandlers.Processing.class.getName());
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        RedunetExceptionHandlers.Production.class.getName());
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        RedunetExceptionHandlers.Deserialization.class.getName());
    p.put(PROCESSING_HANDLER_GLOBAL, "true");
    // Kafka Streams' partition assignor rebuilds a StreamsConfig from the main consumer's settings
    // and would warn that the setting is missing: hand it to the main consumer too.
    p.put(StreamsConfig.mainConsumerPrefix(PROCESSING_HANDLER_GLOBAL), "true");

    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.toString(DEFAULT_STREAM_THREADS));
    Map<String, String> passThrough = config.kafkaProperties();
    p.putAll(passThrough);

    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.text(ConfigKeys.APPLICATION_ID));
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.text(ConfigKeys.BOOTSTRAP_SERVERS));
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, config.text(ConfigKeys.PROCESSING_GUARANTEE));
    p.put(
        StreamsConfig.REPLICATION_FACTOR_CONFIG,
        Integer.toString(config.integer(ConfigKeys.REPLICATION_FACTOR)));
    config
        .optionalText(ConfigKeys.STATE_DIR)
        .ifPresent(d -> p.put(StreamsConfig.STATE_DIR_CONFIG, d));

    long maxRequest = maxRecordBytes(config);
    String requestKey = StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
    for (String key : new String[] {ProducerConfig.MAX_REQUEST_SIZE_CONFIG, requestKey}) {
      String given = passThrough.get(key);
      if (given != null) {
        maxRequest = Math.max(maxRequest, bytes(key, given));
      }
    }
    p.put(requestKey, Long.toString(maxRequest));
    long buffer = DEFAULT_BUFFER_MEMORY;
    String bufferKey = StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG);
    for (String key : new String[] {ProducerConfig.BUFFER_MEMORY_CONFIG, bufferKey}) {
      String given = passThrough.get(key);
      if (given != null) {
        buffer = bytes(key, given);
      }
    }
    p.put(bufferKey, Long.toString(Math.max(buffer, maxRequest + 1024 * 1024)));

    String fetch = ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG;
    if (!passThrough.containsKey(fetch)
        && !passThrough.containsKey(StreamsConfig.consumerPrefix(fetch))
        && !passThrough.containsKey(StreamsConfig.mainConsumerPrefix(fetch))
        && !passThrough.containsKey(StreamsConfig.globalConsumerPrefix(fetch))) {
      p.put(StreamsConfig.mainConsumerPrefix(fetch), Integer.toString(PARTITION_FETCH_BYTES));
      p.put(StreamsConfig.globalConsumerPrefix(fetch), Integer.toString(PARTITION_FETCH_BYTES));
    }

    long cache = config.longValue(ConfigKeys.ROCKSDB_CACHE_BYTES);
    long writeBuffers = config.longValue(ConfigKeys.ROCKSDB_WRITE_BUFFER_BYTES);
    if (writeBuffers >= cache) {
      throw new ConfigException(
          ConfigKeys.ROCKSDB_WRITE_BUFFER_BYTES.name()
              + "="
              + writeBuffers
              + " must be less than "
              + ConfigKeys.ROCKSDB_CACHE_BYTES.name()
              + "="
              + cache
              + ": the memtables are held in the shared block cache");
    }
    p.putIfAbsent(
        StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
    p.put(BoundedRocksDbConfig.MEMORY_CONFIG, new BoundedRocksDbConfig.Memory(cache, writeBuffers));
    p.put(
        RedunetExceptionHandlers.CONTEXT_CONFIG,
        new RedunetExceptionHandlers.Context(
            RedunetTopics.of(config).rejected(),
            RedunetTopics.of(config).samples(),
            config.integer(ConfigKeys.MAX_RECORD_BYTES),
            metrics,
            OutputSerdes.of(config).rejected().serializer()));
    return p;
  }

  /**
   * How {@code KafkaStreams.close} should leave the consumer group: {@code LEAVE_GROUP}, unless a
   * {@code group.instance.id} is configured (static membership, whose point is to stay in the group
   * across a restart; then {@code REMAIN_IN_GROUP}).
   *
   * <p>Kafka Streams' own default keeps a stopping thread in the group until its {@code
   * session.timeout.ms} (45 s) passes. A thread that is still joining when the others stop then
   * cannot finish its rebalance without them, and Kafka Streams keeps it polling until the
   * rebalance completes, so {@code close} waited for that session timeout whenever it came before
   * every thread had its first assignment (seen with two stream threads; {@code StreamsCloseIT}).
   * Leaving at once also hands a stopped instance's partitions to the others without waiting for
   * the session timeout.
   */
  public static CloseOptions.GroupMembershipOperation membershipOnClose(AppConfig config) {
    for (String key : config.kafkaProperties().keySet()) {
      if (key.equals(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)
          || key.endsWith("." + ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)) {
        return CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP;
      }
    }
    return CloseOptions.GroupMembershipOperation.LEAVE_GROUP;
  }

  /**
   * The options for closing the application's {@code KafkaStreams}: wait up to {@code timeout}, and
   * leave the group as {@link #membershipOnClose} says.
   */
  public static CloseOptions closeOptions(AppConfig config, Duration timeout) {
    return CloseOptions.timeout(timeout).withGroupMembershipOperation(membershipOnClose(config));
  }

  private static long bytes(String key, String value) {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(AppConfig.KAFKA_PREFIX + key, value, "a number of bytes");
    }
  }

  /**
   * The largest output record the application writes: max(rejected limit, features limit, model
   * limit); see the class comment.
   */
  public static long maxRecordBytes(AppConfig config) {
    return Math.max(
        rejectedMaxBytes(config),
        Math.max(featuresMaxBytes(config), config.integer(ConfigKeys.MODEL_MAX_MESSAGE_BYTES)));
  }

  /** {@code max.message.bytes} of the rejected topic: the record limit + 256 KiB. */
  public static int rejectedMaxBytes(AppConfig config) {
    return config.integer(ConfigKeys.MAX_RECORD_BYTES) + Rejections.HEADROOM_BYTES;
  }

  /**
   * {@code max.message.bytes} of the features topic: 4 bytes per value of the largest vector
   * ({@code redunet.max.features}) + 64 KiB for the id, shape and overhead, and at least Kafka's
   * default.
   */
  public static int featuresMaxBytes(AppConfig config) {
    long bytes = 4L * config.integer(ConfigKeys.MAX_FEATURES) + 64 * 1024;
    return (int) Math.max(KAFKA_DEFAULT_MAX_MESSAGE_BYTES, Math.min(bytes, Integer.MAX_VALUE));
  }
}
