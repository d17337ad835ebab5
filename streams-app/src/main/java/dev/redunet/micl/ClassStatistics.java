package dev.redunet.micl;

import dev.redunet.linalg.PackedSymmetric;
import java.util.Arrays;

/**
 * Centred sufficient statistics of a (possibly weighted) group of samples in {@code R^D}: the
 * effective count {@code N = Σ w_i}, the mean {@code μ = Σ w_i x_i / N} and the centred scatter
 * {@code C = Σ w_i (x_i − μ)(x_i − μ)ᵀ} (MICL_SPEC §3.1, §4).
 *
 * <p>Immutable value. The statistics form a commutative monoid under {@link #merge} (Chan et al.),
 * with {@link #empty} as identity; {@link #plus} is a Welford insert and {@link #scaled} the
 * exponential-forgetting decay {@code N ← fN, C ← fC, μ unchanged}. Every operation returns a new
 * value and costs {@code O(D²)} (it copies the scatter). To accumulate many samples in place, use
 * {@link StatisticsAccumulator}.
 *
 * <p>Raw sums {@code (N, s = Σwx, S = Σwxxᵀ)} are never stored: forming {@code C = S − ssᵀ/N}
 * cancels catastrophically when the data sit far from the origin (MICL_SPEC §3.1). {@link
 * #fromRawSums} accepts them once for interoperability.
 *
 * <p>Storage: the scatter is kept as a packed upper triangle, row-major ({@link #toArray} documents
 * the layout). The dimension is at most 65,535.
 */
public final class ClassStatistics {

  /** Largest supported dimension: the packed triangle must fit in one Java array. */
  public static final int MAX_DIMENSION = 65_535;

  private final int dimension;
  private final double count;
  private final double[] mean;
  private final double[] scatter;

  private ClassStatistics(int dimension, double count, double[] mean, double[] scatter) {
    this.dimension = dimension;
    this.count = count;
    this.mean = mean;
    this.scatter = scatter;
  }

  /** Internal constructor that takes ownership of the arrays (no copy, no validation). */
  static ClassStatistics wrap(int dimension, double count, double[] mean, double[] scatter) {
    return new ClassStatistics(dimension, count, mean, scatter);
  }

  /**
   * The empty statistics (identity of {@link #merge}): {@code N = 0, μ = 0, C = 0}.
   *
   * @param dimension {@code D ≥ 1}
   */
  public static ClassStatistics empty(int dimension) {
    checkDimension(dimension);
    return new ClassStatistics(
        dimension, 0.0, new double[dimension], new double[PackedSymmetric.packedLength(dimension)]);
  }

