package dev.redunet.stream.learning;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The learning records the scoring tasks of this application instance send, handed at once to the
 * builder task of the same instance, before they reach it through the learning topic (a commit of
 * the scoring task's transaction and a fetch later: 100–200 ms under exactly-once). The other
 * direction of {@link LocalVersions}.
 *
 * <p>Taking a record before the scoring task's transaction commits keeps the determinism of
 * consistent scoring (DETERMINISM.md, docs/PERFORMANCE.md): a scoring task sends, for its
 * partition, a sequence of records that is a function of the partition's contents (the keys, the
 * samples and their order), so a task that crashes before its commit, or a zombie whose commit is
 * fenced, sends the same records again from its committed position. The builder therefore needs
 * only to take each record once and to never skip one: every record carries the key of the record
 * its task sent before it ({@link Handed#previous}), the builder applies a handed record only when
 * that is the last key it has of the partition, keeps the others aside until the learning topic
 * brings the ones before them, and drops a record from either path whose key it already has.
 *
 * <p>Thread-safe: written by the scoring tasks' threads, read by the builder's. Bounded: records
 * are handed only while a builder is attached, and at most {@value #CAPACITY} wait to be taken;
 * past that they go by the topic only.
 */
final class LocalLearningRecords {

  /** Records that may wait to be taken; more are not handed over. */
  static final int CAPACITY = 20_000;

  /**
   * One learning record as its scoring task sent it.
   *
   * @param partition the input partition of the task that sent it
   * @param previous the key of the record that task sent before it, null for the first record of
   *     the task's run (which is taken from the topic only)
   * @param key the record's key ({@link StreamKey}); for a progress record, the key it reports
   * @param body the record's body ({@code LearningSample} or {@code PartitionProgress})
   * @param value the record's value as sent to the learning topic
   */
  @SuppressWarnings("ArrayRecordComponent") // the sent bytes, never changed nor compared
  record Handed(int partition, String previous, String key, Object body, byte[] value) {}

  private final Queue<Handed> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicInteger builders = new AtomicInteger();

  /** A builder task of this instance started taking records. */
  void attach() {
    builders.incrementAndGet();
  }

  /** A builder task of this instance stopped; the records it did not take are dropped. */
  void detach() {
    if (builders.decrementAndGet() == 0) {
      queue.clear();
      size.set(0);
    }
  }

  /**
   * Hands a record to this instance's builder, if one is attached and fewer than {@value #CAPACITY}
   * wait; returns whether it did. Either way the record also goes to the learning topic.
   */
  boolean offer(Handed record) {
    if (builders.get() == 0 || size.get() >= CAPACITY) {
      return false;
    }
    size.incrementAndGet();
    queue.add(record);
    return true;
  }

  /** The records handed since the last call, in the order they were handed. */
  List<Handed> take() {
    if (size.get() == 0) {
      return List.of(); // the builder asks on every record it processes
    }
    List<Handed> out = new ArrayList<>();
    for (Handed h; (h = queue.poll()) != null; ) {
      size.decrementAndGet();
      out.add(h);
    }
    return out;
  }
}
