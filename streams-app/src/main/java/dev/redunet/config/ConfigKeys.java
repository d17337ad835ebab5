package dev.redunet.config;

import dev.redunet.config.ConfigKey.Choice;
import dev.redunet.config.ConfigKey.IntList;
import dev.redunet.config.ConfigKey.IntRange;
import dev.redunet.config.ConfigKey.Name;
import dev.redunet.config.ConfigKey.RealRange;
import dev.redunet.config.ConfigKey.Text;
import dev.redunet.config.ConfigKey.TextList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one documented set of configuration keys. Every source (properties file, {@code REDUNET_*}
 * environment variables, command-line flags) sets these keys and nothing else, except {@code
 * kafka.*} keys, which are passed through to the Kafka clients (security settings, for example).
 */
public final class ConfigKeys {
  private ConfigKeys() {}

  private static ConfigKey key(String name, ConfigKey.ValueType type, String def, String doc) {
    return new ConfigKey(name, type, Optional.ofNullable(def), doc);
  }

  // --- Kafka ---------------------------------------------------------------------------------
  public static final ConfigKey BOOTSTRAP_SERVERS =
      key(
          "redunet.bootstrap.servers",
          new Text(),
          null,
          "Kafka bootstrap servers (host:port,...). Required by run, produce and consume.");
  public static final ConfigKey APPLICATION_ID =
      key(
          "redunet.application.id",
          new Text(),
          "redunet-streams",
          "Kafka Streams application id: instances with the same id share the work.");
  public static final ConfigKey PROCESSING_GUARANTEE =
      key(
          "redunet.processing.guarantee",
          new Choice(List.of("exactly_once_v2", "at_least_once")),
          "exactly_once_v2",
          "Kafka Streams processing guarantee.");
  public static final ConfigKey STATE_DIR =
      key(
          "redunet.state.dir",
          new Text(),
          null,
          "Directory of the local state stores (default: Kafka Streams' default under java.io.tmpdir).");
  public static final ConfigKey ROCKSDB_CACHE_BYTES =
      key(
          "redunet.rocksdb.cache.bytes",
          new IntRange(1L << 20, 1L << 40),
          Long.toString(256L << 20),
          "Off-heap memory of all RocksDB state stores of an instance together: one block cache"
              + " shared by every store, which also holds their index and filter blocks and their"
              + " memtables (see redunet.rocksdb.write.buffer.bytes); deploy/SCALING.md adds it up"
              + " with the heap.");
  public static final ConfigKey ROCKSDB_WRITE_BUFFER_BYTES =
      key(
          "redunet.rocksdb.write.buffer.bytes",
          new IntRange(1L << 20, 1L << 40),
          Long.toString(64L << 20),
          "The part of redunet.rocksdb.cache.bytes the memtables of all RocksDB stores may take"
              + " (one shared write-buffer manager); less than the cache.");
  public static final ConfigKey REPLICATION_FACTOR =
      key(
          "redunet.replication.factor",
          new IntRange(-1, 32),
          "-1",
          "Replication factor of the topics the application creates (-1 = the broker default).");
  public static final ConfigKey PARTITIONS =
      key(
          "redunet.partitions",
          new IntRange(1, 10_000),
          "3",
          "Partitions of the samples, features, predictions and rejected topics when the application"
              + " creates them (the parallelism of scoring); existing topics are left as they are.");

