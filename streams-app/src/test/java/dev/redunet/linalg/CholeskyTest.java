package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CholeskyTest {

  /** I + G Gᵀ for a random n × 2n G: well-conditioned and SPD. */
  private static double[] spd(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] g = new double[n * 2 * n];
    for (int i = 0; i < g.length; i++) {
      g[i] = rnd.nextGaussian() / Math.sqrt(n);
    }
    double[] a = new double[n * n];
    Gemm.gemm(false, true, n, n, 2 * n, g, 0, 2 * n, g, 0, 2 * n, a, 0, n, false);
    for (int i = 0; i < n; i++) {
      a[i * n + i] += 1;
    }
    return a;
  }

  @ParameterizedTest(name = "n={0}")
  @ValueSource(ints = {1, 2, 5, 37, 128})
  void inverseAndLogDetAgreeWithEjml(int n) {
    double[] a = spd(n, n);
    Cholesky ch = Cholesky.factor(a, n).orElseThrow();
    DMatrixRMaj ref = DMatrixRMaj.wrap(n, n, a.clone());
    assertThat(ch.logDet()).isCloseTo(Math.log(CommonOps_DDRM.det(ref)), within(1e-10));
    double[] inv = ch.inverse(2.5);
    DMatrixRMaj refInv = new DMatrixRMaj(n, n);
    assertThat(CommonOps_DDRM.invert(ref, refInv)).isTrue();
    for (int i = 0; i < n * n; i++) {
      assertThat(inv[i]).isCloseTo(2.5 * refInv.data[i], within(1e-11));
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        assertThat(inv[i * n + j]).isEqualTo(inv[j * n + i]);
      }
    }
  }

  @Test
  void solveInvertsTheMatrix() {
    int n = 20;
    int r = 3;
    double[] a = spd(n, 99);
    double[] x = new SplittableRandom(5).doubles((long) n * r).toArray();
    double[] b = new double[n * r];
    Gemm.gemm(false, false, n, r, n, a, 0, n, x, 0, r, b, 0, r, false);
    Cholesky.factor(a, n).orElseThrow().solveInPlace(b, r);
    for (int i = 0; i < n * r; i++) {
      assertThat(b[i]).isCloseTo(x[i], within(1e-12));
    }
  }

  @Test
  void onlyTheUpperTriangleIsRead() {
    int n = 45; // more than one panel of the blocked factorization
    double[] a = spd(n, 7);
    double[] upper = a.clone();
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < i; j++) {
        upper[i * n + j] = Double.NaN;
      }
    }
    Cholesky full = Cholesky.factor(a, n).orElseThrow();
    Cholesky half = Cholesky.factor(upper, n).orElseThrow();
    assertThat(half.logDet()).isEqualTo(full.logDet());
    assertThat(half.inverse(1.0)).containsExactly(full.inverse(1.0));
  }

  @Test
  void aMatrixThatIsNotPositiveDefiniteHasNoFactor() {
    assertThat(Cholesky.factor(new double[] {1, 2, 2, 1}, 2)).isEmpty();
    assertThat(Cholesky.factor(new double[] {0}, 1)).isEmpty();
    assertThat(Cholesky.factor(new double[] {Double.NaN}, 1)).isEmpty();
  }
}
