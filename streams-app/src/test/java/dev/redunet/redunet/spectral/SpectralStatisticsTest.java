package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.data.Shifts;
import dev.redunet.signal.SignalShape;
import org.junit.jupiter.api.Test;

class SpectralStatisticsTest {

  private static final SignalShape SHAPE = SignalShape.of2d(3, 4, 5);

  @Test
  void scatterIsTheSumOfOuterProductsOfEachBinsChannelVectors() {
    double[][] x = SpectralFixtures.signals(SHAPE, 7, 2, 1);
    SpectralBatch v = SpectralBatch.fromSignals(SHAPE, x);
    SpectralStatistics s = SpectralStatistics.of(v);
    assertThat(s.count()).isEqualTo(7);
    for (int f = 0; f < v.grid().bins(); f++) {
      double[][] full = s.scatter(f);
      for (int a = 0; a < 3; a++) {
        for (int b = 0; b < 3; b++) {
          double re = 0;
          double im = 0;
          for (int i = 0; i < 7; i++) {
            // v_a conj(v_b)
            re += v.re(f, a, i) * v.re(f, b, i) + v.im(f, a, i) * v.im(f, b, i);
            im += v.im(f, a, i) * v.re(f, b, i) - v.re(f, a, i) * v.im(f, b, i);
          }
          assertThat(full[0][a * 3 + b]).isCloseTo(re, within(1e-12));
          assertThat(full[1][a * 3 + b]).isCloseTo(im, within(1e-12));
        }
      }
    }
  }

  @Test
  void dcSumIsTheSumOfEachClasssDcCoefficientsAndSurvivesMergingAndScaling() {
    double[][] x = SpectralFixtures.signals(SHAPE, 6, 2, 4);
    int[] labels = SpectralFixtures.labels(6, 2);
    SpectralStatistics[] perClass =
        SpectralStatistics.perClass(SpectralBatch.fromSignals(SHAPE, x), labels, 2);
    int positions = SHAPE.positions();
    for (int j = 0; j < 2; j++) {
      double[] dc = perClass[j].dcSum();
      for (int c = 0; c < 3; c++) {
        // v(0)[c] = (HW)^{-1/2} Σ_p x[c][p]
        double expected = 0;
        for (int i = j; i < 6; i += 2) {
          for (int p = 0; p < positions; p++) {
            expected += x[i][c * positions + p];
          }
        }
        assertThat(dc[c]).isCloseTo(expected / Math.sqrt(positions), within(1e-12));
      }
    }
    double[] merged = perClass[0].plus(perClass[1]).dcSum();
    double[] scaled = perClass[0].scaled(0.25).dcSum();
    for (int c = 0; c < 3; c++) {
      assertThat(merged[c])
          .isCloseTo(perClass[0].dcSum()[c] + perClass[1].dcSum()[c], within(1e-13));
      assertThat(scaled[c]).isCloseTo(0.25 * perClass[0].dcSum()[c], within(1e-13));
    }
    assertThat(perClass[0].maxAbsDifference(perClass[0].plus(perClass[1]))).isGreaterThan(0.1);
  }

  @Test
  void mergingPerSampleStatisticsEqualsAccumulatingAllInAnyOrder() {
    double[][] x = SpectralFixtures.signals(SHAPE, 9, 3, 2);
    int[] labels = SpectralFixtures.labels(9, 3);
    SpectralBatch v = SpectralBatch.fromSignals(SHAPE, x);
    SpectralStatistics[] all = SpectralStatistics.perClass(v, labels, 3);
    SpectralStatistics a = SpectralStatistics.of(v.select(new int[] {0, 3}));
    SpectralStatistics b = SpectralStatistics.of(v.select(new int[] {6}));
    SpectralStatistics empty = SpectralStatistics.empty(v.grid(), 3);
    assertThat(a.plus(b).maxAbsDifference(all[0])).isLessThan(1e-13);
    assertThat(b.plus(a).maxAbsDifference(all[0])).isLessThan(1e-13);
    assertThat(empty.plus(a).plus(b).maxAbsDifference(all[0])).isLessThan(1e-13);
    SpectralStatistics c = SpectralStatistics.of(v.select(new int[] {1, 4, 7}));
    assertThat(a.plus(b).plus(c).maxAbsDifference(a.plus(b.plus(c)))).isLessThan(1e-13);
    assertThat(a.scaled(2).maxAbsDifference(a.plus(a))).isLessThan(1e-13);
    assertThat(all[0].plus(all[1]).plus(all[2]).maxAbsDifference(SpectralStatistics.of(v)))
        .isLessThan(1e-12);
  }

  @Test
  void statisticsDoNotChangeWhenSamplesAreShiftedCyclically() {
    double[][] x = SpectralFixtures.signals(SHAPE, 4, 1, 3);
    double[][] shifted = new double[4][];
    for (int i = 0; i < 4; i++) {
      shifted[i] = Shifts.shift(x[i], SHAPE, i + 1, 2 * i - 1);
    }
    SpectralStatistics s = SpectralStatistics.of(SpectralBatch.fromSignals(SHAPE, x));
    SpectralStatistics t = SpectralStatistics.of(SpectralBatch.fromSignals(SHAPE, shifted));
    assertThat(s.maxAbsDifference(t)).isLessThan(1e-12);
  }

  @Test
  void rejectsLabelsOutsideTheClassesAndMismatchedStatistics() {
    SpectralBatch v = SpectralBatch.fromSignals(SHAPE, SpectralFixtures.signals(SHAPE, 2, 1, 4));
    assertThatThrownBy(() -> SpectralStatistics.perClass(v, new int[] {0, 2}, 2))
        .hasMessageContaining("label 2 of sample 1");
    assertThatThrownBy(() -> SpectralStatistics.perClass(v, new int[] {0}, 2))
        .hasMessageContaining("length 1");
    SpectralStatistics other = SpectralStatistics.empty(new SpectralGrid(4, 6), 3);
    assertThatThrownBy(() -> SpectralStatistics.of(v).plus(other))
        .hasMessageContaining("cannot be combined");
    assertThatThrownBy(() -> other.scaled(-1)).hasMessageContaining("≥ 0");
  }
}