  // --- Topics --------------------------------------------------------------------------------
  public static final ConfigKey TOPIC_PREFIX =
      key("redunet.topic.prefix", new Text(), "redunet.", "Prefix of every default topic name.");
  public static final ConfigKey TOPIC_SAMPLES =
      key("redunet.topic.samples", new Text(), null, "Input topic (default: <prefix>samples).");
  public static final ConfigKey TOPIC_FEATURES =
      key(
          "redunet.topic.features",
          new Text(),
          null,
          "Output topic of unit-norm features (default: <prefix>features).");
  public static final ConfigKey TOPIC_PREDICTIONS =
      key(
          "redunet.topic.predictions",
          new Text(),
          null,
          "Output topic of predictions (default: <prefix>predictions).");
  public static final ConfigKey TOPIC_REJECTED =
      key(
          "redunet.topic.rejected",
          new Text(),
          null,
          "Output topic of rejected input records (default: <prefix>rejected).");
  public static final ConfigKey TOPIC_MODEL =
      key(
          "redunet.topic.model",
          new Text(),
          null,
          "Compacted topic of model versions (default: <prefix>model).");
  public static final ConfigKey TOPIC_METRICS =
      key(
          "redunet.topic.metrics",
          new Text(),
          null,
          "Output topic of per-window prequential metrics (default: <prefix>metrics).");
  public static final ConfigKey TOPIC_LEARNING =
      key(
          "redunet.topic.learning",
          new Text(),
          null,
          "Topic (1 partition) carrying the labelled samples and the input partitions' progress"
              + " from the scoring tasks to the model's builder (default: <prefix>learning).");
  public static final ConfigKey TOPIC_CLUSTERS =
      key(
          "redunet.topic.clusters",
          new Text(),
          null,
          "Output topic of the clusters of the unknown, one record per cluster a window started or"
              + " grew, with redunet.clusters=on (default: <prefix>clusters).");
  // --- Output format -------------------------------------------------------------------------
  public static final ConfigKey OUTPUT_FORMAT =
      key(
          "redunet.output.format",
          new Choice(List.of("avro", "json")),
          "avro",
          "How the predictions, features and rejected records are written: avro (Avro"
              + " single-object encoding) or json (one UTF-8 JSON object per record, the Avro"
              + " schema's field names, non-finite numbers as null). The metrics topic is always"
              + " JSON.");
  public static final ConfigKey OUTPUT_FORMAT_PREDICTIONS =
      key(
          "redunet.output.format.predictions",
          new Choice(List.of("avro", "json")),
          null,
          "Format of the predictions topic (default: redunet.output.format).");
  public static final ConfigKey OUTPUT_FORMAT_FEATURES =
      key(
          "redunet.output.format.features",
          new Choice(List.of("avro", "json")),
          null,
          "Format of the features topic (default: redunet.output.format).");
  public static final ConfigKey OUTPUT_FORMAT_REJECTED =
      key(
          "redunet.output.format.rejected",
          new Choice(List.of("avro", "json")),
          null,
          "Format of the rejected topic (default: redunet.output.format).");
  // --- Input validation ----------------------------------------------------------------------
  public static final ConfigKey FEATURE_SHAPE =
      key(
          "redunet.feature.shape",
          new IntList(),
          "",
          "Expected sample shape, e.g. 784 or 5,200; empty = fixed by the first labelled sample in the stream's order.");
  public static final ConfigKey MAX_FEATURES =
      key(
          "redunet.max.features",
          new IntRange(1, 16_777_216),
          "65536",
          "Largest accepted feature vector; longer ones are rejected as TOO_LARGE.");
  public static final ConfigKey MAX_RECORD_BYTES =
      key(
          "redunet.max.record.bytes",
          new IntRange(1024, 256L * 1024 * 1024),
          Integer.toString(16 * 1024 * 1024),
          "Largest accepted input record value in bytes; larger ones are rejected as TOO_LARGE"
              + " (their copy in the rejected topic is cut to this size). The rejected topic is"
              + " created with max.message.bytes = this + 256 KiB.");
  public static final ConfigKey LABELS =
      key(
          "redunet.labels",
          new TextList(),
          "",
          "Fixed label set (comma-separated); empty = any label is a class. Others are rejected.");

