package dev.redunet.micl;

/**
 * Lossy coding lengths in bits (MICL_SPEC §1), computed from sufficient statistics by one Cholesky
 * factorization ({@code O(D³/3)}, restricted to the coordinates with non-zero scatter).
 *
 * <p>{@code epsSq} is the allowed mean squared distortion per vector {@code ε²}. {@code log2(1+t)}
 * is evaluated as {@code log1p(t)/ln 2}. {@code L(∅) = 0}.
 */
public final class CodingLength {

  private static final double LN2 = Math.log(2.0);

  private CodingLength() {}

  /**
   * The coding length of a group in the given mode: {@link #affine} or {@link #linear}.
   *
   * @param s statistics of the group ({@code D}, {@code N})
   * @param epsSq {@code ε² > 0}
   * @param mode affine (eq. 1) or linear (eq. 1')
   * @return bits, {@code ≥ 0}
   */
  public static double of(ClassStatistics s, double epsSq, CodingMode mode) {
    return mode == CodingMode.AFFINE ? affine(s, epsSq) : linear(s, epsSq);
  }

  /**
   * Affine (mean-coded) coding length, MICL_SPEC eq. (1): {@code L(X) = (N+D)/2·log2 det(I +
   * D/(ε²N)·C) + D/2·log2(1 + μᵀμ/ε²)}, {@code L(∅) = 0}.
   *
   * @param s statistics {@code (N, μ, C)} of dimension {@code D}
   * @param epsSq {@code ε² > 0}
   * @return bits
   */
  public static double affine(ClassStatistics s, double epsSq) {
    checkEpsSq(epsSq);
    double n = s.count();
    if (n == 0.0) {
      return 0.0;
    }
    int d = s.dimension();
    double ld = SpdFactor.log2Det(s, CodingMode.AFFINE, d / (epsSq * n));
    return 0.5 * (n + d) * ld + meanBits(d, squaredNorm(s.meanArray()), epsSq);
  }

  /**
   * Linear (zero-mean) coding length, MICL_SPEC eq. (1'): {@code L(X) = (N+D)/2·log2 det(I +
   * D/(ε²N)·S)}, {@code S = Σ w xxᵀ = C + Nμμᵀ}, {@code L(∅) = 0}.
   *
   * @param s statistics {@code (N, μ, C)} of dimension {@code D}
   * @param epsSq {@code ε² > 0}
   * @return bits
   */
  public static double linear(ClassStatistics s, double epsSq) {
    checkEpsSq(epsSq);
    double n = s.count();
    if (n == 0.0) {
      return 0.0;
    }
    int d = s.dimension();
    return 0.5 * (n + d) * SpdFactor.log2Det(s, CodingMode.LINEAR, d / (epsSq * n));
  }

  /**
   * {@code log2 det(I + a·M)} with {@code M = C} (affine) or {@code M = S = C + Nμμᵀ} (linear).
   *
   * @param s statistics; not modified
   * @param a scale, finite and {@code ≥ 0}
   * @param mode which scatter
   */
  public static double log2DetIPlusScaledScatter(ClassStatistics s, double a, CodingMode mode) {
    if (!(a >= 0.0) || Double.isInfinite(a)) {
      throw new IllegalArgumentException("scale a must be finite and ≥ 0, got " + a);
    }
    return SpdFactor.log2Det(s, mode, a);
  }

  /**
   * Affine length of one sample (MICL_SPEC §1.3): {@code L({x}) = D/2·log2(1 + ‖x‖²/ε²)}.
   *
   * @param x sample of length {@code D}
   * @param epsSq {@code ε² > 0}
   */
  public static double affineSingleton(double[] x, double epsSq) {
    checkEpsSq(epsSq);
    return meanBits(x.length, squaredNorm(x), epsSq);
  }

  /**
   * Linear length of one sample (MICL_SPEC §1.3): {@code L({x}) = (D+1)/2·log2(1 + D‖x‖²/ε²)}.
   *
   * @param x sample of length {@code D}
   * @param epsSq {@code ε² > 0}
   */
  public static double linearSingleton(double[] x, double epsSq) {
    checkEpsSq(epsSq);
    int d = x.length;
    return 0.5 * (d + 1) * Math.log1p(d * squaredNorm(x) / epsSq) / LN2;
  }

  /**
   * Affine length of two samples (MICL_SPEC §1.3): {@code L({x,y}) = (D+2)/2·log2(1 +
   * D‖x−y‖²/(4ε²)) + D/2·log2(1 + ‖x+y‖²/(4ε²))}, since {@code C = ½(x−y)(x−y)ᵀ} and {@code μ =
   * (x+y)/2}.
   *
   * @param x sample of length {@code D}
   * @param y sample of length {@code D}
   * @param epsSq {@code ε² > 0}
   */
  public static double affinePair(double[] x, double[] y, double epsSq) {
    checkEpsSq(epsSq);
    checkSameLength(x, y);
    int d = x.length;
    double diff = 0.0;
    double sum = 0.0;
    for (int i = 0; i < d; i++) {
      double a = x[i] - y[i];
      double b = x[i] + y[i];
      diff += a * a;
      sum += b * b;
    }
    return 0.5 * (d + 2) * Math.log1p(d * diff / (4.0 * epsSq)) / LN2
        + meanBits(d, 0.25 * sum, epsSq);
  }

  /**
   * Linear length of two samples by the Sylvester identity with their 2×2 Gram matrix {@code G}:
   * {@code L({x,y}) = (D+2)/2·log2 det(I₂ + a G)}, {@code a = D/(2ε²)}, where {@code det(I₂ + aG) =
   * 1 + a(xᵀx + yᵀy) + a²(xᵀx·yᵀy − (xᵀy)²)}.
   *
   * @param x sample of length {@code D}
   * @param y sample of length {@code D}
   * @param epsSq {@code ε² > 0}
   */
  public static double linearPair(double[] x, double[] y, double epsSq) {
    checkEpsSq(epsSq);
    checkSameLength(x, y);
    int d = x.length;
    double xx = 0.0;
    double yy = 0.0;
    double xy = 0.0;
    for (int i = 0; i < d; i++) {
      xx += x[i] * x[i];
      yy += y[i] * y[i];
      xy += x[i] * y[i];
    }
    double a = d / (2.0 * epsSq);
    double wedge = Math.max(0.0, xx * yy - xy * xy);
    double t = a * (xx + yy) + a * a * wedge;
    return 0.5 * (d + 2) * Math.log1p(t) / LN2;
  }

  /** The mean term {@code D/2·log2(1 + ‖μ‖²/ε²)}. */
  static double meanBits(int d, double meanNormSq, double epsSq) {
    return 0.5 * d * Math.log1p(meanNormSq / epsSq) / LN2;
  }

  static double squaredNorm(double[] v) {
    double s = 0.0;
    for (double x : v) {
      s += x * x;
    }
    return s;
  }

  /**
   * Checks a distortion ε² for MICL: finite and positive.
   *
   * @throws IllegalArgumentException otherwise
   */
  public static void checkEpsSq(double epsSq) {
    if (!(epsSq > 0.0) || Double.isInfinite(epsSq)) {
      throw new IllegalArgumentException("epsSq (ε²) must be positive and finite, got " + epsSq);
    }
  }

  private static void checkSameLength(double[] x, double[] y) {
    if (x.length != y.length) {
      throw new IllegalArgumentException(
          "samples have different lengths: " + x.length + " vs " + y.length);
    }
  }
}
