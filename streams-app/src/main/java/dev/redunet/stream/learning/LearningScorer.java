package dev.redunet.stream.learning;

import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import dev.redunet.avro.internal.HeldSample;
import dev.redunet.avro.internal.LearningMessage;
import dev.redunet.avro.internal.LearningSample;
import dev.redunet.avro.internal.ModelProgress;
import dev.redunet.avro.internal.PartitionProgress;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.stream.DeadLetterHeaders;
import dev.redunet.stream.IdentityScorer;
import dev.redunet.stream.IngressMetrics;
import dev.redunet.stream.InvalidSampleException;
import dev.redunet.stream.RedunetTopology;
import dev.redunet.stream.Rejections;
import dev.redunet.stream.SampleScorer;
import dev.redunet.stream.Scored;
import dev.redunet.stream.ShapeRule;
import dev.redunet.stream.ValidSample;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.LearningMessageCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every valid sample with the model version it is owed, and sends the labelled ones to the
 * builder (ARCHITECTURE.md §3–4, DETERMINISM.md). One per task (one input partition).
 *
 * <p>Each sample gets its {@link StreamKey}: (effective event time, partition, offset), the
 * effective time being the highest event time of the partition so far, so that the key depends only
 * on the partition's contents. A labelled sample goes to the builder at once over the learning
 * topic ({@link LearningSample}), an unlabelled one too when the builder uses them ({@code
 * redunet.unlabelled=self} or {@code redunet.clusters=on}); a wall-clock punctuation reports the
 * partition's progress ({@link PartitionProgress}) when it has moved past the last labelled sample
 * sent.
 *
 * <p>Scoring, {@code redunet.scoring=consistent} (the default): the sample waits in the
 * changelogged store {@value LearningPlugin#HELD_STORE} until the builder's watermark ({@link
 * ModelProgress}) passes its key; it is then owed the newest version v whose window boundary is
 * before its key (0: none, the identity network), and is scored once version v is published.
 * Samples are released in key order, from a record that finds news and from a 20 ms punctuation.
 * Past {@code redunet.scoring.max.waiting} waiting samples, a sample is scored at once with the
 * newest version and flagged stale. With {@code latest}, every sample is scored at once with the
 * newest version, flagged stale unless that is known to be the version it is owed.
 *
 * <p>Outputs: z_L (unit norm) to the features topic; MICL increments δL(z_L, j), the last layer's
 * membership π̂, the MICL class, the version, and the stale flag to the predictions topic. Under
 * exactly-once, the held store, the outputs and the learning records commit together.
 */
final class LearningScorer implements SampleScorer {

  private static final Logger LOG = LoggerFactory.getLogger(LearningScorer.class);
  private static final AvroCodec<LearningMessage> MESSAGES = LearningMessageCodec.create();
  private static final AvroCodec<HeldSample> HELD = AvroCodec.of(HeldSample.class);

  private static final String HELD_PREFIX = "h/";
  private static final String RUN_MAX = "m/effective-time";

  /**
   * Where and how a scorer rejects a sample of another shape than the one the first labelled sample
   * fixed.
   *
   * @param inputTopic the samples topic (the rejected record's source)
   * @param maxRecordBytes the longest value a rejected record keeps
   * @param metrics counts the rejection
   */
  record Rejecting(String inputTopic, int maxRecordBytes, IngressMetrics metrics) {}

  private static final AvroCodec<Sample> SAMPLES = AvroCodec.of(Sample.class);

  private final Supplier<Rejecting> rejectingOnceBuilt;
  private Rejecting rejecting;
  private final String modelName;
  private final boolean consistent;
  private final long heartbeatMs;
  private final long idleTimeoutMs;
  private long startedAt = Long.MIN_VALUE;
  private final long maxWaiting;
  private final LearningListener listener;
  private final LocalVersions local;
  private final LocalLearningRecords handed;
  private final MathExecutor math;
  private final boolean sendUnlabelled;
  private final Throttled warnings = new Throttled(LOG, 10_000);

  private ProcessorContext<String, Object> context;
  private Output output;
  private ModelView models;
  private KeyValueStore<String, byte[]> held;
  private long heldCount;
  private long effectiveTime = Long.MIN_VALUE;
  private String lastKey;
  private String reportedKey;

