package dev.redunet.redunet.backprop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link LayerBatch} is {@link LayerMap} on every sample of a batch, bit for bit: the forward
 * outputs equal {@link LayerMap#forward} per sample, the input gradients {@link LayerMap#backward}
 * per sample, and the operators' gradient the sum of the per-sample gradients in batch order, on 1
 * and 3 threads. A 2D spectral layer on a 5 × 6 grid (bins of weight 1 and 2, 22 bins: more than
 * one task of bins) with 5, 11 and 16 channels (blocks of four and a remainder in the scalar
 * kernels; with the Vector API, whole vectors and a scalar remainder, or whole vectors only: the
 * suite runs this class with eight doubles per vector) and 3 classes, non-Hermitian operators, λ =
 * 5 (2 with 16 channels, whose larger norms make 5 nearly one-hot) so that the membership is
 * neither uniform nor one-hot.
 */
class LayerBatchTest {

  private static final int M = 9;

  private static double[] gaussian(int n, SplittableRandom r) {
    double[] x = new double[n];
    for (int q = 0; q < n; q++) {
      x[q] = r.nextGaussian();
    }
    return x;
  }

  @ParameterizedTest(name = "{0} channels, λ = {1}")
  @CsvSource({"5, 5.0", "11, 5.0", "16, 2.0"})
  void aBatchPassIsThePerSampleMapBitForBitOnAnyThreadCount(int channels, double lambda) {
    SignalShape shape = SignalShape.of2d(channels, 5, 6);
    SplittableRandom r = new SplittableRandom(21);
    int[] labels = new int[M];
    double[][] signals = new double[M][];
    for (int i = 0; i < M; i++) {
      labels[i] = i % 3;
      signals[i] = gaussian(shape.size(), r);
      signals[i][labels[i]] += 2;
    }
    SpectralBatch batch = SpectralBatch.fromSignals(shape, signals).normalized();
    SpectralLayer layer =
        SpectralLayer.build(
            SpectralStatistics.perClass(batch, labels, 3),
            new SpectralParameters(0.5, 0.5, lambda));
    LayerMap.Constants k = LayerMap.Constants.of(layer);
    assertThat(k.bins()).isGreaterThan(8);
    boolean[] selfConjugate = new boolean[k.bins()];
    for (int f = 0; f < k.bins(); f++) {
      selfConjugate[f] = layer.grid().weight(f) == 1.0;
    }
    Operators w = Operators.of(layer);
    w.add(Operators.random(w, selfConjugate, new SplittableRandom(5)));
    int n = k.size();
    double[][] vRe = new double[M][];
    double[][] vIm = new double[M][];
    double[][] gOutRe = new double[M][];
    double[][] gOutIm = new double[M][];
    for (int i = 0; i < M; i++) {
      double[][] v = batch.coefficients(i);
      vRe[i] = v[0];
      vIm[i] = v[1];
      gOutRe[i] = gaussian(n, r);
      gOutIm[i] = gaussian(n, r);
    }

    // The reference: the per-sample map, the operators' gradients summed in sample order.
    double[][] wantOutRe = new double[M][];
    double[][] wantOutIm = new double[M][];
    double[][] wantInRe = new double[M][n];
    double[][] wantInIm = new double[M][n];
    Operators wantGrad = w.zerosLike();
    double[] membershipSpread = new double[2];
    membershipSpread[0] = 1;
    for (int i = 0; i < M; i++) {
      LayerMap.Trace t = LayerMap.forward(k, w, vRe[i], vIm[i]);
      wantOutRe[i] = t.outRe();
      wantOutIm[i] = t.outIm();
      for (double p : t.membership()) {
        membershipSpread[0] = Math.min(membershipSpread[0], p);
        membershipSpread[1] = Math.max(membershipSpread[1], p);
      }
      LayerMap.backward(k, w, t, gOutRe[i], gOutIm[i], wantInRe[i], wantInIm[i], wantGrad);
    }
    // λ makes the membership informative: neither uniform nor one-hot.
    assertThat(membershipSpread[0]).isGreaterThan(1e-6);
    assertThat(membershipSpread[1]).isLessThan(0.999);
    assertThat(membershipSpread[1] - membershipSpread[0]).isGreaterThan(0.05);

    for (int threads : new int[] {1, 3}) {
      try (MathExecutor math = MathExecutor.create(threads, "layer-batch-test")) {
        // A workspace larger than the batch, used twice: nothing left over from the first pass.
        LayerBatch.Workspace ws = new LayerBatch.Workspace(M + 2, n, 3);
        double[][] outRe = new double[M][n];
        double[][] outIm = new double[M][n];
        double[][] inRe = new double[M][n];
        double[][] inIm = new double[M][n];
        Operators grad = w.zerosLike();
        for (int pass = 0; pass < 2; pass++) {
          LayerBatch.forward(k, w, vRe, vIm, M, ws, outRe, outIm, math);
          for (int i = 0; i < M; i++) {
            assertThat(outRe[i])
                .as("threads %d, sample %d", threads, i)
                .containsExactly(wantOutRe[i]);
            assertThat(outIm[i])
                .as("threads %d, sample %d", threads, i)
                .containsExactly(wantOutIm[i]);
          }
          grad = w.zerosLike();
          LayerBatch.backward(k, w, vRe, vIm, M, ws, gOutRe, gOutIm, inRe, inIm, grad, math);
        }
        for (int i = 0; i < M; i++) {
          assertThat(inRe[i]).as("threads %d, sample %d", threads, i).containsExactly(wantInRe[i]);
          assertThat(inIm[i]).as("threads %d, sample %d", threads, i).containsExactly(wantInIm[i]);
        }
        for (int o = 0; o < w.count(); o++) {
          assertThat(grad.re[o])
              .as("threads %d, operator %d", threads, o)
              .containsExactly(wantGrad.re[o]);
          assertThat(grad.im[o])
              .as("threads %d, operator %d", threads, o)
              .containsExactly(wantGrad.im[o]);
        }
      }
    }
  }

  @Test
  void aBatchLargerThanTheWorkspaceOrOfAnotherShapeIsRefused() {
    LayerMap.Constants k =
        new LayerMap.Constants(new double[] {1, 2}, 2, new double[] {0.5, 0.5}, 0.5, 1.0);
    Operators w = new Operators(3, 2, 2);
    double[][] v = new double[3][4];
    LayerBatch.Workspace small = new LayerBatch.Workspace(2, 4, 2);
    assertThatThrownBy(
            () -> LayerBatch.forward(k, w, v, v, 3, small, v, v, MathExecutor.sequential()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot hold 3 samples");
    LayerBatch.Workspace otherShape = new LayerBatch.Workspace(3, 6, 2);
    assertThatThrownBy(
            () -> LayerBatch.forward(k, w, v, v, 3, otherShape, v, v, MathExecutor.sequential()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("of 4 coefficients");
  }
}