  /**
   * Statistics of a set of samples with unit weights, computed in two passes (mean, then centred
   * outer products) for accuracy.
   *
   * @param samples {@code m} samples, {@code samples[i]} is sample {@code i} of length {@code D};
   *     not modified. {@code m ≥ 1}.
   * @throws IllegalArgumentException on ragged or non-finite input
   */
  public static ClassStatistics of(double[][] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("need at least one sample to infer the dimension");
    }
    int d = samples[0].length;
    checkDimension(d);
    double[] mu = new double[d];
    for (int i = 0; i < samples.length; i++) {
      double[] x = samples[i];
      if (x.length != d) {
        throw new IllegalArgumentException(
            "sample " + i + " has length " + x.length + ", expected " + d);
      }
      checkFinite(x, "sample " + i);
      for (int j = 0; j < d; j++) {
        mu[j] += x[j];
      }
    }
    int m = samples.length;
    for (int j = 0; j < d; j++) {
      mu[j] /= m;
    }
    double[] c = new double[PackedSymmetric.packedLength(d)];
    double[][] dev = new double[Math.min(m, 64)][d];
    double[] w = new double[dev.length];
    Arrays.fill(w, 1.0);
    double[] row = new double[d];
    for (int start = 0; start < m; start += dev.length) {
      int count = Math.min(dev.length, m - start);
      for (int p = 0; p < count; p++) {
        double[] x = samples[start + p];
        for (int j = 0; j < d; j++) {
          dev[p][j] = x[j] - mu[j];
        }
      }
      PackedSymmetric.rankUpdate(c, d, 1.0, dev, w, count, row);
    }
    return new ClassStatistics(d, m, mu, c);
  }

  /**
   * Statistics from a count, a mean and a full symmetric centred scatter (validated and copied; the
   * upper triangle is used, the lower one must match it to 1e-12 relative).
   *
   * @param count {@code N ≥ 0}
   * @param mean {@code μ}, length {@code D}
   * @param scatter {@code C}, {@code D×D}
   */
  public static ClassStatistics ofCentred(double count, double[] mean, double[][] scatter) {
    int d = mean.length;
    checkDimension(d);
    checkCount(count);
    checkFinite(mean, "mean");
    if (scatter.length != d) {
      throw new IllegalArgumentException(
          "scatter has " + scatter.length + " rows, expected " + d + " (D×D)");
    }
    double[] c = new double[PackedSymmetric.packedLength(d)];
    int off = 0;
    for (int i = 0; i < d; i++) {
      if (scatter[i].length != d) {
        throw new IllegalArgumentException(
            "scatter row " + i + " has length " + scatter[i].length + ", expected " + d);
      }
      checkFinite(scatter[i], "scatter row " + i);
      for (int j = i; j < d; j++) {
        double a = scatter[i][j];
        double b = scatter[j][i];
        if (Math.abs(a - b) > 1e-12 * Math.max(Math.abs(a), Math.abs(b))) {
          throw new IllegalArgumentException(
              "scatter is not symmetric at (" + i + "," + j + "): " + a + " vs " + b);
        }
        c[off++] = a;
      }
    }
    if (count == 0.0) {
      return empty(d);
    }
    return new ClassStatistics(d, count, mean.clone(), c);
  }

  /**
   * Converts raw sums once: {@code μ = s/N}, {@code C = S − N μμᵀ}. Loses precision when {@code
   * ‖μ‖} is large compared with the spread (MICL_SPEC §3.1); prefer centred statistics.
   *
   * @param count {@code N ≥ 0}
   * @param sum {@code s = Σ w x}, length {@code D}
   * @param rawScatter {@code S = Σ w xxᵀ}, {@code D×D}
   */
  public static ClassStatistics fromRawSums(double count, double[] sum, double[][] rawScatter) {
    int d = sum.length;
    checkDimension(d);
    checkCount(count);
    if (count == 0.0) {
      return empty(d);
    }
    double[] mu = new double[d];
    for (int j = 0; j < d; j++) {
      mu[j] = sum[j] / count;
    }
    double[][] c = new double[d][];
    for (int i = 0; i < d; i++) {
      if (rawScatter.length != d || rawScatter[i].length != d) {
        throw new IllegalArgumentException("raw scatter must be " + d + "×" + d);
      }
      c[i] = new double[d];
      for (int j = 0; j < d; j++) {
        c[i][j] = rawScatter[i][j] - count * mu[i] * mu[j];
      }
    }
    for (int i = 0; i < d; i++) {
      for (int j = i + 1; j < d; j++) {
        double s = 0.5 * (c[i][j] + c[j][i]);
        c[i][j] = s;
        c[j][i] = s;
      }
    }
    return ofCentred(count, mu, c);
  }

  /** The dimension {@code D}. */
  public int dimension() {
    return dimension;
  }

  /** The effective count {@code N = Σ w_i} (an integer without decay). */
  public double count() {
    return count;
  }

  /** True if {@code N = 0}. */
  public boolean isEmpty() {
    return count == 0.0;
  }

  /** A copy of the mean {@code μ} (zero when empty). */
  public double[] mean() {
    return mean.clone();
  }

  /** Entry {@code i} of the mean. */
  public double mean(int i) {
    return mean[i];
  }

  /** Entry {@code (i, j)} of the centred scatter {@code C}. */
  public double scatter(int i, int j) {
    return i <= j
        ? scatter[PackedSymmetric.index(i, j, dimension)]
        : scatter[PackedSymmetric.index(j, i, dimension)];
  }

  /** A full {@code D×D} copy of the centred scatter {@code C}. */
  public double[][] scatter() {
    double[][] full = new double[dimension][dimension];
    int off = 0;
    for (int i = 0; i < dimension; i++) {
      for (int j = i; j < dimension; j++) {
        full[i][j] = scatter[off];
        full[j][i] = scatter[off];
        off++;
      }
    }
    return full;
  }

  /** The raw sum {@code s = N μ} (derived; for interoperability). */
  public double[] rawSum() {
    double[] s = new double[dimension];
    for (int j = 0; j < dimension; j++) {
      s[j] = count * mean[j];
    }
    return s;
  }

  /** The raw (uncentred) scatter {@code S = C + N μμᵀ}, {@code D×D} (used by linear coding). */
  public double[][] rawScatter() {
    double[][] s = scatter();
    for (int i = 0; i < dimension; i++) {
      for (int j = 0; j < dimension; j++) {
        s[i][j] += count * mean[i] * mean[j];
      }
    }
    return s;
  }

  /** The packed upper triangle of {@code C}; internal, not copied. */
  double[] packedScatter() {
    return scatter;
  }

  /** The mean; internal, not copied. */
  double[] meanArray() {
    return mean;
  }

  /**
   * Welford insert of one sample with unit weight: {@code d = x − μ, N' = N + 1, μ' = μ + d/N', C'
   * = C + (N/N') ddᵀ} (MICL_SPEC eq. 4).
   *
   * @param x sample of length {@code D}; not modified
   */
  public ClassStatistics plus(double[] x) {
    return plus(x, 1.0);
  }

  /**
   * Weighted Welford insert: {@code d = x − μ, N' = N + w, μ' = μ + (w/N') d, C' = C + (N w/N')
   * ddᵀ} (MICL_SPEC eq. 4).
   *
   * @param x sample of length {@code D}; not modified
   * @param weight {@code w > 0}, finite
   */
  public ClassStatistics plus(double[] x, double weight) {
    checkSample(x);
    if (!(weight > 0.0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("weight must be positive and finite, got " + weight);
    }
    double n2 = count + weight;
    double[] d = new double[dimension];
    double[] mu = new double[dimension];
    for (int j = 0; j < dimension; j++) {
      d[j] = x[j] - mean[j];
      mu[j] = mean[j] + (weight / n2) * d[j];
    }
    double[] c = scatter.clone();
    PackedSymmetric.rankUpdate(
        c,
        dimension,
        1.0,
        new double[][] {d},
        new double[] {count * weight / n2},
        1,
        new double[dimension]);
    return new ClassStatistics(dimension, n2, mu, c);
  }

  /**
   * Merges two groups (Chan, Golub, LeVeque): {@code N = N_A + N_B}, {@code δ = μ_B − μ_A}, {@code
   * μ = μ_A + (N_B/N) δ}, {@code C = C_A + C_B + (N_A N_B / N) δδᵀ} (MICL_SPEC §5). Associative and
   * commutative up to rounding; {@link #empty} is the identity.
   *
   * @param other statistics of the same dimension
   */
  public ClassStatistics merge(ClassStatistics other) {
    checkSameDimension(other);
    if (other.count == 0.0) {
      return this;
    }
    if (count == 0.0) {
      return other;
    }
    double n = count + other.count;
    double[] delta = new double[dimension];
    double[] mu = new double[dimension];
    for (int j = 0; j < dimension; j++) {
      delta[j] = other.mean[j] - mean[j];
      mu[j] = mean[j] + (other.count / n) * delta[j];
    }
    double[] c = new double[scatter.length];
    for (int t = 0; t < c.length; t++) {
      c[t] = scatter[t] + other.scatter[t];
    }
    PackedSymmetric.rankUpdate(
        c,
        dimension,
        1.0,
        new double[][] {delta},
        new double[] {count * other.count / n},
        1,
        new double[dimension]);
    return new ClassStatistics(dimension, n, mu, c);
  }

  /**
   * Exponential forgetting by a factor {@code f} (for {@code k} ticks of decay {@code λ}, {@code f
   * = λ^k}): {@code N ← fN, C ← fC, μ} unchanged (MICL_SPEC §4). {@code f = 0} gives {@link
   * #empty}.
   *
   * @param factor {@code f ≥ 0}, finite
   */
  public ClassStatistics scaled(double factor) {
    if (!(factor >= 0.0) || Double.isInfinite(factor)) {
      throw new IllegalArgumentException("scale factor must be finite and ≥ 0, got " + factor);
    }
    if (factor == 0.0 || count == 0.0) {
      return empty(dimension);
    }
    double[] c = new double[scatter.length];
    for (int t = 0; t < c.length; t++) {
      c[t] = factor * scatter[t];
    }
    return new ClassStatistics(dimension, factor * count, mean.clone(), c);
  }

  /**
   * Serializes to one array: {@code [D, N, μ_0 … μ_{D−1}, C_00, C_01 … C_0,D−1, C_11 … C_D−1,D−1]}
   * (packed upper triangle, row-major), of length {@code 2 + D + D(D+1)/2}.
   */
  public double[] toArray() {
    double[] out = new double[2 + dimension + scatter.length];
    out[0] = dimension;
    out[1] = count;
    System.arraycopy(mean, 0, out, 2, dimension);
    System.arraycopy(scatter, 0, out, 2 + dimension, scatter.length);
    return out;
  }

  /**
   * Inverse of {@link #toArray}, validated (length, finite values, {@code N ≥ 0}, non-negative
   * diagonal of {@code C}).
   */
  public static ClassStatistics fromArray(double[] data) {
    if (data.length < 2) {
      throw new IllegalArgumentException("serialized statistics too short: " + data.length);
    }
    double dd = data[0];
    if (dd != Math.rint(dd) || dd < 1 || dd > MAX_DIMENSION) {
      throw new IllegalArgumentException("serialized statistics: bad dimension " + dd);
    }
    int d = (int) dd;
    int expected = 2 + d + PackedSymmetric.packedLength(d);
    if (data.length != expected) {
      throw new IllegalArgumentException(
          "serialized statistics of dimension "
              + d
              + " must have length "
              + expected
              + ", got "
              + data.length);
    }
    checkFinite(data, "serialized statistics");
    checkCount(data[1]);
    double[] mu = Arrays.copyOfRange(data, 2, 2 + d);
    double[] c = Arrays.copyOfRange(data, 2 + d, data.length);
    for (int i = 0; i < d; i++) {
      if (c[PackedSymmetric.rowStart(i, d)] < 0.0) {
        throw new IllegalArgumentException("serialized statistics: negative variance at " + i);
      }
    }
    if (data[1] == 0.0) {
      return empty(d);
    }
    return new ClassStatistics(d, data[1], mu, c);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof ClassStatistics)) {
      return false;
    }
    ClassStatistics that = (ClassStatistics) o;
    return dimension == that.dimension
        && Double.compare(count, that.count) == 0
        && Arrays.equals(mean, that.mean)
        && Arrays.equals(scatter, that.scatter);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * Double.hashCode(count) + Arrays.hashCode(mean)) + Arrays.hashCode(scatter);
  }

  @Override
  public String toString() {
    double trace = 0.0;
    for (int i = 0; i < dimension; i++) {
      trace += scatter[PackedSymmetric.rowStart(i, dimension)];
    }
    return "ClassStatistics[D=" + dimension + ", N=" + count + ", tr(C)=" + trace + "]";
  }

  void checkSample(double[] x) {
    if (x.length != dimension) {
      throw new IllegalArgumentException(
          "sample has length " + x.length + ", statistics have dimension " + dimension);
    }
    checkFinite(x, "sample");
  }

  private void checkSameDimension(ClassStatistics other) {
    if (other.dimension != dimension) {
      throw new IllegalArgumentException(
          "dimension mismatch: " + dimension + " vs " + other.dimension);
    }
  }

  /**
   * Checks a feature dimension: at least 1.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static void checkDimension(int d) {
    if (d < 1 || d > MAX_DIMENSION) {
      throw new IllegalArgumentException(
          "dimension must be in [1, " + MAX_DIMENSION + "], got " + d);
    }
  }

  static void checkCount(double count) {
    if (!(count >= 0.0) || Double.isInfinite(count)) {
      throw new IllegalArgumentException("count must be finite and ≥ 0, got " + count);
    }
  }

  static void checkFinite(double[] v, String what) {
    for (int i = 0; i < v.length; i++) {
      if (!Double.isFinite(v[i])) {
        throw new IllegalArgumentException(what + " has a non-finite value at " + i + ": " + v[i]);
      }
    }
  }
}
