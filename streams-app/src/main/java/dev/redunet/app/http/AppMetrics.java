package dev.redunet.app.http;

import dev.redunet.avro.RejectReason;
import dev.redunet.stream.IngressMetrics;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The application's metrics, in one Micrometer registry that {@code /metrics} exposes in the
 * Prometheus text format. It holds:
 *
 * <ul>
 *   <li>the Kafka Streams metrics of the instance ({@link #bindKafkaStreams}: Micrometer's {@link
 *       KafkaStreamsMetrics} binder; names {@code kafka_stream_*}, {@code kafka_consumer_*}, ...,
 *       including the ingress sensors as {@code kafka_stream_redunet_ingress_*});
 *   <li>JVM and process metrics ({@code jvm_*}, {@code process_*}, {@code system_*});
 *   <li>ours, all named {@code redunet_*}:
 *       <ul>
 *         <li>{@code redunet_ingress_accepted_total}, {@code
 *             redunet_ingress_rejected_total{reason}} (every {@link RejectReason}, also at 0),
 *             {@code redunet_ingress_dropped_outputs_total}, {@code
 *             redunet_ingress_handler_events_total{handler}}: the {@link IngressMetrics} of this
 *             instance;
 *         <li>{@code redunet_model_version}: the model version this instance uses (-1 before the
 *             first); {@code redunet_model_windows_closed}: the windows the builder has closed,
 *             from its progress record (every instance reads it; the versions not yet built are the
 *             difference); {@code redunet_model_rebuild_last_seconds} and the timer {@code
 *             redunet_model_rebuild_seconds_{count,sum,max}}: rebuilds done by this instance;
 *             {@code redunet_model_layer_delta_r{layer}}: ΔR (nats) of each layer of the last model
 *             built or loaded;
 *         <li>{@code redunet_prequential_scored_total}, {@code redunet_prequential_correct_total}:
 *             labelled samples this instance scored (test-then-train), and how many were right;
 *             {@code redunet_prequential_accuracy}: their ratio (NaN before the first). Across
 *             instances, the accuracy is {@code sum(correct_total)/sum(scored_total)}; per window,
 *             it is in the metrics topic.
 *       </ul>
 * </ul>
 *
 * <p>The learning code reports through {@link #modelBuilt}, {@link #modelLoaded}, {@link
 * #prediction}. Every method is thread-safe and cheap (no allocation on the per-sample path).
 */
public final class AppMetrics implements AutoCloseable {

  /** How often the Kafka Streams binder looks for new or removed Kafka metrics by default. */
  public static final Duration DEFAULT_KAFKA_REFRESH = Duration.ofSeconds(10);

  private final VersionHistory history = new VersionHistory();
  private final PrometheusMeterRegistry registry;
  private final List<AutoCloseable> closeables = new ArrayList<>();
  private final AtomicLong modelVersion = new AtomicLong(-1);
  private final AtomicLong lastRebuildNanos = new AtomicLong(-1);
  private final Timer rebuilds;
  private final Map<Integer, DeltaR> deltaR = new ConcurrentHashMap<>();
  private final LongAdder scored = new LongAdder();
  private final LongAdder correct = new LongAdder();
  private final Map<Learning, LongAdder> learning = new ConcurrentHashMap<>();
  private final Timer waits;
  private volatile DoubleSupplier windowsClosed = () -> Double.NaN;
  private ScheduledExecutorService kafkaScheduler;

  /** Events of the deterministic learning path, each a counter {@code redunet_<name>_total}. */
  public enum Learning {
    /** Predictions not made with the version the sample is owed. */
    SCORING_STALE("redunet.scoring.stale", "Predictions not scored with their owed version"),
    /** Predictions flagged novel (unlike every known class). */
    SCORING_NOVEL(
        "redunet.scoring.novel",
        "Predictions flagged novel: noveltyBits above their version's novelty threshold"),
    /** Input partitions the builder's watermark stopped waiting for. */
    PARTITION_IDLE(
        "redunet.builder.partition.idle",
        "Times the builder's watermark stopped waiting for an idle input partition"),
    /** Labelled samples that reached the builder after the watermark had passed them. */
    LATE_SAMPLES(
        "redunet.builder.late.samples",
        "Labelled samples that reached the builder after its watermark had passed them"),
    /** Learning records the builder could not use. */
    SKIPPED_RECORDS(
        "redunet.builder.skipped.records",
        "Learning records the builder skipped (undecodable, or of another dimension)"),
    /** Unlabelled samples learned as their predicted class (redunet.unlabelled=self). */
    SELF_LEARNED(
        "redunet.builder.self.learned",
        "Unlabelled samples learned as their predicted class (redunet.unlabelled=self)"),
    /** Cluster records published (redunet.clusters=on). */
    CLUSTERS_PUBLISHED(
        "redunet.clusters.published",
        "Cluster records of the unknown published: clusters a window started or grew"),
    /** Model versions whose computation failed (and is retried). */
    BUILD_FAILURES("redunet.model.build.failures", "Model versions whose computation failed");

    private final String meter;
    private final String description;

    Learning(String meter, String description) {
      this.meter = meter;
      this.description = description;
    }
  }

  /** The ΔR gauge of one layer (its value; NaN once the layer is gone from the model). */
  private static final class DeltaR {
    private volatile double value = Double.NaN;
  }

  /**
   * A registry with the JVM metrics, the counters of {@code ingress} and our model and prequential
   * meters.
   */
  public AppMetrics(IngressMetrics ingress) {
    Objects.requireNonNull(ingress, "ingress");
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    closeables.add(gc);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);

    FunctionCounter.builder("redunet.ingress.accepted", ingress, IngressMetrics::accepted)
        .description("Input records accepted by validation (this instance, since it started)")
        .register(registry);
    for (RejectReason reason : RejectReason.values()) {
      FunctionCounter.builder("redunet.ingress.rejected", ingress, m -> m.rejected(reason))
          .tags(Tags.of("reason", reason.name()))
          .description("Input records written to the rejected topic, by reason code")
          .register(registry);
    }
    FunctionCounter.builder(
            "redunet.ingress.dropped.outputs", ingress, IngressMetrics::droppedOutputs)
        .description("Output records lost: neither they nor a rejected record could be written")
        .register(registry);
    for (IngressMetrics.Handler h : IngressMetrics.Handler.values()) {
      FunctionCounter.builder("redunet.ingress.handler.events", ingress, m -> m.handlerEvents(h))
          .tags(Tags.of("handler", h.name().toLowerCase(Locale.ROOT)))
          .description("Calls of the Kafka Streams exception handlers")
          .register(registry);
    }

    Gauge.builder("redunet.model.version", modelVersion, AtomicLong::doubleValue)
        .description("Model version this instance uses (-1: no model yet)")
        .strongReference(true)
        .register(registry);
    Gauge.builder(
            "redunet.model.rebuild.last",
            lastRebuildNanos,
            n -> n.get() < 0 ? Double.NaN : n.get() / 1e9)
        .baseUnit("seconds")
        .description("Duration of the last model rebuild on this instance")
        .strongReference(true)
        .register(registry);
    rebuilds =
        Timer.builder("redunet.model.rebuild")
            .description("Model rebuilds on this instance")
            .register(registry);
    FunctionCounter.builder("redunet.prequential.scored", scored, LongAdder::doubleValue)
        .description("Labelled samples scored before training (test-then-train)")
        .register(registry);
    FunctionCounter.builder("redunet.prequential.correct", correct, LongAdder::doubleValue)
        .description("Labelled samples whose prediction was the true label")
        .register(registry);
    for (Learning l : Learning.values()) {
      LongAdder counter = new LongAdder();
      learning.put(l, counter);
      FunctionCounter.builder(l.meter, counter, LongAdder::doubleValue)
          .description(l.description)
          .register(registry);
    }
    waits =
        Timer.builder("redunet.scoring.wait")
            .description(
                "Wall-clock time samples waited for their owed model version (consistent scoring)")
            .register(registry);
    Gauge.builder("redunet.model.windows.closed", this, m -> m.windowsClosed.getAsDouble())
        .description(
            "Windows the model's builder has closed (version v is built from window v; NaN: not"
                + " known yet)")
        .strongReference(true)
        .register(registry);
    Gauge.builder("redunet.prequential.accuracy", this, AppMetrics::accuracy)
        .description("Prequential accuracy of this instance since it started (NaN: none scored)")
        .strongReference(true)
        .register(registry);
  }

  /**
   * Adds the Kafka Streams metrics of {@code streams} (Micrometer's {@link KafkaStreamsMetrics};
   * new Kafka metrics, e.g. of tasks created later, are picked up every {@code refresh}).
   */
  public synchronized void bindKafkaStreams(KafkaStreams streams, Duration refresh) {
    Objects.requireNonNull(streams, "streams");
    if (kafkaScheduler == null) {
      kafkaScheduler =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "redunet-metrics-kafka");
                t.setDaemon(true);
                return t;
              });
    }
    KafkaStreamsMetrics binder =
        new KafkaStreamsMetrics(streams, Tags.empty(), kafkaScheduler, refresh);
    binder.bindTo(registry);
    closeables.add(binder);
  }

  /**
   * Where {@code redunet_model_windows_closed} comes from, read at every scrape: the windows the
   * builder has closed (NaN when not known, e.g. while the store is not queryable).
   */
  /** The versions this instance's builder computed ({@code /model/history}). */
  public VersionHistory history() {
    return history;
  }

  public void bindWindowsClosed(DoubleSupplier windowsClosed) {
    this.windowsClosed = Objects.requireNonNull(windowsClosed, "windowsClosed");
  }

  /**
   * A new model version was built on this instance.
   *
   * @param version the new version
   * @param seconds how long the rebuild took
   * @param deltaR ΔR (nats) of each layer, layer 1 first
   */
  public void modelBuilt(long version, double seconds, List<Double> deltaR) {
    if (!(seconds >= 0) || !Double.isFinite(seconds)) {
      throw new IllegalArgumentException("seconds must be finite and >= 0, got " + seconds);
    }
    long nanos = Math.round(seconds * 1e9);
    rebuilds.record(Duration.ofNanos(nanos));
    lastRebuildNanos.set(nanos);
    modelLoaded(version, deltaR);
  }

  /** {@link #modelBuilt(long, double, List)} from a summary. */
  public void modelBuilt(ModelSummary model) {
    modelBuilt(
        model.version(),
        model.rebuildSeconds(),
        model.layers().stream().map(ModelSummary.LayerRates::deltaR).toList());
  }

  /**
   * This instance now scores with model {@code version} (built here or received through the global
   * store).
   *
   * @param deltaR ΔR (nats) of each layer, layer 1 first
   */
  public void modelLoaded(long version, List<Double> deltaR) {
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    modelVersion.set(version);
    for (int i = 0; i < deltaR.size(); i++) {
      int layer = i + 1;
      double value = deltaR.get(i);
      this.deltaR.computeIfAbsent(
                  layer,
                  l -> {
                    DeltaR g = new DeltaR();
                    Gauge.builder("redunet.model.layer.delta.r", g, d -> d.value)
                        .tags(Tags.of("layer", Integer.toString(l)))
                        .description("Rate reduction ΔR = R − Rc (nats) of the layer's output")
                        .strongReference(true)
                        .register(registry);
                    return g;
                  })
              .value =
          value;
    }
    this.deltaR.forEach(
        (layer, g) -> {
          if (layer > deltaR.size()) {
            g.value = Double.NaN;
          }
        });
  }

  /**
   * One labelled sample was scored before training; {@code correct} if the prediction was right.
   */
  public void prediction(boolean correct) {
    scored.increment();
    if (correct) {
      this.correct.increment();
    }
  }

  /** One event of the learning path. */
  public void learning(Learning event) {
    learning.get(event).increment();
  }

  /** {@code count} learning events at once. */
  public void learning(Learning event, long count) {
    learning.get(event).add(count);
  }

  /** A sample waited {@code millis} for its owed version. */
  public void waited(long millis) {
    waits.record(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
  }

  private double accuracy() {
    long n = scored.sum();
    return n == 0 ? Double.NaN : correct.sum() / (double) n;
  }

  /** The registry (to add meters; do not close it). */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Every meter in the Prometheus text format (version 0.0.4). */
  public String scrape() {
    return registry.scrape();
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable c : closeables) {
      try {
        c.close();
      } catch (Exception e) {
        // closing meters of a stopped client: nothing to do
      }
    }
    closeables.clear();
    if (kafkaScheduler != null) {
      kafkaScheduler.shutdownNow();
    }
    registry.close();
  }
}
