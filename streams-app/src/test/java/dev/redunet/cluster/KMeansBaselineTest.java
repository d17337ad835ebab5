package dev.redunet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

class KMeansBaselineTest {

  @Test
  void separatedBlobsAreFoundAndTheSeedFixesTheResult() {
    Random rnd = new Random(1901);
    int m = 300;
    double[][] x = new double[m][4];
    int[] truth = new int[m];
    for (int i = 0; i < m; i++) {
      truth[i] = i % 3;
      for (int j = 0; j < 4; j++) {
        x[i][j] = (j == truth[i] ? 5.0 : 0.0) + 0.3 * rnd.nextGaussian();
      }
    }
    int[] a = KMeansBaseline.cluster(x, 3, 5, 42L);
    assertThat(LabelMatching.of(a, truth).accuracy()).isEqualTo(1.0);
    assertThat(KMeansBaseline.cluster(x, 3, 5, 42L)).isEqualTo(a);
    assertThat(java.util.Arrays.stream(a).distinct().sorted().toArray()).containsExactly(0, 1, 2);
  }

  /** On subspaces through the origin, the centroids cannot tell the groups apart near it. */
  @Test
  void kMeansGivenTheTrueKIsFarFromAMixtureOfSubspaces() {
    int[] truth = new int[400];
    double[][] x = AcceleratedClusteringTest.subspaces(400, 40, 3, 4, 0.1, 1902, truth);
    double accuracy = LabelMatching.of(KMeansBaseline.cluster(x, 4, 10, 0L), truth).accuracy();
    assertThat(accuracy).isLessThan(0.7);
  }

  @Test
  void badArgumentsAreRejected() {
    double[][] x = {{1, 2}, {3, 4}};
    assertThatThrownBy(() -> KMeansBaseline.cluster(x, 3, 1, 0L)).hasMessageContaining("1 ≤ k ≤ 2");
    assertThatThrownBy(() -> KMeansBaseline.cluster(x, 1, 0, 0L)).hasMessageContaining("trials");
  }
}
