package dev.redunet.bench;

import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The baseline of {@link ClusteringBenchmark}: the greedy compression clustering as the project
 * shipped it before the acceleration (commit 2a2c803, {@code cluster/CompressionClustering}),
 * unchanged but for its result type: every pair a candidate in a {@link PriorityQueue} with lazy
 * invalidation, every candidate priced by merging the two groups' {@link ClassStatistics} and one
 * Cholesky factorization ({@code O(D³)}), two points by the closed forms.
 */
final class SeedGreedyClustering {

  /** The partition (groups numbered by their smallest member) and {@code L^c} before and after. */
  static final class Result {
    final int[] assignment;
    final int groups;
    final double initialLength;
    final double finalLength;

    Result(int[] assignment, int groups, double initialLength, double finalLength) {
      this.assignment = assignment;
      this.groups = groups;
      this.initialLength = initialLength;
      this.finalLength = finalLength;
    }
  }

  private SeedGreedyClustering() {}

  static Result cluster(double[][] points, double epsSq, CodingMode mode) {
    int m = points.length;
    State s = new State(m);
    for (int i = 0; i < m; i++) {
      ClassStatistics g = ClassStatistics.empty(points[i].length).plus(points[i]);
      s.stats[i] = g;
      s.length[i] = length(g, epsSq, mode);
      s.key[i] = i;
      s.members.add(new int[] {i});
      s.alive[i] = true;
    }
    s.total = m;
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
    double finalLength = initialLength;
    int groups = m;
    while (groups > 1) {
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
      finalLength = s.totalLength();
      for (int c = 0; c < m; c++) {
        if (c != a && s.alive[c]) {
          heap.add(candidate(s, Math.min(a, c), Math.max(a, c), epsSq, mode));
        }
      }
    }
    List<Integer> slots = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      if (s.alive[i]) {
        slots.add(i);
      }
    }
    slots.sort(Comparator.comparingInt(i -> s.key[i]));
    int[] assignment = new int[m];
    for (int g = 0; g < slots.size(); g++) {
      for (int i : s.members.get(slots.get(g))) {
        assignment[i] = g;
      }
    }
    return new Result(assignment, slots.size(), initialLength, finalLength);
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
  }
}
