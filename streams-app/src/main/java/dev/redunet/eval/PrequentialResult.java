package dev.redunet.eval;

/**
 * Summary of a prequential (test-then-train) evaluation.
 *
 * @param scored labelled samples that were predicted (the classifier had a model), and counted
 *     below
 * @param unscored labelled samples that arrived before the classifier had a model (only learned)
 * @param unlabelled samples without a label: predicted (when there was a model), never learned,
 *     never counted in the accuracy
 * @param accuracy accuracy over the scored samples, {@code NaN} only if none was scored
 * @param kappa Cohen's kappa over the scored samples, {@code NaN} only if none was scored
 * @param seconds wall-clock time of the whole test-then-train loop
 */
public record PrequentialResult(
    long scored, long unscored, long unlabelled, double accuracy, double kappa, double seconds) {

  /** All samples of the stream (scored + unscored + unlabelled). */
  public long processed() {
    return scored + unscored + unlabelled;
  }

  /** Throughput of the test-then-train loop: processed samples per second of wall-clock time. */
  public double samplesPerSecond() {
    return seconds > 0 ? processed() / seconds : 0.0;
  }
}
