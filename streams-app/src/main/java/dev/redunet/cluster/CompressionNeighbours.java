package dev.redunet.cluster;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.CodingMode;
import java.util.Arrays;

/**
 * The neighbour graph of the over-segmentation: every point joined to the {@code k} points it
 * merges with most cheaply, by the pair gain of eq. (7) for two singletons, {@code Δ(x,y) =
 * L({x,y}) − L({x}) − L({y}) − 2} bits (MICL_SPEC §1.3, §5). These pairs are the first candidates
 * of the exact greedy merge; the graph restricts the later ones to groups that touch, as merging
 * only adjacent regions does in image segmentation (Yang, Wright, Ma, Sastry, CVIU 2008).
 *
 * <p>{@code L({x,y})} depends only on {@code xᵀx}, {@code yᵀy} and {@code xᵀy}: linear coding
 * {@code (D+2)/2·log2(1 + a(xᵀx + yᵀy) + a²(xᵀx·yᵀy − (xᵀy)²))}, {@code a = D/(2ε²)}; affine {@code
 * (D+2)/2·log2(1 + D‖x−y‖²/(4ε²)) + D/2·log2(1 + ‖x+y‖²/(4ε²))}. Cost {@code O(m²D)} for {@code m}
 * points, by rows on several threads; ties go to the smaller index.
 */
final class CompressionNeighbours {

  private static final double LN2 = Math.log(2.0);

  /** Rows per task; a multiple of the tile height 4. */
  private static final int ROWS_PER_TASK = 32;

  /** Relative slack of the pruning test, far above its rounding error. */
  private static final double SLACK = 1e-9;

  private CompressionNeighbours() {}

  /**
   * The symmetric {@code k}-nearest-neighbour graph under the pair gain.
   *
   * <p>Dot products in tiles of 4×2 (rows × columns); a pair is priced only if it can beat the
   * row's {@code k}-th best gain {@code τ}: with {@code s_i = L({x_i})}, linear coding needs {@code
   * 1 + t < 2^{2(τ+s_i)/(D+2)}·2^{2s_j/(D+2)}} (exact), affine {@code (1+u)(1+v) <
   * 2^{2(τ+s_i)/D}·2^{2s_j/D}} (a bound: {@code (D+2)/2·log2(1+u) ≥ D/2·log2(1+u)}), so most pairs
   * cost no logarithm.
   *
   * @param points {@code m ≥ 2} points of length {@code D}; not modified
   * @param k neighbours per point ({@code 1 ≤ k}; at most {@code m − 1} are taken)
   * @return {@code graph[i]}: the neighbours of point {@code i}, ascending, without {@code i}; j is
   *     a neighbour of i if it is among the k best of i or i among the k best of j
   */
  static int[][] graph(
      double[][] points,
      double epsSq,
      CodingMode mode,
      int k,
      MathExecutor math,
      ClusteringProgress progress) {
    int m = points.length;
    int kk = Math.min(k, m - 1);
    Rows rows = new Rows(points, epsSq, mode);
    int[][] best = new int[m][];
    if (progress != null) {
      progress.update("neighbours", 0);
    }
    int tasks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
    math.forEach(
        tasks,
        t -> {
          int from = t * ROWS_PER_TASK;
          int to = Math.min(m, from + ROWS_PER_TASK);
          if (kk == 0) {
            for (int i = from; i < to; i++) {
              best[i] = new int[0];
            }
          } else {
            rows.nearest(from, to, kk, best);
          }
        });
    int[] degree = new int[m];
    for (int i = 0; i < m; i++) {
      for (int j : best[i]) {
        degree[i]++;
        degree[j]++;
      }
    }
    int[][] graph = new int[m][];
    for (int i = 0; i < m; i++) {
      graph[i] = new int[degree[i]];
    }
    int[] fill = new int[m];
    for (int i = 0; i < m; i++) {
      for (int j : best[i]) {
        graph[i][fill[i]++] = j;
        graph[j][fill[j]++] = i;
      }
    }
    for (int i = 0; i < m; i++) {
      graph[i] = Arrays.stream(graph[i]).sorted().distinct().toArray();
    }
    if (progress != null) {
      progress.update("neighbours", m);
    }
    return graph;
  }

  /** The points, flattened, with what the pair gain needs of each. */
  private static final class Rows {
    final int m;
    final int d;
    final double[] x;
    final double[] norm;
    final double[] single;
    final double[] pruneFactor;
    final double power;
    final double epsSq;
    final boolean linear;

    Rows(double[][] points, double epsSq, CodingMode mode) {
      this.m = points.length;
      this.d = points[0].length;
      this.epsSq = epsSq;
      this.linear = mode == CodingMode.LINEAR;
      this.power = linear ? d + 2.0 : d;
      x = new double[m * d];
      norm = new double[m];
      single = new double[m];
      pruneFactor = new double[m];
      for (int i = 0; i < m; i++) {
        System.arraycopy(points[i], 0, x, i * d, d);
        norm[i] = PointCoder.dot(points[i], points[i]);
        single[i] =
            linear
                ? 0.5 * (d + 1) * Math.log1p(d * norm[i] / epsSq) / LN2
                : 0.5 * d * Math.log1p(norm[i] / epsSq) / LN2;
        pruneFactor[i] = Math.pow(2.0, 2.0 * single[i] / power);
      }
    }

