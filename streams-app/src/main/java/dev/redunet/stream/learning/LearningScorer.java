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
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 * delta, sent to the builder over the learning topic part by part, then deleted. Otherwise (no
 * model yet, a label the model does not know, or {@code replay}) the raw sample goes to the
 * builder. Under exactly-once, the store, the outputs and the learning records commit together.
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
    pending.put(
        key(sequence++),
        encodePending(index, predicted.orElse(""), label, path, scores.features()));
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

  /** Sends the pending samples as one statistics delta, then forgets them. */
  private void flush(long now) {
    if (pendingCount == 0) {
      return;
    }
    ModelStatistics delta = null;
    Map<String, Long> outcomes = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        keys.add(kv.key);
        Pending p = decodePending(kv.value);
        if (delta == null) {
          delta = ModelStatistics.empty(p.features.get(0).length, p.features.size() - 1);
        }
        delta = delta.add(p.features, p.output, p.index);
        if (!p.predicted.isEmpty()) {
          outcomes.merge(LearningRecord.outcome(p.label, p.predicted), 1L, Long::sum);
        }
      }
    }
    if (delta != null) {
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
    for (String k : keys) {
      pending.delete(k);
    }
    pendingCount = 0;
    pendingSince = Long.MIN_VALUE;
  }

  private void send(LearningRecord r) {
    send(r, lastEventTime);
  }

  private void send(LearningRecord r, long timestamp) {
    context.forward(
        new Record<>(modelName, (Object) LearningRecord.encode(r), timestamp),
        LearningPlugin.LEARNING_SINK);
  }

  @SuppressWarnings("ArrayRecordComponent") // a transient decoded value
  private record Pending(
      int index, String predicted, String label, List<double[]> features, double[] output) {}

  private static byte[] encodePending(
      int index, String predicted, String label, List<Matrix> path, Matrix output) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.writeInt(index);
      out.writeUTF(predicted);
      out.writeUTF(label);
      out.writeInt(path.size());
      out.writeInt(output.rows());
      for (Matrix z : path) {
        for (int a = 0; a < z.rows(); a++) {
          out.writeDouble(z.get(a, 0));
        }
      }
      for (int a = 0; a < output.rows(); a++) {
        out.writeDouble(output.get(a, 0));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static Pending decodePending(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int index = in.readInt();
      String predicted = in.readUTF();
      String label = in.readUTF();
      int depths = in.readInt();
      int d = in.readInt();
      List<double[]> features = new ArrayList<>(depths);
      for (int l = 0; l < depths; l++) {
        double[] z = new double[d];
        for (int a = 0; a < d; a++) {
          z[a] = in.readDouble();
        }
        features.add(z);
      }
      double[] output = new double[d];
      for (int a = 0; a < d; a++) {
        output[a] = in.readDouble();
      }
      return new Pending(index, predicted, label, features, output);
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt pending sample", e);
    }
  }
}
