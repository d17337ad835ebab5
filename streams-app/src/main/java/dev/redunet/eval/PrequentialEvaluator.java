package dev.redunet.eval;

import java.util.Arrays;

/**
 * Prequential (test-then-train) evaluation: every sample is first predicted with the current model,
 * then, if it has a label, learned. Labelled samples for which the classifier has no model yet are
 * learned but not scored; unlabelled samples ({@link #UNLABELLED}) are predicted, then passed to
 * {@link StreamingClassifier#observe} (a semi-supervised learner may learn from them), and never
 * counted in the accuracy.
 *
 * <p>Samples are predicted in batches that hold at most {@link StreamingClassifier#stableHorizon()}
 * labelled samples and end with the last of them (the model cannot change inside such a batch; an
 * unlabelled sample does not use up the horizon, and one that follows the batch's last labelled
 * sample waits for the next batch, the model may change when that sample is learned), and at most
 * {@code maxBatch} samples in all. This gives exactly the sample-by-sample result.
 */
public final class PrequentialEvaluator {

  /** The class index of a sample without a label. */
  public static final int UNLABELLED = -1;

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

  /** Receives every prediction, in stream order. */
  @FunctionalInterface
  public interface Predictions {
    /**
     * Called after a batch was predicted and before it is learned, so the classifier still holds
     * the model that made the predictions.
     *
     * @param from index of the batch's first sample in the stream
     * @param predicted the class index predicted for samples {@code from, from + 1, …}, {@code -1}
     *     for a sample the classifier could not score yet (do not modify)
     */
    void predicted(int from, int[] predicted);
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

  /** As {@link #evaluate(double[][], int[], StreamingClassifier, Progress, Predictions)}. */
  public PrequentialResult evaluate(
      double[][] samples, int[] labels, StreamingClassifier classifier, Progress progress) {
    return evaluate(samples, labels, classifier, progress, null);
  }

  /**
   * Runs the evaluation over the stream in order.
   *
   * @param samples the stream, {@code samples[i]} is sample {@code i}; not modified
   * @param labels class index of every sample ({@code ≥ 0}), or {@link #UNLABELLED}
   * @param classifier the learner (modified: it learns every labelled sample)
   * @param progress receives progress, may be null
   * @param predictions receives every prediction, may be null
   * @return accuracy and kappa over the scored samples, counts and time
   */
  public PrequentialResult evaluate(
      double[][] samples,
      int[] labels,
      StreamingClassifier classifier,
      Progress progress,
      Predictions predictions) {
    if (samples.length != labels.length) {
      throw new IllegalArgumentException(
          samples.length + " samples but " + labels.length + " labels");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] < UNLABELLED) {
        throw new IllegalArgumentException(
            "label of sample " + i + " must be ≥ 0 or UNLABELLED (-1), got " + labels[i]);
      }
    }
    ConfusionMatrix confusion = new ConfusionMatrix();
    long unscored = 0;
    long unlabelled = 0;
    long start = System.nanoTime();
    int i = 0;
    while (i < samples.length) {
      int horizon = Math.max(1, classifier.stableHorizon());
      int limit = Math.min(maxBatch, samples.length - i);
      int h = 0;
      int labelled = 0;
      while (h < limit && labelled < horizon) {
        if (labels[i + h] != UNLABELLED) {
          labelled++;
        }
        h++;
      }
      double[][] batch = Arrays.copyOfRange(samples, i, i + h);
      int[] predicted = classifier.predict(batch);
      for (int b = 0; b < h; b++) {
        if (labels[i + b] == UNLABELLED) {
          unlabelled++;
        } else if (predicted[b] < 0) {
          unscored++;
        } else {
          confusion.record(labels[i + b], predicted[b]);
        }
      }
      if (predictions != null) {
        predictions.predicted(i, predicted);
      }
      for (int b = 0; b < h; b++) {
        if (labels[i + b] != UNLABELLED) {
          classifier.learn(batch[b], labels[i + b]);
        } else {
          classifier.observe(batch[b]);
        }
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
        unlabelled,
        any ? confusion.accuracy() : Double.NaN,
        any ? confusion.kappa() : Double.NaN,
        seconds);
  }
}
