package dev.redunet.cluster;

import java.util.Arrays;

/**
 * How well a clustering agrees with known labels: the accuracy under the best one-to-one matching
 * of clusters to labels (found by the Hungarian algorithm), and the purity.
 *
 * <p>With {@code N_gc} the number of labelled samples of label {@code c} in cluster {@code g} and
 * {@code N} the labelled samples: accuracy {@code = max_π Σ_g N_{g,π(g)} / N} over the injective
 * matchings {@code π} between clusters and labels (a cluster or label left unmatched counts as
 * wrong); purity {@code = Σ_g max_c N_gc / N}. Purity is at least the accuracy, and is 1 for
 * singletons, so it rewards too many clusters; the accuracy does not.
 */
public final class LabelMatching {

  /** The label index of an unlabelled sample: ignored. */
  public static final int UNLABELLED = -1;

  /** The agreement of a clustering with labels. Immutable. */
  public static final class Agreement {
    private final long labelled;
    private final long matched;
    private final double purity;
    private final int[] labelOfCluster;

    Agreement(long labelled, long matched, double purity, int[] labelOfCluster) {
      this.labelled = labelled;
      this.matched = matched;
      this.purity = purity;
      this.labelOfCluster = labelOfCluster.clone();
    }

    /** The labelled samples {@code N} (0: nothing to compare, the rates are NaN). */
    public long labelled() {
      return labelled;
    }

    /** {@code Σ_g N_{g,π(g)}} under the best matching. */
    public long matched() {
      return matched;
    }

    /** {@code matched / N}. */
    public double accuracy() {
      return labelled == 0 ? Double.NaN : (double) matched / labelled;
    }

    /** {@code Σ_g max_c N_gc / N}. */
    public double purity() {
      return purity;
    }

    /** {@code π(g)}, the label matched to every cluster {@code g}, or {@link #UNLABELLED}. */
    public int[] labelOfCluster() {
      return labelOfCluster.clone();
    }
  }

  private LabelMatching() {}

  /**
   * Compares a clustering with labels. Cost {@code O(s² t)} for {@code s ≤ t} the smaller and
   * larger of the numbers of clusters and labels, plus {@code O(m)}.
   *
   * @param clusters the cluster of every sample, in {@code [0, k)}
   * @param labels the label index of every sample, in {@code [0, c)}, or {@link #UNLABELLED}
   * @throws IllegalArgumentException on different lengths or indices out of range
   */
  public static Agreement of(int[] clusters, int[] labels) {
    if (clusters.length != labels.length) {
      throw new IllegalArgumentException(
          clusters.length + " cluster indices for " + labels.length + " labels");
    }
    int k = 0;
    int c = 0;
    for (int i = 0; i < clusters.length; i++) {
      if (clusters[i] < 0) {
        throw new IllegalArgumentException("sample " + i + " has cluster " + clusters[i]);
      }
      if (labels[i] < UNLABELLED) {
        throw new IllegalArgumentException("sample " + i + " has label index " + labels[i]);
      }
      k = Math.max(k, clusters[i] + 1);
      c = Math.max(c, labels[i] + 1);
    }
    long[][] counts = new long[k][c];
    long n = 0;
    for (int i = 0; i < clusters.length; i++) {
      if (labels[i] != UNLABELLED) {
        counts[clusters[i]][labels[i]]++;
        n++;
      }
    }
    int[] match = new int[k];
    Arrays.fill(match, UNLABELLED);
    if (n == 0) {
      return new Agreement(0, 0, Double.NaN, match);
    }
    long pure = 0;
    for (long[] row : counts) {
      long best = 0;
      for (long v : row) {
        best = Math.max(best, v);
      }
      pure += best;
    }
    long matched = 0;
    if (k <= c) {
      int[] col = maxMatching(counts, k, c);
      for (int g = 0; g < k; g++) {
        match[g] = col[g];
        matched += counts[g][col[g]];
      }
    } else {
      long[][] t = new long[c][k];
      for (int g = 0; g < k; g++) {
        for (int l = 0; l < c; l++) {
          t[l][g] = counts[g][l];
        }
      }
      int[] col = maxMatching(t, c, k);
      for (int l = 0; l < c; l++) {
        match[col[l]] = l;
        matched += counts[col[l]][l];
      }
    }
    return new Agreement(n, matched, (double) pure / n, match);
  }

  /**
   * The Hungarian algorithm (Kuhn 1955, Munkres 1957) with potentials and shortest augmenting paths
   * ({@code O(r²s)}): the column matched to each of the {@code r ≤ s} rows that maximizes the sum
   * of {@code w[row][column]}.
   */
  static int[] maxMatching(long[][] w, int r, int s) {
    long max = 0;
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < s; j++) {
        max = Math.max(max, w[i][j]);
      }
    }
    // Minimize cost = max − w, 1-based as in the classic formulation.
    long[] u = new long[r + 1];
    long[] v = new long[s + 1];
    int[] p = new int[s + 1];
    int[] way = new int[s + 1];
    for (int i = 1; i <= r; i++) {
      p[0] = i;
      int j0 = 0;
      long[] minv = new long[s + 1];
      Arrays.fill(minv, Long.MAX_VALUE);
      boolean[] used = new boolean[s + 1];
      do {
        used[j0] = true;
        int i0 = p[j0];
        long delta = Long.MAX_VALUE;
        int j1 = 0;
        for (int j = 1; j <= s; j++) {
          if (!used[j]) {
            long cur = (max - w[i0 - 1][j - 1]) - u[i0] - v[j];
            if (cur < minv[j]) {
              minv[j] = cur;
              way[j] = j0;
            }
            if (minv[j] < delta) {
              delta = minv[j];
              j1 = j;
            }
          }
        }
        for (int j = 0; j <= s; j++) {
          if (used[j]) {
            u[p[j]] += delta;
            v[j] -= delta;
          } else {
            minv[j] -= delta;
          }
        }
        j0 = j1;
      } while (p[j0] != 0);
      do {
        int j1 = way[j0];
        p[j0] = p[j1];
        j0 = j1;
      } while (j0 != 0);
    }
    int[] col = new int[r];
    for (int j = 1; j <= s; j++) {
      if (p[j] != 0) {
        col[p[j] - 1] = j - 1;
      }
    }
    return col;
  }
}
