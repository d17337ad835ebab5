package dev.redunet.redunet.backprop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.LayerStatistics;
import dev.redunet.redunet.VectorLayer;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The hand-derived gradients of {@link LayerMap} against central finite differences, in a
 * well-conditioned setting (λ = 1, so the membership varies smoothly), for a 2D spectral layer (3 ×
 * 4 grid: bins of weight 1 and 2) and a vector layer. The operators are the constructed ones plus a
 * non-Hermitian random perturbation, so a transposed or conjugated product cannot pass.
 */
class LayerMapTest {

  private static final double STEP = 1e-6;
  private static final double RELATIVE = 1e-5;

  /** L = Σ_q a_q Re out_q + b_q Im out_q, a fixed random linear functional of the output. */
  @SuppressWarnings("ArrayRecordComponent") // fixed test data
  private record Loss(double[] a, double[] b) {
    double of(LayerMap.Trace t) {
      double s = 0;
      for (int q = 0; q < a.length; q++) {
        s += a[q] * t.outRe()[q] + b[q] * t.outIm()[q];
      }
      return s;
    }
  }

  private static double[] gaussian(int n, SplittableRandom r, double scale) {
    double[] x = new double[n];
    for (int q = 0; q < n; q++) {
      x[q] = scale * r.nextGaussian();
    }
    return x;
  }

  @Test
  void spectralLayerMatchesTheConstructedLayerAndItsGradientsMatchFiniteDifferences() {
    SignalShape shape = SignalShape.of2d(2, 3, 4);
    SplittableRandom r = new SplittableRandom(11);
    int m = 9;
    int[] labels = {0, 1, 2, 0, 1, 2, 0, 1, 2};
    double[][] signals = new double[m][];
    for (int i = 0; i < m; i++) {
      signals[i] = gaussian(shape.size(), r, 1.0);
      signals[i][labels[i]] += 3; // classes apart
    }
    SpectralBatch batch = SpectralBatch.fromSignals(shape, signals).normalized();
    SpectralLayer layer =
        SpectralLayer.build(
            SpectralStatistics.perClass(batch, labels, 3), new SpectralParameters(0.5, 0.5, 1.0));
    LayerMap.Constants k = LayerMap.Constants.of(layer);
    Operators w = Operators.of(layer);

    // The map with the constructed operators is the layer's forward pass.
    SpectralBatch expected = layer.forward(batch).features();
    for (int i = 0; i < m; i++) {
      double[][] v = batch.coefficients(i);
      LayerMap.Trace t = LayerMap.forward(k, w, v[0], v[1]);
      double[][] want = expected.coefficients(i);
      for (int q = 0; q < k.size(); q++) {
        assertThat(t.outRe()[q]).isCloseTo(want[0][q], within(1e-12));
        assertThat(t.outIm()[q]).isCloseTo(want[1][q], within(1e-12));
      }
    }

    // Non-Hermitian operators (real on the self-conjugate bins, as for a real network).
    boolean[] selfConjugate = new boolean[k.bins()];
    for (int f = 0; f < k.bins(); f++) {
      selfConjugate[f] = layer.grid().weight(f) == 1.0;
    }
    assertThat(selfConjugate).contains(true, false);
    w.add(Operators.random(w, selfConjugate, new SplittableRandom(5)));
    double[][] v = batch.coefficients(4);
    checkGradients(k, w, v[0], v[1], r);
  }

