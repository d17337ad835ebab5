package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ModelStatisticsTest {

  private static ModelStatistics accumulate(double[][][] features, int[] labels, int from, int to) {
    ModelStatistics s = ModelStatistics.empty(4, 2);
    for (int i = from; i < to; i++) {
      List<double[]> f = new ArrayList<>(List.of(features[i]));
      s = s.add(f, features[i][2], labels[i]);
    }
    return s;
  }

  private static double[][][] features(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][][] out = new double[n][3][4];
    for (double[][] sample : out) {
      for (double[] z : sample) {
        for (int a = 0; a < 4; a++) {
          z[a] = r.nextDouble(-1, 1);
        }
      }
    }
    return out;
  }

  @Test
  void mergingThePartsEqualsAccumulatingEverythingInAnyGrouping() {
    double[][][] f = features(30, 7);
    int[] labels = new SplittableRandom(8).ints(30, 0, 3).toArray();
    ModelStatistics all = accumulate(f, labels, 0, 30);
    ModelStatistics a = accumulate(f, labels, 0, 10);
    ModelStatistics b = accumulate(f, labels, 10, 20);
    ModelStatistics c = accumulate(f, labels, 20, 30);

    ModelStatistics left = a.merge(b).merge(c);
    ModelStatistics right = a.merge(b.merge(c));
    for (int l = 0; l <= 2; l++) {
      assertThat(left.depth(l).maxAbsDifference(all.depth(l))).isLessThan(1e-12);
      assertThat(right.depth(l).maxAbsDifference(all.depth(l))).isLessThan(1e-12);
    }
    for (int j = 0; j < 3; j++) {
      assertThat(left.output().get(j).count()).isEqualTo(all.output().get(j).count());
      for (int x = 0; x < 4; x++) {
        for (int y = 0; y < 4; y++) {
          assertThat(left.output().get(j).scatter(x, y))
              .isCloseTo(
                  all.output().get(j).scatter(x, y), org.assertj.core.api.Assertions.within(1e-12));
        }
      }
    }
    assertThat(left.labelled()).isEqualTo(30);
    assertThat(ModelStatistics.empty(4, 2).merge(all)).isEqualTo(all);
    assertThat(all.merge(ModelStatistics.empty(4, 2))).isEqualTo(all);
  }

  @Test
  void scalingByOneChangesNothingAndByZeroEmptiesTheCounts() {
    double[][][] f = features(12, 9);
    int[] labels = new SplittableRandom(10).ints(12, 0, 2).toArray();
    ModelStatistics s = accumulate(f, labels, 0, 12);
    assertThat(s.scale(1.0)).isEqualTo(s);
    assertThat(s.scale(0.0).depth(0).totalCount()).isZero();
    assertThat(s.scale(0.5).depth(1).totalCount()).isEqualTo(6.0);
  }
}