  // --- Model ---------------------------------------------------------------------------------
  public static final ConfigKey MODEL_MAX_MESSAGE_BYTES =
      key(
          "redunet.model.max.message.bytes",
          new IntRange(1024 * 1024, 1024L * 1024 * 1024),
          Integer.toString(32 * 1024 * 1024),
          "max.message.bytes of the compacted model topic when the application creates it (32 MiB"
              + " holds a 2048x2048 double upper triangle); the producer's max.request.size is"
              + " raised to at least this.");
  public static final ConfigKey MODEL_NAME =
      key(
          "redunet.model.name",
          new Name(),
          "default",
          "Name of the model (the first part of the keys of its records in the model topic).");
  public static final ConfigKey MODEL_INITIAL =
      key(
          "redunet.model.initial",
          new Text(),
          null,
          "A model export (./redunet model export, GET /model/export) to start the model from:"
              + " its version v is the model in force until the first window closes, which builds"
              + " v+1 from its statistics and that window. Read at every start while set, used"
              + " only while the model has no version; its learner settings must equal these.");
  public static final ConfigKey LAYERS =
      key("redunet.layers", new IntRange(0, 100_000), "2", "Number of ReduNet layers L.");
  public static final ConfigKey EPS_SQ =
      key(
          "redunet.eps.sq",
          new RealRange(0, Double.MAX_VALUE),
          "0.5",
          "ε², the allowed distortion of the coding rates (the reference code's eps).");
  public static final ConfigKey ETA =
      key("redunet.eta", new RealRange(0, Double.MAX_VALUE), "0.5", "Layer step size η.");
  public static final ConfigKey LAMBDA =
      key(
          "redunet.lambda",
          new RealRange(0, Double.MAX_VALUE),
          "500",
          "Membership sharpness λ in softmax(−λ‖Cʲz‖).");
  public static final ConfigKey MEMBERSHIP =
      key(
          "redunet.membership",
          new Choice(List.of("softmax", "labels")),
          "softmax",
          "Training membership: softmax (the reference code) or labels (the paper).");
  public static final ConfigKey WINDOW =
      key(
          "redunet.window",
          new IntRange(1, Integer.MAX_VALUE),
          "500",
          "Labelled samples per window; the operators are rebuilt at every window boundary.");
  public static final ConfigKey WINDOW_MS =
      key(
          "redunet.window.ms",
          new IntRange(0, Long.MAX_VALUE),
          "0",
          "Also close a window at the first labelled sample (in the stream's order) whose event"
              + " time is this many ms or more after the window's first sample; 0 = by count"
              + " only.");
  public static final ConfigKey REBUILD =
      key(
          "redunet.rebuild",
          new Choice(List.of("background", "inline")),
          "background",
          "Where the builder computes a version: background (a thread of its own; the stream thread"
              + " keeps polling and committing, so no build nears max.poll.interval.ms or the"
              + " transaction timeout) or inline (on the stream thread, for tests). Either way the"
              + " versions are the same.");
  public static final ConfigKey SCORING =
      key(
          "redunet.scoring",
          new Choice(List.of("consistent", "latest")),
          "consistent",
          "consistent: every sample waits (in a changelogged store) for the model version it is"
              + " owed, the one built from every window that closed before it in the stream's"
              + " order, so the same input gives the same predictions at any speed, after"
              + " crashes and on any number of instances; latest: score at once with the newest"
              + " version (lowest latency; predictions not scored with their owed version say"
              + " stale=true).");
  public static final ConfigKey SCORING_MAX_WAITING =
      key(
          "redunet.scoring.max.waiting",
          new IntRange(0, Integer.MAX_VALUE),
          "100000",
          "Most samples one scoring task keeps waiting for their owed version (consistent"
              + " scoring); past it a sample is scored at once with the newest version and flagged"
              + " stale (and counted). It is still learned in its own window.");
  public static final ConfigKey IDLE_TIMEOUT_MS =
      key(
          "redunet.idle.timeout.ms",
          new IntRange(1, Long.MAX_VALUE),
          "5000",
          "An input partition whose scoring task runs but has had no new sample for this long"
              + " (wall-clock time), and whose records are all processed (committed offset at the"
              + " partition's end), no longer holds back the builder's watermark, so learning goes"
              + " on; logged and counted (a task not heard from, or with records left, is waited"
              + " for). Keep it well above commit.interval.ms (100 under exactly-once); raise it"
              + " for partitions with long gaps between samples.");
  public static final ConfigKey MODEL_RETAINED_VERSIONS =
      key(
          "redunet.model.retained.versions",
          new IntRange(2, 100_000),
          "10",
          "Model versions kept in the model topic and every instance's store, newest first: a"
              + " sample owed an older version is scored with the oldest kept and flagged stale;"
              + " /model?version=N answers for every kept version.");
  public static final ConfigKey CONSTRUCTION =
      key(
          "redunet.construction",
          new Choice(List.of("statistics", "replay")),
          "statistics",
          "statistics (bounded memory, per-layer statistics) or replay (buffer + batch build).");
  public static final ConfigKey NOVELTY_QUANTILE =
      key(
          "redunet.novelty.quantile",
          new RealRange(0, 1),
          "0.95",
          "Each version records as its novelty threshold this quantile of its window's labelled"
              + " samples' own noveltyBits (scored by the version before, before they were"
              + " learned); a prediction is novel when its noveltyBits exceed it, so about 1 − q"
              + " of known-class samples are flagged.");
  public static final ConfigKey UNLABELLED =
      key(
          "redunet.unlabelled",
          new Choice(List.of("ignore", "self")),
          "ignore",
          "What the learner does with unlabelled samples: ignore (score them only) or self"
              + " (self-training: those predicted with a MICL margin of at least"
              + " redunet.unlabelled.margin are learned as their predicted class, in the window of"
              + " the stream's order they fall in; they do not count toward redunet.window).");
  public static final ConfigKey UNLABELLED_MARGIN =
      key(
          "redunet.unlabelled.margin",
          new RealRange(0, Double.MAX_VALUE),
          "0.5",
          "With redunet.unlabelled=self: the smallest MICL margin, in bits per dimension (the gap"
              + " between the two smallest per-class increments, divided by the feature dimension,"
              + " as noveltyBits), of an unlabelled sample learned as its predicted class.");
  public static final ConfigKey UNLABELLED_WINDOW_MAX =
      key(
          "redunet.unlabelled.window.max",
          new IntRange(1, Integer.MAX_VALUE),
          "5000",
          "The most unlabelled samples a window keeps for self-training and clustering (the first"
              + " in the stream's order); the others are scored only.");
  public static final ConfigKey CLUSTERS =
      key(
          "redunet.clusters",
          new Choice(List.of("off", "on")),
          "off",
          "on: the unlabelled samples that their model version flags novel are kept per window"
              + " (at most redunet.unlabelled.window.max unlabelled samples), clustered by"
              + " compression when the window closes, and every cluster a window starts or grows"
              + " goes to the clusters topic (README, Clusters of the unknown).");
  public static final ConfigKey CLUSTERS_EPS_SQ =
      key(
          "redunet.clusters.eps.sq",
          new RealRange(0, Double.MAX_VALUE),
          "0.05",
          "ε² of the clustering of the novel samples (linear coding of their unit-norm or"
              + " projected input z0).");
  public static final ConfigKey CLUSTERS_MAX_MEMBERS =
      key(
          "redunet.clusters.max.members",
          new IntRange(0, 1000),
          "100",
          "Member ids listed in a cluster record (the first ones in the stream's order; the"
              + " record also gives the total size).");
  public static final ConfigKey STATISTICS =
      key(
          "redunet.statistics",
          new Choice(List.of("cumulative", "decayed", "sliding")),
          "cumulative",
          "How window statistics combine: cumulative, exponentially decayed, or sliding.");
  public static final ConfigKey DECAY =
      key(
          "redunet.decay",
          new RealRange(0, 1),
          "0.9",
          "Per-window decay factor when redunet.statistics=decayed.");
  public static final ConfigKey SLIDING_WINDOWS =
      key(
          "redunet.sliding.windows",
          new IntRange(1, 10_000),
          "10",
          "Number of windows summed when redunet.statistics=sliding.");
  public static final ConfigKey REFERENCE_SIZE =
      key(
          "redunet.reference.size",
          new IntRange(0, Integer.MAX_VALUE),
          "0",
          "Reference size m of α = d/(m·ε²); 0 = the window size.");
  public static final ConfigKey NETWORK =
      key(
          "redunet.network",
          new Choice(List.of("vector", "spectral")),
          "vector",
          "The network: vector ReduNet layers on flat samples, or spectral (shift-invariant) layers"
              + " on multichannel signals of redunet.feature.shape (C,T or C,H,W; an image of H×W"
              + " is 1,H,W), classified by the MICL of the shift-augmented classes, so that every"
              + " cyclic shift of a signal gets the same label and scores; no PCA projection"
              + " (redunet.projection=on is an error with spectral).");
  public static final ConfigKey LIFTING_CHANNELS =
      key(
          "redunet.lifting.channels",
          new IntRange(0, 4_096),
          "0",
          "Spectral network: lift every sample to this many channels by fixed random filters"
              + " (circular convolution with N(0,1) kernels, then ReLU) before the layers; 0 = no"
              + " lifting. Recorded in the model.");
  public static final ConfigKey LIFTING_KERNEL =
      key(
          "redunet.lifting.kernel",
          new IntRange(1, 4_096),
          "5",
          "Spectral network: the lifting's kernel size k (k×k for images), at most T (H and W).");
  public static final ConfigKey LIFTING_SEED =
      key(
          "redunet.lifting.seed",
          new IntRange(Long.MIN_VALUE, Long.MAX_VALUE),
          null,
          "Seed of the lifting's filters (default: redunet.seed).");
  public static final ConfigKey PROJECTION =
      key(
          "redunet.projection",
          new Choice(List.of("auto", "on", "off")),
          "auto",
          "PCA projection before the layers: auto = on when the input dimension exceeds 128.");
  public static final ConfigKey PROJECTION_DIM =
      key(
          "redunet.projection.dim",
          new IntRange(1, 65_536),
          "64",
          "Dimension p of the PCA projection.");
  public static final ConfigKey MICL_EPS_SQ =
      key(
          "redunet.micl.eps.sq",
          new RealRange(0, Double.MAX_VALUE),
          "0.5",
          "ε² of the MICL coding lengths.");
  public static final ConfigKey SEED =
      key(
          "redunet.seed",
          new IntRange(Long.MIN_VALUE, Long.MAX_VALUE),
          "0",
          "Seed of every random choice.");
  public static final ConfigKey MATH_THREADS =
      key(
          "redunet.math.threads",
          new IntRange(0, 4_096),
          "0",
          "Threads of the application's one pool for parallel math (building model versions,"
              + " scoring batches), the callers included; 0 = every processor the JVM may use."
              + " The models and predictions do not depend on it.");

