package dev.redunet.stream.learning;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input backlog as the cluster sees it: partition p is caught up when the application's
 * committed offset on it (the consumer group {@code application.id}; Kafka Streams commits the next
 * offset to process, past transaction markers) has reached the partition's last stable offset; a
 * partition without a committed offset is caught up when it is empty (earliest = latest offset).
 *
 * <p>One question is two round trips through an {@link Admin} client, asked in order: the committed
 * offsets first, then the end offsets, so that an answer "caught up" means the tasks had processed
 * every record the partition held when the question was asked. Records that come after the answer
 * are an idle partition waking up: they are learned late, as before.
 *
 * <p>When the cluster cannot answer (no permission to describe the group, an unsupported group
 * protocol, a broker down), the answer is "caught up", logged: idleness falls back to wall-clock
 * silence, and learning goes on rather than waiting for ever.
 */
final class GroupOffsetsBacklog implements InputBacklog {

  private static final Logger LOG = LoggerFactory.getLogger(GroupOffsetsBacklog.class);

  private final Supplier<Admin> adminFactory;
  private final String topic;
  private final String group;
  private final long intervalMs;
  private final Throttled warnings = new Throttled(LOG, 60_000);

  private Admin admin;
  private long askedAt = Long.MIN_VALUE / 2;
  private int askedPartitions;
  private KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> committed;
  private Map<TopicPartition, OffsetAndMetadata> committedOffsets;
  private ListOffsetsResult latest;
  private ListOffsetsResult earliest;

  private long answeredAskedAt = Long.MIN_VALUE;
  private String evidence = "no answer yet";
  private boolean[] answer = new boolean[0];

  /**
   * @param adminFactory creates the admin client on first use (closed with this)
   * @param topic the input topic
   * @param group the application's consumer group ({@code application.id})
   * @param intervalMs the least time between two questions
   */
  GroupOffsetsBacklog(Supplier<Admin> adminFactory, String topic, String group, long intervalMs) {
    this.adminFactory = adminFactory;
    this.topic = topic;
    this.group = group;
    this.intervalMs = intervalMs;
  }

  @Override
  public void check(long now, int partitions) {
    try {
      collect();
      if (committed == null && latest == null && now - askedAt >= intervalMs) {
        ask(now, partitions);
      }
    } catch (RuntimeException e) {
      fallBack(e);
    }
  }

  private void ask(long now, int partitions) {
    askedAt = now;
    askedPartitions = partitions;
    if (admin == null) {
      admin = adminFactory.get();
    }
    committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata();
  }

  private void collect() {
    if (committed != null && committed.isDone()) {
      try {
        committedOffsets = committed.get();
      } catch (ExecutionException e) {
        committed = null;
        fallBack(e.getCause());
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      committed = null;
      Map<TopicPartition, OffsetSpec> latestSpec = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
      for (int p = 0; p < askedPartitions; p++) {
        latestSpec.put(new TopicPartition(topic, p), OffsetSpec.latest());
        earliestSpec.put(new TopicPartition(topic, p), OffsetSpec.earliest());
      }
      ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
      latest = admin.listOffsets(latestSpec, committedOnly);
      earliest = admin.listOffsets(earliestSpec, committedOnly);
    }
    if (latest != null && latest.all().isDone() && earliest.all().isDone()) {
      boolean[] caught = new boolean[askedPartitions];
      StringBuilder seen = new StringBuilder();
      for (int p = 0; p < askedPartitions; p++) {
        caught[p] = caughtUp(new TopicPartition(topic, p), seen);
      }
      LOG.debug("input backlog of {} (group {}): {}", topic, group, seen);
      evidence = seen.toString();
      latest = null;
      earliest = null;
      answer = caught;
      answeredAskedAt = askedAt;
    }
  }

  /** From the collected answers, described in {@code seen}; false when the ends are unknown. */
  private boolean caughtUp(TopicPartition tp, StringBuilder seen) {
    long end;
    long start;
    try {
      end = latest.partitionResult(tp).get().offset();
      start = earliest.partitionResult(tp).get().offset();
    } catch (ExecutionException e) {
      warnings.warn(
          "ends", "input partition {}: its end offsets are unknown ({})", tp, e.getCause());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    OffsetAndMetadata at = committedOffsets.get(tp);
    seen.append(seen.length() == 0 ? "" : "; ")
        .append("partition ")
        .append(tp.partition())
        .append(": committed ")
        .append(at == null ? "none" : Long.toString(at.offset()))
        .append(", offsets ")
        .append(start)
        .append(" to ")
        .append(end);
    return at == null ? start >= end : at.offset() >= end;
  }

  private void fallBack(Throwable e) {
    warnings.warn(
        "fallback",
        "cannot tell whether the input partitions of {} are processed to their end (group {}: {});"
            + " a partition silent for redunet.idle.timeout.ms is skipped as idle even if it still"
            + " has records to read",
        topic,
        group,
        e.toString());
    answer = new boolean[askedPartitions];
    java.util.Arrays.fill(answer, true);
    evidence = "the cluster could not answer: " + e;
    answeredAskedAt = askedAt;
    committed = null;
    latest = null;
    earliest = null;
  }

  @Override
  public String evidence() {
    return evidence;
  }

  /** When the question last answered was asked; MIN_VALUE before the first answer. */
  long answeredAskedAt() {
    return answeredAskedAt;
  }

  @Override
  public boolean caughtUp(int partition, long since) {
    return answeredAskedAt >= since && partition < answer.length && answer[partition];
  }

  @Override
  public void close() {
    if (admin != null) {
      admin.close(Duration.ZERO); // on the stream thread, in a rebalance: never wait
    }
  }
}