  @Test
  void vectorLayerMatchesVectorLayerForwardAndItsGradientsMatchFiniteDifferences() {
    int d = 5;
    int m = 12;
    SplittableRandom r = new SplittableRandom(3);
    double[][] z = new double[m][];
    int[] labels = new int[m];
    for (int i = 0; i < m; i++) {
      labels[i] = i % 3;
      z[i] = gaussian(d, r, 1.0);
      z[i][labels[i]] += 2;
    }
    Matrix zm = Matrix.fromColumns(z).normalizeColumns();
    VectorLayer layer = VectorLayer.fromStatistics(LayerStatistics.of(zm, labels), 0.5, 0.5, 1.0);
    LayerMap.Constants k = LayerMap.Constants.of(layer);
    Operators w = Operators.of(layer);
    Matrix expected = layer.forward(zm).features();
    for (int i = 0; i < m; i++) {
      LayerMap.Trace t = LayerMap.forward(k, w, zm.column(i), new double[d]);
      for (int a = 0; a < d; a++) {
        assertThat(t.outRe()[a]).isCloseTo(expected.get(a, i), within(1e-12));
        assertThat(t.outIm()[a]).isZero();
      }
    }
    // A non-symmetric real perturbation: vector layers stay real.
    boolean[] real = {true};
    w.add(Operators.random(w, real, new SplittableRandom(8)));
    checkGradients(k, w, zm.column(7), new double[d], r);
  }

  /** Every operator entry (real and imaginary part) and every input coefficient. */
  private static void checkGradients(
      LayerMap.Constants k, Operators w, double[] vRe, double[] vIm, SplittableRandom r) {
    int n = k.size();
    boolean real = k.bins() == 1 && java.util.Arrays.stream(vIm).allMatch(x -> x == 0);
    Loss loss = new Loss(gaussian(n, r, 1.0), real ? new double[n] : gaussian(n, r, 1.0));
    LayerMap.Trace t = LayerMap.forward(k, w, vRe, vIm);
    double[] gInRe = new double[n];
    double[] gInIm = new double[n];
    Operators grad = w.zerosLike();
    LayerMap.backward(k, w, t, loss.a(), loss.b(), gInRe, gInIm, grad);

    double worst = 0;
    double largest = 0;
    int checked = 0;
    for (int o = 0; o < w.count(); o++) {
      for (int q = 0; q < w.re[o].length; q++) {
        for (int part = 0; part < (real ? 1 : 2); part++) {
          double[] x = part == 0 ? w.re[o] : w.im[o];
          double analytic = part == 0 ? grad.re[o][q] : grad.im[o][q];
          double keep = x[q];
          x[q] = keep + STEP;
          double up = loss.of(LayerMap.forward(k, w, vRe, vIm));
          x[q] = keep - STEP;
          double down = loss.of(LayerMap.forward(k, w, vRe, vIm));
          x[q] = keep;
          double numeric = (up - down) / (2 * STEP);
          worst = Math.max(worst, Math.abs(numeric - analytic));
          largest = Math.max(largest, Math.abs(analytic));
          checked++;
        }
      }
    }
    assertThat(largest).isGreaterThan(1e-3); // the gradient is not trivially zero
    assertThat(worst / largest).as("operators, %d entries", checked).isLessThan(RELATIVE);

    double worstIn = 0;
    double largestIn = 0;
    for (int q = 0; q < n; q++) {
      for (int part = 0; part < (real ? 1 : 2); part++) {
        double[] x = (part == 0 ? vRe : vIm).clone();
        double[] other = part == 0 ? vIm : vRe;
        double keep = x[q];
        x[q] = keep + STEP;
        double up =
            loss.of(
                part == 0 ? LayerMap.forward(k, w, x, other) : LayerMap.forward(k, w, other, x));
        x[q] = keep - STEP;
        double down =
            loss.of(
                part == 0 ? LayerMap.forward(k, w, x, other) : LayerMap.forward(k, w, other, x));
        double numeric = (up - down) / (2 * STEP);
        double analytic = part == 0 ? gInRe[q] : gInIm[q];
        worstIn = Math.max(worstIn, Math.abs(numeric - analytic));
        largestIn = Math.max(largestIn, Math.abs(analytic));
      }
    }
    assertThat(largestIn).isGreaterThan(1e-3);
    assertThat(worstIn / largestIn).as("input").isLessThan(RELATIVE);
  }
}
