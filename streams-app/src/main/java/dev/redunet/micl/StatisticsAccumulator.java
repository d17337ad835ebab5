package dev.redunet.micl;

import dev.redunet.linalg.PackedSymmetric;
import java.util.Arrays;

/**
 * Mutable, allocation-free accumulator of {@link ClassStatistics} for the hot path of a stream:
 * insert samples, merge statistics and decay in place, then take an immutable {@link #snapshot}.
 *
 * <p><b>Not thread-safe.</b> One instance per class and per thread.
 *
 * <p>How it stays fast and stable:
 *
 * <ul>
 *   <li>Inserted samples are buffered ({@value #BLOCK} at a time) and folded in with one rank-k
 *       update: the block's own centred statistics (two-pass) are merged by Chan's formula {@code C
 *       ← C + Σ w_p (x_p − μ_b)(x_p − μ_b)ᵀ + (N W_b / (N + W_b)) δδᵀ}, {@code δ = μ_b − μ}. This
 *       is Welford's update applied blockwise: it never forms raw sums, and costs {@code O(D²)} per
 *       block instead of per sample.
 *   <li>Decay ({@link #scale}) is {@code O(1)}: the scatter carries a pending factor applied at the
 *       next fold.
 * </ul>
 *
 * The result equals the sample-by-sample Welford recursion of MICL_SPEC eq. (4) up to rounding.
 */
public final class StatisticsAccumulator {

  /** Number of samples buffered before they are folded into the scatter. */
  public static final int BLOCK = 16;

  private static final double RENORMALIZE_BELOW = 1e-150;

  private final int dimension;
  private double foldedCount;
  private final double[] mean;
  private final double[] scatter;
  private double pendingScale = 1.0;

  private final double[][] buffer;
  private final double[] weights;
  private int buffered;
  private final double[] row;

  /**
   * An empty accumulator.
   *
   * @param dimension {@code D}
   */
  public StatisticsAccumulator(int dimension) {
    ClassStatistics.checkDimension(dimension);
    this.dimension = dimension;
    this.mean = new double[dimension];
    this.scatter = new double[PackedSymmetric.packedLength(dimension)];
    this.buffer = new double[BLOCK + 1][dimension];
    this.weights = new double[BLOCK + 1];
    this.row = new double[dimension];
  }

  /** An accumulator that starts from the given statistics (copied). */
  public StatisticsAccumulator(ClassStatistics start) {
    this(start.dimension());
    if (!start.isEmpty()) {
      foldedCount = start.count();
      System.arraycopy(start.meanArray(), 0, mean, 0, dimension);
      System.arraycopy(start.packedScatter(), 0, scatter, 0, scatter.length);
    }
  }

  /** The dimension {@code D}. */
  public int dimension() {
    return dimension;
  }

  /** The current effective count {@code N} (buffered samples included). */
  public double count() {
    double n = foldedCount;
    for (int p = 0; p < buffered; p++) {
      n += weights[p];
    }
    return n;
  }

  /** True if {@code N = 0}. */
  public boolean isEmpty() {
    return count() == 0.0;
  }

  /** Inserts one sample with unit weight (MICL_SPEC eq. 4). */
  public void add(double[] x) {
    add(x, 1.0);
  }

