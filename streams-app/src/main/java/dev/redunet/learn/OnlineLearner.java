package dev.redunet.learn;

import dev.redunet.eval.StreamingClassifier;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The streaming learner run in-process, sample by sample, without Kafka: the {@link
 * WindowedLearner} core that the Kafka builder task drives too, with every version computed at once
 * when its window closes, so that a sample is scored with exactly the version it is owed
 * (DETERMINISM.md). {@code ./redunet evaluate --classifier redunet-micl} runs it; the stream gives
 * the same predictions for the same samples in the same order.
 *
 * <p>Labelled samples are learned with the time of their index in the stream (0, 1, 2, …), which
 * only matters when windows also close by time. Not thread-safe.
 */
public final class OnlineLearner implements StreamingClassifier {

  private final int inputDimension;
  private final WindowedLearner core;
  private final MathExecutor math;
  private final Consumer<StreamingModel> onModel;
  private long learned;
  private long selfLearned;

  /**
   * A learner for raw samples of dimension D, on the calling thread.
   *
   * @param inputDimension D
   * @param settings the settings
   * @param onModel told of every new model version
   */
  public OnlineLearner(
      int inputDimension, LearnerSettings settings, Consumer<StreamingModel> onModel) {
    this(inputDimension, settings, MathExecutor.sequential(), onModel);
  }

  /**
   * A learner for raw samples of dimension D whose kernels (building versions, scoring) run on
   * {@code math}; its predictions do not depend on the executor's threads.
   *
   * @param inputDimension D
   * @param settings the settings
   * @param math the threads of the kernels
   * @param onModel told of every new model version
   */
  public OnlineLearner(
      int inputDimension,
      LearnerSettings settings,
      MathExecutor math,
      Consumer<StreamingModel> onModel) {
    if (inputDimension < 1) {
      throw new IllegalArgumentException("input dimension must be ≥ 1, got " + inputDimension);
    }
    this.inputDimension = inputDimension;
    this.math = Objects.requireNonNull(math, "math");
    this.core = WindowedLearner.start(Objects.requireNonNull(settings, "settings"), 0, math);
    this.onModel = Objects.requireNonNull(onModel, "onModel");
  }

  /** The model in force, once the first window is complete. */
  public Optional<StreamingModel> model() {
    return core.model();
  }

  /** The version in force: the version the next sample is scored with, 0 before the first. */
  public long version() {
    return core.lastVersion();
  }

  @Override
  public int[] predict(double[][] samples) {
    int[] out = new int[samples.length];
    if (core.model().isEmpty() || samples.length == 0) {
      Arrays.fill(out, -1);
      return out;
    }
    StreamingModel m = core.model().get();
    int[] predicted = m.score(Matrix.fromColumns(samples), math).predicted();
    for (int i = 0; i < predicted.length; i++) {
      // the core numbers classes in order of appearance; its names are our label indices
      out[i] = predicted[i] < 0 ? -1 : Integer.parseInt(m.classNames().get(predicted[i]));
    }
    return out;
  }

  @Override
  public void learn(double[] sample, int label) {
    if (sample.length != inputDimension) {
      throw new IllegalArgumentException(
          "sample of dimension " + sample.length + ", the learner expects " + inputDimension);
    }
    if (label < 0) {
      throw new IllegalArgumentException("class index must be ≥ 0, got " + label);
    }
    WindowedLearner.Added added =
        core.add(new WindowedLearner.Sample(learned++, sample.clone(), Integer.toString(label)));
    if (added == WindowedLearner.Added.CLOSED) {
      WindowedLearner.Built built = core.nextJob().orElseThrow().compute();
      core.install(built);
      selfLearned += built.selfLearned();
      onModel.accept(built.model());
    }
  }

  /**
   * Adds an unlabelled sample to the open window ({@link WindowedLearner#addUnlabelled}): with
   * self-training or clustering on, it is used when that window closes; it never closes a window.
   */
  @Override
  public void observe(double[] sample) {
    if (sample.length != inputDimension) {
      throw new IllegalArgumentException(
          "sample of dimension " + sample.length + ", the learner expects " + inputDimension);
    }
    core.addUnlabelled(null, sample.clone());
  }

  /** The unlabelled samples learned as their predicted class so far (self-training). */
  public long selfLearned() {
    return selfLearned;
  }

  @Override
  public int stableHorizon() {
    return core.untilClose();
  }
}