  /**
   * The key of the last learning record this task sent since it started (a sample's key, or the key
   * a progress record reported), null before the first: handed to the builder with the next record
   * ({@link LocalLearningRecords.Handed#previous}).
   */
  private String sentKey;

  private long reportedAt = Long.MIN_VALUE / 2;
  private long loadedVersion;

  private ModelProgress releasedAtProgress;
  private final List<ValidSample> batch = new ArrayList<>();
  private final List<Long> batchTimestamps = new ArrayList<>();
  private StreamingModel batchModel;
  private long releasedAtVersion = -1;

  /**
   * The key of the last sample released (or dropped) since this task started, or null: every sample
   * still held has a larger key (keys grow with the partition's offsets, and samples leave in key
   * order), so a release reads the store from there rather than over the deleted entries before it,
   * which RocksDB would step through on every read until it compacts them.
   */
  private String releasedThrough;

  private long firstReleasedWith = -1;

  LearningScorer(
      String modelName,
      boolean consistent,
      long maxWaiting,
      long idleTimeoutMs,
      LearningListener listener,
      LocalVersions local,
      LocalLearningRecords handed,
      Supplier<Rejecting> rejecting,
      MathExecutor math,
      boolean sendUnlabelled) {
    this.sendUnlabelled = sendUnlabelled;
    this.heartbeatMs = Math.max(10, idleTimeoutMs / 4);
    this.idleTimeoutMs = idleTimeoutMs;
    this.rejectingOnceBuilt = rejecting;
    this.modelName = modelName;
    this.consistent = consistent;
    this.maxWaiting = maxWaiting;
    this.listener = listener;
    this.local = local;
    this.handed = handed;
    this.math = math;
  }

  @Override
  public void init(ProcessorContext<String, Object> context, Output output) {
    this.context = context;
    this.output = output;
    this.rejecting = rejectingOnceBuilt.get();
    this.models =
        new ModelView(modelName, context.getStateStore(LearningPlugin.MODEL_STORE), local);
    this.held = context.getStateStore(LearningPlugin.HELD_STORE);
    try (KeyValueIterator<String, byte[]> it =
        held.prefixScan(HELD_PREFIX, new StringSerializer())) {
      while (it.hasNext()) {
        it.next();
        heldCount++;
      }
    }
    byte[] t = held.get(RUN_MAX);
    effectiveTime = t == null ? Long.MIN_VALUE : ByteBuffer.wrap(t).getLong();
    context.schedule(Duration.ofMillis(20), PunctuationType.WALL_CLOCK_TIME, now -> tick());
  }

  @Override
  public void score(ValidSample sample, long timestamp) {
    RecordMetadata at =
        context
            .recordMetadata()
            .orElseThrow(() -> new IllegalStateException("a sample without its input record"));
    int partition = at.partition();
    long time = sample.eventTime().toEpochMilli();
    if (time > effectiveTime) {
      effectiveTime = time;
      held.put(RUN_MAX, ByteBuffer.allocate(8).putLong(time).array());
    }
    String key = StreamKey.of(effectiveTime, partition, at.offset());
    lastKey = key;
    if (sample.label().isPresent() || sendUnlabelled) {
      // Unlabelled samples too when the builder learns from them (self-training) or clusters the
      // novel ones: either way under the version they are owed, in the window they fall in.
      send(
          partition,
          key,
          LearningSample.newBuilder()
              .setKey(key)
              .setPartition(partition)
              .setEventTime(effectiveTime)
              .setLabel(sample.label().orElse(null))
              .setShape(sample.shape())
              .setFeatures(StreamKey.floats(sample.features()))
              .setId(sample.label().isPresent() ? null : sample.id())
              .build());
      reportedKey = key;
      reportedAt = context.currentSystemTimeMs();
    }
    if (consistent && heldCount < maxWaiting) {
      held.put(HELD_PREFIX + key, HELD.encode(hold(sample, timestamp)));
      heldCount++;
      if (newsSinceRelease()) {
        release();
      }
      return;
    }
    if (consistent) {
      warnings.warn(
          "overflow",
          "model {}: {} samples wait for their model version (redunet.scoring.max.waiting);"
              + " sample {} is scored with the newest version and flagged stale",
          modelName,
          heldCount,
          sample.id());
    }
    scoreNow(sample, key, timestamp);
  }