  // --- HTTP ----------------------------------------------------------------------------------
  public static final ConfigKey HTTP_ENABLED =
      key(
          "redunet.http.enabled",
          new Choice(List.of("true", "false")),
          "true",
          "Whether run serves the HTTP API: the dashboard /, /health, /metrics, /model,"
              + " /model/export, POST /predict and /openapi.json.");
  public static final ConfigKey HTTP_HOST =
      key(
          "redunet.http.host",
          new Text(),
          "127.0.0.1",
          "Address the HTTP endpoints bind to (0.0.0.0 to expose them).");
  public static final ConfigKey HTTP_PORT =
      key(
          "redunet.http.port",
          new IntRange(0, 65_535),
          "8080",
          "Port of the HTTP endpoints (0 = any free port).");
  public static final ConfigKey HTTP_ADVERTISED_HOST =
      key(
          "redunet.http.advertised.host",
          new Text(),
          null,
          "Host name or address other instances use to reach this one's HTTP endpoints (Kafka"
              + " Streams application.server, for /model across instances); default: the bind"
              + " address, or this machine's host name when it binds to all addresses.");

  public static final ConfigKey HTTP_MAX_REQUEST_BYTES =
      key(
          "redunet.http.max.request.bytes",
          new IntRange(1_024, 1L << 30),
          "16777216",
          "Largest HTTP request body accepted (POST /predict); a larger one gets 413. The request"
              + " line and headers are limited to 16 KiB (414, 431).");
  public static final ConfigKey HTTP_TOKEN =
      key(
          "redunet.http.token",
          new Text(),
          null,
          "Bearer token that POST /predict and GET /model/export require (Authorization: Bearer"
              + " TOKEN; else 401); default: none. Set it whenever the HTTP API is reachable beyond"
              + " loopback.");
  public static final ConfigKey HTTP_PREDICT_ENABLED =
      key(
          "redunet.http.predict.enabled",
          new Choice(List.of("true", "false")),
          "true",
          "Whether POST /predict is served (false: 404 disabled).");
  public static final ConfigKey HTTP_EXPORT_ENABLED =
      key(
          "redunet.http.export.enabled",
          new Choice(List.of("true", "false")),
          "true",
          "Whether GET /model/export is served (false: 404 disabled).");

