package dev.redunet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast coding forms, the neighbour graph, the heap, and the over-segmentation. */
class AcceleratedClusteringTest {

  /**
   * Every form {@link PointCoder} picks (closed pair, Gram, determinant lemma on either side,
   * merged statistics) gives the coding length of the union's statistics, eq. (1)/(1'), to 1e-10
   * relative.
   */
  @Test
  void everyCodingFormEqualsTheLengthOfTheMergedStatistics() {
    // D = 8: pairs (closed), n ≤ D (Gram), more than D/2 + at most 4 (lemma, D×D side), large +
    // large (statistics). D = 48: 16 to 24 + at most 4 (lemma, Gram side), the others again.
    checkForms(
        8, new int[][] {{1, 1}, {1, 3}, {3, 4}, {5, 1}, {6, 4}, {12, 1}, {12, 3}, {3, 12}, {9, 7}});
    checkForms(
        48, new int[][] {{20, 1}, {20, 3}, {3, 17}, {24, 4}, {16, 1}, {30, 2}, {30, 20}, {10, 12}});
  }

  private static void checkForms(int d, int[][] sizes) {
    Random rnd = new Random(1701 + d);
    double[][] points = new double[120][d];
    for (double[] p : points) {
      for (int j = 0; j < d; j++) {
        p[j] = 0.3 + rnd.nextGaussian() * (j < 3 ? 1.0 : 0.05);
      }
    }
    for (CodingMode mode : CodingMode.values()) {
      for (double epsSq : new double[] {0.01, 0.5}) {
        PointCoder coder = new PointCoder(points, epsSq, mode, MathExecutor.create(2, "test"));
        int next = 0;
        for (int[] pair : sizes) {
          int[] ia = range(next, pair[0]);
          int[] ib = range(next + pair[0], pair[1]);
          next = (next + pair[0] + pair[1]) % 60;
          Group a = build(coder, ia);
          Group b = build(coder, ib);
          double expected = CodingLength.of(stats(points, concat(ia, ib)), epsSq, mode);
          String what = "D=" + d + " " + mode + " ε²=" + epsSq + " sizes " + Arrays.toString(pair);
          assertThat(coder.unionLength(a, b))
              .as(what)
              .isCloseTo(expected, within(1e-10 * expected));
          // A cached factor gives the same value on a second use.
          assertThat(coder.unionLength(a, b))
              .as(what)
              .isCloseTo(expected, within(1e-10 * expected));
          Group merged = coder.merge(a, b, expected);
          assertThat(merged.count).isEqualTo(pair[0] + pair[1]);
          assertThat(merged.key).isEqualTo(Math.min(ia[0], ib[0]));
        }
      }
    }
  }

