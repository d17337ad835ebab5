package dev.redunet.cluster;

import dev.redunet.linalg.MathExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The greedy pairwise merge of MICL_SPEC §5 on any {@link GroupCoder}: merge the candidate pair
 * with the most negative {@code Δ(A,B) = L(A∪B) − L(A) − L(B) + n_A log2 n_A + n_B log2 n_B − n
 * log2 n} (eq. 7) until no candidate saves bits ({@code Δ ≥ 0}) or {@code minGroups} is reached;
 * ties go to the lexicographically smallest pair of keys.
 *
 * <p>The candidates are every pair of groups (the exact algorithm), or only the pairs joined by an
 * edge of a neighbour graph on the elements and whose union holds at most {@code cap} samples (the
 * over-segmentation; a group's neighbours are its members' neighbours). They live in a binary heap
 * with lazy invalidation: a candidate records the versions of its two groups and is dropped when
 * popped if either has changed since; after a merge only the pairs involving the new group are
 * priced again. The pricing of a batch of candidates runs on several threads; the candidates enter
 * the heap in a fixed order, so the result does not depend on the thread count.
 */
final class GreedyMerge {

  /** Candidates priced per task. */
  private static final int CHUNK = 16;

  private static final double LOG2 = Math.log(2.0);

  /** The outcome: the groups left (ascending keys), the merges, and {@code L^c} before them. */
  record Outcome(List<Group> groups, List<MergeStep> steps, double initialLength) {}

  private final GroupCoder coder;
  private final int cap;
  private final int minGroups;
  private final MathExecutor math;
  private final ClusteringProgress progress;
  private final String phase;

  private final Group[] slots;
  private final int[] version;
  private final List<Set<Integer>> adjacency;
  private final double total;
  private int alive;

  private GreedyMerge(
      GroupCoder coder,
      List<Group> start,
      int[][] elementGraph,
      int cap,
      int minGroups,
      MathExecutor math,
      ClusteringProgress progress,
      String phase) {
    this.coder = coder;
    this.cap = cap;
    this.minGroups = minGroups;
    this.math = math;
    this.progress = progress;
    this.phase = phase;
    this.slots = start.toArray(new Group[0]);
    this.version = new int[slots.length];
    this.alive = slots.length;
    double n = 0.0;
    for (Group g : slots) {
      n += g.count;
    }
    this.total = n;
    if (elementGraph == null) {
      adjacency = null;
    } else {
      int[] slotOf = new int[elementGraph.length];
      Arrays.fill(slotOf, -1);
      for (int s = 0; s < slots.length; s++) {
        for (int e : slots[s].members) {
          slotOf[e] = s;
        }
      }
      adjacency = new ArrayList<>(slots.length);
      for (int s = 0; s < slots.length; s++) {
        adjacency.add(new HashSet<>());
      }
      for (int e = 0; e < elementGraph.length; e++) {
        for (int f : elementGraph[e]) {
          int se = slotOf[e];
          int sf = slotOf[f];
          if (se >= 0 && sf >= 0 && se != sf) {
            adjacency.get(se).add(sf);
            adjacency.get(sf).add(se);
          }
        }
      }
    }
  }

  /**
   * Merges every pair of groups (the exact greedy algorithm).
   *
   * @param start the initial groups, in slot order (their keys distinct)
   * @param minGroups stop at this many groups ({@code ≥ 1})
   */
  static Outcome allPairs(
      GroupCoder coder,
      List<Group> start,
      int minGroups,
      MathExecutor math,
      ClusteringProgress progress,
      String phase) {
    return new GreedyMerge(coder, start, null, Integer.MAX_VALUE, minGroups, math, progress, phase)
        .run();
  }

  /**
   * Merges only groups joined by the element graph, into groups of at most {@code cap} samples.
   *
   * @param elementGraph {@code elementGraph[e]} lists the neighbours of element {@code e}
   *     (symmetric or not: an edge joins both ends)
   */
  static Outcome graph(
      GroupCoder coder,
      List<Group> start,
      int[][] elementGraph,
      int cap,
      MathExecutor math,
      ClusteringProgress progress,
      String phase) {
    return new GreedyMerge(coder, start, elementGraph, cap, 1, math, progress, phase).run();
  }

