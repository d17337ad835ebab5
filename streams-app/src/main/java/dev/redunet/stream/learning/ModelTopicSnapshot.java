package dev.redunet.stream.learning;

import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowStatistics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The model topic as the global store would hold it after reading it to its end: every record of
 * one model, the last value per key, tombstones applied (docs/INTERNAL_FORMATS.md, {@link
 * ModelTopicKeys}). For {@code ./redunet model export}, which reads the topic without running the
 * application.
 */
public final class ModelTopicSnapshot {

  private final String modelName;
  private final Map<String, byte[]> records;

  private ModelTopicSnapshot(String modelName, Map<String, byte[]> records) {
    this.modelName = modelName;
    this.records = records;
  }

  /**
   * Reads every committed record of {@code topic} up to its end offsets at the start.
   *
   * @param consumerSettings the Kafka client settings (bootstrap servers and any kafka.* keys)
   * @param topic the model topic
   * @param modelName the model whose records are kept
   * @param timeout how long the whole read may take
   * @throws IllegalStateException if the topic does not exist or cannot be read to its end in time
   */
  public static ModelTopicSnapshot read(
      Map<String, Object> consumerSettings, String topic, String modelName, Duration timeout) {
    Map<String, Object> c = new HashMap<>(consumerSettings);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.remove(ConsumerConfig.GROUP_ID_CONFIG);
    c.putIfAbsent(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 << 20);
    c.putIfAbsent(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
    Map<String, byte[]> records = new HashMap<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + topic + " does not exist");
      }
      List<TopicPartition> parts = new ArrayList<>();
      infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout);
      String prefix = modelName + "/";
      while (true) {
        boolean done = true;
        for (TopicPartition tp : parts) {
          done &= consumer.position(tp, timeout) >= end.get(tp);
        }
        if (done) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() != null && (r.key().equals(modelName) || r.key().startsWith(prefix))) {
            if (r.value() == null) {
              records.remove(r.key());
            } else {
              records.put(r.key(), r.value());
            }
          }
        }
      }
    }
    return new ModelTopicSnapshot(modelName, records);
  }

  private static final Pattern HEADER = Pattern.compile("/v(\\d+)/header");

  /** The versions whose header is in the topic, oldest first. */
  public List<Long> versions() {
    TreeSet<Long> out = new TreeSet<>();
    for (String key : records.keySet()) {
      if (key.startsWith(modelName + "/v")) {
        Matcher m = HEADER.matcher(key.substring(modelName.length()));
        if (m.matches()) {
          out.add(Long.parseLong(m.group(1)));
        }
      }
    }
    return new ArrayList<>(out);
  }

  /** The newest version, if any. */
  public OptionalLong latestVersion() {
    List<Long> v = versions();
    return v.isEmpty() ? OptionalLong.empty() : OptionalLong.of(v.get(v.size() - 1));
  }

  /** Version {@code version}, if all of its parts are in the topic. */
  public Optional<LearningPlugin.Loaded> version(long version) {
    return LearningPlugin.model(new MapStore(records), modelName, version);
  }

  /** The statistics published with {@code model} (a version of this snapshot), if any. */
  public Optional<WindowStatistics> statistics(StreamingModel model) {
    return LearningPlugin.statistics(new MapStore(records), modelName, model);
  }

  /**
   * A read-only store over the snapshot's records: {@code get} only, as {@link ModelCache} uses.
   */
  private record MapStore(Map<String, byte[]> records)
      implements ReadOnlyKeyValueStore<String, byte[]> {
    @Override
    public byte[] get(String key) {
      return records.get(key);
    }

    @Override
    public KeyValueIterator<String, byte[]> range(String from, String to) {
      throw new UnsupportedOperationException("range");
    }

    @Override
    public KeyValueIterator<String, byte[]> all() {
      throw new UnsupportedOperationException("all");
    }

    @Override
    public long approximateNumEntries() {
      return records.size();
    }
  }

  /** The number of records kept (for messages). */
  public int size() {
    return records.size();
  }
}
