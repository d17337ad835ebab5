package dev.redunet.stream.learning;

import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelStatistics;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.Matrix;
import dev.redunet.stream.IdentityScorer;
import dev.redunet.stream.SampleScorer;
import dev.redunet.stream.Scored;
import dev.redunet.stream.ValidSample;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Scores every valid sample with the model in force (test-then-train) and prepares what the builder
 * learns from (ARCHITECTURE.md §3–4). One per task.
 *
 * <p>Scoring: z_L (unit norm) to the features topic; MICL increments δL(z_L, j), the last layer's
 * membership π̂ and the MICL class to the predictions topic, with the model version. Before the
 * first model: the identity network ({@link IdentityScorer}, version 0, no prediction).
 *
 * <p>Learning, for a labelled sample: the raw sample, its label and the label predicted for it go
 * to the task-local pending store; every {@code flushEvery} samples (and on a wall-clock
 * punctuation) the pending samples go to the builder over the learning topic as one delta, then are
 * deleted. The delta is the raw samples (n·D floats; the builder pushes them through the model of
 * its window in one batch) or, when smaller (many samples per flush, small d), their statistics at
 * every depth through the model in force (k·(L+2)·d(d+1)/2 doubles). Under exactly-once, the store,
 * the outputs and the learning records commit together.
 */
final class LearningScorer implements SampleScorer {

  /**
   * A delta up to this size goes in one record (the learning topic accepts the model topic's {@code
   * max.message.bytes}, 32 MiB by default); a larger one goes part by part.
   */
  static final long MAX_DELTA_RECORD_BYTES = 8L << 20;

  private final String modelName;
  private final LearnerSettings settings;
  private final int flushEvery;
  private final ModelCache cache;
  private ProcessorContext<String, Object> context;
  private ReadOnlyKeyValueStore<String, byte[]> models;
  private KeyValueStore<String, byte[]> pending;
  private long pendingCount;
  private long sequence;

  /** The event time of the latest sample: the timestamp of the learning records (stream time). */
  private long lastEventTime;

  private final LearningListener listener;
  private long loadedVersion;

  private final long flushEveryMs;
  private long pendingSince = Long.MIN_VALUE;

