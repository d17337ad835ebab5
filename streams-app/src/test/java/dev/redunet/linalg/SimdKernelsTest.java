package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels ({@code dev.redunet.simd}) against the scalar kernels of this package: the
 * same bits on every shape, including widths that are not a multiple of the vector length and
 * factors whose order is not a multiple of the block. The test JVMs run with {@code --add-modules
 * jdk.incubator.vector} (the parent POM's {@code test.jvm.args}), so the suite runs the kernels the
 * launchers run.
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
}
