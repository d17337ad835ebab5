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
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input backlog as the cluster sees it: partition p is caught up when the application's
 * committed offset on it (the consumer group {@code application.id}; Kafka Streams commits the next
 * offset to process, past transaction markers) has reached the partition's last stable offset (a
 * partition without a committed offset: when it is empty, earliest = latest offset), and the
 * builder has consumed the learning topic up to where it ended after that.
 *
 * <p>One question is three round trips through an {@link Admin} client, in order: (1) the group's
 * committed offsets; (2) the input partitions' offsets and the learning topic's last stable offset;
 * (3) the group's committed offsets again, for the learning topic. Under exactly-once a task
 * commits its input offsets and its learning records in one transaction, so (1) ≥ the input's end
 * means the tasks had processed every record the partition held when asked, and (3) ≥ the learning
 * topic's end of (2) means the builder has read what they sent for them: a partition still silent
 * after that had nothing new. (3) is asked again every {@value #REREAD_MS} ms until the builder has
 * read that far, which takes a commit interval while it reads on (heartbeats keep the learning
 * topic moving; under at-least-once, commit.interval.ms is 30 s by default, and idleness waits for
 * it). Records that come after the question are an idle partition waking up: they are learned late,
 * as before.
 *
 * <p>A retriable failure (a timeout on a loaded cluster) is asked again; when the cluster cannot
 * answer at all (no permission to describe the group, an unsupported group protocol), the answer is
 * "caught up", logged: idleness falls back to wall-clock silence, and learning goes on rather than
 * waiting for ever.
 */
final class GroupOffsetsBacklog implements InputBacklog {

  private static final Logger LOG = LoggerFactory.getLogger(GroupOffsetsBacklog.class);

  private final Supplier<Admin> adminFactory;
  private final String topic;
  private final TopicPartition learning;
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
  private KafkaFuture<Map<TopicPartition, OffsetAndMetadata>> committedAfter;
  private long rereadAt;

  /** The least time between two askings of the builder's position within one question. */
  private static final long REREAD_MS = 50;

  private long answeredAskedAt = Long.MIN_VALUE;
  private String evidence = "no answer yet";
  private boolean[] answer = new boolean[0];

  /**
   * @param adminFactory creates the admin client on first use (closed with this)
   * @param topic the input topic
   * @param learningTopic the learning topic (one partition), read by the builder
   * @param group the application's consumer group ({@code application.id})
   * @param intervalMs the least time between two questions
   */
  GroupOffsetsBacklog(
      Supplier<Admin> adminFactory,
      String topic,
      String learningTopic,
      String group,
      long intervalMs) {
    this.adminFactory = adminFactory;
    this.topic = topic;
    this.learning = new TopicPartition(learningTopic, 0);
    this.group = group;
    this.intervalMs = intervalMs;
  }

  @Override
  public void check(long now, int partitions) {
    try {
      collect(now);
      if (committed == null
          && latest == null
          && committedAfter == null
          && now - askedAt >= intervalMs) {
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

  private void collect(long now) {
    if (committed != null && committed.isDone()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = result(committed);
      committed = null;
      if (offsets == null) {
        return;
      }
      committedOffsets = offsets;
      Map<TopicPartition, OffsetSpec> latestSpec = new HashMap<>();
      Map<TopicPartition, OffsetSpec> earliestSpec = new HashMap<>();
      for (int p = 0; p < askedPartitions; p++) {
        latestSpec.put(new TopicPartition(topic, p), OffsetSpec.latest());
        earliestSpec.put(new TopicPartition(topic, p), OffsetSpec.earliest());
      }
      latestSpec.put(learning, OffsetSpec.latest());
      ListOffsetsOptions committedOnly = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
      latest = admin.listOffsets(latestSpec, committedOnly);
      earliest = admin.listOffsets(earliestSpec, committedOnly);
    }
    if (latest != null
        && committedAfter == null
        && now >= rereadAt
        && latest.all().isDone()
        && earliest.all().isDone()) {
      committedAfter = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata();
    }
    if (committedAfter != null && committedAfter.isDone()) {
      Map<TopicPartition, OffsetAndMetadata> after = result(committedAfter);
      committedAfter = null;
      if (after == null) {
        latest = null;
        earliest = null;
        return;
      }
      StringBuilder seen = new StringBuilder();
      boolean builderRead = builderRead(after, seen);
      boolean[] caught = new boolean[askedPartitions];
      boolean anyProcessed = false;
      for (int p = 0; p < askedPartitions; p++) {
        caught[p] = caughtUp(new TopicPartition(topic, p), seen);
        anyProcessed |= caught[p];
      }
      if (!builderRead && anyProcessed) {
        // The tasks are through, the builder reads on: ask for its position again (it commits
        // every commit interval) rather than answer "not caught up" while heartbeats keep coming.
        evidence = seen + "; waiting for the builder";
        rereadAt = now + REREAD_MS;
        return;
      }
      for (int p = 0; p < askedPartitions; p++) {
        caught[p] &= builderRead;
      }
      LOG.debug("input backlog of {} (group {}): {}", topic, group, seen);
      evidence = seen.toString();
      latest = null;
      earliest = null;
      answer = caught;
      answeredAskedAt = askedAt;
    }
  }

  /**
   * The value of a completed future; null after a failure: a retriable one (a timeout) is logged
   * and asked again later, any other falls back to silence alone.
   */
  private <T> T result(KafkaFuture<T> future) {
    try {
      return future.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RetriableException) {
        warnings.warn(
            "retry",
            "cannot tell yet whether the input partitions of {} are processed to their end (group"
                + " {}: {}); asking again",
            topic,
            group,
            e.getCause().toString());
      } else {
        fallBack(e.getCause());
      }
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Whether the builder's committed position on the learning topic has reached its end. */
  private boolean builderRead(Map<TopicPartition, OffsetAndMetadata> after, StringBuilder seen) {
    long end;
    try {
      end = latest.partitionResult(learning).get().offset();
    } catch (ExecutionException e) {
      warnings.warn("learning-end", "{}: its end offset is unknown ({})", learning, e.getCause());
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    OffsetAndMetadata at = after.get(learning);
    seen.append("builder read ")
        .append(at == null ? "none" : Long.toString(at.offset()))
        .append(" of ")
        .append(end)
        .append(" learning records");
    return end >= 0 && (at == null ? end == 0 : at.offset() >= end);
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
    seen.append("; ")
        .append("partition ")
        .append(tp.partition())
        .append(": committed ")
        .append(at == null ? "none" : Long.toString(at.offset()))
        .append(", offsets ")
        .append(start)
        .append(" to ")
        .append(end);
    if (start < 0 || end < 0) {
      return false; // an offset the broker does not know (yet): not an empty partition
    }
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
    committedAfter = null;
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
