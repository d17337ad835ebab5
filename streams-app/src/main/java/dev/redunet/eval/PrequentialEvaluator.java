package dev.redunet.eval;

import java.util.Arrays;

/**
 * Prequential (test-then-train) evaluation: every sample is first predicted with the current model,
 * then learned. Samples for which the classifier has no model yet are learned but not scored.
 *
 * <p>Samples are predicted in batches of at most {@link StreamingClassifier#stableHorizon()}
 * samples (the model cannot change inside such a batch), which gives exactly the sample-by-sample
 * result.
 */
public final class PrequentialEvaluator {

  /** Receives progress after every batch. */
  @FunctionalInterface
  public interface Progress {
    /**
     * Called after a batch was predicted and learned.
     *
     * @param processed samples processed so far
     * @param total samples in the stream
     * @param soFar predictions so far (do not modify)
     * @param elapsedSeconds wall-clock time so far
     */
    void update(long processed, long total, ConfusionMatrix soFar, double elapsedSeconds);
  }

  private final int maxBatch;

  /**
   * An evaluator.
   *
   * @param maxBatch largest number of samples predicted at once ({@code ≥ 1})
   */
  public PrequentialEvaluator(int maxBatch) {
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be ≥ 1, got " + maxBatch);
    }
    this.maxBatch = maxBatch;
  }

  /**
   * Runs the evaluation over the stream in order.
   *
   * @param samples the stream, {@code samples[i]} is sample {@code i}; not modified
   * @param labels class index of every sample ({@code ≥ 0})
   * @param classifier the learner (modified: it learns every sample)
   * @param progress receives progress, may be null
   * @return accuracy and kappa over the scored samples, counts and time
   */
  public PrequentialResult evaluate(
      double[][] samples, int[] labels, StreamingClassifier classifier, Progress progress) {
    if (samples.length != labels.length) {
      throw new IllegalArgumentException(
          samples.length + " samples but " + labels.length + " labels");
    }
    ConfusionMatrix confusion = new ConfusionMatrix();
    long unscored = 0;
    long start = System.nanoTime();
    int i = 0;
    while (i < samples.length) {
      int h =
          Math.min(Math.min(maxBatch, Math.max(1, classifier.stableHorizon())), samples.length - i);
      double[][] batch = Arrays.copyOfRange(samples, i, i + h);
      int[] predicted = classifier.predict(batch);
      for (int b = 0; b < h; b++) {
        if (predicted[b] < 0) {
          unscored++;
        } else {
          confusion.record(labels[i + b], predicted[b]);
        }
      }
      for (int b = 0; b < h; b++) {
        classifier.learn(batch[b], labels[i + b]);
      }
      i += h;
      if (progress != null) {
        progress.update(i, samples.length, confusion, (System.nanoTime() - start) / 1e9);
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    boolean any = confusion.total() > 0;
    return new PrequentialResult(
        confusion.total(),
        unscored,
        any ? confusion.accuracy() : Double.NaN,
        any ? confusion.kappa() : Double.NaN,
        seconds);
  }
}
