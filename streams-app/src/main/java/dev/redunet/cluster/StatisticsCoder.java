package dev.redunet.cluster;

import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;

/**
 * Groups known only by their statistics: {@code L(A ∪ B)} from the merged statistics (Chan et al.)
 * by one Cholesky factorization, {@code O(D³)}; two single samples by the closed forms of MICL_SPEC
 * §1.3, {@code O(D)}.
 */
final class StatisticsCoder implements GroupCoder {

  private final double epsSq;
  private final CodingMode mode;

  StatisticsCoder(double epsSq, CodingMode mode) {
    this.epsSq = epsSq;
    this.mode = mode;
  }

  /** Initial group {@code index} with statistics {@code s} (non-empty). */
  Group initial(int index, ClassStatistics s) {
    return new Group(index, new int[] {index}, s.count(), length(s), s, null, null);
  }

  @Override
  public double unionLength(Group a, Group b) {
    ClassStatistics sa = a.stats;
    ClassStatistics sb = b.stats;
    if (sa.count() == 1.0 && sb.count() == 1.0) {
      double[] x = sa.mean();
      double[] y = sb.mean();
      return mode == CodingMode.AFFINE
          ? CodingLength.affinePair(x, y, epsSq)
          : CodingLength.linearPair(x, y, epsSq);
    }
    return CodingLength.of(sa.merge(sb), epsSq, mode);
  }

  @Override
  public Group merge(Group a, Group b, double unionLength) {
    return new Group(
        Math.min(a.key, b.key),
        PointCoder.concat(a.members, b.members),
        a.count + b.count,
        unionLength,
        a.stats.merge(b.stats),
        null,
        null);
  }

  private double length(ClassStatistics g) {
    if (g.count() == 1.0) {
      double[] x = g.mean();
      return mode == CodingMode.AFFINE
          ? CodingLength.affineSingleton(x, epsSq)
          : CodingLength.linearSingleton(x, epsSq);
    }
    return CodingLength.of(g, epsSq, mode);
  }
}
