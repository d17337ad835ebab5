package dev.redunet.stream.learning;

import dev.redunet.avro.internal.ModelProgress;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import dev.redunet.config.LearnerConfig;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelJson;
import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowStatistics;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.stream.IngressSettings;
import dev.redunet.stream.RedunetTopology;
import dev.redunet.stream.SampleScorer;
import dev.redunet.stream.ScoringPlugin;
import dev.redunet.stream.StreamsProperties;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.OutputSerdes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The learning stage of the topology (ARCHITECTURE.md §4): scoring with the model in force and the
 * task-local pending samples ({@link LearningScorer}), the learning topic to the model's one
 * builder task ({@link ModelBuilderProcessor}), the compacted model topic, and the global store
 * through which every instance reads every version.
 *
 * <pre>
 * score ──► learning-sink ──► [learning topic, 1 partition] ──► learning-source ──► model-builder
 *   ▲                                                                   │            │
 *   │ global store redunet-model ◄── model-source ◄── [model topic] ◄───┘ model-sink │
 *   └───────────────────────────────────────────────── metrics-sink ◄────────────────┘
 * </pre>
 */
public final class LearningPlugin implements ScoringPlugin {

  public static final String LEARNING_SINK = "learning-sink";
  public static final String LEARNING_SOURCE = "learning-source";
  public static final String BUILDER = "model-builder";
  public static final String MODEL_SINK = "model-sink";
  public static final String METRICS_SINK = "metrics-sink";
  public static final String CLUSTERS_SINK = "clusters-sink";
  public static final String MODEL_SOURCE = "model-source";
  public static final String MODEL_STORE_UPDATER = "model-store-update";
  public static final String MODEL_STORE = "redunet-model";

  /** The scoring tasks' samples waiting for their owed version (consistent scoring). */
  public static final String HELD_STORE = "redunet-held-samples";

  /** The builder's samples, watermark and statistics (a new name: the earlier layout differs). */
  public static final String BUILDER_STORE = "redunet-builder-state-v3";

  private static final AvroCodec<ModelProgress> PROGRESS = AvroCodec.of(ModelProgress.class);

  private final String modelName;
  private final LearnerSettings settings;
  private final Optional<ModelJson.Restored> initial;
  private final Map<String, String> changelogConfig;
  private final LearningListener listener;
  private final long windowMs;
  private final boolean inlineRebuild;
  private final boolean consistent;
  private final long maxWaiting;
  private final int inputPartitions;
  private final long idleTimeoutMs;
  private final int retainedVersions;
  private final int clusterMembers;
  private final MathExecutor math;

  /**
   * The plugin for {@code config}'s model, its math on the calling threads (tests).
   *
   * @param config the model name and the limits of the changelog records
   * @param settings the learner's settings
   */
  public LearningPlugin(AppConfig config, LearnerSettings settings) {
    this(config, settings, new LearningListener() {}, MathExecutor.sequential());
  }

  /**
   * The plugin for {@code config}'s model, reporting to {@code listener}, its math on the calling
   * threads (tests).
   *
   * @param listener told of builds, loads and scored labelled samples (from several threads)
   */
  public LearningPlugin(AppConfig config, LearnerSettings settings, LearningListener listener) {
    this(config, settings, listener, MathExecutor.sequential());
  }

  /**
   * The plugin for {@code config}'s model, reporting to {@code listener}.
   *
   * @param listener told of builds, loads and scored labelled samples (from several threads)
   * @param math the application's threads for parallel math, shared by the builder and the scorers
   *     (owned by the caller, who closes it after Kafka Streams); the versions and predictions do
   *     not depend on them
   */
  public LearningPlugin(
      AppConfig config, LearnerSettings settings, LearningListener listener, MathExecutor math) {
    this(config, settings, listener, math, LearnerConfig.initialModel(config, settings));
  }

