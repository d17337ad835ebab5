package dev.redunet.stream.learning;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Rate-limited warnings: at most one line per kind per interval, saying how many of that kind were
 * not logged since the last one. Not thread-safe (one per task).
 */
final class Throttled {

  private final Logger log;
  private final long intervalMs;
  private final Map<String, long[]> kinds = new HashMap<>(); // kind -> {last logged at, suppressed}

  Throttled(Logger log, long intervalMs) {
    this.log = log;
    this.intervalMs = intervalMs;
  }

  /** Logs {@code format} (SLF4J style) unless a warning of this kind was logged recently. */
  void warn(String kind, String format, Object... args) {
    long now = System.currentTimeMillis();
    long[] k = kinds.computeIfAbsent(kind, x -> new long[] {Long.MIN_VALUE, 0});
    if (k[0] != Long.MIN_VALUE && now - k[0] < intervalMs) {
      k[1]++;
      return;
    }
    if (k[1] > 0) {
      log.warn(format + " ({} more like it not logged)", append(args, k[1]));
    } else {
      log.warn(format, args);
    }
    k[0] = now;
    k[1] = 0;
  }

  private static Object[] append(Object[] args, Object last) {
    Object[] out = new Object[args.length + 1];
    System.arraycopy(args, 0, out, 0, args.length);
    out[args.length] = last;
    return out;
  }
}
