package dev.redunet.redunet.spectral;

/**
 * Which class weights the update of a training sample uses (REDUNET_SPEC §2.2, §3.4). Test samples
 * always use the softmax estimate π̂.
 */
public enum TrainingMembership {
  /** π̂ = softmax(−λ‖Cʲ v‖) for training samples too: what both reference codes do. */
  SOFTMAX,
  /** The one-hot true label Πʲ: the paper's and the lecture's rule. */
  LABELS
}