  public static final ConfigKey SCHEMA_REGISTRY_URL =
      key(
          "redunet.schema.registry.url",
          new Text(),
          null,
          "Base URL of a Confluent-compatible schema registry (e.g. http://host:8081, or"
              + " Apicurio's http://host:8080/apis/ccompat/v7). With it, Confluent-framed input"
              + " (magic byte 0, 4-byte schema id, Avro binary) is decoded with the writer schema"
              + " fetched by id, and the predictions, features and rejected records are written"
              + " in that framing under the subjects <topic>-value, whatever"
              + " redunet.output.format says.");
  public static final ConfigKey SCHEMA_REGISTRY_USER_INFO =
      key(
          "redunet.schema.registry.basic.auth.user.info",
          new Text(),
          null,
          "USER:PASSWORD for HTTP basic authentication to the schema registry.");
  public static final ConfigKey SCHEMA_REGISTRY_TRUSTSTORE =
      key(
          "redunet.schema.registry.ssl.truststore.location",
          new Text(),
          null,
          "Trust store (PKCS12 or JKS file) for an https schema registry URL; default: the JVM's"
              + " trusted certificates.");
  public static final ConfigKey SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD =
      key(
          "redunet.schema.registry.ssl.truststore.password",
          new Text(),
          null,
          "Password of redunet.schema.registry.ssl.truststore.location.");
  public static final ConfigKey SCHEMA_REGISTRY_TRUSTSTORE_TYPE =
      key(
          "redunet.schema.registry.ssl.truststore.type",
          new Text(),
          "PKCS12",
          "Type of redunet.schema.registry.ssl.truststore.location (PKCS12 or JKS).");

