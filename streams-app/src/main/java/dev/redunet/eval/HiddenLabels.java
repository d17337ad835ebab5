package dev.redunet.eval;

import java.util.SplittableRandom;

/**
 * A semi-supervised evaluation: the labels of a seeded random part of the stream are hidden from
 * the learner, which sees those samples unlabelled, and its predictions for them are scored against
 * the hidden labels ({@link #predicted}, a {@link PrequentialEvaluator.Predictions}).
 */
public final class HiddenLabels implements PrequentialEvaluator.Predictions {

  private final int[] truth;
  private final boolean[] hidden;
  private final ConfusionMatrix confusion = new ConfusionMatrix();
  private long unscored;
  private PrequentialEvaluator.Predictions next;

  private HiddenLabels(int[] truth, boolean[] hidden) {
    this.truth = truth;
    this.hidden = hidden;
  }

  /**
   * Hides each label with probability {@code fraction}, independently: sample i is hidden when the
   * i-th draw of {@code new SplittableRandom(seed).nextDouble()} is below {@code fraction} (one
   * draw per sample, labelled or not, so the choice depends only on the position).
   *
   * @param labels class index of every sample, or {@link PrequentialEvaluator#UNLABELLED}; not
   *     modified
   * @param fraction the share of labels to hide, in [0, 1]
   * @param seed the seed of the draws
   */
  public static HiddenLabels hide(int[] labels, double fraction, long seed) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be in [0, 1], got " + fraction);
    }
    SplittableRandom random = new SplittableRandom(seed);
    boolean[] hidden = new boolean[labels.length];
    for (int i = 0; i < labels.length; i++) {
      boolean draw = random.nextDouble() < fraction;
      hidden[i] = draw && labels[i] != PrequentialEvaluator.UNLABELLED;
    }
    return new HiddenLabels(labels.clone(), hidden);
  }

  /** The labels the learner sees: the hidden ones {@link PrequentialEvaluator#UNLABELLED}. */
  public int[] visible() {
    int[] out = truth.clone();
    for (int i = 0; i < out.length; i++) {
      if (hidden[i]) {
        out[i] = PrequentialEvaluator.UNLABELLED;
      }
    }
    return out;
  }

  /** Passes every prediction on to {@code next} too (may be null). */
  public HiddenLabels andThen(PrequentialEvaluator.Predictions next) {
    this.next = next;
    return this;
  }

  @Override
  public void predicted(int from, int[] predicted) {
    for (int b = 0; b < predicted.length; b++) {
      int i = from + b;
      if (!hidden[i]) {
        continue;
      }
      if (predicted[b] < 0) {
        unscored++;
      } else {
        confusion.record(truth[i], predicted[b]);
      }
    }
    if (next != null) {
      next.predicted(from, predicted);
    }
  }

  /** How many labels are hidden. */
  public long hiddenCount() {
    long n = 0;
    for (boolean h : hidden) {
      n += h ? 1 : 0;
    }
    return n;
  }

  /** The predictions of hidden-label samples made by a model, against their hidden labels. */
  public ConfusionMatrix scored() {
    return confusion;
  }

  /** Hidden-label samples predicted before there was a model. */
  public long unscored() {
    return unscored;
  }
}
