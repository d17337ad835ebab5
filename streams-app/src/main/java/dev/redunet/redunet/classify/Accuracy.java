package dev.redunet.redunet.classify;

/** The fraction of correct predictions. */
final class Accuracy {

  private Accuracy() {}

  static double of(int[] predicted, int[] truth) {
    if (predicted.length != truth.length) {
      throw new IllegalArgumentException(
          predicted.length + " predictions for " + truth.length + " labels");
    }
    if (truth.length == 0) {
      throw new IllegalArgumentException("accuracy of an empty batch");
    }
    int ok = 0;
    for (int i = 0; i < truth.length; i++) {
      if (predicted[i] == truth[i]) {
        ok++;
      }
    }
    return (double) ok / truth.length;
  }
}
