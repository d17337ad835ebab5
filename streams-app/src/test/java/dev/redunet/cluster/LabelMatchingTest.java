package dev.redunet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class LabelMatchingTest {

  @Test
  void aRelabelledPartitionHasAccuracyOne() {
    int[] labels = {0, 0, 1, 1, 2, 2, 2};
    int[] clusters = {2, 2, 0, 0, 1, 1, 1};
    LabelMatching.Agreement a = LabelMatching.of(clusters, labels);
    assertThat(a.accuracy()).isEqualTo(1.0);
    assertThat(a.purity()).isEqualTo(1.0);
    assertThat(a.labelOfCluster()).containsExactly(1, 2, 0);
  }

  /** Purity rewards splitting; the matching does not: one cluster per label at most. */
  @Test
  void splittingAClassKeepsPurityButNotAccuracy() {
    int[] labels = {0, 0, 0, 0, 1, 1, 1, 1};
    int[] clusters = {0, 0, 1, 1, 2, 2, 3, 3};
    LabelMatching.Agreement a = LabelMatching.of(clusters, labels);
    assertThat(a.purity()).isEqualTo(1.0);
    assertThat(a.accuracy()).isEqualTo(0.5);
    assertThat(a.matched()).isEqualTo(4);
  }

  @Test
  void unlabelledSamplesAreIgnored() {
    int u = LabelMatching.UNLABELLED;
    LabelMatching.Agreement a =
        LabelMatching.of(new int[] {0, 0, 1, 1, 1}, new int[] {0, u, 1, 1, 0});
    assertThat(a.labelled()).isEqualTo(4);
    assertThat(a.accuracy()).isEqualTo(0.75);
    assertThat(LabelMatching.of(new int[] {0, 1}, new int[] {u, u}).accuracy()).isNaN();
  }

  /** The Hungarian matching equals the best of all injective matchings, on random tables. */
  @Test
  void theHungarianMatchingIsTheBestOfAllMatchings() {
    Random rnd = new Random(1801);
    for (int trial = 0; trial < 300; trial++) {
      int k = 1 + rnd.nextInt(5);
      int c = 1 + rnd.nextInt(5);
      int m = 1 + rnd.nextInt(40);
      int[] clusters = new int[m];
      int[] labels = new int[m];
      long[][] counts = new long[k][c];
      for (int i = 0; i < m; i++) {
        clusters[i] = rnd.nextInt(k);
        labels[i] = rnd.nextInt(c);
        counts[clusters[i]][labels[i]]++;
      }
      long best = bruteForce(counts, 0, new boolean[c]);
      LabelMatching.Agreement a = LabelMatching.of(clusters, labels);
      assertThat(a.matched()).as("trial %d", trial).isEqualTo(best);
      long viaMatching = 0;
      int[] pi = a.labelOfCluster();
      boolean[] seen = new boolean[c];
      for (int g = 0; g < pi.length; g++) {
        if (pi[g] != LabelMatching.UNLABELLED) {
          assertThat(seen[pi[g]]).as("label matched twice").isFalse();
          seen[pi[g]] = true;
          viaMatching += g < k ? counts[g][pi[g]] : 0;
        }
      }
      assertThat(viaMatching).isEqualTo(best);
    }
  }

  @Test
  void badInputIsRejected() {
    assertThatThrownBy(() -> LabelMatching.of(new int[] {0}, new int[] {0, 1}))
        .hasMessageContaining("1 cluster indices for 2 labels");
    assertThatThrownBy(() -> LabelMatching.of(new int[] {-1}, new int[] {0}))
        .hasMessageContaining("sample 0 has cluster -1");
  }

  private static long bruteForce(long[][] counts, int g, boolean[] used) {
    if (g == counts.length) {
      return 0;
    }
    long best = bruteForce(counts, g + 1, used); // cluster g unmatched
    for (int l = 0; l < used.length; l++) {
      if (!used[l]) {
        used[l] = true;
        best = Math.max(best, counts[g][l] + bruteForce(counts, g + 1, used));
        used[l] = false;
      }
    }
    return best;
  }
}