  /**
   * Releases what can be released, and reports the partition's position when it moved, or as a
   * heartbeat every {@code heartbeatMs} when it did not (an empty key before the first sample): the
   * builder waits for a partition whose task it does not hear from, and skips as idle only a
   * running task's partition with no new samples.
   */
  private void tick() {
    release();
    long now = context.currentSystemTimeMs();
    if (startedAt == Long.MIN_VALUE) {
      startedAt = now;
    }
    boolean moved = lastKey != null && !lastKey.equals(reportedKey);
    // A task that has read nothing yet says so only after a whole timeout: until then its
    // partition's samples may still be on their way (a backlog not fetched yet, a slow start).
    boolean mayBeat = lastKey != null || reportedKey != null || now - startedAt >= idleTimeoutMs;
    if (moved || (mayBeat && now - reportedAt >= heartbeatMs)) {
      String key = moved ? lastKey : reportedKey == null ? "" : reportedKey;
      int partition = context.taskId().partition();
      send(
          partition,
          key,
          PartitionProgress.newBuilder().setPartition(partition).setKey(key).build());
      reportedKey = key.isEmpty() ? null : key;
      reportedAt = now;
    }
  }

  /**
   * Sends a learning record to the builder: over the learning topic, and handed to this instance's
   * builder at once ({@link LocalLearningRecords}) when it has one. A heartbeat (a progress record
   * that reports no new key) goes by the topic only.
   */
  private void send(int partition, String key, Object body) {
    byte[] value = MESSAGES.encode(LearningMessage.newBuilder().setBody(body).build());
    context.forward(
        new Record<>(modelName, (Object) value, Math.max(0, effectiveTime)),
        LearningPlugin.LEARNING_SINK);
    if (key.isEmpty() || key.equals(sentKey)) {
      return;
    }
    handed.offer(new LocalLearningRecords.Handed(partition, sentKey, key, body, value));
    sentKey = key;
  }

  /**
   * The version owed to a sample at {@code key} at or before the watermark: the newest v ≤ {@code
   * windows} whose boundary is before {@code key}; −1 when that version is no longer retained.
   */
  private long owedVersion(String key, long windows) {
    for (long v = windows; v > 0; v--) {
      Optional<String> b = models.boundary(v);
      if (b.isEmpty()) {
        return -1; // deleted with its version: owed v or older, none of them kept
      }
      if (b.get().compareTo(key) < 0) {
        return v;
      }
    }
    return 0;
  }

  /**
   * Whether the builder's watermark or the newest version changed since the last release: a new
   * sample is past the watermark, so only news can release anything.
   */
  private boolean newsSinceRelease() {
    ModelProgress p = models.progress().orElse(null);
    long latest = models.latestVersion().orElse(0);
    return !java.util.Objects.equals(p, releasedAtProgress) || latest != releasedAtVersion;
  }

