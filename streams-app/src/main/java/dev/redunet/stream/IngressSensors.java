package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.StreamsMetrics;

/**
 * The Kafka Streams metrics of the parse-and-validate processor of one task, registered through
 * {@link StreamsMetrics#addRateTotalSensor} (recording level INFO, so always on), in the group
 * {@value #GROUP}:
 *
 * <ul>
 *   <li>{@code accepted-rate}, {@code accepted-total}: valid samples, tags {@code thread-id},
 *       {@code redunet-ingress-id} = the task id, {@code task-id};
 *   <li>{@code rejected-rate}, {@code rejected-total}: rejected records, one pair per reason, tags
 *       {@code thread-id}, {@code redunet-ingress-id} = task id + "." + reason, {@code task-id},
 *       {@code reason} (the {@code RejectReason} symbol).
 * </ul>
 *
 * Kafka Streams names a custom sensor by thread, entity and operation, not by its tags, so the
 * entity carries the reason to give each reason its own sensor. The sensors are removed when the
 * task closes.
 */
final class IngressSensors {

  /** Scope of the sensors; the metric group is {@code stream-<scope>-metrics}. */
  static final String SCOPE = "redunet-ingress";

  /** The metric group of the sensors. */
  static final String GROUP = "stream-" + SCOPE + "-metrics";

  private final StreamsMetrics metrics;
  private final Sensor accepted;
  private final EnumMap<RejectReason, Sensor> rejected = new EnumMap<>(RejectReason.class);

  IngressSensors(StreamsMetrics metrics, String taskId) {
    this.metrics = metrics;
    this.accepted =
        metrics.addRateTotalSensor(
            SCOPE, taskId, "accepted", Sensor.RecordingLevel.INFO, "task-id", taskId);
    for (RejectReason reason : RejectReason.values()) {
      rejected.put(
          reason,
          metrics.addRateTotalSensor(
              SCOPE,
              taskId + "." + reason.name().toLowerCase(Locale.ROOT),
              "rejected",
              Sensor.RecordingLevel.INFO,
              "task-id",
              taskId,
              "reason",
              reason.name()));
    }
  }

  void accepted() {
    accepted.record();
  }

  void rejected(RejectReason reason) {
    rejected.get(reason).record();
  }

  void close() {
    List<Sensor> all = new ArrayList<>(rejected.values());
    all.add(accepted);
    for (Sensor s : all) {
      metrics.removeSensor(s);
    }
  }
}
