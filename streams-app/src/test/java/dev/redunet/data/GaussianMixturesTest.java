package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.Matrix;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class GaussianMixturesTest {

  @Test
  void theMixtureHasUnitNormSamplesAroundTheAxesAndTheRequestedSizes() {
    GaussianMixtures.Split s = GaussianMixtures.trainTest(3, 500, 42);
    Matrix z = s.train().features();
    int[] y = s.train().labels();
    assertThat(z.rows()).isEqualTo(3);
    assertThat(z.cols()).isEqualTo(1500);
    for (int c = 0; c < 3; c++) {
      int label = c;
      assertThat(Arrays.stream(y).filter(v -> v == label).count()).isEqualTo(500);
    }
    double[] mean = new double[9];
    for (int i = 0; i < 1500; i++) {
      double n = 0;
      for (int a = 0; a < 3; a++) {
        n += z.get(a, i) * z.get(a, i);
        mean[y[i] * 3 + a] += z.get(a, i) / 500;
      }
      assertThat(n).isCloseTo(1, within(1e-12));
    }
    for (int c = 0; c < 3; c++) {
      for (int a = 0; a < 3; a++) {
        assertThat(mean[c * 3 + a]).isCloseTo(a == c ? 0.99 : 0, within(0.02));
      }
    }
    // The training set is shuffled, the test set is drawn class by class.
    assertThat(Arrays.stream(y).sorted().toArray()).isNotEqualTo(y);
    assertThat(s.test().labels()).isSorted();
  }

  @Test
  void theSameSeedGivesTheSameDrawAndAnotherSeedAnotherDraw() {
    GaussianMixtures.Split a = GaussianMixtures.trainTest(2, 50, 7);
    GaussianMixtures.Split b = GaussianMixtures.trainTest(2, 50, 7);
    GaussianMixtures.Split c = GaussianMixtures.trainTest(2, 50, 8);
    assertThat(a.train().features()).isEqualTo(b.train().features());
    assertThat(a.test().features()).isEqualTo(b.test().features());
    assertThat(a.train().features()).isNotEqualTo(c.train().features());
    assertThat(a.train().features()).isNotEqualTo(a.test().features());
  }

  @Test
  void onlyTwoAndThreeDimensionsExist() {
    assertThatThrownBy(() -> GaussianMixtures.trainTest(4, 10, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("2- or 3");
  }
}