  private Outcome run() {
    CandidateHeap heap = new CandidateHeap();
    int[][] partners = new int[slots.length][];
    double[][] prices = new double[slots.length][];
    math.forEach(
        slots.length,
        a -> {
          partners[a] = partnersAbove(a);
          prices[a] = price(a, partners[a], 0, partners[a].length, null);
        });
    for (int a = 0; a < slots.length; a++) {
      push(heap, a, partners[a], prices[a]);
      partners[a] = null;
      prices[a] = null;
    }
    double initialLength = totalLength();
    List<MergeStep> steps = new ArrayList<>();
    while (alive > minGroups) {
      boolean found = heap.pop();
      while (found && !isCurrent(heap)) {
        found = heap.pop();
      }
      if (!found || heap.topDelta >= 0.0) {
        break;
      }
      int a = heap.topSlotA;
      int b = heap.topSlotB;
      slots[a] = coder.merge(slots[a], slots[b], heap.topUnion);
      slots[b] = null;
      version[a]++;
      alive--;
      if (adjacency != null) {
        Set<Integer> na = adjacency.get(a);
        Set<Integer> nb = adjacency.get(b);
        for (int c : nb) {
          Set<Integer> nc = adjacency.get(c);
          nc.remove(b);
          if (c != a) {
            nc.add(a);
            na.add(c);
          }
        }
        na.remove(b);
        na.remove(a);
        nb.clear();
      }
      steps.add(new MergeStep(heap.topKeyLo, heap.topKeyHi, heap.topDelta, alive, totalLength()));
      int[] others = partnersOf(a);
      push(heap, a, others, priceAll(a, others));
      if (progress != null && (steps.size() & 255) == 0) {
        progress.update(phase, alive);
      }
    }
    if (progress != null) {
      progress.update(phase, alive);
    }
    List<Group> left = new ArrayList<>(alive);
    for (Group g : slots) {
      if (g != null) {
        left.add(g);
      }
    }
    left.sort(Comparator.comparingInt(g -> g.key));
    return new Outcome(left, steps, initialLength);
  }

  /** Adds the priced pairs {@code (a, partners[i])} to the heap, in order. */
  private void push(CandidateHeap heap, int a, int[] partners, double[] prices) {
    for (int i = 0; i < partners.length; i++) {
      int c = partners[i];
      int lo = Math.min(a, c);
      int hi = Math.max(a, c);
      int ka = slots[lo].key;
      int kb = slots[hi].key;
      heap.add(
          prices[2 * i],
          prices[2 * i + 1],
          Math.min(ka, kb),
          Math.max(ka, kb),
          lo,
          hi,
          version[lo],
          version[hi]);
    }
  }

  /** Partners {@code b > a} of slot {@code a} at the start. */
  private int[] partnersAbove(int a) {
    if (adjacency == null) {
      int[] out = new int[slots.length - a - 1];
      for (int i = 0; i < out.length; i++) {
        out[i] = a + 1 + i;
      }
      return out;
    }
    return adjacency.get(a).stream()
        .mapToInt(Integer::intValue)
        .filter(b -> b > a && fits(a, b))
        .sorted()
        .toArray();
  }

  /** Every live partner of slot {@code a}, ascending. */
  private int[] partnersOf(int a) {
    if (adjacency == null) {
      int[] out = new int[alive - 1];
      int i = 0;
      for (int c = 0; c < slots.length; c++) {
        if (c != a && slots[c] != null) {
          out[i++] = c;
        }
      }
      return out;
    }
    return adjacency.get(a).stream()
        .mapToInt(Integer::intValue)
        .filter(c -> fits(a, c))
        .sorted()
        .toArray();
  }

  /** The union of two groups holds at most {@link #cap} samples. */
  private boolean fits(int a, int b) {
    return slots[a].count + slots[b].count <= cap;
  }

  /**
   * Prices the pairs {@code (a, partners[i])}, {@code from ≤ i < to}, on this thread: {@code Δ} at
   * {@code 2i}, {@code L(A∪B)} at {@code 2i+1} of {@code out} (a new array of {@code 2·partners}
   * entries if null).
   */
  private double[] price(int a, int[] partners, int from, int to, double[] out) {
    double[] prices = out != null ? out : new double[2 * partners.length];
    for (int i = from; i < to; i++) {
      int c = partners[i];
      Group ga = slots[Math.min(a, c)];
      Group gb = slots[Math.max(a, c)];
      double union = coder.unionLength(ga, gb);
      prices[2 * i] =
          union
              - ga.length
              - gb.length
              + xlog2x(ga.count)
              + xlog2x(gb.count)
              - xlog2x(ga.count + gb.count);
      prices[2 * i + 1] = union;
    }
    return prices;
  }

  /** Prices the pairs {@code (a, c)} on up to the executor's threads. */
  private double[] priceAll(int a, int[] partners) {
    if (math.threads() == 1 || partners.length < 2 * CHUNK) {
      return price(a, partners, 0, partners.length, null);
    }
    double[] out = new double[2 * partners.length];
    int tasks = (partners.length + CHUNK - 1) / CHUNK;
    math.forEach(
        tasks, t -> price(a, partners, t * CHUNK, Math.min(partners.length, (t + 1) * CHUNK), out));
    return out;
  }

  private boolean isCurrent(CandidateHeap h) {
    return slots[h.topSlotA] != null
        && slots[h.topSlotB] != null
        && version[h.topSlotA] == h.topVersionA
        && version[h.topSlotB] == h.topVersionB;
  }

  /** {@code L^c = Σ_j [L(W_j) − n_j log2(n_j/m)]}, eq. (6). */
  private double totalLength() {
    double sum = 0.0;
    for (Group g : slots) {
      if (g != null) {
        sum += g.length - g.count * Math.log(g.count / total) / LOG2;
      }
    }
    return sum;
  }

  private static double xlog2x(double n) {
    return n == 0.0 ? 0.0 : n * Math.log(n) / LOG2;
  }
}
