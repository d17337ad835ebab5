package dev.redunet.redunet.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.Matrix;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ClassifiersTest {

  /** Samples on two planes of R⁴: class 5 spans e1, e2; class 2 spans e3, e4. */
  private static Matrix planes(int m, int[] y, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] z = new double[4 * m];
    for (int i = 0; i < m; i++) {
      y[i] = i % 2 == 0 ? 5 : 2;
      int base = y[i] == 5 ? 0 : 2;
      z[i * 4 + base] = rnd.nextGaussian();
      z[i * 4 + base + 1] = rnd.nextGaussian();
      for (int a = 0; a < 4; a++) {
        z[i * 4 + a] += 0.01 * rnd.nextGaussian();
      }
    }
    return Matrix.ofColumnMajor(4, m, z);
  }

  @Test
  void nearestSubspaceRecoversTheClassPlanes() {
    int[] y = new int[200];
    Matrix z = planes(200, y, 1);
    NearestSubspace ns = NearestSubspace.fit(z, y, 2);
    assertThat(ns.classLabels()).containsExactly(2, 5);
    int[] yTest = new int[100];
    Matrix test = planes(100, yTest, 2);
    assertThat(ns.accuracy(test, yTest)).isEqualTo(1.0);
    // A unit vector in the plane of class 5 has residual 0 for it and 1 for class 2.
    Matrix e1 = Matrix.fromColumns(new double[][] {{3, 0, 0, 0}});
    Matrix res = ns.residuals(e1);
    assertThat(res.get(1, 0)).isCloseTo(0, within(0.05));
    assertThat(res.get(0, 0)).isCloseTo(1, within(0.01));
  }

  @Test
  void nearestSubspaceUsesAtMostDMinusOneComponentsAndBreaksTiesToTheSmallestLabel() {
    int[] y = new int[20];
    Matrix z = planes(20, y, 3);
    assertThat(NearestSubspace.fit(z, y, 10).components()).isEqualTo(3);
    // A sample at equal distance from both planes.
    Matrix tie = Matrix.fromColumns(new double[][] {{1, 0, 1, 0}});
    NearestSubspace ns =
        NearestSubspace.fit(
            Matrix.fromColumns(new double[][] {{1, 0, 0, 0}, {0, 0, 1, 0}}), new int[] {9, 4}, 1);
    assertThat(ns.predict(tie)).containsExactly(4);
  }

  @Test
  void cosineKnnVotesAmongTheFiveMostSimilarSamples() {
    // Training samples at angles 0..9 degrees are class 1, 20..29 degrees class 0 (2D).
    double[][] cols = new double[20][];
    int[] y = new int[20];
    for (int i = 0; i < 10; i++) {
      cols[i] = new double[] {Math.cos(Math.toRadians(i)), Math.sin(Math.toRadians(i))};
      y[i] = 1;
      cols[10 + i] =
          new double[] {Math.cos(Math.toRadians(20 + i)), Math.sin(Math.toRadians(20 + i))};
      y[10 + i] = 0;
    }
    CosineKnn knn = CosineKnn.fit(Matrix.fromColumns(cols), y, CosineKnn.DEFAULT_K);
    Matrix test =
        Matrix.fromColumns(
            new double[][] {
              {7 * Math.cos(Math.toRadians(2)), 7 * Math.sin(Math.toRadians(2))},
              {Math.cos(Math.toRadians(28)), Math.sin(Math.toRadians(28))},
              {Math.cos(Math.toRadians(14.6)), Math.sin(Math.toRadians(14.6))}
            });
    // At 14.6°: neighbours 9, 8 (class 1) and 20, 21, 22 (class 0) → class 0 by 3 votes to 2.
    assertThat(knn.predict(test)).containsExactly(1, 0, 0);
    assertThat(knn.accuracy(Matrix.fromColumns(cols), y)).isEqualTo(1.0);
  }

  @Test
  void cosineKnnBreaksVoteTiesToTheSmallestLabel() {
    Matrix train = Matrix.fromColumns(new double[][] {{1, 0}, {1, 0.01}, {0, 1}, {0.01, 1}});
    CosineKnn knn = CosineKnn.fit(train, new int[] {7, 7, 3, 3}, 4);
    assertThat(knn.predict(Matrix.fromColumns(new double[][] {{1, 1}}))).containsExactly(3);
    assertThatThrownBy(() -> CosineKnn.fit(train, new int[] {1, 1, 1, 1}, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