  @Test
  void theNeighbourGraphHoldsEachPointsCheapestPairMerges() {
    Random rnd = new Random(1702);
    int m = 57;
    int d = 5;
    double[][] points = new double[m][d];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < d; j++) {
        points[i][j] = (i % 3 == j ? 1.0 : 0.0) * rnd.nextGaussian() + 0.05 * rnd.nextGaussian();
      }
    }
    int k = 4;
    for (CodingMode mode : CodingMode.values()) {
      double epsSq = 0.05;
      int[][] graph =
          CompressionNeighbours.graph(points, epsSq, mode, k, MathExecutor.create(3, "test"), null);
      boolean[][] expected = new boolean[m][m];
      for (int i = 0; i < m; i++) {
        Integer[] order = new Integer[m - 1];
        double[] gain = new double[m];
        int p = 0;
        for (int j = 0; j < m; j++) {
          if (j != i) {
            gain[j] = pairGain(points[i], points[j], epsSq, mode);
            order[p++] = j;
          }
        }
        Arrays.sort(order, (x, y) -> Double.compare(gain[x], gain[y]));
        // Exact ties are not expected with Gaussian data; the k-th and (k+1)-th must differ.
        assertThat(gain[order[k]] - gain[order[k - 1]]).isGreaterThan(1e-9);
        for (int q = 0; q < k; q++) {
          expected[i][order[q]] = true;
          expected[order[q]][i] = true;
        }
      }
      for (int i = 0; i < m; i++) {
        List<Integer> want = new ArrayList<>();
        for (int j = 0; j < m; j++) {
          if (expected[i][j]) {
            want.add(j);
          }
        }
        assertThat(Arrays.stream(graph[i]).boxed().toList())
            .as("%s point %d", mode, i)
            .containsExactlyElementsOf(want);
      }
    }
  }

  @Test
  void theHeapPopsByGainThenKeys() {
    Random rnd = new Random(1703);
    CandidateHeap heap = new CandidateHeap();
    List<double[]> entries = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      double delta = rnd.nextInt(20) - 10.0; // many ties
      int lo = rnd.nextInt(8);
      int hi = lo + 1 + rnd.nextInt(8);
      entries.add(new double[] {delta, lo, hi, i});
      heap.add(delta, i * 0.5, lo, hi, i, i + 1, 0, 0);
    }
    entries.sort(
        (x, y) ->
            x[0] != y[0]
                ? Double.compare(x[0], y[0])
                : x[1] != y[1] ? Double.compare(x[1], y[1]) : Double.compare(x[2], y[2]));
    for (double[] e : entries) {
      assertThat(heap.pop()).isTrue();
      assertThat(heap.topDelta).isEqualTo(e[0]);
      assertThat(heap.topKeyLo).isEqualTo((int) e[1]);
      assertThat(heap.topKeyHi).isEqualTo((int) e[2]);
      assertThat(heap.topUnion).isEqualTo(heap.topSlotA * 0.5);
    }
    assertThat(heap.pop()).isFalse();
  }

  /** Up to the exact limit, {@code segment} is the exact algorithm, merge for merge. */
  @Test
  void segmentBelowTheLimitIsTheExactAlgorithm() {
    double[][] points = subspaces(160, 12, 3, 2, 0.05, 1704, null);
    ClusteringResult exact = CompressionClustering.cluster(points, 0.05, CodingMode.LINEAR);
    ClusteringResult viaSegment =
        CompressionClustering.segment(
            points, ClusteringSettings.of(0.05, CodingMode.LINEAR).withThreads(3), null);
    assertThat(viaSegment.overSegments()).isZero();
    assertThat(viaSegment.steps()).isEqualTo(exact.steps());
    assertThat(viaSegment.assignment()).isEqualTo(exact.assignment());
  }

  /**
   * Above the limit: the over-segmentation, then the exact merge, recovers a subspace mixture; the
   * result does not depend on the thread count; every merge saves bits and the reported lengths are
   * eq. (6) of the partitions.
   */
  @Test
  void theOverSegmentationRecoversASubspaceMixtureWhateverTheThreads() {
    int[] truth = new int[600];
    double[][] points = subspaces(600, 20, 3, 4, 0.05, 1705, truth);
    ClusteringSettings settings = new ClusteringSettings(0.05, CodingMode.LINEAR, 150, 6, 20, 1);
    ClusteringResult one = CompressionClustering.segment(points, settings, null);
    ClusteringResult three = CompressionClustering.segment(points, settings.withThreads(3), null);
    assertThat(three.assignment()).isEqualTo(one.assignment());
    assertThat(three.steps()).isEqualTo(one.steps());

    assertThat(one.overSegments()).isBetween(5, 150);
    assertThat(one.numGroups()).isEqualTo(4);
    assertThat(LabelMatching.of(one.assignment(), truth).accuracy()).isEqualTo(1.0);
    double previous = one.initialLength();
    for (MergeStep step : one.steps()) {
      assertThat(step.delta()).isNegative();
      assertThat(step.totalLength()).isCloseTo(previous + step.delta(), within(1e-6 * previous));
      previous = step.totalLength();
    }
    double initial = totalLength(points, singletons(600));
    assertThat(one.initialLength()).isCloseTo(initial, within(1e-9 * initial));
    int[][] groups = new int[one.numGroups()][];
    for (int g = 0; g < groups.length; g++) {
      groups[g] = one.members(g);
    }
    assertThat(one.finalLength())
        .isCloseTo(totalLength(points, groups), within(1e-9 * one.finalLength()));
  }

  @Test
  void badPointsAndSettingsAreRejectedWithTheirPlace() {
    assertThatThrownBy(
            () ->
                CompressionClustering.segment(
                    new double[][] {{1, 2}, {3, Double.NaN}},
                    ClusteringSettings.of(0.1, CodingMode.LINEAR),
                    null))
        .hasMessageContaining("point 1 has a non-finite value at 1");
    assertThatThrownBy(
            () ->
                CompressionClustering.segment(
                    new double[0][], ClusteringSettings.of(0.1, CodingMode.LINEAR), null))
        .hasMessageContaining("no points");
    assertThatThrownBy(() -> new ClusteringSettings(0.1, CodingMode.LINEAR, 1, 10, 256, 1))
        .hasMessageContaining("exactLimit must be ≥ 2, got 1");
    assertThatThrownBy(() -> new ClusteringSettings(0.1, CodingMode.LINEAR, 100, 0, 256, 1))
        .hasMessageContaining("neighbours");
    assertThatThrownBy(() -> ClusteringSettings.of(Double.NaN, CodingMode.LINEAR))
        .hasMessageContaining("epsSq");
    assertThat(ClusteringSettings.of(0.1, CodingMode.LINEAR).groupCap(10_000)).isEqualTo(80);
    assertThat(ClusteringSettings.of(0.1, CodingMode.LINEAR).groupCap(100)).isEqualTo(8);
  }

  /**
   * Points on {@code k} random {@code dim}-dimensional subspaces of {@code R^d} (point i on
   * subspace i mod k), with Gaussian noise of norm about {@code noise}.
   */
  static double[][] subspaces(
      int m, int d, int dim, int k, double noise, long seed, int[] labelsOut) {
    Random rnd = new Random(seed);
    double[][][] bases = new double[k][dim][d];
    for (double[][] basis : bases) {
      for (double[] v : basis) {
        for (int j = 0; j < d; j++) {
          v[j] = rnd.nextGaussian() / Math.sqrt(d);
        }
      }
    }
    double[][] x = new double[m][d];
    for (int i = 0; i < m; i++) {
      int s = i % k;
      if (labelsOut != null) {
        labelsOut[i] = s;
      }
      for (int c = 0; c < dim; c++) {
        double coef = rnd.nextGaussian() / Math.sqrt(dim);
        for (int j = 0; j < d; j++) {
          x[i][j] += coef * bases[s][c][j];
        }
      }
      for (int j = 0; j < d; j++) {
        x[i][j] += noise * rnd.nextGaussian() / Math.sqrt(d);
      }
    }
    return x;
  }

  private static double pairGain(double[] x, double[] y, double epsSq, CodingMode mode) {
    return mode == CodingMode.AFFINE
        ? CodingLength.affinePair(x, y, epsSq)
            - CodingLength.affineSingleton(x, epsSq)
            - CodingLength.affineSingleton(y, epsSq)
            - 2.0
        : CodingLength.linearPair(x, y, epsSq)
            - CodingLength.linearSingleton(x, epsSq)
            - CodingLength.linearSingleton(y, epsSq)
            - 2.0;
  }

  /** {@code L^c} of eq. (6) from the points, linear coding, ε² = 0.05. */
  private static double totalLength(double[][] points, int[][] groups) {
    double m = points.length;
    double sum = 0.0;
    for (int[] g : groups) {
      int n = g.length;
      double length =
          n == 1
              ? CodingLength.linearSingleton(points[g[0]], 0.05)
              : CodingLength.of(stats(points, g), 0.05, CodingMode.LINEAR);
      sum += length - n * Math.log(n / m) / Math.log(2.0);
    }
    return sum;
  }

  private static int[][] singletons(int m) {
    int[][] g = new int[m][];
    for (int i = 0; i < m; i++) {
      g[i] = new int[] {i};
    }
    return g;
  }

  private static Group build(PointCoder coder, int[] members) {
    Group g = coder.singleton(members[0]);
    for (int i = 1; i < members.length; i++) {
      Group s = coder.singleton(members[i]);
      g = coder.merge(g, s, coder.unionLength(g, s));
    }
    return g;
  }

  private static ClassStatistics stats(double[][] points, int[] members) {
    double[][] rows = new double[members.length][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = points[members[i]];
    }
    return ClassStatistics.of(rows);
  }

  private static int[] range(int from, int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = from + i;
    }
    return r;
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
