package dev.redunet.rate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.Matrix;
import dev.redunet.rate.CodingRates.Form;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CodingRatesTest {

  private static Matrix randomBatch(int d, int m, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] z = new double[d * m];
    for (int i = 0; i < z.length; i++) {
      z[i] = rnd.nextGaussian();
    }
    return Matrix.ofColumnMajor(d, m, z).normalizeColumns();
  }

  private static int[] randomLabels(int m, int k, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] y = new int[m];
    for (int i = 0; i < m; i++) {
      y[i] = i < k ? i : rnd.nextInt(k);
    }
    return y;
  }

  /** A soft membership: columns of random positive weights summing to 1. */
  private static Matrix softMembership(int k, int m, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] p = new double[k * m];
    for (int i = 0; i < m; i++) {
      double s = 0;
      for (int j = 0; j < k; j++) {
        p[i * k + j] = rnd.nextDouble(0.05, 1);
        s += p[i * k + j];
      }
      for (int j = 0; j < k; j++) {
        p[i * k + j] /= s;
      }
    }
    return Matrix.ofColumnMajor(k, m, p);
  }

  private static double deltaR(Matrix z, Matrix pi, double epsSq) {
    return CodingRates.rate(z, epsSq) - CodingRates.compressedRate(z, pi, epsSq);
  }

  @ParameterizedTest(name = "d={0} m={1} k={2}")
  @CsvSource({"4,12,3", "6,4,2", "3,30,3"})
  void gradientMatchesACentralFiniteDifference(int d, int m, int k) {
    Matrix z = randomBatch(d, m, 11 * d + m);
    Matrix pi = softMembership(k, m, 3L * k);
    double epsSq = 0.5;
    for (Form form : Form.values()) {
      Matrix g = CodingRates.gradient(z, pi, epsSq, form);
      double h = 1e-5;
      double[] base = z.toColumnMajor();
      double err = 0;
      for (int e = 0; e < base.length; e++) {
        double[] plus = base.clone();
        double[] minus = base.clone();
        plus[e] += h;
        minus[e] -= h;
        double fd =
            (deltaR(Matrix.ofColumnMajor(d, m, plus), pi, epsSq)
                    - deltaR(Matrix.ofColumnMajor(d, m, minus), pi, epsSq))
                / (2 * h);
        err = Math.max(err, Math.abs(fd - g.get(e % d, e / d)));
      }
      assertThat(err).as("%s form", form).isLessThan(1e-8);
    }
  }

  @Test
  void hardLabelGradientEqualsTheOneHotSoftGradient() {
    Matrix z = randomBatch(5, 20, 1);
    int[] y = randomLabels(20, 3, 2);
    double[] p = new double[3 * 20];
    for (int i = 0; i < 20; i++) {
      p[i * 3 + y[i]] = 1;
    }
    Matrix pi = Matrix.ofColumnMajor(3, 20, p);
    assertThat(
            CodingRates.gradient(z, y, 0.3)
                .maxAbsDifference(CodingRates.gradient(z, pi, 0.3, Form.PRIMAL)))
        .isLessThan(1e-12);
    assertThat(CodingRates.compressedRate(z, y, 0.3))
        .isCloseTo(CodingRates.compressedRate(z, pi, 0.3), within(1e-12));
  }

  @ParameterizedTest(name = "d={0} m={1}")
  @CsvSource({"3,50", "50,3", "20,20"})
  void primalAndDualFormsAgree(int d, int m) {
    Matrix z = randomBatch(d, m, d + 100L * m);
    Matrix pi = softMembership(2, m, 5);
    assertThat(CodingRates.rate(z, 0.1, Form.PRIMAL))
        .isCloseTo(CodingRates.rate(z, 0.1, Form.DUAL), within(1e-10));
    assertThat(CodingRates.classTerms(z, pi, 0.1, Form.PRIMAL).get(1).halfLogDet())
        .isCloseTo(
            CodingRates.classTerms(z, pi, 0.1, Form.DUAL).get(1).halfLogDet(), within(1e-10));
  }

  @Test
  void rateReductionIsNonNegativeForHardLabels() {
    for (long seed = 0; seed < 20; seed++) {
      Matrix z = randomBatch(8, 40, seed);
      assertThat(CodingRates.rates(z, randomLabels(40, 4, seed), 0.2).deltaR())
          .isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void ratesAreInvariantUnderAnOrthogonalChangeOfBasis() {
    Matrix z = randomBatch(2, 30, 4);
    int[] y = randomLabels(30, 2, 4);
    double c = Math.cos(0.7);
    double s = Math.sin(0.7);
    double[] zr = z.toColumnMajor();
    for (int i = 0; i < 30; i++) {
      double a = zr[2 * i];
      double b = zr[2 * i + 1];
      zr[2 * i] = c * a - s * b;
      zr[2 * i + 1] = s * a + c * b;
    }
    Rates before = CodingRates.rates(z, y, 0.1);
    Rates after = CodingRates.rates(Matrix.ofColumnMajor(2, 30, zr), y, 0.1);
    assertThat(after.r()).isCloseTo(before.r(), within(1e-12));
    assertThat(after.rc()).isCloseTo(before.rc(), within(1e-12));
  }

  @Test
  void collapsedOrthogonalClassesReachTheClosedForm() {
    // k = d orthogonal classes, each collapsed onto one axis: R = d/2 ln(1 + d m_j/(m ε²)),
    // R^c = ½ ln(1 + d/ε²) (REDUNET_SPEC §7).
    int d = 3;
    int perClass = 10;
    double[] z = new double[d * d * perClass];
    int[] y = new int[d * perClass];
    for (int i = 0; i < d * perClass; i++) {
      y[i] = i % d;
      z[i * d + y[i]] = 1;
    }
    Rates r = CodingRates.rates(Matrix.ofColumnMajor(d, d * perClass, z), y, 0.1);
    assertThat(r.r()).isCloseTo(1.5 * Math.log(11), within(1e-12));
    assertThat(r.rc()).isCloseTo(0.5 * Math.log(31), within(1e-12));
  }

  @Test
  void badArgumentsAreRejectedWithTheShapes() {
    Matrix z = randomBatch(3, 5, 1);
    assertThatThrownBy(() -> CodingRates.rates(z, new int[4], 0.1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3×5");
    assertThatThrownBy(() -> CodingRates.rate(z, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ε²");
  }
}
