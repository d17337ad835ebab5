package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.data.Shifts;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.signal.SignalShape;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShiftScoringTest {

  @AutoClose private final MathExecutor math = MathExecutor.create(4, "test-math");

  @ParameterizedTest(name = "C={0}, {1} x {2}")
  @CsvSource({"2,1,9", "3,1,8", "2,4,5", "1,3,3"})
  void correlationsEqualInnerProductsWithExplicitlyShiftedSamples(int c, int h, int w) {
    SignalShape shape = new SignalShape(c, h, w);
    double[][] t = SpectralFixtures.signals(shape, 3, 3, 21);
    double[][] z = SpectralFixtures.signals(shape, 2, 2, 22);
    ShiftScoring scoring = new ShiftScoring(shape, math);
    double[][] corr =
        scoring.correlations(
            SpectralBatch.fromSignals(shape, t), SpectralBatch.fromSignals(shape, z), 1);
    double[][] shifted = Shifts.all(z[1], shape);
    for (int k = 0; k < 3; k++) {
      for (int s = 0; s < shape.positions(); s++) {
        double dot = 0;
        for (int p = 0; p < shape.size(); p++) {
          dot += t[k][p] * shifted[s][p];
        }
        assertThat(corr[k][s]).as("template %d shift %d", k, s).isCloseTo(dot, within(1e-10));
      }
    }
  }

  @ParameterizedTest(name = "C={0}, {1} x {2}")
  @CsvSource({"2,1,12", "2,4,5"})
  void allShiftPredictionsEqualTheRulesAppliedToEachShiftedSample(int c, int h, int w) {
    SignalShape shape = new SignalShape(c, h, w);
    int classes = 3;
    SpectralNetwork identity = new SpectralNetwork(shape, List.of());
    double[][] train = SpectralFixtures.signals(shape, 12, classes, 31);
    int[] labels = SpectralFixtures.labels(12, classes);
    double[][] test = SpectralFixtures.signals(shape, 4, classes, 32);
    double[][] zTrain = identity.features(train);
    double[][] zTest = identity.features(test);
    SpectralBatch trainB = SpectralBatch.fromSignals(shape, zTrain);
    SpectralBatch testB = SpectralBatch.fromSignals(shape, zTest);
    ShiftScoring scoring = new ShiftScoring(shape, math);

    // "subspaces": one unit vector per class (its first training sample), "weights": class means
    double[][] basis = {zTrain[0], zTrain[1], zTrain[2]};
    List<SpectralBatch> bases =
        List.of(
            SpectralBatch.fromSignals(shape, new double[][] {basis[0]}),
            SpectralBatch.fromSignals(shape, new double[][] {basis[1]}),
            SpectralBatch.fromSignals(shape, new double[][] {basis[2]}));
    double[] bias = {0.01, -0.02, 0.0};
    int[][] ns = scoring.nearestSubspace(bases, testB);
    int[][] knn = scoring.nearestNeighbours(trainB, labels, classes, 3, testB);
    int[][] lin = scoring.linear(SpectralBatch.fromSignals(shape, basis), bias, testB);
    for (int i = 0; i < zTest.length; i++) {
      double[][] shifted = Shifts.all(zTest[i], shape);
      for (int s = 0; s < shifted.length; s++) {
        double[] proj = new double[classes];
        for (int j = 0; j < classes; j++) {
          proj[j] = dot(basis[j], shifted[s]);
        }
        assertThat(ns[i][s])
            .isEqualTo(
                argmax(new double[] {proj[0] * proj[0], proj[1] * proj[1], proj[2] * proj[2]}));
        assertThat(lin[i][s])
            .isEqualTo(
                argmax(new double[] {proj[0] + bias[0], proj[1] + bias[1], proj[2] + bias[2]}));
        double[] sims = new double[zTrain.length];
        for (int t = 0; t < zTrain.length; t++) {
          sims[t] = dot(zTrain[t], shifted[s]);
        }
        assertThat(knn[i][s]).isEqualTo(vote(sims, labels, 3, classes));
      }
    }
    assertThat(ShiftScoring.accuracy(new int[][] {{0, 1}, {1, 1}}, new int[] {0, 1}))
        .isEqualTo(0.75);
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int p = 0; p < a.length; p++) {
      s += a[p] * b[p];
    }
    return s;
  }

  private static int argmax(double[] v) {
    int best = 0;
    for (int j = 1; j < v.length; j++) {
      if (v[j] > v[best]) {
        best = j;
      }
    }
    return best;
  }

  /** Top k by similarity (stable), majority label, ties to the smaller. */
  private static int vote(double[] sims, int[] labels, int k, int classes) {
    Integer[] idx = new Integer[sims.length];
    for (int t = 0; t < idx.length; t++) {
      idx[t] = t;
    }
    java.util.Arrays.sort(idx, (a, b) -> Double.compare(sims[b], sims[a]));
    int[] votes = new int[classes];
    for (int q = 0; q < k; q++) {
      votes[labels[idx[q]]]++;
    }
    int best = 0;
    for (int c = 1; c < classes; c++) {
      if (votes[c] > votes[best]) {
        best = c;
      }
    }
    return best;
  }
}
