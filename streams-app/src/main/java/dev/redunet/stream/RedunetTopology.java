package dev.redunet.stream;

import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.config.AppConfig;
import dev.redunet.wire.OutputSerdes;
import java.util.Objects;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * The redunet-streams topology, a pure function of the configuration (and of the scoring plugin):
 *
 * <pre>
 * samples ─► {@value #SOURCE} ─► {@value #VALIDATE} ─┬─► {@value #REJECTED_SINK} ─► rejected
 *                                                 ▼                ▲
 *                                             {@value #SCORE} ─────┤ (samples of another shape)
 *                                                              ├─► {@value #PREDICTIONS_SINK} ─► predictions
 *                                                              └─► {@value #FEATURES_SINK} ─► features
 * </pre>
 *
 * Every node and store has an explicit, stable name (the constants here). Input records are read as
 * bytes and decoded once, in {@link ValidateProcessor}; the outputs (features, predictions,
 * rejected records) are written as {@link OutputSerdes#of(AppConfig)} chooses ({@code
 * redunet.output.format}: Avro single-object encoding by default, or JSON) with the sample id as
 * key (rejected records: the original key). The scoring plugin adds its stores and nodes through
 * {@link ScoringPlugin}. Run it with the properties of {@link StreamsProperties} (exactly-once v2
 * by default, and the exception handlers that divert failures to the rejected topic).
 */
public final class RedunetTopology {

  /** Source of the samples topic (byte[] key and value). */
  public static final String SOURCE = "samples-source";

  /** The parse-and-validate processor. */
  public static final String VALIDATE = "parse-validate";

  /** The scoring processor (runs the plugin's {@link SampleScorer}). */
  public static final String SCORE = "score";

  /** Sink of rejected records (key: original key bytes; value: {@link RejectedRecord}). */
  public static final String REJECTED_SINK = "rejected-sink";

  /** Sink of features (key: sample id; value: {@link Features}). */
  public static final String FEATURES_SINK = "features-sink";

  /** Sink of predictions (key: sample id; value: {@link Prediction}). */
  public static final String PREDICTIONS_SINK = "predictions-sink";

  private RedunetTopology() {}

  /**
   * What a {@link ScoringPlugin} needs to extend the topology.
   *
   * @param config the application configuration
   * @param topics the resolved topic names
   * @param metrics the ingress counters (a scorer that rejects a sample counts it there)
   */
  public record Wiring(AppConfig config, RedunetTopics topics, IngressMetrics metrics) {
    public Wiring {
      Objects.requireNonNull(config, "config");
      Objects.requireNonNull(topics, "topics");
      Objects.requireNonNull(metrics, "metrics");
    }
  }

  /** The topology with the identity scorer and fresh counters. */
  public static Topology build(AppConfig config) {
    return build(config, ScoringPlugin.identity(), new IngressMetrics());
  }

  /**
   * Builds the topology.
   *
   * @param config topic names, validation settings
   * @param plugin the scoring stage
   * @param metrics receives the ingress counters (share it with the HTTP endpoint and the exception
   *     handlers, see {@link StreamsProperties#of(AppConfig, IngressMetrics)})
   */
  public static Topology build(AppConfig config, ScoringPlugin plugin, IngressMetrics metrics) {
    Objects.requireNonNull(plugin, "plugin");
    Objects.requireNonNull(metrics, "metrics");
    RedunetTopics topics = RedunetTopics.of(config);
    IngressSettings settings = IngressSettings.of(config);
    RejectionLog rejectionLog = new RejectionLog();
    OutputSerdes outputs = OutputSerdes.of(config);

    Topology topology = new Topology();
    topology.addSource(
        SOURCE, new ByteArrayDeserializer(), new ByteArrayDeserializer(), topics.samples());
    topology.addProcessor(
        VALIDATE, () -> new ValidateProcessor(settings, metrics, rejectionLog), SOURCE);
    topology.addProcessor(SCORE, () -> new ScoreProcessor(plugin.newScorer()), VALIDATE);
    topology.addSink(
        REJECTED_SINK,
        topics.rejected(),
        new ByteArraySerializer(),
        outputs.rejected().serializer(),
        VALIDATE,
        SCORE);
    for (StoreBuilder<?> store : plugin.stores()) {
      topology.addStateStore(store, SCORE);
    }
    topology.addSink(
        PREDICTIONS_SINK,
        topics.predictions(),
        new StringSerializer(),
        outputs.predictions().serializer(),
        SCORE);
    topology.addSink(
        FEATURES_SINK,
        topics.features(),
        new StringSerializer(),
        outputs.features().serializer(),
        SCORE);

    plugin.extend(topology, new Wiring(config, topics, metrics));
    return topology;
  }
}
