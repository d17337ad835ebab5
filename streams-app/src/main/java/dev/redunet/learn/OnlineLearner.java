package dev.redunet.learn;

import dev.redunet.eval.StreamingClassifier;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The streaming learner run in-process, sample by sample, exactly as the Kafka Streams topology
 * runs it but without Kafka (ARCHITECTURE.md §3), so that the stream's accuracy can be checked
 * against it ({@code ./redunet evaluate --classifier redunet-micl}).
 *
 * <ul>
 *   <li>Before the first model, labelled samples are buffered and nothing is scored. When the first
 *       window (W labelled samples) is complete, version 1 is the batch forward construction on it,
 *       after fitting the projection if the settings ask for one (then frozen).
 *   <li>Afterwards every labelled sample is pushed through the model in force; its features at
 *       every depth update the window's statistics (and, in {@code replay}, a buffer of the last W
 *       samples). At every window boundary the window closes into the combined statistics ({@link
 *       StatisticsWindows}) and the next version is built ({@link ModelBuilder}).
 * </ul>
 *
 * Not thread-safe.
 */
public final class OnlineLearner implements StreamingClassifier {

  private final int inputDimension;
  private final LearnerSettings settings;
  private final ModelBuilder builder;
  private final Consumer<StreamingModel> onModel;
  private final Deque<double[]> buffer = new ArrayDeque<>();
  private final Deque<Integer> bufferLabels = new ArrayDeque<>();
  private final List<String> classNames = new ArrayList<>();
  private Optional<StreamingModel> model = Optional.empty();
  private StatisticsWindows windows;
  private ModelStatistics window;
  private int sinceBoundary;

  /**
   * A learner for raw samples of dimension D.
   *
   * @param inputDimension D
   * @param settings the settings
   * @param onModel told of every new model version
   */
  public OnlineLearner(
      int inputDimension, LearnerSettings settings, Consumer<StreamingModel> onModel) {
    if (inputDimension < 1) {
      throw new IllegalArgumentException("input dimension must be ≥ 1, got " + inputDimension);
    }
    this.inputDimension = inputDimension;
    this.settings = Objects.requireNonNull(settings, "settings");
    this.builder = new ModelBuilder(settings);
    this.onModel = Objects.requireNonNull(onModel, "onModel");
    this.windows = StatisticsWindows.start(settings);
  }

  /** The model in force, once the first window is complete. */
  public Optional<StreamingModel> model() {
    return model;
  }

  @Override
  public int[] predict(double[][] samples) {
    int[] out = new int[samples.length];
    if (model.isEmpty() || samples.length == 0) {
      Arrays.fill(out, -1);
      return out;
    }
    return model.get().score(Matrix.fromColumns(samples)).predicted();
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
    while (classNames.size() <= label) {
      classNames.add(Integer.toString(classNames.size()));
    }
    if (model.isEmpty()) {
      buffer.addLast(sample.clone());
      bufferLabels.addLast(label);
      if (buffer.size() == settings.window()) {
        ModelBuilder.Built built =
            builder.construct(1, bufferMatrix(), bufferLabelArray(), classNames, Optional.empty());
        windows = windows.close(built.statistics());
        startWindow(built.model());
        if (settings.construction() != Construction.REPLAY) {
          buffer.clear();
          bufferLabels.clear();
        }
      }
      return;
    }
    StreamingModel current = model.get();
    Matrix x = Matrix.fromColumns(new double[][] {sample});
    boolean byLabels = settings.membership() == TrainingMembership.LABELS;
    List<Matrix> path = current.forward(x, byLabels ? new int[] {label} : null);
    double[] output =
        byLabels ? current.forward(x, null).get(path.size() - 1).column(0) : last(path);
    List<double[]> features = new ArrayList<>(path.size());
    for (Matrix z : path) {
      features.add(z.column(0));
    }
    window = window.add(features, output, label);
    if (settings.construction() == Construction.REPLAY) {
      buffer.addLast(sample.clone());
      bufferLabels.addLast(label);
      while (buffer.size() > settings.window()) {
        buffer.removeFirst();
        bufferLabels.removeFirst();
      }
    }
    if (++sinceBoundary == settings.window()) {
      windows = windows.close(window);
      ModelStatistics total = windows.total().orElseThrow();
      long version = current.version() + 1;
      StreamingModel next =
          settings.construction() == Construction.STATISTICS
              ? builder.fromStatistics(
                  version, inputDimension, current.projection(), total, classNames)
              : builder.replay(
                  version,
                  bufferMatrix(),
                  bufferLabelArray(),
                  classNames,
                  current.projection(),
                  total);
      startWindow(next);
    }
  }

  private static double[] last(List<Matrix> path) {
    return path.get(path.size() - 1).column(0);
  }

  private void startWindow(StreamingModel next) {
    model = Optional.of(next);
    window = ModelStatistics.empty(next.featureDimension(), settings.layers());
    sinceBoundary = 0;
    onModel.accept(next);
  }

  private Matrix bufferMatrix() {
    return Matrix.fromColumns(buffer.toArray(double[][]::new));
  }

  private int[] bufferLabelArray() {
    return bufferLabels.stream().mapToInt(Integer::intValue).toArray();
  }

  @Override
  public int stableHorizon() {
    return settings.window() - (model.isEmpty() ? buffer.size() : sinceBoundary);
  }
}