  /**
   * Inserts one sample with weight {@code w} (MICL_SPEC eq. 4, applied blockwise).
   *
   * @param x sample of length {@code D}, finite; copied
   * @param weight {@code w > 0}, finite
   */
  public void add(double[] x, double weight) {
    if (x.length != dimension) {
      throw new IllegalArgumentException(
          "sample has length " + x.length + ", accumulator has dimension " + dimension);
    }
    ClassStatistics.checkFinite(x, "sample");
    if (!(weight > 0.0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be positive and finite, got " + weight);
    }
    System.arraycopy(x, 0, buffer[buffered], 0, dimension);
    weights[buffered] = weight;
    buffered++;
    if (buffered == BLOCK) {
      flush();
    }
  }

  /**
   * Merges other statistics in place (Chan: {@code C ← C + C_o + (N N_o / (N + N_o)) δδᵀ}, {@code δ
   * = μ_o − μ}).
   */
  public void merge(ClassStatistics other) {
    if (other.dimension() != dimension) {
      throw new IllegalArgumentException(
          "dimension mismatch: " + dimension + " vs " + other.dimension());
    }
    if (other.isEmpty()) {
      return;
    }
    flush();
    double[] om = other.meanArray();
    double[] oc = other.packedScatter();
    double n = foldedCount + other.count();
    double[] delta = buffer[0];
    for (int j = 0; j < dimension; j++) {
      delta[j] = om[j] - mean[j];
      mean[j] = foldedCount == 0.0 ? om[j] : mean[j] + (other.count() / n) * delta[j];
    }
    double s = foldedCount == 0.0 ? 0.0 : pendingScale;
    for (int t = 0; t < scatter.length; t++) {
      scatter[t] = s * scatter[t] + oc[t];
    }
    weights[0] = foldedCount * other.count() / n;
    PackedSymmetric.rankUpdate(scatter, dimension, 1.0, buffer, weights, 1, row);
    foldedCount = n;
    pendingScale = 1.0;
  }

  /**
   * Exponential forgetting in place: {@code N ← fN, C ← fC}, {@code μ} unchanged (MICL_SPEC §4).
   * {@code O(1)} (amortized).
   *
   * @param factor {@code f ≥ 0}, finite; {@code 0} empties the accumulator
   */
  public void scale(double factor) {
    if (!(factor >= 0.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("scale factor must be finite and ≥ 0, got " + factor);
    }
    if (factor == 0.0) {
      reset();
      return;
    }
    foldedCount *= factor;
    pendingScale *= factor;
    for (int p = 0; p < buffered; p++) {
      weights[p] *= factor;
    }
    if (pendingScale < RENORMALIZE_BELOW) {
      flush();
      if (pendingScale != 1.0) {
        for (int t = 0; t < scatter.length; t++) {
          scatter[t] *= pendingScale;
        }
        pendingScale = 1.0;
      }
    }
  }

  /** Empties the accumulator. */
  public void reset() {
    foldedCount = 0.0;
    Arrays.fill(mean, 0.0);
    Arrays.fill(scatter, 0.0);
    pendingScale = 1.0;
    buffered = 0;
  }

  /** The current statistics as an immutable value ({@code O(D²)} copy). */
  public ClassStatistics snapshot() {
    flush();
    if (foldedCount == 0.0) {
      return ClassStatistics.empty(dimension);
    }
    double[] c = new double[scatter.length];
    if (pendingScale == 1.0) {
      System.arraycopy(scatter, 0, c, 0, c.length);
    } else {
      for (int t = 0; t < c.length; t++) {
        c[t] = pendingScale * scatter[t];
      }
    }
    return ClassStatistics.wrap(dimension, foldedCount, mean.clone(), c);
  }

  /** Folds the buffered samples into the statistics (Chan merge of the block). */
  private void flush() {
    if (buffered == 0) {
      return;
    }
    int count = buffered;
    buffered = 0;
    double blockWeight = 0.0;
    for (int p = 0; p < count; p++) {
      blockWeight += weights[p];
    }
    // Two-pass block mean and deviations (in place in the buffer).
    double[] blockMean = buffer[count];
    Arrays.fill(blockMean, 0.0);
    for (int p = 0; p < count; p++) {
      double wp = weights[p] / blockWeight;
      double[] x = buffer[p];
      for (int j = 0; j < dimension; j++) {
        blockMean[j] += wp * x[j];
      }
    }
    for (int p = 0; p < count; p++) {
      double[] x = buffer[p];
      for (int j = 0; j < dimension; j++) {
        x[j] -= blockMean[j];
      }
    }
    double n = foldedCount + blockWeight;
    double s = foldedCount == 0.0 ? 0.0 : pendingScale;
    // The mean shift δ = μ_b − μ enters as one more weighted vector; the block mean row becomes δ.
    for (int j = 0; j < dimension; j++) {
      double delta = blockMean[j] - mean[j];
      mean[j] = foldedCount == 0.0 ? blockMean[j] : mean[j] + (blockWeight / n) * delta;
      blockMean[j] = delta;
    }
    weights[count] = foldedCount * blockWeight / n;
    PackedSymmetric.rankUpdate(scatter, dimension, s, buffer, weights, count + 1, row);
    foldedCount = n;
    pendingScale = 1.0;
  }
}
