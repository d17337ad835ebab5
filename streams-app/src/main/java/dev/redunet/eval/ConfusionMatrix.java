package dev.redunet.eval;

import java.util.Arrays;

/**
 * Counts of (true class, predicted class) pairs, with accuracy and Cohen's kappa. Grows to new
 * class indices on demand. Mutable, not thread-safe.
 */
public final class ConfusionMatrix {

  private long[][] counts = new long[0][0];
  private long total;

  /** Records one prediction. Both indices must be {@code ≥ 0}. */
  public void record(int truth, int predicted) {
    if (truth < 0 || predicted < 0) {
      throw new IllegalArgumentException(
          "class indices must be ≥ 0, got truth=" + truth + ", predicted=" + predicted);
    }
    ensure(Math.max(truth, predicted) + 1);
    counts[truth][predicted]++;
    total++;
  }

  /** Number of recorded predictions. */
  public long total() {
    return total;
  }

  /** Number of classes seen so far (largest index + 1). */
  public int numClasses() {
    return counts.length;
  }

  /** The count of samples of class {@code truth} predicted as {@code predicted}. */
  public long count(int truth, int predicted) {
    return truth < counts.length && predicted < counts.length ? counts[truth][predicted] : 0;
  }

  /**
   * Accuracy {@code p_o = Σ_c n_cc / n}.
   *
   * @throws IllegalStateException if nothing was recorded
   */
  public double accuracy() {
    requireData();
    long agree = 0;
    for (int c = 0; c < counts.length; c++) {
      agree += counts[c][c];
    }
    return (double) agree / total;
  }

  /**
   * Cohen's kappa {@code κ = (p_o − p_e)/(1 − p_e)}, {@code p_e = Σ_c (n_c· / n)(n_·c / n)}: the
   * agreement beyond what a classifier guessing with the observed marginals would reach. By
   * convention {@code κ = 1} when {@code p_e = 1} (then every sample is of one class and was
   * predicted as that class, so {@code p_o = 1} too).
   *
   * @throws IllegalStateException if nothing was recorded
   */
  public double kappa() {
    double po = accuracy();
    double pe = 0.0;
    for (int c = 0; c < counts.length; c++) {
      long row = 0;
      long col = 0;
      for (int o = 0; o < counts.length; o++) {
        row += counts[c][o];
        col += counts[o][c];
      }
      pe += ((double) row / total) * ((double) col / total);
    }
    if (pe >= 1.0) {
      return 1.0;
    }
    return (po - pe) / (1.0 - pe);
  }

  /** A copy of the counts, {@code [truth][predicted]}. */
  public long[][] counts() {
    long[][] out = new long[counts.length][];
    for (int c = 0; c < counts.length; c++) {
      out[c] = counts[c].clone();
    }
    return out;
  }

  private void requireData() {
    if (total == 0) {
      throw new IllegalStateException("no predictions recorded");
    }
  }

  private void ensure(int k) {
    if (k <= counts.length) {
      return;
    }
    long[][] grown = new long[k][k];
    for (int c = 0; c < counts.length; c++) {
      System.arraycopy(counts[c], 0, grown[c], 0, counts.length);
    }
    counts = grown;
  }

  @Override
  public String toString() {
    return "ConfusionMatrix[total=" + total + ", counts=" + Arrays.deepToString(counts) + "]";
  }
}
