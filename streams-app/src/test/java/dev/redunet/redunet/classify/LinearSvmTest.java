package dev.redunet.redunet.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LinearSvmTest {

  @Test
  void separatesTwoSeparableClassesWithTheMaximumMarginOnASymmetricProblem() {
    // ±(1, 0) plus a tiny symmetric jitter in the second coordinate: w ∝ (1, 0), b ≈ 0
    double[][] x = {{1, 0.1}, {1, -0.1}, {2, 0}, {-1, 0.1}, {-1, -0.1}, {-2, 0}};
    int[] y = {1, 1, 1, 0, 0, 0};
    LinearSvm svm = LinearSvm.fit(x, y, LinearSvm.DEFAULT_C, 10);
    assertThat(svm.converged()).isTrue();
    assertThat(svm.predict(x)).containsExactly(y);
    assertThat(svm.weights(0)).containsOnly(0.0);
    assertThat(svm.weights(1)[1]).isCloseTo(0, within(1e-3));
    assertThat(svm.weights(1)[0]).isGreaterThan(0.5);
    assertThat(svm.predict(new double[] {0.3, 5})).isEqualTo(1);
  }

  @Test
  void theDualSolutionSatisfiesTheOptimalityConditionsOfTheSquaredHingeProblem() {
    SplittableRandom r = new SplittableRandom(3);
    int m = 60;
    double[][] x = new double[m][3];
    int[] y = new int[m];
    for (int i = 0; i < m; i++) {
      y[i] = i % 2;
      for (int q = 0; q < 3; q++) {
        x[i][q] = r.nextGaussian() + (y[i] == 1 ? 0.7 : -0.7);
      }
    }
    LinearSvm svm = LinearSvm.fit(x, y, 1.0, 1);
    double[] w = svm.weights(1);
    double b = svm.bias(1);
    // gradient of ½(‖w‖² + b²) + C Σ max(0, 1 − y(wᵀx + b))² vanishes (to the dual tolerance)
    double[] grad = {w[0], w[1], w[2], b};
    for (int i = 0; i < m; i++) {
      double s = y[i] == 1 ? 1 : -1;
      double slack = 1 - s * (w[0] * x[i][0] + w[1] * x[i][1] + w[2] * x[i][2] + b);
      if (slack > 0) {
        for (int q = 0; q < 3; q++) {
          grad[q] -= 2 * slack * s * x[i][q];
        }
        grad[3] -= 2 * slack * s;
      }
    }
    for (double g : grad) {
      assertThat(g).isCloseTo(0, within(2e-3));
    }
  }

  @Test
  void usesOneVersusRestForSeveralClasses() {
    double[][] x = {{3, 0}, {3.2, 0.1}, {0, 3}, {0.1, 3.1}, {-3, -3}, {-3.1, -2.9}};
    int[] y = {4, 4, 7, 7, 9, 9};
    LinearSvm svm = LinearSvm.fit(x, y, 1.0, 2);
    assertThat(svm.classLabels()).containsExactly(4, 7, 9);
    assertThat(svm.predict(x)).containsExactly(y);
    assertThatThrownBy(() -> LinearSvm.fit(x, new int[] {1, 1, 1, 1, 1, 1}, 1.0, 0))
        .hasMessageContaining("two classes");
  }
}