  LearningScorer(
      String modelName,
      LearnerSettings settings,
      int flushEvery,
      long flushEveryMs,
      LearningListener listener) {
    this.modelName = modelName;
    this.flushEveryMs = flushEveryMs;
    this.listener = listener;
    this.settings = settings;
    this.flushEvery = flushEvery;
    this.cache = new ModelCache(modelName);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.models = context.getStateStore(LearningPlugin.MODEL_STORE);
    this.pending = context.getStateStore(LearningPlugin.PENDING_STORE);
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        pendingCount++;
        sequence = Math.max(sequence, Long.parseLong(kv.key) + 1);
      }
    }
    context.schedule(
        Duration.ofSeconds(1), PunctuationType.WALL_CLOCK_TIME, now -> flush(lastEventTime));
  }

  @Override
  public Scored score(ValidSample sample) {
    lastEventTime = sample.eventTime().toEpochMilli();
    Optional<StreamingModel> model = cache.current(models);
    if (model.isEmpty() || model.get().inputDimension() != sample.dimension()) {
      learn(sample, Optional.empty());
      return IdentityScorer.identity(sample);
    }
    StreamingModel m = model.get();
    if (m.version() != loadedVersion) {
      loadedVersion = m.version();
      listener.modelLoaded(m);
    }
    Matrix x = Matrix.fromColumns(new double[][] {sample.features()});
    StreamingModel.Scores scores = m.score(x);
    int predicted = scores.predicted()[0];
    Optional<String> predictedName =
        predicted < 0 ? Optional.empty() : Optional.of(m.classNames().get(predicted));
    List<ClassScore> classScores = new ArrayList<>(m.classNames().size());
    double[] membership = scores.membership().map(pi -> pi[0]).orElse(null);
    for (int j = 0; j < m.classNames().size(); j++) {
      classScores.add(
          ClassScore.newBuilder()
              .setLabel(m.classNames().get(j))
              .setDeltaLBits(scores.deltaL()[0][j])
              .setMembership(membership == null ? null : membership[j])
              .build());
    }
    List<Float> z = new ArrayList<>(m.featureDimension());
    for (int a = 0; a < m.featureDimension(); a++) {
      z.add((float) scores.features().get(a, 0));
    }
    Prediction prediction =
        Prediction.newBuilder()
            .setSampleId(sample.id())
            .setModelVersion(m.version())
            .setPredictedLabel(predictedName.orElse(null))
            .setScores(classScores)
            .setTrueLabel(sample.label().orElse(null))
            .build();
    Features features =
        Features.newBuilder()
            .setSampleId(sample.id())
            .setModelVersion(m.version())
            .setFeatures(z)
            .setShape(List.of(m.featureDimension()))
            .build();
    sample.label().ifPresent(l -> listener.scored(predictedName.map(l::equals).orElse(false)));
    learn(sample, predictedName);
    return new Scored(prediction, features);
  }

  private void learn(ValidSample sample, Optional<String> predicted) {
    if (sample.label().isEmpty()) {
      return;
    }
    LearningRecord.Raw raw =
        new LearningRecord.Raw(sample.label().get(), sample.features(), predicted);
    pending.put(key(sequence++), LearningRecord.encode(raw));
    if (pendingSince == Long.MIN_VALUE) {
      pendingSince = lastEventTime;
    }
    if (++pendingCount >= flushEvery
        || (flushEveryMs > 0 && lastEventTime - pendingSince >= flushEveryMs)) {
      flush(lastEventTime);
    }
  }

  private static String key(long seq) {
    return String.format("%019d", seq);
  }

  /**
   * Sends the pending samples to the builder as one delta, then forgets them: as the raw samples
   * ({@link LearningRecord.Raws}, in records of at most {@link #MAX_DELTA_RECORD_BYTES}), or, when
   * their statistics take fewer bytes (many samples per flush, small d), as the statistics of their
   * features through the model in force ({@link LearningRecord.Delta}, or part by part when larger
   * than {@link #MAX_DELTA_RECORD_BYTES}). Statistics need a model that knows every label and the
   * {@code statistics} construction.
   */
  private void flush(long now) {
    if (pendingCount == 0) {
      return;
    }
    List<String> keys = new ArrayList<>();
    List<LearningRecord.Raw> raws = new ArrayList<>();
    long rawBytes = 0;
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
        raws.add((LearningRecord.Raw) LearningRecord.decode(kv.value));
        rawBytes += kv.value.length;
      }
    }
    if (!raws.isEmpty()) {
      Optional<StreamingModel> model = cache.current(models);
      if (model.isPresent() && statisticsAreSmaller(model.get(), raws, rawBytes)) {
        sendStatistics(model.get(), raws, now);
      } else {
        sendRaws(raws, now);
      }
    }
    for (String k : keys) {
      pending.delete(k);
    }
    pendingCount = 0;
    pendingSince = Long.MIN_VALUE;
  }

  private boolean statisticsAreSmaller(
      StreamingModel m, List<LearningRecord.Raw> raws, long rawBytes) {
    if (settings.construction() != Construction.STATISTICS) {
      return false;
    }
    for (LearningRecord.Raw r : raws) {
      if (r.features().length != m.inputDimension() || !m.classNames().contains(r.label())) {
        return false;
      }
    }
    long classes = raws.stream().map(LearningRecord.Raw::label).distinct().count();
    return ModelCodec.statisticsBytes(classes, settings.layers(), m.featureDimension()) < rawBytes;
  }

  private void sendRaws(List<LearningRecord.Raw> raws, long now) {
    for (LearningRecord.Raws chunk : LearningRecord.Raws.chunked(raws, MAX_DELTA_RECORD_BYTES)) {
      send(chunk, now);
    }
  }

  private void sendStatistics(StreamingModel m, List<LearningRecord.Raw> raws, long now) {
    double[][] columns = new double[raws.size()][];
    int[] labels = new int[raws.size()];
    Map<String, Long> outcomes = new LinkedHashMap<>();
    for (int i = 0; i < raws.size(); i++) {
      LearningRecord.Raw r = raws.get(i);
      columns[i] = r.features();
      labels[i] = m.classNames().indexOf(r.label());
      r.predicted()
          .ifPresent(p -> outcomes.merge(LearningRecord.outcome(r.label(), p), 1L, Long::sum));
    }
    ModelStatistics delta =
        m.statistics(Matrix.fromColumns(columns), labels, settings.membership());
    Map<String, byte[]> parts = ModelCodec.statisticsParts(delta);
    LearningRecord.End end = new LearningRecord.End(delta.labelled(), outcomes);
    long size = parts.values().stream().mapToLong(b -> b.length + 64L).sum();
    if (size <= MAX_DELTA_RECORD_BYTES) {
      send(new LearningRecord.Delta(parts, end), now);
    } else {
      for (Map.Entry<String, byte[]> part : parts.entrySet()) {
        send(new LearningRecord.Part(part.getKey(), part.getValue()), now);
      }
      send(end, now);
    }
  }

  private void send(LearningRecord r, long timestamp) {
    Headers headers = new RecordHeaders();
    headers.add(
        LearningRecord.EVENT_TIME_HEADER, ByteBuffer.allocate(8).putLong(timestamp).array());
    context.forward(
        new Record<>(modelName, (Object) LearningRecord.encode(r), timestamp, headers),
        LearningPlugin.LEARNING_SINK);
  }
}