    /** Fills {@code best[i]} for the rows {@code [from, to)}: the k best partners, best first. */
    void nearest(int from, int to, int k, int[][] best) {
      int rowsHere = to - from;
      int[][] idx = new int[rowsHere][k];
      double[][] gain = new double[rowsHere][k];
      double[] threshold = new double[rowsHere];
      for (int r = 0; r < rowsHere; r++) {
        Arrays.fill(gain[r], Double.POSITIVE_INFINITY);
        threshold[r] = Double.POSITIVE_INFINITY;
      }
      double[] dots = new double[8];
      for (int i0 = from; i0 < to; i0 += 4) {
        int ni = Math.min(4, to - i0);
        for (int j0 = 0; j0 < m; j0 += 2) {
          int nj = Math.min(2, m - j0);
          tile(i0, ni, j0, nj, dots);
          for (int r = 0; r < ni; r++) {
            int i = i0 + r;
            int row = i - from;
            for (int c = 0; c < nj; c++) {
              int j = j0 + c;
              if (j != i) {
                offer(i, j, dots[r * 2 + c], idx[row], gain[row], threshold, row);
              }
            }
          }
        }
      }
      for (int r = 0; r < rowsHere; r++) {
        best[from + r] = idx[r];
      }
    }

    /** {@code dots[r·2 + c] = x_{i0+r}ᵀ x_{j0+c}} for {@code r < ni, c < nj}. */
    private void tile(int i0, int ni, int j0, int nj, double[] dots) {
      if (ni == 4 && nj == 2) {
        int a0 = i0 * d;
        int a1 = a0 + d;
        int a2 = a1 + d;
        int a3 = a2 + d;
        int b0 = j0 * d;
        int b1 = b0 + d;
        double c00 = 0;
        double c01 = 0;
        double c10 = 0;
        double c11 = 0;
        double c20 = 0;
        double c21 = 0;
        double c30 = 0;
        double c31 = 0;
        for (int p = 0; p < d; p++) {
          double y0 = x[b0 + p];
          double y1 = x[b1 + p];
          double x0 = x[a0 + p];
          double x1 = x[a1 + p];
          double x2 = x[a2 + p];
          double x3 = x[a3 + p];
          c00 += x0 * y0;
          c01 += x0 * y1;
          c10 += x1 * y0;
          c11 += x1 * y1;
          c20 += x2 * y0;
          c21 += x2 * y1;
          c30 += x3 * y0;
          c31 += x3 * y1;
        }
        dots[0] = c00;
        dots[1] = c01;
        dots[2] = c10;
        dots[3] = c11;
        dots[4] = c20;
        dots[5] = c21;
        dots[6] = c30;
        dots[7] = c31;
        return;
      }
      for (int r = 0; r < ni; r++) {
        for (int c = 0; c < nj; c++) {
          double s = 0;
          int a = (i0 + r) * d;
          int b = (j0 + c) * d;
          for (int p = 0; p < d; p++) {
            s += x[a + p] * x[b + p];
          }
          dots[r * 2 + c] = s;
        }
      }
    }

    /** Considers partner {@code j} of row {@code i} (the row's arrays), ascending {@code j}. */
    private void offer(
        int i, int j, double xy, int[] idx, double[] gain, double[] threshold, int row) {
      double xx = norm[i];
      double yy = norm[j];
      double base;
      double u = 0;
      double v = 0;
      double t = 0;
      if (linear) {
        double a = d / (2.0 * epsSq);
        t = a * (xx + yy) + a * a * Math.max(0.0, xx * yy - xy * xy);
        base = 1.0 + t;
      } else {
        u = d * Math.max(0.0, xx + yy - 2.0 * xy) / (4.0 * epsSq);
        v = 0.25 * Math.max(0.0, xx + yy + 2.0 * xy) / epsSq;
        base = (1.0 + u) * (1.0 + v);
      }
      if (base >= threshold[row] * pruneFactor[j] * (1.0 + SLACK)) {
        return;
      }
      double pair =
          linear
              ? 0.5 * (d + 2) * Math.log1p(t) / LN2
              : 0.5 * (d + 2) * Math.log1p(u) / LN2 + 0.5 * d * Math.log1p(v) / LN2;
      double g = pair - single[i] - single[j];
      int k = gain.length;
      if (g < gain[k - 1]) {
        int p = k - 1;
        while (p > 0 && g < gain[p - 1]) {
          gain[p] = gain[p - 1];
          idx[p] = idx[p - 1];
          p--;
        }
        gain[p] = g;
        idx[p] = j;
        if (gain[k - 1] < Double.POSITIVE_INFINITY) {
          threshold[row] = Math.pow(2.0, 2.0 * (gain[k - 1] + single[i]) / power);
        }
      }
    }
  }
}
