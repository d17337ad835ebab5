package dev.redunet.redunet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.CodingRates;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.Parameters;
import dev.redunet.redunet.ForwardConstruction.RateEvaluation;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ForwardConstructionTest {

  /** k noisy clusters in d dimensions, m samples, labels drawn from {@code labelSet}. */
  private static Matrix clusters(int d, int m, int[] y, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] z = new double[d * m];
    for (int i = 0; i < m; i++) {
      int c = Math.floorMod(y[i], d);
      for (int a = 0; a < d; a++) {
        z[i * d + a] = (a == c ? 1 : 0) + 0.4 * rnd.nextGaussian();
      }
    }
    return Matrix.ofColumnMajor(d, m, z);
  }

  private static int[] labels(int m, int[] labelSet, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] y = new int[m];
    for (int i = 0; i < m; i++) {
      y[i] = labelSet[rnd.nextInt(labelSet.length)];
    }
    return y;
  }

  @Test
  void recordedTrueLabelRatesAreTheRatesOfTheTrainingFeatures() {
    int[] y = labels(300, new int[] {0, 1, 2, 3}, 1);
    Matrix z = clusters(16, 300, y, 2);
    Parameters p = Parameters.defaults(4);
    List<Rates> seen = new ArrayList<>();
    ForwardConstruction.Result r =
        ForwardConstruction.with(p).withListener((l, layer, rates) -> seen.add(rates)).fit(z, y);
    assertThat(seen).isEqualTo(r.network().layerRates());
    Rates last = r.network().layerRates().get(3);
    Rates direct = CodingRates.rates(r.trainFeatures(), y, 0.1);
    assertThat(last.r()).isCloseTo(direct.r(), within(1e-10));
    assertThat(last.rc()).isCloseTo(direct.rc(), within(1e-10));
    Rates input = CodingRates.rates(z.normalizeColumns(), y, 0.1);
    assertThat(r.network().inputRates().deltaR()).isCloseTo(input.deltaR(), within(1e-10));
    // With the softmax rule the training features are the network's own transform.
    assertThat(r.trainFeatures().maxAbsDifference(r.network().transform(z))).isLessThan(1e-15);
  }

  @Test
  void theOrderOfTheSamplesAndTheNamesOfTheLabelsDoNotMatter() {
    int m = 120;
    int[] y = labels(m, new int[] {0, 1, 2}, 3);
    Matrix z = clusters(5, m, y, 4);
    int[] perm = new int[m];
    for (int i = 0; i < m; i++) {
      perm[i] = (i * 37) % m;
    }
    int[] yPerm = new int[m];
    int[] yRenamed = new int[m];
    for (int i = 0; i < m; i++) {
      yPerm[i] = y[perm[i]];
      yRenamed[i] = 100 - 7 * y[perm[i]];
    }
    Parameters p =
        new Parameters(3, 0.5, 0.5, 10, TrainingMembership.LABELS, RateEvaluation.PREDICTED_PAPER);
    ForwardConstruction.Result a = ForwardConstruction.with(p).fit(z, y);
    ForwardConstruction.Result b = ForwardConstruction.with(p).fit(z.selectColumns(perm), yRenamed);
    assertThat(b.trainFeatures().maxAbsDifference(a.trainFeatures().selectColumns(perm)))
        .isLessThan(1e-12);
    for (int l = 0; l < 3; l++) {
      assertThat(b.network().layerRates().get(l).deltaR())
          .isCloseTo(a.network().layerRates().get(l).deltaR(), within(1e-12));
    }
    assertThat(b.network().provenance().classLabels()).containsExactly(86, 93, 100);
  }

  @Test
  void theResultDoesNotDependOnTheNumberOfThreads() {
    int[] y = labels(700, new int[] {0, 1, 2, 3, 4}, 5);
    Matrix z = clusters(24, 700, y, 6);
    Parameters p =
        new Parameters(
            2, 0.1, 0.5, 500, TrainingMembership.SOFTMAX, RateEvaluation.PREDICTED_TORCH);
    ForwardConstruction.Result one =
        ForwardConstruction.with(p).withExecutor(MathExecutor.sequential()).fit(z, y);
    try (MathExecutor two = MathExecutor.create(2, "test-math")) {
      ForwardConstruction.Result many = ForwardConstruction.with(p).withExecutor(two).fit(z, y);
      assertThat(many.trainFeatures()).isEqualTo(one.trainFeatures());
      assertThat(many.network().layerRates()).isEqualTo(one.network().layerRates());
    }
  }

  @Test
  void aNetworkOfZeroLayersOnlyNormalizes() {
    int[] y = labels(20, new int[] {0, 1}, 7);
    Matrix z = clusters(3, 20, y, 8);
    ForwardConstruction.Result r = ForwardConstruction.with(Parameters.defaults(0)).fit(z, y);
    assertThat(r.network().depth()).isZero();
    assertThat(r.trainFeatures().maxAbsDifference(z.normalizeColumns())).isZero();
  }

  @Test
  void invalidParametersAndShapesAreRejected() {
    assertThatThrownBy(() -> Parameters.defaults(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new Parameters(
                    1, 0, 0.5, 1, TrainingMembership.SOFTMAX, RateEvaluation.TRUE_LABELS))
        .hasMessageContaining("ε²");
    Matrix z = clusters(3, 10, new int[10], 1);
    assertThatThrownBy(() -> ForwardConstruction.with(Parameters.defaults(1)).fit(z, new int[9]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3×10");
  }
}
