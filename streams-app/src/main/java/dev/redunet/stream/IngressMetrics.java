package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * In-JVM counters of the ingress, shared by every stream thread of one application instance and
 * read by the HTTP {@code /metrics} endpoint and the {@code run} command's summary. They count
 * since the instance started (they are not restored on restart; the Kafka Streams sensors of the
 * same events, group {@value IngressSensors#GROUP}, are the per-thread and per-task view).
 *
 * <ul>
 *   <li>{@link #accepted()}: input records that passed validation and were sent to scoring;
 *   <li>{@link #rejected(RejectReason)}: records written to the rejected topic, by reason code
 *       (validation failures, and records whose processing or output failed, see {@code
 *       RedunetExceptionHandlers});
 *   <li>{@link #handlerEvents(Handler)}: how often each exception handler was called;
 *   <li>{@link #droppedOutputs()}: output records that could not be written <em>and</em> could not
 *       be diverted to the rejected topic (each one is logged at ERROR).
 * </ul>
 *
 * Under exactly-once a counter may count a record again when its transaction aborts and the record
 * is processed a second time; the topics never contain it twice.
 *
 * <p>Thread-safe.
 */
public final class IngressMetrics {

  /** The exception handlers that report here. */
  public enum Handler {
    /** A processor threw while processing a record. */
    PROCESSING,
    /** An output record could not be serialized or sent. */
    PRODUCTION,
    /** An input record of a typed source could not be deserialized. */
    DESERIALIZATION
  }

  private final LongAdder accepted = new LongAdder();
  private final EnumMap<RejectReason, LongAdder> rejected = new EnumMap<>(RejectReason.class);
  private final EnumMap<Handler, LongAdder> handlers = new EnumMap<>(Handler.class);
  private final LongAdder droppedOutputs = new LongAdder();

  /** All counters at zero. */
  public IngressMetrics() {
    for (RejectReason r : RejectReason.values()) {
      rejected.put(r, new LongAdder());
    }
    for (Handler h : Handler.values()) {
      handlers.put(h, new LongAdder());
    }
  }

  void recordAccepted() {
    accepted.increment();
  }

  public void recordRejected(RejectReason reason) {
    rejected.get(reason).increment();
  }

  void recordHandlerEvent(Handler handler) {
    handlers.get(handler).increment();
  }

  void recordDroppedOutput() {
    droppedOutputs.increment();
  }

  /** Records accepted by validation. */
  public long accepted() {
    return accepted.sum();
  }

  /** Records written to the rejected topic with {@code reason}. */
  public long rejected(RejectReason reason) {
    return rejected.get(reason).sum();
  }

  /** Records written to the rejected topic, all reasons. */
  public long rejectedTotal() {
    long sum = 0;
    for (LongAdder a : rejected.values()) {
      sum += a.sum();
    }
    return sum;
  }

  /** Calls of one exception handler. */
  public long handlerEvents(Handler handler) {
    return handlers.get(handler).sum();
  }

  /** Output records lost because neither they nor a rejected record could be written. */
  public long droppedOutputs() {
    return droppedOutputs.sum();
  }

  /** A consistent-enough copy of every counter (each read once). */
  public Snapshot snapshot() {
    EnumMap<RejectReason, Long> byReason = new EnumMap<>(RejectReason.class);
    rejected.forEach((r, a) -> byReason.put(r, a.sum()));
    EnumMap<Handler, Long> byHandler = new EnumMap<>(Handler.class);
    handlers.forEach((h, a) -> byHandler.put(h, a.sum()));
    return new Snapshot(accepted.sum(), byReason, byHandler, droppedOutputs.sum());
  }

  /**
   * The counters at one moment.
   *
   * @param accepted records accepted by validation
   * @param rejected records rejected, by reason (every reason present, possibly 0)
   * @param handlerEvents calls of each exception handler (every handler present)
   * @param droppedOutputs output records lost
   */
  public record Snapshot(
      long accepted,
      Map<RejectReason, Long> rejected,
      Map<Handler, Long> handlerEvents,
      long droppedOutputs) {

    public Snapshot {
      rejected = Collections.unmodifiableMap(new EnumMap<>(rejected));
      handlerEvents = Collections.unmodifiableMap(new EnumMap<>(handlerEvents));
    }

    /** Records rejected, all reasons. */
    public long rejectedTotal() {
      return rejected.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
