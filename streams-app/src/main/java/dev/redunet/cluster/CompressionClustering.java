package dev.redunet.cluster;

import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Clustering by lossy compression: greedy pairwise merging that minimizes the total coding length
 * (Ma, Derksen, Hong, Wright, TPAMI 2007; MICL_SPEC §5), on sufficient statistics.
 *
 * <p>For a partition {@code W_1 … W_k} of {@code m} elements with sizes {@code n_j}: {@code L^c =
 * Σ_j [L(W_j) − n_j log2(n_j/m)]} (eq. 6), with {@code L} the affine (eq. 1) or linear (eq. 1')
 * coding length. Starting from the given groups (singletons for points), the pair with the most
 * negative {@code Δ(A,B) = L(A∪B) − L(A) − L(B) + n_A log2 n_A + n_B log2 n_B − n log2 n} (eq. 7)
 * is merged until no merge saves bits ({@code min Δ ≥ 0}) or {@code minGroups} is reached. Ties go
 * to the lexicographically smallest pair of keys (a group's key is its smallest original index).
 *
 * <p>Cost: the candidate pairs live in a binary heap with lazy invalidation (version stamps), so a
 * merge re-evaluates only the {@code k−1} pairs involving the new group: about {@code m²} coding
 * lengths in all, {@code O(D³)} each ({@code O(D)} for two singletons, by the closed forms of
 * §1.3), plus {@code O(m² log m)} heap operations.
 */
public final class CompressionClustering {

  private CompressionClustering() {}

  /**
   * Clusters points, starting from singletons.
   *
   * @param points {@code points[i]} is point {@code i} (length {@code D}); not modified
   * @param epsSq {@code ε² > 0}
   * @param mode affine or linear coding
   * @return the partition and every merge
   */
  public static ClusteringResult cluster(double[][] points, double epsSq, CodingMode mode) {
    List<ClassStatistics> singletons = new ArrayList<>(points.length);
    for (int i = 0; i < points.length; i++) {
      if (points[i].length != points[0].length) {
        throw new IllegalArgumentException(
            "point " + i + " has length " + points[i].length + ", point 0 has " + points[0].length);
      }
      singletons.add(ClassStatistics.empty(points[i].length).plus(points[i]));
    }
    return cluster(singletons, epsSq, mode, 1);
  }

  /**
   * Clusters initial groups given by their statistics (e.g. the summaries of small windows).
   * Element {@code i} of the result is initial group {@code i}; membership costs use the groups'
   * counts.
   *
   * @param initial statistics of the initial groups, non-empty, same dimension
   * @param epsSq {@code ε² > 0}
   * @param mode affine or linear coding
   * @param minGroups stop merging at this many groups ({@code ≥ 1})
   * @return the partition and every merge
   */
  public static ClusteringResult cluster(
      List<ClassStatistics> initial, double epsSq, CodingMode mode, int minGroups) {
    if (initial.isEmpty()) {
      throw new IllegalArgumentException("nothing to cluster");
    }
    if (minGroups < 1) {
      throw new IllegalArgumentException("minGroups must be ≥ 1, got " + minGroups);
    }
    if (!(epsSq > 0) || Double.isInfinite(epsSq)) {
      throw new IllegalArgumentException("epsSq (ε²) must be positive and finite, got " + epsSq);
    }
    int m = initial.size();
    int d = initial.get(0).dimension();
    State s = new State(m);
    for (int i = 0; i < m; i++) {
      ClassStatistics g = initial.get(i);
      if (g.dimension() != d) {
        throw new IllegalArgumentException(
            "group " + i + " has dimension " + g.dimension() + ", group 0 has " + d);
      }
      if (g.isEmpty()) {
        throw new IllegalArgumentException("group " + i + " is empty");
      }
      s.stats[i] = g;
      s.length[i] = length(g, epsSq, mode);
      s.key[i] = i;
      s.members.add(new int[] {i});
      s.alive[i] = true;
    }
    double total = 0.0;
    for (int i = 0; i < m; i++) {
      total += s.stats[i].count();
    }
    s.total = total;

    PriorityQueue<Candidate> heap =
        new PriorityQueue<>(
            Comparator.comparingDouble((Candidate c) -> c.delta)
                .thenComparingInt(c -> c.keyLo)
                .thenComparingInt(c -> c.keyHi));
    for (int a = 0; a < m; a++) {
      for (int b = a + 1; b < m; b++) {
        heap.add(candidate(s, a, b, epsSq, mode));
      }
    }
    double initialLength = s.totalLength();
    List<MergeStep> steps = new ArrayList<>();
    int groups = m;
    while (groups > minGroups) {
      Candidate best = heap.poll();
      while (best != null && !s.isCurrent(best)) {
        best = heap.poll();
      }
      if (best == null || best.delta >= 0.0) {
        break;
      }
      int a = best.slotA;
      int b = best.slotB;
      s.stats[a] = s.stats[a].merge(s.stats[b]);
      s.length[a] = best.mergedLength;
      s.key[a] = Math.min(s.key[a], s.key[b]);
      s.members.set(a, union(s.members.get(a), s.members.get(b)));
      s.version[a]++;
      s.alive[b] = false;
      s.stats[b] = null;
      s.members.set(b, null);
      groups--;
      steps.add(new MergeStep(best.keyLo, best.keyHi, best.delta, groups, s.totalLength()));
      for (int c = 0; c < m; c++) {
        if (c != a && s.alive[c]) {
          heap.add(candidate(s, Math.min(a, c), Math.max(a, c), epsSq, mode));
        }
      }
    }
    return s.result(initialLength, steps);
  }

  private static Candidate candidate(State s, int a, int b, double epsSq, CodingMode mode) {
    ClassStatistics sa = s.stats[a];
    ClassStatistics sb = s.stats[b];
    double unionLength;
    if (sa.count() == 1.0 && sb.count() == 1.0) {
      double[] x = sa.mean();
      double[] y = sb.mean();
      unionLength =
          mode == CodingMode.AFFINE
              ? CodingLength.affinePair(x, y, epsSq)
              : CodingLength.linearPair(x, y, epsSq);
    } else {
      unionLength = CodingLength.of(sa.merge(sb), epsSq, mode);
    }
    double na = sa.count();
    double nb = sb.count();
    double n = na + nb;
    double delta = unionLength - s.length[a] - s.length[b] + xlog2x(na) + xlog2x(nb) - xlog2x(n);
    return new Candidate(
        a,
        b,
        s.version[a],
        s.version[b],
        Math.min(s.key[a], s.key[b]),
        Math.max(s.key[a], s.key[b]),
        delta,
        unionLength);
  }

  private static double length(ClassStatistics g, double epsSq, CodingMode mode) {
    if (g.count() == 1.0) {
      double[] x = g.mean();
      return mode == CodingMode.AFFINE
          ? CodingLength.affineSingleton(x, epsSq)
          : CodingLength.linearSingleton(x, epsSq);
    }
    return CodingLength.of(g, epsSq, mode);
  }

  private static double xlog2x(double n) {
    return n == 0.0 ? 0.0 : n * Math.log(n) / Math.log(2.0);
  }

  private static int[] union(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    int i = 0;
    int j = 0;
    int k = 0;
    while (i < a.length && j < b.length) {
      out[k++] = a[i] < b[j] ? a[i++] : b[j++];
    }
    while (i < a.length) {
      out[k++] = a[i++];
    }
    while (j < b.length) {
      out[k++] = b[j++];
    }
    return out;
  }

  /**
   * A candidate merge, valid while both groups keep the versions it was computed with. It keeps
   * only numbers (not the merged statistics, which would cost {@code O(D²)} per heap entry).
   */
  private static final class Candidate {
    final int slotA;
    final int slotB;
    final int versionA;
    final int versionB;
    final int keyLo;
    final int keyHi;
    final double delta;
    final double mergedLength;

    Candidate(
        int slotA,
        int slotB,
        int versionA,
        int versionB,
        int keyLo,
        int keyHi,
        double delta,
        double mergedLength) {
      this.slotA = slotA;
      this.slotB = slotB;
      this.versionA = versionA;
      this.versionB = versionB;
      this.keyLo = keyLo;
      this.keyHi = keyHi;
      this.delta = delta;
      this.mergedLength = mergedLength;
    }
  }

  /** The current groups, indexed by slot (a merged group keeps the slot of its first part). */
  private static final class State {
    final ClassStatistics[] stats;
    final double[] length;
    final int[] key;
    final int[] version;
    final boolean[] alive;
    final List<int[]> members;
    double total;

    State(int m) {
      stats = new ClassStatistics[m];
      length = new double[m];
      key = new int[m];
      version = new int[m];
      alive = new boolean[m];
      members = new ArrayList<>(m);
    }

    boolean isCurrent(Candidate c) {
      return alive[c.slotA]
          && alive[c.slotB]
          && version[c.slotA] == c.versionA
          && version[c.slotB] == c.versionB;
    }

    /** {@code L^c = Σ_j [L(W_j) − n_j log2(n_j/m)]}. */
    double totalLength() {
      double sum = 0.0;
      for (int i = 0; i < stats.length; i++) {
        if (alive[i]) {
          double n = stats[i].count();
          sum += length[i] - n * Math.log(n / total) / Math.log(2.0);
        }
      }
      return sum;
    }

    ClusteringResult result(double initialLength, List<MergeStep> steps) {
      List<Integer> slots = new ArrayList<>();
      for (int i = 0; i < stats.length; i++) {
        if (alive[i]) {
          slots.add(i);
        }
      }
      slots.sort(Comparator.comparingInt(i -> key[i]));
      int[] assignment = new int[stats.length];
      int[][] groups = new int[slots.size()][];
      double[] lengths = new double[slots.size()];
      for (int g = 0; g < slots.size(); g++) {
        int slot = slots.get(g);
        groups[g] = members.get(slot);
        lengths[g] = length[slot];
        for (int i : groups[g]) {
          assignment[i] = g;
        }
      }
      return new ClusteringResult(assignment, groups, lengths, initialLength, steps);
    }
  }
}