  /** Scores the waiting samples that the watermark has passed, in key order. */
  private void release() {
    if (heldCount == 0) {
      return;
    }
    Optional<ModelProgress> p = models.progress();
    releasedAtProgress = p.orElse(null);
    long seen = models.latestVersion().orElse(0);
    releasedAtVersion = seen;
    if (p.isEmpty()) {
      return;
    }
    String watermark = p.get().getWatermark();
    long windows = p.get().getWindows();
    OptionalLong latest = models.latestVersion();
    List<String> done = new ArrayList<>();
    long now = context.currentSystemTimeMs();
    String from = HELD_PREFIX + (releasedThrough == null ? "" : releasedThrough);
    try (KeyValueIterator<String, byte[]> it =
        held.range(from, HELD_PREFIX + StreamKey.upTo(watermark))) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        String key = kv.key.substring(HELD_PREFIX.length());
        if (key.compareTo(watermark) > 0) {
          break;
        }
        long owed = owedVersion(key, windows);
        Optional<StreamingModel> model = owed > 0 ? models.version(owed) : Optional.empty();
        if (owed > 0 && model.isEmpty() && (latest.isEmpty() || latest.getAsLong() < owed)) {
          break; // not published yet; every later sample is owed it or a newer one
        }
        HeldSample h = HELD.decode(kv.value);
        ValidSample sample = unhold(h);
        listener.waited(Math.max(0, now - h.getHeldAt()));
        done.add(kv.key);
        if (rejectedForShape(sample, key, h.getTimestamp(), p.get())) {
          continue;
        }
        if (model.isPresent() && model.get().inputDimension() == sample.dimension()) {
          if (batchModel != model.get()) {
            flushBatch();
            batchModel = model.get();
          }
          batch.add(sample);
          batchTimestamps.add(h.getTimestamp());
          continue;
        }
        flushBatch();
        if (owed == 0) {
          output.emit(IdentityScorer.identity(sample), h.getTimestamp());
        } else if (model.isPresent()) {
          output.emit(scored(sample, model.get(), false, null), h.getTimestamp());
        } else {
          warnings.warn(
              "retention",
              "model {}: sample {} is owed v{}, no longer kept (redunet.model.retained.versions);"
                  + " scored with the newest and flagged stale",
              modelName,
              sample.id(),
              owed < 0 ? "?" : owed);
          scoreWithLatest(sample, h.getTimestamp(), owed < 0 ? null : owed);
        }
      }
    }
    flushBatch();
    done.forEach(held::delete);
    heldCount -= done.size();
    if (!done.isEmpty()) {
      releasedThrough = done.get(done.size() - 1).substring(HELD_PREFIX.length());
    }
  }

  /**
   * Scores the batch of consecutive released samples owed one version as one matrix (GEMM rather
   * than one matrix-vector product per sample: the same numbers, column by column) and emits them
   * in order.
   */
  private void flushBatch() {
    if (batch.isEmpty()) {
      return;
    }
    List<Scored> scored = scoredBatch(batch, batchModel, false, null);
    for (int i = 0; i < scored.size(); i++) {
      output.emit(scored.get(i), batchTimestamps.get(i));
    }
    if (batchModel.version() != firstReleasedWith) {
      // The first samples a new version releases are a window's worth that waited for it: ask
      // for the commit that makes their predictions visible now, not at the next interval.
      firstReleasedWith = batchModel.version();
      context.commit();
    }
    batch.clear();
    batchTimestamps.clear();
    batchModel = null;
  }

  private void scoreNow(ValidSample sample, String key, long timestamp) {
    Long owed = null;
    Optional<ModelProgress> p = models.progress();
    if (p.isPresent() && rejectedForShape(sample, key, timestamp, p.get())) {
      return;
    }
    if (p.isPresent() && key.compareTo(p.get().getWatermark()) <= 0) {
      long v = owedVersion(key, p.get().getWindows());
      owed = v < 0 ? null : v;
    }
    scoreWithLatest(sample, timestamp, owed);
  }

  /**
   * Rejects (WRONG_DIMENSION) a sample after the one that fixed the input shape when it does not
   * fit that shape; returns whether it did. The rejected record holds the sample re-encoded as Avro
   * (the original bytes are not kept while a sample waits) and its input coordinates; its headers
   * are the dead-letter headers ({@link DeadLetterHeaders}; the input's own headers are not kept
   * either).
   */
  private boolean rejectedForShape(
      ValidSample sample, String key, long timestamp, ModelProgress p) {
    String fixedAt = p.getShapeFixedAt();
    if (fixedAt == null || key.compareTo(fixedAt) <= 0) {
      return false;
    }
    Optional<String> misfit =
        ShapeRule.misfit(
            sample.shape(), p.getShape(), "fixed by the first labelled sample, at " + fixedAt);
    if (misfit.isEmpty()) {
      return false;
    }
    List<Float> values = new ArrayList<>(sample.dimension());
    for (int i = 0; i < sample.dimension(); i++) {
      values.add((float) sample.feature(i));
    }
    byte[] value =
        SAMPLES.encode(
            Sample.newBuilder()
                .setId(sample.id())
                .setEventTime(sample.eventTime())
                .setSource(sample.source())
                .setFeatures(values)
                .setShape(sample.shape())
                .setLabel(sample.label().orElse(null))
                .build());
    byte[] id = sample.id().getBytes(StandardCharsets.UTF_8);
    RejectedRecord r =
        Rejections.of(
            id,
            value,
            rejecting.inputTopic(),
            StreamKey.partition(key),
            StreamKey.offset(key),
            RejectReason.WRONG_DIMENSION,
            misfit.get(),
            Instant.ofEpochMilli(context.currentSystemTimeMs()),
            rejecting.maxRecordBytes());
    rejecting.metrics().recordRejected(RejectReason.WRONG_DIMENSION);
    warnings.warn(
        "shape", "model {}: sample {} rejected: {}", modelName, sample.id(), misfit.get());
    anyKey()
        .forward(
            new Record<>(
                id,
                r,
                timestamp,
                DeadLetterHeaders.of(
                    null,
                    new InvalidSampleException(RejectReason.WRONG_DIMENSION, misfit.get()),
                    r.getSourceTopic(),
                    r.getSourcePartition(),
                    r.getSourceOffset())),
            RedunetTopology.REJECTED_SINK);
    return true;
  }

  /** The context, for the rejected sink: its keys are the original key bytes, not a String. */
  @SuppressWarnings("unchecked") // the sink's serializers fix the types, not the context's
  private ProcessorContext<Object, Object> anyKey() {
    return (ProcessorContext<Object, Object>) (ProcessorContext<?, ?>) context;
  }

  /** Scores at once with the newest version; stale unless that is the owed version. */
  private void scoreWithLatest(ValidSample sample, long timestamp, Long owed) {
    Optional<StreamingModel> latest = models.latest();
    long used = latest.map(StreamingModel::version).orElse(IdentityScorer.MODEL_VERSION);
    boolean stale = owed == null || owed != used;
    if (stale) {
      listener.scoredStale();
    }
    Scored s =
        latest.isEmpty()
            ? IdentityScorer.identity(sample)
            : scored(sample, latest.get(), stale, owed);
    if (stale && !s.prediction().getStale()) { // the identity's outputs, which know no version
      s =
          new Scored(
              Prediction.newBuilder(s.prediction()).setStale(true).setOwedVersion(owed).build(),
              s.features());
    }
    output.emit(s, timestamp);
  }

  private Scored scored(ValidSample sample, StreamingModel m, boolean stale, Long owed) {
    if (m.inputDimension() != sample.dimension()) {
      warnings.warn(
          "dimension",
          "model {}: sample {} has {} features, v{} expects {}; its outputs are the identity's",
          modelName,
          sample.id(),
          sample.dimension(),
          m.version(),
          m.inputDimension());
      return IdentityScorer.identity(sample);
    }
    return scoredBatch(List.of(sample), m, stale, owed).get(0);
  }

  /** The outputs of samples of the model's dimension, scored as one batch. */
  private List<Scored> scoredBatch(
      List<ValidSample> samples, StreamingModel m, boolean stale, Long owed) {
    if (m.version() != loadedVersion) {
      loadedVersion = m.version();
      listener.modelLoaded(m);
    }
    List<Scored> out = ModelScoring.score(samples, m, stale, owed, math);
    for (int i = 0; i < out.size(); i++) {
      Prediction p = out.get(i).prediction();
      if (p.getNovel()) {
        listener.scoredNovel();
      }
      samples.get(i).label().ifPresent(l -> listener.scored(l.equals(p.getPredictedLabel())));
    }
    return out;
  }

  private HeldSample hold(ValidSample sample, long timestamp) {
    return HeldSample.newBuilder()
        .setId(sample.id())
        .setEventTime(sample.eventTime().toEpochMilli())
        .setSource(sample.source())
        .setLabel(sample.label().orElse(null))
        .setShape(sample.shape())
        .setFeatures(StreamKey.floats(sample.features()))
        .setTimestamp(timestamp)
        .setHeldAt(context.currentSystemTimeMs())
        .build();
  }

  private static ValidSample unhold(HeldSample h) {
    return new ValidSample(
        h.getId(),
        Instant.ofEpochMilli(h.getEventTime()),
        h.getSource(),
        StreamKey.doubles(h.getFeatures()),
        h.getShape(),
        h.getLabel());
  }
}
