package dev.redunet.cluster;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Clustering by lossy compression: greedy pairwise merging that minimizes the total coding length
 * (Ma, Derksen, Hong, Wright, TPAMI 2007; MICL_SPEC §5), on points or on sufficient statistics.
 *
 * <p>For a partition {@code W_1 … W_k} of {@code m} elements with sizes {@code n_j}: {@code L^c =
 * Σ_j [L(W_j) − n_j log2(n_j/m)]} (eq. 6), with {@code L} the affine (eq. 1) or linear (eq. 1')
 * coding length. Starting from the given groups (singletons for points), the pair with the most
 * negative {@code Δ(A,B) = L(A∪B) − L(A) − L(B) + n_A log2 n_A + n_B log2 n_B − n log2 n} (eq. 7)
 * is merged until no merge saves bits ({@code min Δ ≥ 0}) or {@code minGroups} is reached. Ties go
 * to the lexicographically smallest pair of keys (a group's key is its smallest original index).
 *
 * <p><b>Exact algorithm</b> ({@link #cluster(double[][], double, CodingMode)}, and {@link #segment}
 * up to {@link ClusteringSettings#exactLimit} points): every pair is a candidate. The candidates
 * live in a binary heap with lazy invalidation (version stamps), so a merge re-prices only the
 * {@code k−1} pairs involving the new group: about {@code m²} coding lengths in all and {@code O(m²
 * log m)} heap operations, {@code O(m²)} memory. Each coding length takes the cheapest exact form
 * for its sizes ({@link PointCoder}): closed forms for two points, the {@code n×n} Gram form up to
 * {@code n = D}, the determinant lemma on a cached factor for a large group and a small one, else
 * one {@code D×D} Cholesky factorization of the merged statistics, {@code O(D³)}.
 *
 * <p><b>Over-segmentation, then the exact merge</b> ({@link #segment} above the limit). Quadratic
 * memory and time rule the exact algorithm out at tens of thousands of points, so, as image
 * segmentation by compression starts from superpixels and merges only adjacent regions (A. Y. Yang,
 * J. Wright, Y. Ma, S. S. Sastry, "Unsupervised segmentation of natural images via lossy data
 * compression", CVIU 110(2), 2008), {@code segment} first over-segments: the same greedy merge,
 * restricted to pairs of groups joined by the neighbour graph of {@link CompressionNeighbours}
 * (every point's {@code k} cheapest pair merges) and to unions of at most {@code max(8,
 * 2⌈m/targetGroups⌉)} points (doubled and repeated while more than {@code exactLimit} groups are
 * left); then the exact all-pairs merge on those groups (about {@code targetGroups}). The
 * over-segmentation merges by the same criterion, so it only ever merges what the exact algorithm
 * could merge later; what it cannot undo is a merge the exact algorithm would not have made. Cost:
 * {@code O(m²D)} for the graph, and merges priced on the graph's edges.
 */
public final class CompressionClustering {

  private CompressionClustering() {}

  /**
   * Clusters points by the exact algorithm, starting from singletons, on one thread.
   *
   * @param points {@code points[i]} is point {@code i} (length {@code D}, finite); not modified
   * @param epsSq {@code ε² > 0}
   * @param mode affine or linear coding
   * @return the partition and every merge
   * @throws IllegalArgumentException on no points, ragged or non-finite points, or a bad {@code ε²}
   */
  public static ClusteringResult cluster(double[][] points, double epsSq, CodingMode mode) {
    checkEpsSq(epsSq);
    checkPoints(points);
    PointCoder coder = new PointCoder(points, epsSq, mode, MathExecutor.sequential());
    GreedyMerge.Outcome o =
        GreedyMerge.allPairs(
            coder, singletons(coder, points.length), 1, MathExecutor.sequential(), null, "merging");
    return result(o.groups(), o.steps(), o.initialLength(), points.length, 0);
  }

  /**
   * Clusters points, finding the number of groups by itself: the exact algorithm up to {@code
   * settings.exactLimit()} points, else the over-segmentation then the exact merge (class comment).
   * The result does not depend on {@code settings.threads()}.
   *
   * @param points {@code m} points of length {@code D}, finite; not modified (kept while running)
   * @param settings ε², coding, and the acceleration's parameters
   * @param progress receives progress reports, or null
   * @return the partition of the points and every merge, with {@link ClusteringResult#overSegments}
   *     the number of groups the over-segmentation left (0 if none ran)
   * @throws IllegalArgumentException on no points, ragged or non-finite points
   */
  public static ClusteringResult segment(
      double[][] points, ClusteringSettings settings, ClusteringProgress progress) {
    checkPoints(points);
    int m = points.length;
    // The segmentation's own threads (settings.threads()), for its lifetime: no static pool.
    try (MathExecutor math = MathExecutor.create(settings.threads(), "redunet-cluster")) {
      PointCoder coder = new PointCoder(points, settings.epsSq(), settings.mode(), math);
      List<Group> start = singletons(coder, m);
      if (m <= settings.exactLimit()) {
        GreedyMerge.Outcome o = GreedyMerge.allPairs(coder, start, 1, math, progress, "merging");
        return result(o.groups(), o.steps(), o.initialLength(), m, 0);
      }
      int[][] graph =
          CompressionNeighbours.graph(
              points, settings.epsSq(), settings.mode(), settings.neighbours(), math, progress);
      int cap = settings.groupCap(m);
      List<MergeStep> steps = new ArrayList<>();
      double initialLength = Double.NaN;
      while (true) {
        GreedyMerge.Outcome o =
            GreedyMerge.graph(coder, start, graph, cap, math, progress, "over-segmentation");
        if (Double.isNaN(initialLength)) {
          initialLength = o.initialLength();
        }
        steps.addAll(o.steps());
        start = o.groups();
        if (start.size() <= settings.exactLimit() || cap >= m || o.steps().isEmpty()) {
          break;
        }
        cap = (int) Math.min(m, 2L * cap);
      }
      int overSegments = start.size();
      GreedyMerge.Outcome o = GreedyMerge.allPairs(coder, start, 1, math, progress, "merging");
      steps.addAll(o.steps());
      return result(o.groups(), steps, initialLength, m, overSegments);
    }
  }

  /**
   * Clusters initial groups given by their statistics (e.g. the summaries of small windows), by the
   * exact algorithm. Element {@code i} of the result is initial group {@code i}; membership costs
   * use the groups' counts.
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
    checkEpsSq(epsSq);
    int d = initial.get(0).dimension();
    StatisticsCoder coder = new StatisticsCoder(epsSq, mode);
    List<Group> start = new ArrayList<>(initial.size());
    for (int i = 0; i < initial.size(); i++) {
      ClassStatistics g = initial.get(i);
      if (g.dimension() != d) {
        throw new IllegalArgumentException(
            "group " + i + " has dimension " + g.dimension() + ", group 0 has " + d);
      }
      if (g.isEmpty()) {
        throw new IllegalArgumentException("group " + i + " is empty");
      }
      start.add(coder.initial(i, g));
    }
    GreedyMerge.Outcome o =
        GreedyMerge.allPairs(coder, start, minGroups, MathExecutor.sequential(), null, "merging");
    return result(o.groups(), o.steps(), o.initialLength(), initial.size(), 0);
  }

  private static List<Group> singletons(PointCoder coder, int m) {
    List<Group> start = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      start.add(coder.singleton(i));
    }
    return start;
  }

  private static ClusteringResult result(
      List<Group> groups, List<MergeStep> steps, double initialLength, int m, int overSegments) {
    int[] assignment = new int[m];
    int[][] members = new int[groups.size()][];
    double[] lengths = new double[groups.size()];
    for (int g = 0; g < groups.size(); g++) {
      Group group = groups.get(g);
      members[g] = group.members.clone();
      Arrays.sort(members[g]);
      lengths[g] = group.length;
      for (int i : members[g]) {
        assignment[i] = g;
      }
    }
    return new ClusteringResult(assignment, members, lengths, initialLength, steps, overSegments);
  }

  private static void checkEpsSq(double epsSq) {
    if (!(epsSq > 0) || Double.isInfinite(epsSq)) {
      throw new IllegalArgumentException("epsSq (ε²) must be positive and finite, got " + epsSq);
    }
  }

  private static void checkPoints(double[][] points) {
    if (points.length == 0) {
      throw new IllegalArgumentException("nothing to cluster: no points");
    }
    int d = points[0].length;
    if (d == 0) {
      throw new IllegalArgumentException("point 0 has no coordinates");
    }
    for (int i = 0; i < points.length; i++) {
      if (points[i].length != d) {
        throw new IllegalArgumentException(
            "point " + i + " has length " + points[i].length + ", point 0 has " + d);
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(points[i][j])) {
          throw new IllegalArgumentException(
              "point " + i + " has a non-finite value at " + j + ": " + points[i][j]);
        }
      }
    }
  }
}
