package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels ({@code dev.redunet.simd}) against the scalar kernels of this package: the
 * same bits on every shape, including widths that are not a multiple of the vector length and
 * factors whose order is not a multiple of the block. The test JVMs run with {@code --add-modules
 * jdk.incubator.vector} (the parent POM's {@code test.jvm.args}), so the suite runs the kernels the
 * launchers run; a second run of this class with {@code -XX:MaxVectorSize=32} (streams-app's POM,
 * execution {@code simd-four-lanes}) covers the four-doubles-per-vector (AVX2) path.
 */
class SimdKernelsTest {

  @Test
  void theTestJvmRunsTheVectorApiKernels() {
    assertThat(ModuleLayer.boot().findModule("jdk.incubator.vector"))
        .as("the test JVM is started with --add-modules jdk.incubator.vector")
        .isPresent();
    assertThat(Simd.enabled())
        .as("Vector API kernels on (%s)", Simd.describe())
        .isEqualTo(dev.redunet.simd.PanelKernels.lanes() >= 4);
    assertThat(Simd.describe()).startsWith(Simd.enabled() ? "Vector API" : "scalar");
    String lanes = System.getProperty("redunet.test.lanes");
    if (lanes != null) {
      assertThat(dev.redunet.simd.PanelKernels.lanes())
          .as("doubles per vector in the run that asks for them")
          .isEqualTo(Integer.parseInt(lanes));
    }
  }

  @Test
  void thePanelSolveGivesTheScalarKernelsBitsOnEveryShape() {
    Random rnd = new Random(7);
    int compared = 0;
    for (int n : new int[] {0, 1, 3, 4, 5, 8, 9, 23, 41, 130}) {
      double[][] a = BlockedKernelsTest.spd(rnd, n);
      BlockedCholesky.factorUpper(a, n);
      double[] packed = new double[PackedSymmetric.packedLength(n)];
      PackedSymmetric.packUpper(a, n, packed);
      BlockedTriangle t = new BlockedTriangle(packed, n);
      for (int width : new int[] {1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 70}) {
        double[][] scalar = new double[n][width + 2];
        for (double[] row : scalar) {
          for (int b = 0; b < row.length; b++) {
            row[b] = rnd.nextGaussian();
          }
        }
        double[][] vector = new double[n][];
        for (int i = 0; i < n; i++) {
          vector[i] = scalar[i].clone();
        }
        t.forwardSolvePanel(scalar, width, false);
        t.forwardSolvePanel(vector, width, true);
        for (int i = 0; i < n; i++) {
          assertThat(vector[i]).as("order %d, width %d, row %d", n, width, i).isEqualTo(scalar[i]);
        }
        compared++;
      }
    }
    assertThat(compared).isEqualTo(120);
  }

  @Test
  void theGemmTilesGiveTheScalarKernelsBitsOnEveryShape() {
    Random rnd = new Random(11);
    int compared = 0;
    int[][] shapes = {{1, 1, 1}, {4, 8, 3}, {5, 17, 9}, {8, 16, 256}, {13, 40, 300}, {64, 72, 513}};
    for (int[] shape : shapes) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      for (boolean transA : new boolean[] {false, true}) {
        for (boolean transB : new boolean[] {false, true}) {
          for (boolean accumulate : new boolean[] {false, true}) {
            double[] a = gaussian(rnd, m * k + 3);
            double[] b = gaussian(rnd, k * n + 5);
            double[] scalar = gaussian(rnd, m * (n + 2) + 1);
            double[] vector = scalar.clone();
            int lda = transA ? m : k;
            int ldb = transB ? k : n;
            Gemm.blocked(
                transA,
                transB,
                m,
                n,
                k,
                a,
                3,
                lda,
                b,
                5,
                ldb,
                scalar,
                1,
                n + 2,
                accumulate,
                false,
                false);
            Gemm.blocked(
                transA,
                transB,
                m,
                n,
                k,
                a,
                3,
                lda,
                b,
                5,
                ldb,
                vector,
                1,
                n + 2,
                accumulate,
                false,
                true);
            assertThat(vector)
                .as(
                    "gemm %d×%d·%d, transA %s, transB %s, accumulate %s",
                    m, n, k, transA, transB, accumulate)
                .isEqualTo(scalar);
            compared++;
          }
        }
      }
    }
    assertThat(compared).isEqualTo(48);
  }

  @Test
  void theScatterProductGivesTheScalarKernelsBitsOnItsUpperTriangle() {
    Random rnd = new Random(12);
    for (int[] shape : new int[][] {{3, 5}, {20, 16}, {300, 41}, {517, 64}, {100, 130}}) {
      int k = shape[0];
      int n = shape[1];
      double[] a = gaussian(rnd, k * n);
      double[] scalar = new double[n * n];
      double[] vector = new double[n * n];
      Gemm.blocked(true, false, n, n, k, a, 0, n, a, 0, n, scalar, 0, n, false, true, false);
      Gemm.blocked(true, false, n, n, k, a, 0, n, a, 0, n, vector, 0, n, false, true, true);
      for (int i = 0; i < n; i++) {
        for (int j = i; j < n; j++) {
          assertThat(vector[i * n + j])
              .as("Aᵀ·A of %d samples in R^%d, entry (%d, %d)", k, n, i, j)
              .isEqualTo(scalar[i * n + j]);
        }
      }
    }
  }

  @Test
  void theProductWithAPackedRightOperandGivesTheScalarKernelsBits() {
    Random rnd = new Random(13);
    for (int[] shape :
        new int[][] {{1, 8, 5}, {3, 24, 7}, {4, 16, 64}, {37, 88, 65}, {128, 70, 64}}) {
      int m = shape[0];
      int n = shape[1];
      int k = shape[2];
      double[] a = gaussian(rnd, m * k);
      Gemm.PackedRight b = Gemm.packRight(gaussian(rnd, k * n), 0, n, false, k, n);
      for (boolean accumulate : new boolean[] {false, true}) {
        double[] scalar = gaussian(rnd, m * n);
        double[] vector = scalar.clone();
        Gemm.multiply(a, 0, k, m, b, scalar, 0, n, accumulate, null, false);
        Gemm.multiply(a, 0, k, m, b, vector, 0, n, accumulate, null, true);
        assertThat(vector)
            .as("%d×%d · packed %d×%d, accumulate %s", m, k, k, n, accumulate)
            .isEqualTo(scalar);
      }
    }
  }

  private static double[] gaussian(Random rnd, int length) {
    double[] x = new double[length];
    for (int i = 0; i < length; i++) {
      x[i] = rnd.nextGaussian();
    }
    return x;
  }
}
