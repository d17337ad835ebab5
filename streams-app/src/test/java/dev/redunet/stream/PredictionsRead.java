package dev.redunet.stream;

import dev.redunet.avro.Prediction;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The committed predictions of a run (read_committed), every one of them, by sample id: what the
 * determinism tests compare.
 */
final class PredictionsRead {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PredictionsRead.class);

  /** What a prediction says that must not depend on timing. */
  record Outcome(long version, String label) {
    static Outcome of(Prediction p) {
      return new Outcome(p.getModelVersion(), p.getPredictedLabel());
    }
  }

  /** Every prediction read, by id (more than one per id is a duplicate). */
  final Map<String, List<Prediction>> byId = new HashMap<>();

  private PredictionsRead() {}

  /**
   * Reads the predictions topic from the beginning until {@code ids} distinct ids are seen (then a
   * second more, to catch duplicates) or {@code timeoutSeconds} pass.
   *
   * @param progress told the number of distinct ids after every poll (may pace a producer)
   */
  static PredictionsRead until(
      KafkaCluster kafka,
      String topic,
      int partitions,
      int ids,
      long timeoutSeconds,
      IntConsumer progress) {
    PredictionsRead read = new PredictionsRead();
    AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            kafka.consumerConfig(kafka.uniqueName("read")),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      long extraUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, extraUntil)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Prediction p = codec.decode(r.value());
          read.byId.computeIfAbsent(p.getSampleId(), k -> new ArrayList<>()).add(p);
        }
        progress.accept(read.byId.size());
        if (read.byId.size() >= ids && extraUntil == Long.MAX_VALUE) {
          extraUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        }
      }
    }
    if (read.byId.size() < ids) {
      dumpApplicationThreads(read.byId.size(), ids);
      dumpTopicsAndTransactions(kafka, topic);
    }
    return read;
  }

  /** On a timeout, the stacks of the application's threads, to see where it stands. */
  private static void dumpApplicationThreads(int got, int wanted) {
    StringBuilder dump = new StringBuilder();
    Thread.getAllStackTraces()
        .forEach(
            (t, stack) -> {
              String name = t.getName();
              if (name.contains("StreamThread")
                  || name.contains("GlobalStreamThread")
                  || name.contains("kafka-producer")
                  || name.contains("main")
                  || name.startsWith("redunet-")) {
                dump.append('"').append(name).append("\" ").append(t.getState()).append('\n');
                for (StackTraceElement e : stack) {
                  dump.append("    at ").append(e).append('\n');
                }
              }
            });
    LOG.error(
        "only {} of {} predictions; the application's threads ({} threads in the JVM):\n{}",
        got,
        wanted,
        Thread.getAllStackTraces().size(),
        dump);
  }

  /**
   * On a timeout, what the broker holds for the application whose predictions topic is {@code
   * predictions} (its topics share the prefix before {@code predictions}): per partition the end
   * offset and the last stable offset (a read_committed reader stops there: an open transaction
   * holds it back), the open transactions, and the application's committed offsets.
   */
  private static void dumpTopicsAndTransactions(KafkaCluster kafka, String predictions) {
    String prefix = predictions.substring(0, predictions.lastIndexOf("predictions"));
    StringBuilder dump = new StringBuilder();
    try (Admin admin = kafka.admin()) {
      List<TopicPartition> tps = new ArrayList<>();
      for (var d :
          admin
              .describeTopics(
                  admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                      .filter(t -> t.startsWith(prefix))
                      .toList())
              .allTopicNames()
              .get(30, TimeUnit.SECONDS)
              .values()) {
        d.partitions().forEach(pi -> tps.add(new TopicPartition(d.name(), pi.partition())));
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      tps.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
      var end = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
      var stable =
          admin
              .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
              .all()
              .get(30, TimeUnit.SECONDS);
      tps.stream()
          .sorted(java.util.Comparator.comparing(TopicPartition::toString))
          .forEach(
              tp ->
                  dump.append("  ")
                      .append(tp)
                      .append(": end ")
                      .append(end.get(tp).offset())
                      .append(", last stable ")
                      .append(stable.get(tp).offset())
                      .append('\n'));
      for (var t : admin.listTransactions().all().get(30, TimeUnit.SECONDS)) {
        if (t.state() != org.apache.kafka.clients.admin.TransactionState.COMPLETE_COMMIT
            && t.state() != org.apache.kafka.clients.admin.TransactionState.COMPLETE_ABORT
            && t.state() != org.apache.kafka.clients.admin.TransactionState.EMPTY) {
          dump.append("  transaction ")
              .append(t.transactionalId())
              .append(": ")
              .append(t.state())
              .append('\n');
        }
      }
      for (var g : admin.listGroups().all().get(30, TimeUnit.SECONDS)) {
        if (g.groupId().startsWith(prefix)) {
          admin
              .listConsumerGroupOffsets(g.groupId())
              .partitionsToOffsetAndMetadata()
              .get(30, TimeUnit.SECONDS)
              .forEach(
                  (tp, om) ->
                      dump.append("  group ")
                          .append(g.groupId())
                          .append(" committed ")
                          .append(tp)
                          .append(" = ")
                          .append(om == null ? "none" : om.offset())
                          .append('\n'));
        }
      }
    } catch (Exception e) {
      dump.append("  (could not read: ").append(e).append(")\n");
    }
    LOG.error("the broker's view of {}*:\n{}", prefix, dump);
  }

  /** The one outcome per id (fails on a duplicate). */
  Map<String, Outcome> outcomes() {
    Map<String, Outcome> out = new HashMap<>();
    byId.forEach(
        (id, ps) -> {
          if (ps.size() != 1) {
            throw new AssertionError(ps.size() + " predictions of sample " + id + ": " + ps);
          }
          out.put(id, Outcome.of(ps.get(0)));
        });
    return out;
  }

  /** The ids whose outcomes differ between two runs, or that one of them lacks. */
  static List<String> differences(Map<String, Outcome> a, Map<String, Outcome> b) {
    List<String> diff = new ArrayList<>();
    a.forEach(
        (id, o) -> {
          if (!Objects.equals(o, b.get(id))) {
            diff.add(id + ": " + o + " vs " + b.get(id));
          }
        });
    b.keySet().stream().filter(id -> !a.containsKey(id)).forEach(id -> diff.add(id + ": missing"));
    return diff;
  }
}
