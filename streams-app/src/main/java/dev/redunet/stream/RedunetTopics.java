package dev.redunet.stream;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import java.util.List;
import java.util.Objects;

/**
 * The names of the application's topics, resolved once from the configuration (each has its own
 * {@code redunet.topic.*} key, else {@code redunet.topic.prefix} + its role).
 *
 * @param samples input samples (Avro single-object or JSON)
 * @param features output: unit-norm features per sample
 * @param predictions output: one prediction per valid sample
 * @param rejected output: every input record that failed validation, with the reason
 * @param model compacted: model versions
 * @param metrics output: per-window prequential metrics
 * @param learning labelled samples and partition progress to the model's builder
 * @param clusters output: the clusters of the unknown ({@code redunet.clusters=on})
 */
public record RedunetTopics(
    String samples,
    String features,
    String predictions,
    String rejected,
    String model,
    String metrics,
    String learning,
    String clusters) {

  public RedunetTopics {
    Objects.requireNonNull(samples, "samples");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(predictions, "predictions");
    Objects.requireNonNull(rejected, "rejected");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(learning, "learning");
    Objects.requireNonNull(clusters, "clusters");
    List<String> all =
        List.of(samples, features, predictions, rejected, model, metrics, learning, clusters);
    if (all.stream().distinct().count() != all.size()) {
      throw new IllegalArgumentException("the topics must have distinct names, got " + all);
    }
  }

  /** The topic names of {@code config}. */
  public static RedunetTopics of(AppConfig config) {
    return new RedunetTopics(
        config.topic(ConfigKeys.TOPIC_SAMPLES),
        config.topic(ConfigKeys.TOPIC_FEATURES),
        config.topic(ConfigKeys.TOPIC_PREDICTIONS),
        config.topic(ConfigKeys.TOPIC_REJECTED),
        config.topic(ConfigKeys.TOPIC_MODEL),
        config.topic(ConfigKeys.TOPIC_METRICS),
        config.topic(ConfigKeys.TOPIC_LEARNING),
        config.topic(ConfigKeys.TOPIC_CLUSTERS));
  }

  /** All names, inputs first. */
  public List<String> all() {
    return List.of(samples, features, predictions, rejected, model, metrics, learning, clusters);
  }
}
