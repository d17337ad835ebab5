package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.Matrix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProjectionTest {

  /**
   * n samples in R^D whose unit-normalized covariance has a well-separated spectrum: a common
   * direction (so normalization does not centre them away) plus independent scales 1, 0.8, 0.64, …
   * along the first 12 coordinates and small noise elsewhere.
   */
  private static double[][] samples(int n, int d, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[n][d];
    for (double[] row : x) {
      double scale = 1;
      for (int a = 0; a < d; a++) {
        row[a] = (a < 12 ? scale * r.nextGaussian() : 0.01 * r.nextGaussian()) + 3.0 / d;
        scale *= a < 12 ? 0.8 : 1;
      }
    }
    return x;
  }

  /** Σ = (1/n) Σ_i (x̃_i − μ)(x̃_i − μ)ᵀ of the unit-normalized samples, row-major D × D. */
  private static double[] covariance(double[][] x, double[] mean) {
    int d = mean.length;
    double[] cov = new double[d * d];
    for (double[] row : x) {
      double[] c = Projection.normalized(row);
      for (int a = 0; a < d; a++) {
        c[a] -= mean[a];
      }
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          cov[a * d + b] += c[a] * c[b] / x.length;
        }
      }
    }
    return cov;
  }

  /** Both ways of fitting: the D × D covariance (n ≥ D) and the n × n Gram matrix (n < D). */
  @ParameterizedTest
  @CsvSource({"300, 40, 6", "60, 200, 6", "60, 200, 20"})
  void theRowsAreTheLeadingOrthonormalEigenvectorsOfTheCovariance(int n, int d, int p) {
    double[][] x = samples(n, d, 7);
    Projection proj = Projection.fit(x, p);
    assertThat(proj.inputDimension()).isEqualTo(d);
    assertThat(proj.outputDimension()).isEqualTo(p);
    double[] mean = proj.mean();
    double[] expectedMean = new double[d];
    for (double[] row : x) {
      double[] u = Projection.normalized(row);
      for (int a = 0; a < d; a++) {
        expectedMean[a] += u[a] / n;
      }
    }
    for (int a = 0; a < d; a++) {
      assertThat(mean[a]).isCloseTo(expectedMean[a], within(1e-12));
    }
    double[] cov = covariance(x, mean);
    double previous = Double.POSITIVE_INFINITY;
    for (int r = 0; r < p; r++) {
      double[] v = proj.component(r);
      for (int s = 0; s <= r; s++) {
        double dot = 0;
        double[] w = proj.component(s);
        for (int a = 0; a < d; a++) {
          dot += v[a] * w[a];
        }
        assertThat(dot).as("<P_%d, P_%d>", r, s).isCloseTo(r == s ? 1 : 0, within(1e-9));
      }
      // Σ v = λ v, with λ = vᵀ Σ v, descending
      double[] sv = new double[d];
      double lambda = 0;
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          sv[a] += cov[a * d + b] * v[b];
        }
        lambda += v[a] * sv[a];
      }
      for (int a = 0; a < d; a++) {
        assertThat(sv[a]).as("(Σ P_%d)[%d]", r, a).isCloseTo(lambda * v[a], within(1e-9));
      }
      assertThat(lambda).isLessThanOrEqualTo(previous + 1e-12).isPositive();
      previous = lambda;
      // sign: the largest-magnitude entry is positive
      int argmax = 0;
      for (int a = 1; a < d; a++) {
        if (Math.abs(v[a]) > Math.abs(v[argmax])) {
          argmax = a;
        }
      }
      assertThat(v[argmax]).isPositive();
    }
  }

  @ParameterizedTest
  @CsvSource({"60, 200, 6"})
  void theGramFitEqualsTheCovarianceFit(int n, int d, int p) {
    double[][] x = samples(n, d, 8);
    Projection gram = Projection.fit(x, p);
    Projection covariance = Projection.fitByCovariance(x, p);
    for (int r = 0; r < p; r++) {
      double[] a = gram.component(r);
      double[] b = covariance.component(r);
      for (int i = 0; i < d; i++) {
        assertThat(a[i]).as("P[%d][%d]", r, i).isCloseTo(b[i], within(1e-9));
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"60, 200, 6"})
  void applyIsTheNormalizedProjectionOfTheCentredUnitSampleAndRoundTrips(int n, int d, int p)
      throws IOException {
    double[][] x = samples(n, d, 9);
    Projection proj = Projection.fit(x, p);
    Matrix z = proj.apply(Matrix.fromColumns(new double[][] {x[0], x[1]}));
    double[] mean = proj.mean();
    for (int i = 0; i < 2; i++) {
      double[] u = Projection.normalized(x[i]);
      double[] y = new double[p];
      double norm = 0;
      for (int r = 0; r < p; r++) {
        double[] v = proj.component(r);
        for (int a = 0; a < d; a++) {
          y[r] += v[a] * (u[a] - mean[a]);
        }
        norm += y[r] * y[r];
      }
      for (int r = 0; r < p; r++) {
        assertThat(z.get(r, i)).isCloseTo(y[r] / Math.sqrt(norm), within(1e-12));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      proj.write(out);
    }
    Projection back =
        Projection.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    assertThat(back.mean()).containsExactly(proj.mean());
    for (int r = 0; r < p; r++) {
      assertThat(back.component(r)).containsExactly(proj.component(r));
    }
  }

  @ParameterizedTest
  @CsvSource({"0, 1", "5, 0", "5, 6"})
  void badArgumentsAreRefused(int n, int p) {
    double[][] x = samples(Math.max(n, 1), 5, 1);
    double[][] given = n == 0 ? new double[0][] : x;
    assertThatThrownBy(() -> Projection.fit(given, p)).isInstanceOf(IllegalArgumentException.class);
  }
}
