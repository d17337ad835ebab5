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
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
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
 * <p>Learning, for a labelled sample: with a model that knows its label and the {@code statistics}
 * construction, its features at every depth go to the task-local pending store; every {@code
 * flushEvery} samples (and on a wall-clock punctuation) the pending samples become one statistics
 * delta, sent to the builder over the learning topic in factored form (the samples' features) or as
 * statistics, whichever is smaller, then deleted. Otherwise (no model yet, a label the model does
 * not know, or {@code replay}) the raw sample goes to the builder. Under exactly-once, the store,
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
      learn(sample, model, Optional.empty(), null);
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
    learn(sample, model, predictedName, scores);
    return new Scored(prediction, features);
  }

  private void learn(
      ValidSample sample,
      Optional<StreamingModel> model,
      Optional<String> predicted,
      StreamingModel.Scores scores) {
    if (sample.label().isEmpty()) {
      return;
    }
    String label = sample.label().get();
    int index = model.map(m -> m.classNames().indexOf(label)).orElse(-1);
    if (scores == null || index < 0 || settings.construction() == Construction.REPLAY) {
      send(new LearningRecord.Raw(label, sample.features(), predicted));
      return;
    }
    // The scoring pass already computed z₀ … z_L with π̂; the paper's rule needs the labelled path.
    List<Matrix> path =
        settings.membership() == TrainingMembership.LABELS
            ? model
                .get()
                .forward(Matrix.fromColumns(new double[][] {sample.features()}), new int[] {index})
            : scores.depths();
    List<double[]> depths = new ArrayList<>(path.size());
    for (Matrix z : path) {
      depths.add(z.column(0));
    }
    PendingSample p =
        new PendingSample(index, predicted.orElse(""), label, depths, scores.features().column(0));
    pending.put(key(sequence++), p.encode());
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
   * Sends the pending samples to the builder as one delta, then forgets them: in factored form (the
   * samples, {@link LearningRecord.Samples}, in records of at most {@link #MAX_DELTA_RECORD_BYTES})
   * when that is smaller than the statistics, else as statistics (one {@link LearningRecord.Delta},
   * or part by part when larger than {@link #MAX_DELTA_RECORD_BYTES}).
   */
  private void flush(long now) {
    if (pendingCount == 0) {
      return;
    }
    List<String> keys = new ArrayList<>();
    List<byte[]> encoded = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
        encoded.add(kv.value);
      }
    }
    if (!encoded.isEmpty()) {
      PendingSample first = PendingSample.decode(encoded.get(0));
      long factored = encoded.stream().mapToLong(b -> b.length).sum();
      long classes = encoded.stream().mapToInt(b -> ByteBuffer.wrap(b).getInt()).distinct().count();
      int d = first.output().length;
      long statistics = classes * (first.depths().size() + 1) * (8L * d * (d + 3) / 2 + 64);
      if (factored <= statistics) {
        sendSamples(encoded, now);
      } else {
        sendStatistics(encoded, now);
      }
    }
    for (String k : keys) {
      pending.delete(k);
    }
    pendingCount = 0;
    pendingSince = Long.MIN_VALUE;
  }

  private void sendSamples(List<byte[]> encoded, long now) {
    List<byte[]> chunk = new ArrayList<>();
    long chunkBytes = 0;
    for (byte[] b : encoded) {
      if (!chunk.isEmpty()
          && LearningRecord.Samples.encodedBytes(chunkBytes + b.length, chunk.size() + 1)
              > MAX_DELTA_RECORD_BYTES) {
        send(new LearningRecord.Samples(chunk), now);
        chunk = new ArrayList<>();
        chunkBytes = 0;
      }
      chunk.add(b);
      chunkBytes += b.length;
    }
    send(new LearningRecord.Samples(chunk), now);
  }

  private void sendStatistics(List<byte[]> encoded, long now) {
    List<PendingSample> samples = new ArrayList<>(encoded.size());
    Map<String, Long> outcomes = new LinkedHashMap<>();
    for (byte[] b : encoded) {
      PendingSample p = PendingSample.decode(b);
      samples.add(p);
      if (!p.predicted().isEmpty()) {
        outcomes.merge(LearningRecord.outcome(p.label(), p.predicted()), 1L, Long::sum);
      }
    }
    ModelStatistics delta = PendingSample.statistics(samples);
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

  private void send(LearningRecord r) {
    send(r, lastEventTime);
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
