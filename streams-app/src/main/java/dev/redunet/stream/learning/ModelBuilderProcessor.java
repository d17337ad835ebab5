package dev.redunet.stream.learning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.Cluster;
import dev.redunet.avro.internal.BuilderCursor;
import dev.redunet.avro.internal.LearningMessage;
import dev.redunet.avro.internal.LearningSample;
import dev.redunet.avro.internal.ModelProgress;
import dev.redunet.avro.internal.PartitionProgress;
import dev.redunet.eval.ConfusionMatrix;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelJson;
import dev.redunet.learn.ModelStatistics;
import dev.redunet.learn.NoveltyClusters;
import dev.redunet.learn.StatisticsWindows;
import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowStatistics;
import dev.redunet.learn.WindowedLearner;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.rate.Rates;
import dev.redunet.stream.ShapeRule;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.LearningMessageCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The builder of one model (one task: the learning topic has one partition, keyed by model name): a
 * thin adapter that feeds the {@link WindowedLearner} core the labelled samples in the stream's
 * order and publishes what it builds (DETERMINISM.md).
 *
 * <ol>
 *   <li>Every labelled sample the scoring tasks send is stored under its {@link StreamKey} in
 *       {@value LearningPlugin#BUILDER_STORE}, whatever order the records arrive in. The scoring
 *       tasks of this instance also hand their records over at once ({@link LocalLearningRecords}),
 *       before their transactions commit: one is applied when it follows the last record of its
 *       partition the builder has, and a record at or before that (the same record by the other
 *       path) is dropped.
 *   <li>The watermark: every input partition reports how far it has got (its samples' keys, and
 *       {@link PartitionProgress} records); the watermark is the smallest of those, so every
 *       labelled sample at or before it is stored. A partition whose task is heard from (it sends
 *       heartbeats) but has had no new sample for {@code redunet.idle.timeout.ms} of wall-clock
 *       time is skipped (logged and counted); all of them idle, the watermark is the highest. A
 *       task not heard from is waited for.
 *   <li>The stored samples up to the watermark are fed to the core in key order (from a 20 ms
 *       wall-clock punctuation, when enough samples came to close the open window, and when a
 *       version is installed). When one closes a window, its key is that window's boundary,
 *       published at once under {@code <model>/boundary/<v>}; then the watermark, as {@link
 *       ModelProgress} under {@code <model>/progress}. Scorers hold each sample until the watermark
 *       passes it, then score it with the version it is owed.
 *   <li>The version's computation (a pure {@link WindowedLearner.Job}) runs on the builder's own
 *       thread ({@code redunet.rebuild=background}, the default) or inline. In the background, the
 *       job of a window that closes while the version before it is computed is chained on that
 *       version's result ({@link WindowedLearner#nextChained}), and a version is handed to this
 *       instance's scorers as soon as it is computed ({@link LocalVersions}). The stream thread
 *       installs and publishes it: parts, then the version's header, then the newest-version
 *       header; versions older than {@code redunet.model.retained.versions} are deleted. The
 *       samples of its window leave the store in the same transaction as the statistics that hold
 *       them.
 * </ol>
 *
 * A restarted builder restores the core from the last installed version (its statistics and class
 * names in the store, its model in the model topic) and feeds it the stored samples again: the same
 * windows close at the same samples and the same versions are computed. Memory: the core holds at
 * most the open window and {@value #MAX_QUEUED_WINDOWS} closed ones (W samples of D doubles each);
 * feeding pauses while that many wait for their version.
 */
final class ModelBuilderProcessor implements Processor<String, byte[], String, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ModelBuilderProcessor.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AvroCodec<LearningMessage> MESSAGES = LearningMessageCodec.create();
  private static final AvroCodec<ModelProgress> PROGRESS = AvroCodec.of(ModelProgress.class);

  /** Closed windows the core may hold before their versions are installed. */
  static final int MAX_QUEUED_WINDOWS = 4;

  private static final String SAMPLES = "s/";
  private static final String PARTITION_PROGRESS = "p/";
  private static final String HEADERS = "h/";
  private static final String CURSOR = "cursor";
  private static final String CLUSTERS = "clusters/";
  private static final AvroCodec<BuilderCursor> CURSORS = AvroCodec.of(BuilderCursor.class);
  private static final long MAX_RETRY_MS = 60_000;

  /** The punctuation: feed, publish the watermark, install a computed version. */
  static final long TICK_MS = 20;

  private final String modelName;
  private final LearnerSettings settings;
  private final LearningListener listener;
  private final long windowMs;
  private final long idleTimeoutMs;
  private final int retainedVersions;
  private final Supplier<ExecutorService> executors;
  private final MathExecutor math;
  private final int clusterMembers;
  private final ModelCache cache;
  private final LocalVersions local;
  private final LocalLearningRecords handed;

  /**
   * Handed records that cannot be applied yet, per partition, by key: a record before them has not
   * come (it comes by the topic).
   */
  private final Map<Integer, NavigableMap<String, LocalLearningRecords.Handed>> parked =
      new HashMap<>();

  /** Whether this builder takes the records of {@link #handed} (between init and close). */
  private boolean attached;

  private final InputBacklog backlog;
  private final Throttled warnings = new Throttled(LOG, 10_000);

  /** The model {@code redunet.model.initial} names, if set. */
  private final Optional<ModelJson.Restored> initial;

  /** Whether the core was restored from {@link #initial} and that version is not published yet. */
  private boolean initialPending;

  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, byte[]> state;
  private ReadOnlyKeyValueStore<String, byte[]> models;
  private ExecutorService executor;
  private WindowedLearner core;

  private final List<String> progress = new ArrayList<>();
  private final List<Long> lastProgressAt = new ArrayList<>();

  /** When each partition's scoring task was last heard from (any record), MIN_VALUE: not yet. */
  private final List<Long> lastHeardAt = new ArrayList<>();

  /** When each partition's task was heard from again after silence (or first): its idle clock. */
  private final List<Long> firstHeard = new ArrayList<>();

  private final List<Boolean> skipped = new ArrayList<>();
  private final int configuredPartitions;
  private String watermark;
  private long lateCount;

  /** The key of the last sample fed to the core, null before the first since the restore. */
  private String fedUpTo;

  /** Whether every stored sample up to the watermark has been fed. */
  private boolean fedAll = true;

  /** The last key of every closed window whose version is not installed, oldest first. */
  private final Deque<String> closedAt = new ArrayDeque<>();

  /** Labelled samples stored since the last feed (a feed may close a window once enough came). */
  private long storedSinceFeed;

  private String publishedWatermark;
  private long publishedWindows = -1;
  private String publishedShapeAt;

  /** The input shape, fixed by the first labelled sample in key order, and that sample's key. */
  private List<Integer> shape;

  private String shapeFixedAt;
  private long installedVersion;
  private List<String> installedClassNames = List.of();

  /**
   * The versions being computed on the executor, oldest first: the first on the installed version,
   * each next one chained on the result of the one before it.
   */
  private final Deque<Future<WindowedLearner.Built>> building = new ArrayDeque<>();

  private long retryAt;
  private long retryDelayMs = 1_000;

  /** A builder whose versions' math runs on the thread that computes them (tests). */
  ModelBuilderProcessor(
      String modelName,
      LearnerSettings settings,
      LearningListener listener,
      long windowMs,
      int inputPartitions,
      long idleTimeoutMs,
      int retainedVersions,
      LocalVersions local,
      LocalLearningRecords handed,
      Supplier<ExecutorService> executors) {
    this(
        modelName,
        settings,
        listener,
        windowMs,
        inputPartitions,
        idleTimeoutMs,
        retainedVersions,
        local,
        handed,
        executors,
        MathExecutor.sequential(),
        DEFAULT_CLUSTER_MEMBERS,
        Optional.empty(),
        InputBacklog.none());
  }

  /** Member ids a cluster record lists in tests ({@code redunet.clusters.max.members}). */
  static final int DEFAULT_CLUSTER_MEMBERS = 100;

  /**
   * A builder.
   *
   * @param windowMs also close a window by event time, 0 = by count only
   * @param inputPartitions the partitions of the input topic (a partition seen beyond them counts
   *     too)
   * @param idleTimeoutMs a partition silent this long no longer holds the watermark back
   * @param retainedVersions model versions kept in the model topic (≥ 2)
   * @param local where this instance's scorers find what the builder publishes
   * @param handed the learning records this instance's scorers hand over before they commit
   * @param executors creates the executor versions are computed on (one per task), or null to
   *     compute them inline, on the stream thread
   * @param math the threads the computation of a version splits its kernels over
   * @param clusterMembers member ids listed in a cluster record
   * @param initial the model to start from when the model has no version yet ({@code
   *     redunet.model.initial}): its version is published at the first punctuation, owed to every
   *     sample until the next window closes, and the core continues from its statistics
   * @param backlog whether a silent partition's records are all processed (closed with this)
   */
  ModelBuilderProcessor(
      String modelName,
      LearnerSettings settings,
      LearningListener listener,
      long windowMs,
      int inputPartitions,
      long idleTimeoutMs,
      int retainedVersions,
      LocalVersions local,
      LocalLearningRecords handed,
      Supplier<ExecutorService> executors,
      MathExecutor math,
      int clusterMembers,
      Optional<ModelJson.Restored> initial,
      InputBacklog backlog) {
    this.clusterMembers = clusterMembers;
    this.initial = initial;
    this.backlog = backlog;
    this.modelName = modelName;
    this.settings = settings;
    this.listener = listener;
    this.windowMs = windowMs;
    this.configuredPartitions = inputPartitions;
    this.idleTimeoutMs = idleTimeoutMs;
    this.retainedVersions = retainedVersions;
    this.executors = executors;
    this.math = math;
    this.local = local;
    this.handed = handed;
    this.cache = new ModelCache(modelName);
  }

  /** The default executor of versions: one daemon thread named after the model. */
  static ExecutorService builderThread(String modelName) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "redunet-builder-" + modelName);
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.state = context.getStateStore(LearningPlugin.BUILDER_STORE);
    this.models = context.getStateStore(LearningPlugin.MODEL_STORE);
    if (executors != null) {
      executor = executors.get();
    }
    long now = context.currentSystemTimeMs();
    for (int p = 0; p < configuredPartitions; p++) {
      addPartition(now);
    }
    try (KeyValueIterator<String, byte[]> it =
        state.prefixScan(PARTITION_PROGRESS, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        int p = Integer.parseInt(kv.key.substring(PARTITION_PROGRESS.length()));
        while (progress.size() <= p) {
          addPartition(now);
        }
        progress.set(p, utf8(kv.value));
      }
    }
    byte[] c = state.get(CURSOR);
    BuilderCursor cursor = c == null ? BuilderCursor.newBuilder().build() : CURSORS.decode(c);
    watermark = cursor.getWatermark();
    shapeFixedAt = cursor.getShapeFixedAt();
    shape = cursor.getShape() == null ? null : List.copyOf(cursor.getShape());
    lateCount = cursor.getLateSamples();
    installedVersion = cursor.getInstalledVersion();
    installedClassNames = List.copyOf(cursor.getClassNames());
    core = restoreCore();
    handed.attach();
    attached = true;
    // Nothing is forwarded here (Kafka Streams initializes the sinks after this processor): the
    // first punctuation feeds the restored samples again.
    context.schedule(Duration.ofMillis(TICK_MS), PunctuationType.WALL_CLOCK_TIME, this::tick);
  }

  private void addPartition(long now) {
    progress.add(null);
    lastProgressAt.add(now);
    lastHeardAt.add(Long.MIN_VALUE);
    firstHeard.add(Long.MIN_VALUE);
    skipped.add(false);
  }

  private WindowedLearner restoreCore() {
    if (installedVersion == 0) {
      byte[] latest = models.get(ModelTopicKeys.latest(modelName));
      if (latest != null) {
        throw new IllegalStateException(
            "model '"
                + modelName
                + "': the model topic already holds v"
                + ModelCodec.version(latest)
                + " but this application's builder has no state for it (another application, or"
                + " an earlier release of redunet-streams whose state this one cannot continue"
                + " from). Use another redunet.model.name or model topic, or delete the model"
                + " topic and reset the application (kafka-streams-application-reset.sh).");
      }
      if (initial.isPresent()) {
        ModelJson.Restored r = initial.get();
        initialPending = true;
        LOG.info(
            "model {}: starting from v{} of the model export (redunet.model.initial)",
            modelName,
            r.model().version());
        return WindowedLearner.restore(
            settings,
            windowMs,
            r.model(),
            r.statistics().orElseThrow().restore(settings),
            r.model().classNames(),
            NoveltyClusters.empty(),
            math);
      }
      return WindowedLearner.start(settings, windowMs, math);
    }
    long version = installedVersion;
    StreamingModel model =
        cache
            .version(models, version)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "model '"
                            + modelName
                            + "': the builder's state is at v"
                            + version
                            + " but the model topic does not hold it; was the model topic"
                            + " deleted or recreated? Reset the application"
                            + " (kafka-streams-application-reset.sh) to learn again."));
    int d = model.featureDimension();
    Optional<ModelStatistics> total = readStatistics("total/", d);
    List<ModelStatistics> recent = new ArrayList<>();
    for (int i = 0; i < settings.slidingWindows(); i++) {
      readStatistics("recent/" + i + "/", d).ifPresent(recent::add);
    }
    Map<String, byte[]> clusterParts = new LinkedHashMap<>();
    try (KeyValueIterator<String, byte[]> it = state.prefixScan(CLUSTERS, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        clusterParts.put(kv.key.substring(CLUSTERS.length()), kv.value);
      }
    }
    return WindowedLearner.restore(
        settings,
        windowMs,
        model,
        StatisticsWindows.restore(settings, total, recent),
        installedClassNames,
        NoveltyClusters.fromParts(clusterParts),
        math);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (!modelName.equals(record.key()) || record.value() == null) {
      return;
    }
    publishInitial();
    publishIfBuilt();
    LearningMessage message;
    try {
      message = MESSAGES.decode(record.value());
    } catch (RuntimeException e) {
      skipRecord("cannot be decoded: " + e.getMessage());
      return;
    }
    long now = context.currentSystemTimeMs();
    receive(message.getBody(), record.value(), now);
    takeHanded(now);
    advanceWatermark(now);
    if (storedSinceFeed >= core.untilClose()) {
      feed(); // enough samples may have come to close the open window: build without delay
    }
    // otherwise the samples the watermark passes are fed at the next punctuation
  }

  /**
   * Receives one learning record, from the topic or handed over: stores a labelled sample and
   * advances its partition. A sample at or before its partition's progress is one this builder
   * already has (it came the other way), and is dropped.
   */
  private void receive(Object body, byte[] value, long now) {
    if (body instanceof LearningSample s) {
      if (s.getPartition() < 0) {
        skipRecord("has a negative partition " + s.getPartition());
        return;
      }
      boolean had = has(s.getPartition(), s.getKey());
      advance(s.getPartition(), s.getKey(), now);
      if (had) {
        return;
      }
      String key = s.getKey();
      if (watermark != null && key.compareTo(watermark) <= 0) {
        key = StreamKey.late(watermark, lateCount++);
        saveCursor();
        listener.lateSample();
        warnings.warn(
            "late",
            "model {}: a labelled sample of partition {} at {} came after the watermark had passed"
                + " it (its partition was skipped as idle); it is learned in the open window",
            modelName,
            s.getPartition(),
            s.getKey());
      }
      state.put(SAMPLES + key, value);
      if (s.getLabel() != null) {
        storedSinceFeed++;
      }
    } else if (body instanceof PartitionProgress p) {
      if (p.getPartition() < 0) {
        skipRecord("has a negative partition " + p.getPartition());
        return;
      }
      advance(p.getPartition(), p.getKey(), now);
    }
  }

  /** Whether the builder has partition {@code p}'s records up to {@code key}. */
  private boolean has(int p, String key) {
    String at = progressOf(p);
    return at != null && key.compareTo(at) <= 0;
  }

  /** The key partition {@code p} has got to, null: none yet. */
  private String progressOf(int p) {
    return p < progress.size() ? progress.get(p) : null;
  }

  /**
   * Applies the records this instance's scorers handed over that follow, each, the last record the
   * builder has of its partition; keeps the others until the topic brings the records before them;
   * drops those it already has.
   */
  private void takeHanded(long now) {
    for (LocalLearningRecords.Handed h : handed.take()) {
      NavigableMap<String, LocalLearningRecords.Handed> waiting =
          parked.computeIfAbsent(h.partition(), p -> new TreeMap<>());
      waiting.put(h.key(), h);
      if (waiting.size() > LocalLearningRecords.CAPACITY) {
        waiting.clear(); // the topic brings them all
      }
    }
    for (Map.Entry<Integer, NavigableMap<String, LocalLearningRecords.Handed>> e :
        parked.entrySet()) {
      int p = e.getKey();
      NavigableMap<String, LocalLearningRecords.Handed> waiting = e.getValue();
      while (!waiting.isEmpty()) {
        LocalLearningRecords.Handed first = waiting.firstEntry().getValue();
        if (has(p, first.key())) {
          waiting.pollFirstEntry();
          continue;
        }
        if (first.previous() == null || !first.previous().equals(progressOf(p))) {
          break; // a record before it has not come yet
        }
        waiting.pollFirstEntry();
        receive(first.body(), first.value(), now);
      }
    }
  }

  private void skipRecord(String why) {
    listener.learningRecordSkipped();
    Optional<RecordMetadata> at = context.recordMetadata();
    warnings.warn(
        "skip",
        "model {}: learning record {}-{}@{} {}; skipped",
        modelName,
        at.map(RecordMetadata::topic).orElse("?"),
        at.map(RecordMetadata::partition).orElse(-1),
        at.map(RecordMetadata::offset).orElse(-1L),
        why);
  }

  private void advance(int partition, String key, long now) {
    while (progress.size() <= partition) {
      addPartition(now);
    }
    long heard = lastHeardAt.get(partition);
    if (heard == Long.MIN_VALUE || now - heard >= idleTimeoutMs) {
      firstHeard.set(partition, now); // (back) from silence: a full timeout before it is idle
    }
    lastHeardAt.set(partition, now);
    String old = progress.get(partition);
    if (key.isEmpty()) {
      return; // a heartbeat of a task that has seen no sample yet
    }
    if (old == null || key.compareTo(old) > 0) {
      progress.set(partition, key);
      lastProgressAt.set(partition, now);
      state.put(PARTITION_PROGRESS + partition, key.getBytes(StandardCharsets.UTF_8));
      if (skipped.get(partition)) {
        skipped.set(partition, false);
        LOG.info("model {}: input partition {} is active again", modelName, partition);
      }
    }
  }

  /** When partition {@code p}'s current silence began: its last move, or its task's return. */
  private long silentSince(int p) {
    return Math.max(lastProgressAt.get(p), firstHeard.get(p));
  }

  /**
   * Whether partition {@code p}'s scoring task is running (heard from within the timeout: samples,
   * progress or heartbeats) while its position has not moved for the timeout. A task not heard from
   * yet, or silent (restoring, moving to another instance, its instance gone), is not: it is waited
   * for, so that its samples never come late.
   */
  private boolean silent(int p, long now) {
    long heard = lastHeardAt.get(p);
    return heard != Long.MIN_VALUE
        && now - heard < idleTimeoutMs
        && now - silentSince(p) >= idleTimeoutMs;
  }

  /**
   * Whether partition {@code p} is idle: {@link #silent} and, asked after the timeout had passed,
   * its records were all processed ({@link InputBacklog}): a task whose backlog has not reached it
   * yet is waited for however long its silence lasts.
   */
  private boolean idle(int p, long now) {
    return silent(p, now) && backlog.caughtUp(p, silentSince(p) + idleTimeoutMs);
  }

  /**
   * The watermark: the smallest progress of the partitions that are not idle (all idle: the
   * largest); it never goes back.
   */
  private void advanceWatermark(long now) {
    boolean ask = false;
    for (int p = 0; p < progress.size(); p++) {
      if (!silent(p, now) || idle(p, now)) {
        continue;
      }
      ask = true;
      if (now - silentSince(p) >= 2 * idleTimeoutMs) { // not merely the answer on its way
        warnings.warn(
            "backlog-" + p,
            "model {}: input partition {} sent nothing for {} ms but may have records its task has"
                + " not processed yet ({}); the watermark waits for it",
            modelName,
            p,
            now - silentSince(p),
            backlog.evidence());
      }
    }
    if (ask) {
      backlog.check(now, progress.size());
    }
    String lowest = null;
    String highest = null;
    boolean blocked = false;
    for (int p = 0; p < progress.size(); p++) {
      String k = progress.get(p);
      if (k != null && (highest == null || k.compareTo(highest) > 0)) {
        highest = k;
      }
      if (idle(p, now)) {
        continue;
      }
      if (k == null) {
        blocked = true;
      } else if (lowest == null || k.compareTo(lowest) < 0) {
        lowest = k;
      }
    }
    String next = blocked ? null : lowest == null ? highest : lowest;
    if (next == null || (watermark != null && next.compareTo(watermark) <= 0)) {
      return;
    }
    for (int p = 0; p < progress.size(); p++) {
      String k = progress.get(p);
      boolean holdsBack = k == null || k.compareTo(next) < 0;
      if (holdsBack && idle(p, now) && !skipped.get(p)) {
        skipped.set(p, true);
        listener.partitionIdle(p);
        LOG.warn(
            "model {}: input partition {} sent nothing for {} ms (redunet.idle.timeout.ms) and its"
                + " records are all processed ({}); the watermark no longer waits for it",
            modelName,
            p,
            now - lastProgressAt.get(p),
            backlog.evidence());
      }
    }
    watermark = next;
    saveCursor();
  }

  /**
   * Feeds the core the stored samples after {@link #fedUpTo} up to the watermark, in key order,
   * while fewer than {@value #MAX_QUEUED_WINDOWS} closed windows wait; publishes the boundary of
   * every window that closes and submits the next version's job.
   */
  private void feed() {
    do {
      feedSamples();
    } while (submitNext());
    publishProgress();
  }

  private void feedSamples() {
    if (watermark == null) {
      return;
    }
    storedSinceFeed = 0;
    String from = SAMPLES + (fedUpTo == null ? "" : fedUpTo);
    String to = SAMPLES + StreamKey.upTo(watermark);
    fedAll = true;
    List<String> dropped = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = state.range(from, to)) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        String key = kv.key.substring(SAMPLES.length());
        if (key.equals(fedUpTo)) {
          continue;
        }
        if (core.pendingWindows() >= MAX_QUEUED_WINDOWS) {
          fedAll = false;
          break;
        }
        LearningSample s = (LearningSample) MESSAGES.decode(kv.value).getBody();
        if (s.getLabel() == null) {
          // An unlabelled sample (self-training, clusters): kept by the open window, or not; one
          // it does not keep leaves the store now (feeding again after a restart would not keep
          // it either: the window keeps the first ones in key order).
          fedUpTo = key;
          boolean fits =
              shape == null
                  || ShapeRule.misfit(s.getShape(), shape, "fixed at " + shapeFixedAt).isEmpty();
          if (!fits || !core.addUnlabelled(s.getId(), StreamKey.doubles(s.getFeatures()))) {
            dropped.add(kv.key);
          }
          continue;
        }
        Optional<String> misfit =
            shape == null
                ? Optional.empty()
                : ShapeRule.misfit(s.getShape(), shape, "fixed by the sample at " + shapeFixedAt);
        if (misfit.isPresent()) {
          fedUpTo = key;
          listener.learningRecordSkipped();
          warnings.warn(
              "shape",
              "model {}: the labelled sample at {} is not learned: {}",
              modelName,
              key,
              misfit.get());
          continue;
        }
        WindowedLearner.Added added =
            core.add(
                new WindowedLearner.Sample(
                    s.getEventTime(), StreamKey.doubles(s.getFeatures()), s.getLabel()));
        fedUpTo = key;
        if (shape == null && added != WindowedLearner.Added.WRONG_DIMENSION) {
          shape = List.copyOf(s.getShape());
          shapeFixedAt = key;
          saveCursor();
        }
        if (added == WindowedLearner.Added.WRONG_DIMENSION) {
          listener.learningRecordSkipped();
          warnings.warn(
              "dimension",
              "model {}: a labelled sample at {} has {} features, the model {}; not learned",
              modelName,
              key,
              s.getFeatures().remaining() / 4,
              core.dimension());
        } else if (added == WindowedLearner.Added.CLOSED) {
          long version = core.lastVersion() + core.pendingWindows();
          closedAt.addLast(key);
          local.closed(version, key);
          forward(
              ModelTopicKeys.boundary(modelName, version), key.getBytes(StandardCharsets.UTF_8));
        }
      }
    }
    dropped.forEach(state::delete);
  }

  private void publishProgress() {
    String w = fedAll ? watermark : fedUpTo;
    long windows = core.lastVersion() + core.pendingWindows();
    if (w == null
        || (w.equals(publishedWatermark)
            && windows == publishedWindows
            && java.util.Objects.equals(shapeFixedAt, publishedShapeAt))) {
      return;
    }
    ModelProgress p =
        ModelProgress.newBuilder()
            .setWatermark(w)
            .setWindows(windows)
            .setShape(shape == null ? List.of() : shape)
            .setShapeFixedAt(shapeFixedAt)
            .build();
    forward(ModelTopicKeys.progress(modelName), PROGRESS.encode(p));
    local.progress(p);
    publishedWatermark = w;
    publishedWindows = windows;
    publishedShapeAt = shapeFixedAt;
  }

  private void tick(long now) {
    publishInitial();
    publishIfBuilt();
    takeHanded(now);
    advanceWatermark(now);
    feed();
  }

  /**
   * Submits the next version's job, if any, and the jobs of the closed windows after it, each
   * chained on the result of the one before (so that the executor goes on to the next version
   * without waiting for this thread to install the last); returns true if it computed and installed
   * a version (inline).
   */
  private boolean submitNext() {
    if (context.currentSystemTimeMs() < retryAt) {
      return false;
    }
    if (executor != null && !building.isEmpty()) {
      for (Optional<WindowedLearner.Chained> c = core.nextChained();
          c.isPresent();
          c = core.nextChained()) {
        WindowedLearner.Chained next = c.get();
        Future<WindowedLearner.Built> previous = building.peekLast();
        building.addLast(executor.submit(() -> computed(next.after(previous.get()).compute())));
      }
      return false;
    }
    Optional<WindowedLearner.Job> job = core.nextJob();
    if (job.isEmpty()) {
      return false;
    }
    if (executor != null) {
      WindowedLearner.Job first = job.get();
      building.addLast(executor.submit(() -> computed(first.compute())));
      return submitNext();
    }
    WindowedLearner.Built built;
    try {
      built = computed(job.get().compute());
    } catch (RuntimeException e) {
      failed(job.get().version(), e);
      return false;
    }
    install(built);
    return true;
  }

  /**
   * A version just computed (on the executor, or inline), handed at once to this instance's scorers
   * (it is a function of the learning records read, like the boundaries: {@link LocalVersions});
   * the stream thread installs and publishes it next.
   */
  private WindowedLearner.Built computed(WindowedLearner.Built built) {
    local.built(built.model());
    return built;
  }

  /** Installs the versions computed, in order (from process() and the punctuation). */
  private void publishIfBuilt() {
    boolean installed = false;
    while (!building.isEmpty() && building.peekFirst().isDone()) {
      Future<WindowedLearner.Built> done = building.removeFirst();
      try {
        install(done.get());
        installed = true;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException | CancellationException e) {
        building.forEach(f -> f.cancel(false)); // chained on the failed one
        building.clear();
        failed(core.lastVersion() + 1, e.getCause() == null ? e : e.getCause());
        return;
      }
    }
    if (installed) {
      feed();
    }
  }

  private void failed(long version, Throwable e) {
    core.jobFailed();
    listener.buildFailed();
    retryAt = context.currentSystemTimeMs() + retryDelayMs;
    LOG.error(
        "model {}: computing v{} failed; trying again in {} ms (samples owed v{} wait)",
        modelName,
        version,
        retryDelayMs,
        version,
        e);
    retryDelayMs = Math.min(MAX_RETRY_MS, 2 * retryDelayMs);
  }

  /**
   * Publishes a computed version (parts, its header, the newest-version header), deletes the
   * version that falls out of retention, and replaces the window's samples in the store by the
   * statistics that now hold them.
   */
  private void install(WindowedLearner.Built built) {
    StreamingModel next = built.model();
    long v = next.version();
    long now = context.currentSystemTimeMs();
    publishVersion(next, WindowStatistics.of(built.windows()), now, built.seconds());
    deleteSamplesUpTo(closedAt.removeFirst());
    saveWindows(built.windows());
    if (settings.clusters()) {
      deletePrefix(CLUSTERS);
      built.clusters().toParts().forEach((k, value) -> state.put(CLUSTERS + k, value));
      publishClusters(built, now);
    }
    if (built.selfLearned() > 0) {
      listener.selfLearned(v, built.selfLearned());
    }
    installedVersion = v;
    installedClassNames = List.copyOf(built.window().classNames());
    saveCursor();
    emitMetrics(built, now);
    cache.put(next); // this instance's scorers have it already (computed)
    core.install(built);
    retryDelayMs = 1_000;
    retryAt = 0;
    listener.modelBuilt(next, built.seconds());
    // Other instances read the version from the model topic once this transaction commits: ask
    // for that commit now rather than at the next commit interval.
    context.commit();
  }

  /**
   * Publishes the version the core was restored from ({@code redunet.model.initial}) as if it had
   * just been installed: its parts and statistics, a boundary before every sample (so every sample
   * is owed it until the next window closes), and the builder's cursor and statistics.
   */
  private void publishInitial() {
    if (!initialPending) {
      return;
    }
    initialPending = false;
    StreamingModel m = core.model().orElseThrow();
    ModelJson.Restored r = initial.orElseThrow();
    WindowStatistics statistics = r.statistics().orElseThrow();
    long v = m.version();
    publishVersion(m, statistics, r.build().builtAtMillis(), r.build().rebuildSeconds());
    local.closed(v, StreamKey.BEFORE_ALL);
    forward(
        ModelTopicKeys.boundary(modelName, v),
        StreamKey.BEFORE_ALL.getBytes(StandardCharsets.UTF_8));
    saveWindows(statistics.restore(settings));
    installedVersion = v;
    installedClassNames = m.classNames();
    saveCursor();
    cache.put(m);
    local.built(m);
    listener.modelBuilt(m, 0);
    context.commit();
  }

  /**
   * Publishes a version's parts (with its statistics), its header, the newest-version header, and
   * deletes the version that falls out of retention.
   */
  private void publishVersion(
      StreamingModel next, WindowStatistics statistics, long builtAt, double seconds) {
    long v = next.version();
    Map<String, byte[]> parts = ModelCodec.parts(next, Optional.of(statistics), builtAt, seconds);
    byte[] header = parts.get(ModelCodec.HEADER);
    for (Map.Entry<String, byte[]> p : parts.entrySet()) {
      if (!p.getKey().equals(ModelCodec.HEADER)) {
        forward(ModelTopicKeys.part(modelName, v, p.getKey()), p.getValue());
      }
    }
    forward(ModelTopicKeys.part(modelName, v, ModelCodec.HEADER), header);
    forward(ModelTopicKeys.latest(modelName), header);
    state.put(HEADERS + v, header);
    long old = v - retainedVersions;
    byte[] oldHeader = old >= 1 ? state.get(HEADERS + old) : null;
    if (oldHeader != null) {
      for (String part : ModelCodec.listedParts(oldHeader)) {
        forward(ModelTopicKeys.part(modelName, old, part), null);
      }
      forward(ModelTopicKeys.part(modelName, old, ModelCodec.HEADER), null);
      forward(ModelTopicKeys.boundary(modelName, old), null);
      state.delete(HEADERS + old);
      local.dropped(old);
    }
  }

  private void deleteSamplesUpTo(String lastKey) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = state.range(SAMPLES, SAMPLES + lastKey)) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    keys.forEach(state::delete);
  }

  private void forward(String key, byte[] value) {
    context.forward(
        new Record<>(key, (Object) value, context.currentSystemTimeMs()),
        LearningPlugin.MODEL_SINK);
  }

  @Override
  public void close() {
    if (attached) {
      attached = false;
      handed.detach();
    }
    backlog.close();
    if (executor != null) {
      executor.shutdownNow(); // a build still running is computed again by the next owner
      try {
        if (!executor.awaitTermination(60, TimeUnit.SECONDS)) {
          LOG.warn("model {}: the build thread did not stop within 60 s", modelName);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * One record per cluster the window's novel samples started or grew, keyed {@code
   * <model>/<cluster id>}, to the clusters topic.
   */
  private void publishClusters(WindowedLearner.Built built, long now) {
    long scoredBy = built.model().version() - 1;
    for (NoveltyClusters.Update u : built.clusterUpdates()) {
      NoveltyClusters.Cluster c = u.cluster();
      List<Double> mean = new ArrayList<>();
      for (double x : c.mean()) {
        mean.add(x);
      }
      List<String> members = c.members();
      Cluster record =
          Cluster.newBuilder()
              .setModel(modelName)
              .setModelVersion(scoredBy)
              .setClusterId(c.id())
              .setSize(c.size())
              .setAdded(u.added())
              .setMemberIds(
                  new ArrayList<>(members.subList(0, Math.min(clusterMembers, members.size()))))
              .setCodingLengthBits(u.codingLengthBits())
              .setMeanFeature(mean)
              .setFirstVersion(c.firstVersion())
              .build();
      context.forward(
          new Record<>(modelName + "/" + c.id(), (Object) record, now),
          LearningPlugin.CLUSTERS_SINK);
    }
    if (!built.clusterUpdates().isEmpty()) {
      listener.clustersPublished(built.clusterUpdates().size());
    }
  }

  // --- metrics --------------------------------------------------------------------------------

  private void emitMetrics(WindowedLearner.Built built, long now) {
    StreamingModel next = built.model();
    WindowedLearner.Window window = built.window();
    int[] labels = window.labels();
    int[] predicted = built.predicted();
    ConfusionMatrix confusion = new ConfusionMatrix();
    for (int i = 0; i < labels.length; i++) {
      if (predicted[i] >= 0) {
        confusion.record(labels[i], predicted[i]);
      }
    }
    double spanSeconds = (window.last() - window.first()) / 1000.0;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", modelName);
    m.put("version", next.version());
    m.put("window_labelled", window.size());
    m.put("scored", confusion.total());
    m.put("accuracy", confusion.total() == 0 ? null : confusion.accuracy());
    m.put("kappa", confusion.total() == 0 ? null : finiteOrNull(confusion.kappa()));
    m.put("samples_per_second", spanSeconds > 0 ? window.size() / spanSeconds : null);
    m.put("built_at", java.time.Instant.ofEpochMilli(now).toString());
    m.put("rebuild_seconds", built.seconds());
    // The window's samples flagged novel by the version that scored them (v−1, still installed).
    Optional<StreamingModel> previous = core.model();
    int novel = 0;
    for (double bits : built.noveltyBits()) {
      if (previous.isPresent() && previous.get().novel(bits)) {
        novel++;
      }
    }
    m.put("novel_in_window", novel);
    m.put("novelty_threshold", finiteOrNull(next.noveltyThreshold().orElse(Double.NaN)));
    m.put("self_learned", built.selfLearned());
    m.put("clusters_updated", built.clusterUpdates().size());
    List<Map<String, Object>> layers = new ArrayList<>();
    List<Rates> rates = next.layerRates();
    for (int l = 0; l < rates.size(); l++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("layer", l + 1);
      r.put("R", rates.get(l).r());
      r.put("Rc", rates.get(l).rc());
      r.put("deltaR", rates.get(l).deltaR());
      layers.add(r);
    }
    m.put("layers", layers);
    m.put("classes", window.classNames());
    try {
      String json = JSON.writeValueAsString(m);
      LOG.info("model {} v{}: {}", modelName, next.version(), json);
      context.forward(new Record<>(modelName, (Object) json, now), LearningPlugin.METRICS_SINK);
      listener.versionEvaluated(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the metrics record", e);
    }
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  // --- state helpers ----------------------------------------------------------------------------

  /** Writes where the builder stands ({@link BuilderCursor}) to its store. */
  private void saveCursor() {
    state.put(
        CURSOR,
        CURSORS.encode(
            BuilderCursor.newBuilder()
                .setInstalledVersion(installedVersion)
                .setClassNames(installedClassNames)
                .setWatermark(watermark)
                .setLateSamples(lateCount)
                .setShape(shape)
                .setShapeFixedAt(shapeFixedAt)
                .build()));
  }

  private void saveWindows(StatisticsWindows windows) {
    deletePrefix("total/");
    windows.total().ifPresent(t -> writeStatistics("total/", t));
    deletePrefix("recent/");
    List<ModelStatistics> recent = windows.recent();
    for (int i = 0; i < recent.size(); i++) {
      writeStatistics("recent/" + i + "/", recent.get(i));
    }
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private static String utf8(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  private void deletePrefix(String prefix) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = state.prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    keys.forEach(state::delete);
  }

  private void writeStatistics(String prefix, ModelStatistics s) {
    ModelCodec.statisticsParts(s).forEach((k, v) -> state.put(prefix + k, v));
    state.put(prefix + "labelled", longBytes(s.labelled()));
  }

  private Optional<ModelStatistics> readStatistics(String prefix, int d) {
    ModelStatistics s =
        settings.spectral()
            ? ModelStatistics.emptySpectral(settings.layers())
            : ModelStatistics.empty(d, settings.layers());
    boolean any = false;
    try (KeyValueIterator<String, byte[]> it = state.prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        String name = kv.key.substring(prefix.length());
        if (name.equals("labelled")) {
          s = s.plusLabelled(ByteBuffer.wrap(kv.value).getLong());
        } else if (name.startsWith("depth/") || name.startsWith("output/")) {
          s = ModelCodec.addPart(s, name, kv.value);
        }
        any = true;
      }
    }
    return any ? Optional.of(s) : Optional.empty();
  }
}