  /**
   * The plugin for {@code config}'s model with the model {@code redunet.model.initial} names, read
   * already ({@link LearnerConfig#initialModel}).
   *
   * @param initial the model to start from when the model has no version yet
   */
  public LearningPlugin(
      AppConfig config,
      LearnerSettings settings,
      LearningListener listener,
      MathExecutor math,
      Optional<ModelJson.Restored> initial) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.math = Objects.requireNonNull(math, "math");
    this.modelName = config.text(ConfigKeys.MODEL_NAME);
    this.windowMs = config.longValue(ConfigKeys.WINDOW_MS);
    this.inlineRebuild = config.text(ConfigKeys.REBUILD).equals("inline");
    this.consistent = config.text(ConfigKeys.SCORING).equals("consistent");
    this.maxWaiting = config.longValue(ConfigKeys.SCORING_MAX_WAITING);
    this.inputPartitions = config.integer(ConfigKeys.PARTITIONS);
    this.idleTimeoutMs = config.longValue(ConfigKeys.IDLE_TIMEOUT_MS);
    this.retainedVersions = config.integer(ConfigKeys.MODEL_RETAINED_VERSIONS);
    this.clusterMembers = config.integer(ConfigKeys.CLUSTERS_MAX_MEMBERS);
    this.settings = Objects.requireNonNull(settings, "settings");
    this.initial = Objects.requireNonNull(initial, "initial");
    this.changelogConfig =
        Map.of(
            TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
            Long.toString(config.longValue(ConfigKeys.MODEL_MAX_MESSAGE_BYTES)));
  }

  /**
   * The model in force in a model store (the global store {@value #MODEL_STORE}, e.g. through an
   * interactive query), assembled from its parts, with its build metadata.
   */
  public static Optional<Loaded> currentModel(
      ReadOnlyKeyValueStore<String, byte[]> store, String modelName) {
    OptionalLong latest = new ModelCache(modelName).latestVersion(store);
    return latest.isPresent() ? model(store, modelName, latest.getAsLong()) : Optional.empty();
  }

  /** Version {@code version} of a model store's model, if it is retained there. */
  public static Optional<Loaded> model(
      ReadOnlyKeyValueStore<String, byte[]> store, String modelName, long version) {
    byte[] header = store.get(ModelTopicKeys.part(modelName, version, ModelCodec.HEADER));
    return new ModelCache(modelName)
        .version(store, version)
        .map(m -> new Loaded(m, ModelCodec.buildInfo(header)));
  }

  /** A model read from the store and its build metadata. */
  public record Loaded(StreamingModel model, ModelCodec.BuildInfo build) {}

  /**
   * The statistics the builder published with a version (for the model export): empty when the
   * version was published without them or is being deleted. Reads and decodes (L + 2)·k parts: call
   * it for an export, not per request of {@code /model}.
   *
   * @param model the version, as {@link #model} read it from the same store
   */
  public static Optional<WindowStatistics> statistics(
      ReadOnlyKeyValueStore<String, byte[]> store, String modelName, StreamingModel model) {
    long version = model.version();
    byte[] header = store.get(ModelTopicKeys.part(modelName, version, ModelCodec.HEADER));
    if (header == null) {
      return Optional.empty();
    }
    Map<String, byte[]> parts = new LinkedHashMap<>();
    for (String part : ModelCodec.listedParts(header)) {
      if (ModelCodec.isStatisticsPart(part)) {
        byte[] bytes = store.get(ModelTopicKeys.part(modelName, version, part));
        if (bytes == null) {
          return Optional.empty(); // being deleted
        }
        parts.put(part, bytes);
      }
    }
    return ModelCodec.windowStatistics(parts, model.featureDimension(), model.network().depth());
  }

  /**
   * The number of windows the model's builder has closed (its progress record in a model store,
   * e.g. the global store {@value #MODEL_STORE} through an interactive query); empty before the
   * builder published one. Version v is built from window v, so this minus the newest version is
   * how many closed windows wait for their versions (at most four: the builder stops feeding then).
   */
  public static OptionalLong windowsClosed(
      ReadOnlyKeyValueStore<String, byte[]> store, String modelName) {
    byte[] progress = store.get(ModelTopicKeys.progress(modelName));
    return progress == null
        ? OptionalLong.empty()
        : OptionalLong.of(PROGRESS.decode(progress).getWindows());
  }

  /**
   * Synchronous predictions with the model in force ({@code POST /predict}): the stream's checks
   * and scoring code, this instance's newest version (its builder's, or the global store's).
   *
   * @param store the global model store {@value #MODEL_STORE} (an interactive query; asked again
   *     after it failed)
   * @param ingress the checks of the samples topic
   */
  public LivePredictor predictor(
      Supplier<ReadOnlyKeyValueStore<String, byte[]>> store, IngressSettings ingress) {
    return new LivePredictor(modelName, store, local, ingress, math);
  }

  /** This instance's builder's publications, for this instance's scorers. */
  private final LocalVersions local = new LocalVersions();

  /** This instance's scorers' learning records, for this instance's builder. */
  private final LocalLearningRecords handed = new LocalLearningRecords();

  /** Where scorers reject samples of another shape; set by {@link #extend}. */
  private volatile LearningScorer.Rejecting rejecting;

  @Override
  public SampleScorer newScorer() {
    return new LearningScorer(
        modelName,
        consistent,
        maxWaiting,
        idleTimeoutMs,
        listener,
        local,
        handed,
        () -> Objects.requireNonNull(rejecting, "the plugin is not part of a topology (extend)"),
        math,
        settings.keepsUnlabelled());
  }

  @Override
  public List<StoreBuilder<?>> stores() {
    return List.of(store(HELD_STORE));
  }

  /**
   * A persistent, changelogged store with a write cache: keys written again and again (a
   * partition's progress, the watermark) and samples that wait less than a commit interval reach
   * RocksDB and the changelog once per commit, if at all.
   */
  private StoreBuilder<KeyValueStore<String, byte[]>> store(String name) {
    return Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
        .withLoggingEnabled(changelogConfig)
        .withCachingEnabled();
  }

  @Override
  public void extend(Topology topology, RedunetTopology.Wiring wiring) {
    rejecting =
        new LearningScorer.Rejecting(
            wiring.topics().samples(),
            wiring.config().integer(ConfigKeys.MAX_RECORD_BYTES),
            wiring.metrics());
    String learning = wiring.topics().learning();
    topology.addSink(
        LEARNING_SINK,
        learning,
        new StringSerializer(),
        new ByteArraySerializer(),
        RedunetTopology.SCORE);
    topology.addSource(
        LEARNING_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), learning);
    Map<String, Object> admin =
        StreamsProperties.adminSettings(
            wiring.config(), wiring.metrics(), "redunet-input-backlog-" + modelName);
    String group = wiring.config().text(ConfigKeys.APPLICATION_ID);
    String input = wiring.topics().samples();
    long backlogInterval = Math.max(100, Math.min(5_000, idleTimeoutMs / 4));
    topology.addProcessor(
        BUILDER,
        () ->
            new ModelBuilderProcessor(
                modelName,
                settings,
                listener,
                windowMs,
                inputPartitions,
                idleTimeoutMs,
                retainedVersions,
                local,
                handed,
                inlineRebuild ? null : () -> ModelBuilderProcessor.builderThread(modelName),
                math,
                clusterMembers,
                initial,
                new GroupOffsetsBacklog(
                    () -> Admin.create(admin), input, learning, group, backlogInterval)),
        LEARNING_SOURCE);
    topology.addStateStore(store(BUILDER_STORE), BUILDER);
    topology.addSink(
        MODEL_SINK,
        wiring.topics().model(),
        new StringSerializer(),
        new ByteArraySerializer(),
        BUILDER);
    topology.addSink(
        METRICS_SINK,
        wiring.topics().metrics(),
        new StringSerializer(),
        new StringSerializer(),
        BUILDER);
    topology.addSink(
        CLUSTERS_SINK,
        wiring.topics().clusters(),
        new StringSerializer(),
        OutputSerdes.of(wiring.config()).clusters().serializer(),
        BUILDER);
    topology.addGlobalStore(
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore(MODEL_STORE), Serdes.String(), Serdes.ByteArray())
            .withLoggingDisabled(),
        MODEL_SOURCE,
        new StringDeserializer(),
        new ByteArrayDeserializer(),
        wiring.topics().model(),
        MODEL_STORE_UPDATER,
        ModelStoreUpdater::new);
  }
}
