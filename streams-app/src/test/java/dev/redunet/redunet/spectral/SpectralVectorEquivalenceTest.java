package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.data.Shifts;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction;
import dev.redunet.redunet.ForwardConstruction.Parameters;
import dev.redunet.redunet.ForwardConstruction.RateEvaluation;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.ReduNet;
import dev.redunet.signal.SignalShape;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * REDUNET_SPEC §3.6: the spectral network with (ε², η, λ) equals the vector ReduNet on all N cyclic
 * shifts of every sample (d' = C·N, m' = m·N) with (N·ε², N·η, N·λ), N = T or H·W: train features,
 * test features, and ΔR_spectral = ΔR_vector / N.
 */
class SpectralVectorEquivalenceTest {

  @AutoClose private final MathExecutor math = MathExecutor.create(4, "test-math");

  @ParameterizedTest(name = "C={0}, {1} x {2}, {3} membership, lambda {4}")
  @CsvSource({
    "2,1,8,SOFTMAX,500",
    "2,1,8,LABELS,500",
    "3,1,7,SOFTMAX,10",
    "2,3,4,SOFTMAX,500",
    "2,3,4,LABELS,10"
  })
  void theSpectralNetworkIsTheVectorNetworkOnAllCyclicShifts(
      int c, int h, int w, TrainingMembership membership, double lambda) {
    SignalShape shape = new SignalShape(c, h, w);
    int n = shape.positions();
    int classes = 2;
    int m = 6;
    int layers = 3;
    double epsSq = 0.5;
    double eta = 0.5;
    double[][] train = SpectralFixtures.signals(shape, m, classes, 41);
    int[] labels = SpectralFixtures.labels(m, classes);
    double[][] test = SpectralFixtures.signals(shape, 2, classes, 42);

    SpectralNetwork identity = new SpectralNetwork(shape, java.util.List.of());
    SpectralConstruction.Result spectral =
        SpectralConstruction.run(
            identity.preprocess(train),
            labels,
            new int[] {0, 1},
            layers,
            new SpectralParameters(epsSq, eta, lambda),
            membership,
            java.util.List.of(identity.preprocess(test)),
            true,
            math,
            null);
    double[][] zTrain = identity.postprocess(spectral.trainFeatures());
    double[][] zTest = identity.postprocess(spectral.passengerFeatures().get(0));

    ForwardConstruction.Result vector =
        ForwardConstruction.with(
                new Parameters(
                    layers, n * epsSq, n * eta, n * lambda, membership, RateEvaluation.TRUE_LABELS))
            .withExecutor(MathExecutor.sequential())
            .fit(Matrix.fromColumns(circulant(train, shape)), repeat(labels, n));
    ReduNet net = vector.network();
    Matrix vTrain = vector.trainFeatures();
    Matrix vTest = net.transform(Matrix.fromColumns(circulant(test, shape)));

    assertThat(maxDifference(vTrain, zTrain, shape)).isLessThan(1e-10);
    assertThat(maxDifference(vTest, zTest, shape)).isLessThan(1e-10);
    double spectralDeltaR = spectral.inputRates().get(layers).deltaR();
    double vectorDeltaR = net.layerRates().get(layers - 1).deltaR();
    assertThat(Math.abs(spectralDeltaR - vectorDeltaR / n)).isLessThan(1e-10);
  }

  /** Column i·N + s is the shift s of sample i (s = dh·W + dw, as Shifts.all orders them). */
  private static double[][] circulant(double[][] x, SignalShape shape) {
    int n = shape.positions();
    double[][] out = new double[x.length * n][];
    for (int i = 0; i < x.length; i++) {
      double[][] all = Shifts.all(x[i], shape);
      System.arraycopy(all, 0, out, i * n, n);
    }
    return out;
  }

  private static int[] repeat(int[] labels, int n) {
    int[] out = new int[labels.length * n];
    for (int i = 0; i < out.length; i++) {
      out[i] = labels[i / n];
    }
    return out;
  }

  private static double maxDifference(Matrix vector, double[][] spectral, SignalShape shape) {
    int n = shape.positions();
    double max = 0;
    for (int i = 0; i < spectral.length; i++) {
      double[][] shifted = Shifts.all(spectral[i], shape);
      for (int s = 0; s < n; s++) {
        double[] col = vector.column(i * n + s);
        for (int q = 0; q < col.length; q++) {
          max = Math.max(max, Math.abs(col[q] - shifted[s][q]));
        }
      }
    }
    return max;
  }
}
