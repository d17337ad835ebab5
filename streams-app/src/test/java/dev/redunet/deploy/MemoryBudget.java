package dev.redunet.deploy;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The memory of one instance, item by item, from its JVM options and RocksDB settings, as
 * deploy/SCALING.md adds it up against the container's limit. The JVM options give the hard caps
 * (heap, metaspace, code cache, direct buffers, stack size); the rest are allowances stated here
 * and in SCALING.md.
 */
public final class MemoryBudget {
  private MemoryBudget() {}

  /** Threads assumed for the stacks (the deployment IT checks a running instance's peak). */
  public static final int THREADS = 100;

  /** GC and JIT data structures, symbol tables, class data, in MiB. */
  public static final long JVM_INTERNAL_MIB = 150;

  /** Native memory outside the caps: RocksDB's per-store structures, glibc arenas, in MiB. */
  public static final long NATIVE_OTHER_MIB = 192;

  private static final Pattern SIZE = Pattern.compile("([0-9]+)([kKmMgG]?)");

  /** A JVM size ({@code 2g}, {@code 192m}, {@code 262144}) in bytes. */
  static long bytes(String size) {
    Matcher m = SIZE.matcher(size);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a JVM size: " + size);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      default -> n;
    };
  }

  /** The value of a JVM option ({@code -Xmx}, {@code -XX:MaxMetaspaceSize=}), or an error. */
  static long option(String javaOpts, String prefix) {
    long value = -1;
    for (String word : javaOpts.trim().split("\\s+", -1)) {
      if (word.startsWith(prefix)) {
        value = bytes(word.substring(prefix.length())); // the last one wins, as in the JVM
      }
    }
    if (value < 0) {
      throw new AssertionError("the JVM options do not set " + prefix + ": " + javaOpts);
    }
    return value;
  }

  /**
   * The items in MiB, in SCALING.md's order, and their total under "total".
   *
   * @param javaOpts REDUNET_JAVA_OPTS
   * @param rocksDbCacheBytes redunet.rocksdb.cache.bytes (memtables included)
   */
  public static Map<String, Long> items(String javaOpts, long rocksDbCacheBytes) {
    Map<String, Long> items = new LinkedHashMap<>();
    items.put("heap (-Xmx)", option(javaOpts, "-Xmx") >> 20);
    items.put("RocksDB block cache and memtables", rocksDbCacheBytes >> 20);
    items.put("metaspace (-XX:MaxMetaspaceSize)", option(javaOpts, "-XX:MaxMetaspaceSize=") >> 20);
    items.put(
        "code cache (-XX:ReservedCodeCacheSize)",
        option(javaOpts, "-XX:ReservedCodeCacheSize=") >> 20);
    items.put(
        "direct buffers (-XX:MaxDirectMemorySize)",
        option(javaOpts, "-XX:MaxDirectMemorySize=") >> 20);
    items.put("thread stacks (" + THREADS + " × -Xss)", (THREADS * option(javaOpts, "-Xss")) >> 20);
    items.put("GC, JIT, symbols, class data", JVM_INTERNAL_MIB);
    items.put("other native memory (RocksDB structures, malloc arenas)", NATIVE_OTHER_MIB);
    items.put("total", items.values().stream().mapToLong(Long::longValue).sum());
    return items;
  }

  /** A Kubernetes memory quantity ({@code 4Gi}, {@code 512Mi}) in MiB. */
  public static long kubernetesMib(String quantity) {
    Matcher m = Pattern.compile("([0-9]+)(Mi|Gi)").matcher(quantity.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a Mi/Gi quantity: " + quantity);
    }
    long n = Long.parseLong(m.group(1));
    return m.group(2).equals("Gi") ? n << 10 : n;
  }
}
