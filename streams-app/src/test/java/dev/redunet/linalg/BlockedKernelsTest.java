package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class BlockedKernelsTest {

  @Test
  void choleskyReproducesTheMatrixAndItsLogDeterminantForManyOrders() {
    Random rnd = new Random(51);
    for (int n : new int[] {1, 2, 7, 8, 9, 31, 32, 33, 70}) {
      double[][] a = spd(rnd, n);
      double[][] work = new double[n][];
      for (int i = 0; i < n; i++) {
        work[i] = a[i].clone();
      }
      double halfLn = BlockedCholesky.factorUpper(work, n);
      // UᵀU = A
      for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
          double s = 0.0;
          for (int p = 0; p <= i; p++) {
            s += work[p][i] * work[p][j];
          }
          assertThat(s).as("n=%d (%d,%d)", n, i, j).isCloseTo(a[i][j], within(1e-12 * n));
        }
      }
      double ln = 0.0;
      for (int i = 0; i < n; i++) {
        ln += Math.log(work[i][i]);
      }
      assertThat(halfLn).isCloseTo(ln, within(1e-12));
    }
  }

  @Test
  void choleskyRejectsAMatrixThatIsNotPositiveDefinite() {
    double[][] a = {{1, 2}, {2, 1}};
    assertThatThrownBy(() -> BlockedCholesky.factorUpper(a, 2))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("row 1 of 2");
  }

  @Test
  void blockedForwardSubstitutionSolvesForOneAndManyRightHandSides() {
    Random rnd = new Random(52);
    for (int n : new int[] {0, 1, 5, 8, 9, 16, 23, 41}) {
      double[][] a = spd(rnd, n);
      BlockedCholesky.factorUpper(a, n);
      double[] packed = new double[PackedSymmetric.packedLength(n)];
      PackedSymmetric.packUpper(a, n, packed);
      BlockedTriangle t = new BlockedTriangle(packed, n);
      int width = 11;
      double[][] rhs = new double[n][width];
      for (double[] r : rhs) {
        for (int b = 0; b < width; b++) {
          r[b] = rnd.nextGaussian();
        }
      }
      double[][] panel = new double[n][];
      for (int i = 0; i < n; i++) {
        panel[i] = rhs[i].clone();
      }
      t.forwardSolvePanel(panel, width);
      for (int b = 0; b < width; b++) {
        double[] single = new double[n];
        for (int i = 0; i < n; i++) {
          single[i] = rhs[i][b];
        }
        t.forwardSolve(single);
        // Check Uᵀ y = rhs.
        for (int i = 0; i < n; i++) {
          double s = 0.0;
          for (int p = 0; p <= i; p++) {
            s += a[p][i] * single[p];
          }
          assertThat(s).isCloseTo(rhs[i][b], within(1e-12));
          assertThat(panel[i][b]).isCloseTo(single[i], within(1e-13));
        }
      }
    }
  }

  @Test
  void rankUpdateOfAPackedTriangleMatchesTheDefinition() {
    Random rnd = new Random(53);
    int n = 13;
    double[] c = new double[PackedSymmetric.packedLength(n)];
    double[] expected = new double[c.length];
    for (int t = 0; t < c.length; t++) {
      c[t] = rnd.nextGaussian();
      expected[t] = 0.5 * c[t];
    }
    double[][] v = new double[6][n];
    double[] w = new double[6];
    for (int p = 0; p < 6; p++) {
      w[p] = rnd.nextDouble();
      for (int i = 0; i < n; i++) {
        v[p][i] = rnd.nextGaussian();
      }
      for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
          expected[PackedSymmetric.index(i, j, n)] += w[p] * v[p][i] * v[p][j];
        }
      }
    }
    PackedSymmetric.rankUpdate(c, n, 0.5, v, w, 6, new double[n]);
    assertThat(c).containsExactly(expected, within(1e-13));
  }

  static double[][] spd(Random rnd, int n) {
    double[][] x = new double[n][n + 3];
    for (double[] r : x) {
      for (int j = 0; j < r.length; j++) {
        r[j] = rnd.nextGaussian();
      }
    }
    double[][] a = new double[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double s = i == j ? 1.0 : 0.0;
        for (int p = 0; p < n + 3; p++) {
          s += 0.3 * x[i][p] * x[j][p];
        }
        a[i][j] = s;
      }
    }
    return a;
  }
}
