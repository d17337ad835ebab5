package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs rejected records: every one at DEBUG (topic, partition, offset, reason, message), and at
 * most one WARN per {@link #interval()} summarising the rejections since the previous WARN (counts
 * per reason and the latest example), so that a flood of bad input cannot flood the log. The first
 * rejection is reported at once.
 *
 * <p>Thread-safe; one instance is shared by all tasks of a topology.
 */
final class RejectionLog {

  private static final Logger LOG = LoggerFactory.getLogger(RejectionLog.class);

  /** Default minimum time between two WARN lines. */
  static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

  private final long intervalNanos;
  private final LongSupplier nanoTime;
  private final EnumMap<RejectReason, Long> pending = new EnumMap<>(RejectReason.class);
  private long lastWarnNanos;
  private boolean warnedOnce;
  private String latest = "";

  RejectionLog() {
    this(DEFAULT_INTERVAL, System::nanoTime);
  }

  RejectionLog(Duration interval, LongSupplier nanoTime) {
    this.intervalNanos = interval.toNanos();
    this.nanoTime = nanoTime;
  }

  Duration interval() {
    return Duration.ofNanos(intervalNanos);
  }

  /** Reports one rejected record. */
  void rejected(String topic, int partition, long offset, RejectReason reason, String message) {
    String where = topic + "-" + partition + "@" + offset;
    LOG.debug("Rejected {}: {} {}", where, reason, message);
    String summary = null;
    synchronized (this) {
      pending.merge(reason, 1L, Long::sum);
      latest = where + " " + reason + ": " + message;
      long now = nanoTime.getAsLong();
      if (!warnedOnce || now - lastWarnNanos >= intervalNanos) {
        summary = summary(warnedOnce);
        warnedOnce = true;
        lastWarnNanos = now;
        pending.clear();
      }
    }
    if (summary != null) {
      LOG.warn(summary);
    }
  }

  private String summary(boolean sincePrevious) {
    long total = pending.values().stream().mapToLong(Long::longValue).sum();
    StringBuilder sb = new StringBuilder();
    sb.append("Rejected ")
        .append(total)
        .append(total == 1 ? " input record" : " input records")
        .append(sincePrevious ? " since the previous report " : " ")
        .append(pending)
        .append("; latest: ")
        .append(latest)
        .append(" (every rejection is in the rejected topic; DEBUG logs each one; next report in")
        .append(" ")
        .append(interval().toSeconds())
        .append(" s at the earliest)");
    return sb.toString();
  }

  /** Counts not yet reported in a WARN line (for tests). */
  synchronized Map<RejectReason, Long> pending() {
    return Map.copyOf(pending);
  }
}
