package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.ejml.data.Complex_F64;
import org.ejml.data.ZMatrixRMaj;
import org.ejml.dense.row.CommonOps_ZDRM;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HermitianCholeskyTest {

  @ParameterizedTest(name = "n = {0}")
  @ValueSource(ints = {1, 2, 5, 12})
  void factorTimesItsAdjointIsTheMatrixAndSolvesInvertIt(int n) {
    ZMatrixRMaj a = randomHermitianPd(n, 7L * n);
    double[] re = new double[3 + HermitianCholesky.packedSize(n)];
    double[] im = new double[re.length];
    pack(a, re, im, 3);
    HermitianCholesky.decompose(n, re, im, 3);

    ZMatrixRMaj l = new ZMatrixRMaj(n, n);
    for (int r = 0; r < n; r++) {
      for (int c = 0; c <= r; c++) {
        int p = 3 + HermitianCholesky.index(r, c);
        l.set(r, c, re[p], im[p]);
      }
    }
    ZMatrixRMaj llh = new ZMatrixRMaj(n, n);
    CommonOps_ZDRM.multTransB(l, l, llh); // L·Lᴴ (EJML's TransB is the conjugate transpose)
    assertClose(llh, a, 1e-12);

    double[][] inv = HermitianCholesky.inverse(n, re, im, 3);
    ZMatrixRMaj expected = new ZMatrixRMaj(n, n);
    CommonOps_ZDRM.invert(a.copy(), expected);
    assertClose(unpack(inv, n), expected, 1e-11);

    Complex_F64 det = CommonOps_ZDRM.det(a);
    assertThat(HermitianCholesky.logDet(n, re, 3)).isCloseTo(Math.log(det.real), within(1e-10));
  }

  @Test
  void solvesManyRightHandSidesOnAColumnRange() {
    int n = 4;
    int m = 9;
    ZMatrixRMaj a = randomHermitianPd(n, 3);
    double[] re = new double[HermitianCholesky.packedSize(n)];
    double[] im = new double[re.length];
    pack(a, re, im, 0);
    HermitianCholesky.decompose(n, re, im, 0);
    SplittableRandom r = new SplittableRandom(9);
    double[][] xr = new double[n + 1][m];
    double[][] xi = new double[n + 1][m];
    for (int row = 0; row <= n; row++) {
      for (int i = 0; i < m; i++) {
        xr[row][i] = r.nextDouble();
        xi[row][i] = r.nextDouble();
      }
    }
    double[][] br = deepCopy(xr);
    double[][] bi = deepCopy(xi);
    HermitianCholesky.solve(n, re, im, 0, xr, xi, 1, 2, 7);
    for (int i = 0; i < m; i++) {
      for (int row = 0; row < n; row++) {
        if (i < 2 || i >= 7) {
          assertThat(xr[row + 1][i]).isEqualTo(br[row + 1][i]);
          continue;
        }
        double sr = 0;
        double si = 0;
        for (int c = 0; c < n; c++) {
          double ar = a.getReal(row, c);
          double ai = a.getImag(row, c);
          sr += ar * xr[c + 1][i] - ai * xi[c + 1][i];
          si += ar * xi[c + 1][i] + ai * xr[c + 1][i];
        }
        assertThat(sr).isCloseTo(br[row + 1][i], within(1e-12));
        assertThat(si).isCloseTo(bi[row + 1][i], within(1e-12));
      }
    }
    assertThat(xr[0]).containsExactly(br[0]);
  }

  @Test
  void aMatrixThatIsNotPositiveDefiniteIsAnError() {
    double[] re = {1, 2, 1};
    double[] im = {0, 0, 0};
    assertThatThrownBy(() -> HermitianCholesky.decompose(2, re, im, 0))
        .isInstanceOf(ArithmeticException.class)
        .hasMessageContaining("not positive definite");
    double[] nan = {Double.NaN};
    assertThatThrownBy(() -> HermitianCholesky.decompose(1, nan, new double[1], 0))
        .isInstanceOf(ArithmeticException.class);
  }

  static ZMatrixRMaj randomHermitianPd(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    ZMatrixRMaj b = new ZMatrixRMaj(n, n + 2);
    for (int i = 0; i < b.data.length; i++) {
      b.data[i] = r.nextDouble() * 2 - 1;
    }
    ZMatrixRMaj a = new ZMatrixRMaj(n, n);
    CommonOps_ZDRM.multTransB(b, b, a);
    for (int i = 0; i < n; i++) {
      a.set(i, i, a.getReal(i, i) + 0.5, 0);
    }
    return a;
  }

  private static void pack(ZMatrixRMaj a, double[] re, double[] im, int off) {
    for (int r = 0; r < a.numRows; r++) {
      for (int c = 0; c <= r; c++) {
        re[off + HermitianCholesky.index(r, c)] = a.getReal(r, c);
        im[off + HermitianCholesky.index(r, c)] = a.getImag(r, c);
      }
    }
  }

  private static ZMatrixRMaj unpack(double[][] full, int n) {
    ZMatrixRMaj out = new ZMatrixRMaj(n, n);
    for (int r = 0; r < n; r++) {
      for (int c = 0; c < n; c++) {
        out.set(r, c, full[0][r * n + c], full[1][r * n + c]);
      }
    }
    return out;
  }

  private static void assertClose(ZMatrixRMaj actual, ZMatrixRMaj expected, double tol) {
    for (int i = 0; i < expected.data.length; i++) {
      assertThat(actual.data[i]).as("entry " + i).isCloseTo(expected.data[i], within(tol));
    }
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
