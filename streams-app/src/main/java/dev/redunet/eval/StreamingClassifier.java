package dev.redunet.eval;

/**
 * A classifier that learns from a stream, evaluated test-then-train (prequentially).
 *
 * <p>Contract: {@link #predict} never learns; the model it uses may only change inside {@link
 * #learn}, and only after {@link #stableHorizon()} more labelled samples. An evaluator may
 * therefore predict that many upcoming samples in one batch and then learn them, with exactly the
 * result of interleaving predict and learn sample by sample. Samples without a label are only
 * predicted: they never reach {@link #learn} and do not count against the horizon.
 */
public interface StreamingClassifier {

  /**
   * Predicts class indices, {@code -1} for a sample the classifier cannot score yet (no model).
   *
   * @param samples samples of the classifier's dimension; not modified
   * @return one class index (or {@code -1}) per sample
   */
  int[] predict(double[][] samples);

  /**
   * Learns one labelled sample.
   *
   * @param sample a sample of the classifier's dimension; not modified
   * @param label class index {@code ≥ 0}
   */
  void learn(double[] sample, int label);

  /**
   * Sees one unlabelled sample, in stream order, after it was predicted: a semi-supervised learner
   * may learn from it (it must not change the model used by predict before its next window closes,
   * so that {@link #stableHorizon()} still holds). Default: nothing.
   *
   * @param sample a sample of the classifier's dimension; not modified
   */
  default void observe(double[] sample) {}

  /** How many labelled samples may still be learned before the model used by predict changes. */
  int stableHorizon();
}
