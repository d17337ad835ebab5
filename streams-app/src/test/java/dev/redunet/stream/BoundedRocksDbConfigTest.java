package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

/**
 * The RocksDB stores of the application share one block cache, which holds their memtables too: the
 * setter installs the shared cache and write-buffer manager of the configured sizes, and a real
 * RocksDB store written through Kafka Streams charges that very cache.
 */
class BoundedRocksDbConfigTest {

  @TempDir Path stateDir;

  private static AppConfig config(Map<String, String> settings) {
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent("redunet.bootstrap.servers", "broker:9092");
    return AppConfig.of(all);
  }

  @Test
  void theApplicationsPropertiesInstallTheSetterWithTheConfiguredSizes() {
    Properties p = StreamsProperties.of(config(Map.of()), new IngressMetrics());
    assertThat(p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo(BoundedRocksDbConfig.class.getName());
    assertThat(p.get(BoundedRocksDbConfig.MEMORY_CONFIG))
        .isEqualTo(BoundedRocksDbConfig.Memory.DEFAULT)
        .isEqualTo(new BoundedRocksDbConfig.Memory(256L << 20, 64L << 20));
    Properties sized =
        StreamsProperties.of(
            config(
                Map.of(
                    "redunet.rocksdb.cache.bytes", "536870912",
                    "redunet.rocksdb.write.buffer.bytes", "134217728")),
            new IngressMetrics());
    assertThat(sized.get(BoundedRocksDbConfig.MEMORY_CONFIG))
        .isEqualTo(new BoundedRocksDbConfig.Memory(512L << 20, 128L << 20));
  }

  @Test
  void anotherSetterGivenAsAKafkaSettingIsKept() {
    Properties p =
        StreamsProperties.of(
            config(Map.of("kafka.rocksdb.config.setter", "com.example.MySetter")),
            new IngressMetrics());
    assertThat(p.get(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG))
        .isEqualTo("com.example.MySetter");
  }

  @Test
  void writeBuffersAsLargeAsTheCacheAreAConfigurationError() {
    assertThatThrownBy(
            () ->
                StreamsProperties.of(
                    config(
                        Map.of(
                            "redunet.rocksdb.cache.bytes", "67108864",
                            "redunet.rocksdb.write.buffer.bytes", "67108864")),
                    new IngressMetrics()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "redunet.rocksdb.write.buffer.bytes=67108864 must be less than"
                + " redunet.rocksdb.cache.bytes=67108864");
    assertThatThrownBy(() -> config(Map.of("redunet.rocksdb.cache.bytes", "1000")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redunet.rocksdb.cache.bytes");
  }

  @Test
  void everyStoreGetsTheOneSharedCacheAndWriteBufferManager() {
    BoundedRocksDbConfig.Memory memory =
        new BoundedRocksDbConfig.Memory(24L << 20, 6L << 20); // sizes no other test uses
    BoundedRocksDbConfig setter = new BoundedRocksDbConfig();
    Map<String, Object> configs = Map.of(BoundedRocksDbConfig.MEMORY_CONFIG, memory);
    try (Options a = new Options().setTableFormatConfig(new BlockBasedTableConfig());
        Options b = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
      setter.setConfig("store-a", a, configs);
      setter.setConfig("store-b", b, configs);
      BoundedRocksDbConfig.Shared shared = BoundedRocksDbConfig.shared(memory);
      assertThat(a.writeBufferManager()).isSameAs(shared.writeBuffers());
      assertThat(b.writeBufferManager()).isSameAs(shared.writeBuffers());
      BlockBasedTableConfig table = (BlockBasedTableConfig) a.tableFormatConfig();
      assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
      assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
      setter.close("store-a", a);
      assertThat(BoundedRocksDbConfig.shared(memory)).isSameAs(shared);
    }
  }

  /**
   * A persistent store of Kafka Streams, written with 24 MiB of values (more than the write-buffer
   * budget, so memtables fill and are flushed), charges its memtables to the shared cache of the
   * configured size (nothing else uses that cache), and stays within it.
   */
  @Test
  void aRealStoreChargesItsMemtablesToTheSharedCache() {
    BoundedRocksDbConfig.Memory memory = new BoundedRocksDbConfig.Memory(32L << 20, 8L << 20);
    BoundedRocksDbConfig.Shared shared = BoundedRocksDbConfig.shared(memory);
    long before = shared.cache().getUsage();
    Topology topology = new Topology();
    topology.addSource(
        "in", Serdes.String().deserializer(), Serdes.ByteArray().deserializer(), "in");
    topology.addProcessor(
        "put",
        () ->
            new Processor<String, byte[], Void, Void>() {
              private KeyValueStore<String, byte[]> store;

              @Override
              public void init(
                  org.apache.kafka.streams.processor.api.ProcessorContext<Void, Void> context) {
                store = context.getStateStore("bounded");
              }

              @Override
              public void process(Record<String, byte[]> record) {
                store.put(record.key(), record.value());
              }
            },
        "in");
    topology.addStateStore(
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore("bounded"), Serdes.String(), Serdes.ByteArray())
            .withCachingDisabled(),
        "put");
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, "bounded-rocksdb");
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfig.class.getName());
    p.put(BoundedRocksDbConfig.MEMORY_CONFIG, memory);
    try (TopologyTestDriver driver = new TopologyTestDriver(topology, p)) {
      TestInputTopic<String, byte[]> in =
          driver.createInputTopic(
              "in", Serdes.String().serializer(), Serdes.ByteArray().serializer());
      Random random = new Random(5);
      byte[] value = new byte[4096];
      for (int i = 0; i < 6144; i++) {
        random.nextBytes(value);
        in.pipeInput("k" + i, value.clone());
      }
      long used = shared.cache().getUsage() - before;
      assertThat(used)
          .as("memtable memory charged to the shared cache")
          .isGreaterThan(1L << 20)
          .isLessThanOrEqualTo(memory.cacheBytes());
    }
  }
}
