package dev.redunet.micl;

import dev.redunet.linalg.BlockedCholesky;
import dev.redunet.linalg.PackedSymmetric;

/**
 * Cholesky factor of {@code K = I + a·M} for the scatter {@code M} of a {@link ClassStatistics}
 * ({@code M = C} for affine coding, {@code M = S = C + Nμμᵀ} for linear coding), restricted to the
 * <i>active</i> coordinates: those whose row of {@code M} is not exactly zero. On an inactive
 * coordinate {@code K} is the identity, so it contributes {@code 0} to {@code log det K} and {@code
 * d_i²} to {@code dᵀK⁻¹d}: the restriction is exact. It pays on data with structurally constant
 * coordinates (the border pixels of images).
 */
final class SpdFactor {

  private static final double LN2 = Math.log(2.0);

  /** Active coordinates, ascending. */
  final int[] active;

  /** Inactive coordinates, ascending. */
  final int[] inactive;

  /** Packed upper factor {@code U} of order {@code active.length} ({@code K_AA = UᵀU}), or null. */
  final double[] packedU;

  /** {@code log2 det K}. */
  final double log2Det;

  private SpdFactor(int[] active, int[] inactive, double[] packedU, double log2Det) {
    this.active = active;
    this.inactive = inactive;
    this.packedU = packedU;
    this.log2Det = log2Det;
  }

  /** The active coordinates of {@code M} (rows that are not exactly zero). */
  static int[][] activeSplit(ClassStatistics s, CodingMode mode) {
    int d = s.dimension();
    boolean[] nonzero = new boolean[d];
    double[] c = s.packedScatter();
    double[] mu = s.meanArray();
    double n = s.count();
    boolean linear = mode == CodingMode.LINEAR;
    int off = 0;
    for (int i = 0; i < d; i++) {
      double nmi = n * mu[i];
      for (int j = i; j < d; j++) {
        double m = linear ? c[off] + nmi * mu[j] : c[off];
        if (m != 0.0) {
          nonzero[i] = true;
          nonzero[j] = true;
        }
        off++;
      }
    }
    int count = 0;
    for (boolean b : nonzero) {
      if (b) {
        count++;
      }
    }
    int[] act = new int[count];
    int[] inact = new int[d - count];
    int a = 0;
    int b = 0;
    for (int i = 0; i < d; i++) {
      if (nonzero[i]) {
        act[a++] = i;
      } else {
        inact[b++] = i;
      }
    }
    return new int[][] {act, inact};
  }

  /**
   * Factors {@code K = I + a·M} on the active coordinates.
   *
   * @param s statistics; not modified
   * @param mode which scatter {@code M}
   * @param a scale {@code a ≥ 0}
   * @param split result of {@link #activeSplit} for {@code s} and {@code mode}
   * @param keepFactor whether to keep the packed factor (otherwise only the log-determinant)
   */
  static SpdFactor factor(
      ClassStatistics s, CodingMode mode, double a, int[][] split, boolean keepFactor) {
    int[] act = split[0];
    int m = act.length;
    if (m == 0) {
      return new SpdFactor(act, split[1], keepFactor ? new double[0] : null, 0.0);
    }
    int d = s.dimension();
    double[] c = s.packedScatter();
    double[] mu = s.meanArray();
    double n = s.count();
    boolean linear = mode == CodingMode.LINEAR;
    double[][] k = new double[m][m];
    for (int r = 0; r < m; r++) {
      int i = act[r];
      int base = PackedSymmetric.rowStart(i, d) - i;
      double[] kr = k[r];
      double nmi = n * mu[i];
      for (int q = r; q < m; q++) {
        int j = act[q];
        double mij = linear ? c[base + j] + nmi * mu[j] : c[base + j];
        kr[q] = a * mij;
      }
      kr[r] += 1.0;
    }
    double halfLn = BlockedCholesky.factorUpper(k, m);
    double[] packed = null;
    if (keepFactor) {
      packed = new double[PackedSymmetric.packedLength(m)];
      PackedSymmetric.packUpper(k, m, packed);
    }
    return new SpdFactor(act, split[1], packed, 2.0 * halfLn / LN2);
  }

  /** {@code log2 det(I + a·M)} for the scatter {@code M} selected by {@code mode}. */
  static double log2Det(ClassStatistics s, CodingMode mode, double a) {
    return factor(s, mode, a, activeSplit(s, mode), false).log2Det;
  }
}
