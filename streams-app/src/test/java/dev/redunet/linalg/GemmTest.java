package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GemmTest {

  private static double[] random(SplittableRandom rnd, int n) {
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = rnd.nextDouble(-1, 1);
    }
    return a;
  }

  /** op(X)(i, p) of a row-major array with leading dimension ld. */
  private static double op(double[] x, int ld, boolean trans, int i, int p) {
    return trans ? x[p * ld + i] : x[i * ld + p];
  }

  @ParameterizedTest(name = "m={0} n={1} k={2} transA={3} transB={4}")
  @CsvSource({
    "1,1,1,false,false",
    "4,8,3,false,false",
    "5,9,7,false,true",
    "13,17,300,true,false",
    "64,72,256,true,true",
    "67,33,513,false,false",
    "3,250,2,true,true"
  })
  void gemmMatchesTheDefinitionForEveryShapeAndTransposition(
      int m, int n, int k, boolean transA, boolean transB) {
    SplittableRandom rnd = new SplittableRandom(m * 1000L + n * 10L + k);
    int lda = (transA ? m : k) + 3;
    int ldb = (transB ? k : n) + 1;
    int ldc = n + 2;
    double[] a = random(rnd, (transA ? k : m) * lda);
    double[] b = random(rnd, (transB ? n : k) * ldb);
    double[] c0 = random(rnd, m * ldc);
    double[] c = c0.clone();
    Gemm.gemm(transA, transB, m, n, k, a, 0, lda, b, 0, ldb, c, 0, ldc, true);
    double err = 0;
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < n; j++) {
        double s = c0[i * ldc + j];
        for (int p = 0; p < k; p++) {
          s += op(a, lda, transA, i, p) * op(b, ldb, transB, p, j);
        }
        err = Math.max(err, Math.abs(s - c[i * ldc + j]));
      }
      for (int j = n; j < ldc; j++) {
        assertThat(c[i * ldc + j]).as("padding untouched").isEqualTo(c0[i * ldc + j]);
      }
    }
    assertThat(err).isLessThan(1e-12 * Math.max(1, k));
  }

  @ParameterizedTest(name = "m={0} n={1} k={2}")
  @CsvSource({"1,1,1", "7,9,5", "33,20,64", "100,2816,256"})
  void packedMultiplyOverwritesWithTheProduct(int m, int n, int k) {
    SplittableRandom rnd = new SplittableRandom(42 + m + n + k);
    double[] a = random(rnd, m * k);
    double[] b = random(rnd, k * n);
    double[] c = random(rnd, m * n);
    Gemm.multiply(a, 0, k, m, Gemm.packRight(b, 0, n, false, k, n), c, 0, n, false, null);
    double[] expected = new double[m * n];
    Gemm.gemm(false, false, m, n, k, a, 0, k, b, 0, n, expected, 0, n, false);
    for (int i = 0; i < m * n; i++) {
      assertThat(c[i]).isEqualTo(expected[i]);
    }
  }

  @ParameterizedTest(name = "samples={0} d={1}")
  @CsvSource({"1,1", "5,3", "300,17", "1000,64"})
  void syrkUpperGivesTheUpperTriangleOfTheScatter(int k, int n) {
    SplittableRandom rnd = new SplittableRandom(7 * k + n);
    double[] a = random(rnd, k * n);
    double[] c = new double[n * n];
    Gemm.syrkUpper(a, 0, n, k, n, c, 0, n, false);
    double err = 0;
    for (int i = 0; i < n; i++) {
      for (int j = i; j < n; j++) {
        double s = 0;
        for (int p = 0; p < k; p++) {
          s += a[p * n + i] * a[p * n + j];
        }
        err = Math.max(err, Math.abs(s - c[i * n + j]));
      }
    }
    assertThat(err).isLessThan(1e-12 * k);
  }

  @org.junit.jupiter.api.Test
  void packingBlocksEqualsPackingTheirConcatenation() {
    SplittableRandom rnd = new SplittableRandom(3);
    int k = 5;
    int w = 3;
    double[][] blocks = {random(rnd, k * w), random(rnd, k * w), random(rnd, k * w)};
    double[] concat = new double[k * 3 * w];
    for (int t = 0; t < 3; t++) {
      for (int p = 0; p < k; p++) {
        System.arraycopy(blocks[t], p * w, concat, p * 3 * w + t * w, w);
      }
    }
    double[] a = random(rnd, 6 * k);
    double[] c1 = new double[6 * 9];
    double[] c2 = new double[6 * 9];
    Gemm.multiply(a, 0, k, 6, Gemm.packRightBlocks(blocks, k, w), c1, 0, 9, false, null);
    Gemm.multiply(a, 0, k, 6, Gemm.packRight(concat, 0, 9, false, k, 9), c2, 0, 9, false, null);
    assertThat(c1).isEqualTo(c2);
  }
}
