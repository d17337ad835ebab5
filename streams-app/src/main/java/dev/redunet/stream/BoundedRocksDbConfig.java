package dev.redunet.stream;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * The {@code rocksdb.config.setter} of the application (installed by {@link StreamsProperties}):
 * bounds the off-heap memory of all RocksDB state stores of the JVM together, as the Kafka Streams
 * memory-management guide describes. Every store uses one shared LRU block cache of {@code
 * redunet.rocksdb.cache.bytes}, which also holds their index and filter blocks (high priority,
 * top-level ones pinned) and, through one shared write-buffer manager, their memtables, up to
 * {@code redunet.rocksdb.write.buffer.bytes} of it. Without it every store (one per scoring task,
 * the builder's, and their standbys) gets its own 50 MiB cache and 3 × 16 MiB of memtables, and the
 * total grows with the number of tasks.
 *
 * <p>The sizes come from the Streams property {@value #MEMORY_CONFIG} (a {@link Memory}); without
 * it, {@link Memory#DEFAULT}. The cache and the manager live as long as the JVM and are shared by
 * every Kafka Streams client in it that has the same sizes.
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {

  /** Streams property holding the {@link Memory} of the stores. */
  public static final String MEMORY_CONFIG = "redunet.rocksdb.memory";

  /** Share of the cache kept for index and filter blocks (high-priority pool). */
  static final double INDEX_FILTER_RATIO = 0.1;

  private static final Map<Memory, Shared> SHARED = new ConcurrentHashMap<>();

  /**
   * The memory of all stores.
   *
   * @param cacheBytes the shared block cache, memtables included
   * @param writeBufferBytes the part of it the memtables may take
   */
  public record Memory(long cacheBytes, long writeBufferBytes) {

    /** 256 MiB in all, 64 MiB of it for memtables (the configuration keys' defaults). */
    public static final Memory DEFAULT = new Memory(256L << 20, 64L << 20);

    public Memory {
      if (cacheBytes <= 0 || writeBufferBytes <= 0 || writeBufferBytes >= cacheBytes) {
        throw new IllegalArgumentException(
            "need 0 < write buffer bytes < cache bytes, got "
                + writeBufferBytes
                + " and "
                + cacheBytes);
      }
    }
  }

  /** The cache and the write-buffer manager of one {@link Memory}. */
  record Shared(Cache cache, WriteBufferManager writeBuffers) {}

  /** The cache and manager every store with these sizes uses (created on first use). */
  static Shared shared(Memory memory) {
    RocksDB.loadLibrary(); // once per JVM; a no-op afterwards
    return SHARED.computeIfAbsent(
        memory,
        m -> {
          Cache cache = new LRUCache(m.cacheBytes(), -1, false, INDEX_FILTER_RATIO);
          return new Shared(cache, new WriteBufferManager(m.writeBufferBytes(), cache));
        });
  }

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    Object m = configs.get(MEMORY_CONFIG);
    Shared shared = shared(m instanceof Memory memory ? memory : Memory.DEFAULT);
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    table.setBlockCache(shared.cache());
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setWriteBufferManager(shared.writeBuffers());
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the manager are shared by every store: never closed here.
  }
}