  /** Every key, in documentation order. */
  public static final List<ConfigKey> ALL =
      List.of(
          BOOTSTRAP_SERVERS,
          APPLICATION_ID,
          PROCESSING_GUARANTEE,
          STATE_DIR,
          ROCKSDB_CACHE_BYTES,
          ROCKSDB_WRITE_BUFFER_BYTES,
          REPLICATION_FACTOR,
          PARTITIONS,
          TOPIC_PREFIX,
          TOPIC_SAMPLES,
          TOPIC_FEATURES,
          TOPIC_PREDICTIONS,
          TOPIC_REJECTED,
          TOPIC_MODEL,
          TOPIC_METRICS,
          TOPIC_LEARNING,
          TOPIC_CLUSTERS,
          OUTPUT_FORMAT,
          OUTPUT_FORMAT_PREDICTIONS,
          OUTPUT_FORMAT_FEATURES,
          OUTPUT_FORMAT_REJECTED,
          SCHEMA_REGISTRY_URL,
          SCHEMA_REGISTRY_USER_INFO,
          SCHEMA_REGISTRY_TRUSTSTORE,
          SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD,
          SCHEMA_REGISTRY_TRUSTSTORE_TYPE,
          FEATURE_SHAPE,
          MAX_FEATURES,
          MAX_RECORD_BYTES,
          LABELS,
          MODEL_MAX_MESSAGE_BYTES,
          MODEL_NAME,
          MODEL_INITIAL,
          LAYERS,
          EPS_SQ,
          ETA,
          LAMBDA,
          MEMBERSHIP,
          WINDOW,
          WINDOW_MS,
          REBUILD,
          SCORING,
          SCORING_MAX_WAITING,
          IDLE_TIMEOUT_MS,
          MODEL_RETAINED_VERSIONS,
          CONSTRUCTION,
          STATISTICS,
          DECAY,
          SLIDING_WINDOWS,
          REFERENCE_SIZE,
          NETWORK,
          LIFTING_CHANNELS,
          LIFTING_KERNEL,
          LIFTING_SEED,
          PROJECTION,
          PROJECTION_DIM,
          MICL_EPS_SQ,
          NOVELTY_QUANTILE,
          UNLABELLED,
          UNLABELLED_MARGIN,
          UNLABELLED_WINDOW_MAX,
          CLUSTERS,
          CLUSTERS_EPS_SQ,
          CLUSTERS_MAX_MEMBERS,
          SEED,
          MATH_THREADS,
          HTTP_ENABLED,
          HTTP_HOST,
          HTTP_PORT,
          HTTP_ADVERTISED_HOST,
          HTTP_MAX_REQUEST_BYTES,
          HTTP_TOKEN,
          HTTP_PREDICT_ENABLED,
          HTTP_EXPORT_ENABLED);

  static final Map<String, ConfigKey> BY_NAME =
      ALL.stream().collect(Collectors.toUnmodifiableMap(ConfigKey::name, Function.identity()));

  /** The key whose environment variable is {@code variable}, if any. */
  public static Optional<ConfigKey> byEnvironmentVariable(String variable) {
    return ALL.stream().filter(k -> k.environmentVariable().equals(variable)).findFirst();
  }
}
