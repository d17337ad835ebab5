package dev.redunet.redunet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.Matrix;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LayerStatisticsTest {

  private static final int D = 6;

  private static Matrix batch(int m, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] z = new double[D * m];
    for (int i = 0; i < z.length; i++) {
      z[i] = rnd.nextGaussian();
    }
    return Matrix.ofColumnMajor(D, m, z).normalizeColumns();
  }

  private static int[] labels(int m, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int[] y = new int[m];
    for (int i = 0; i < m; i++) {
      y[i] = new int[] {-4, 2, 9}[rnd.nextInt(3)];
    }
    return y;
  }

  private static int[] range(int from, int to) {
    int[] r = new int[to - from];
    Arrays.setAll(r, i -> from + i);
    return r;
  }

  @Test
  void theBatchStatisticsHoldCountsAndScatters() {
    Matrix z = batch(50, 1);
    int[] y = labels(50, 2);
    LayerStatistics s = LayerStatistics.of(z, y);
    assertThat(s.labels()).containsExactly(-4, 2, 9);
    assertThat(s.totalCount()).isEqualTo(50);
    for (int label : s.labels()) {
      double[] expected = new double[D * D];
      int n = 0;
      for (int i = 0; i < 50; i++) {
        if (y[i] == label) {
          n++;
          for (int a = 0; a < D; a++) {
            for (int b = 0; b < D; b++) {
              expected[a * D + b] += z.get(a, i) * z.get(b, i);
            }
          }
        }
      }
      assertThat(s.count(label)).isEqualTo(n);
      assertThat(s.scatter(label)).containsExactly(expected, within(1e-13));
    }
  }

  @Test
  void addingSamplesOneByOneEqualsTheBatch() {
    Matrix z = batch(40, 3);
    int[] y = labels(40, 4);
    LayerStatistics acc = LayerStatistics.empty(D);
    for (int i = 0; i < 40; i++) {
      acc = acc.add(y[i], z.column(i));
    }
    assertThat(acc.maxAbsDifference(LayerStatistics.of(z, y))).isLessThan(1e-13);
  }

  @Test
  void mergeIsAssociativeCommutativeAndHasTheEmptyIdentity() {
    Matrix z = batch(90, 5);
    int[] y = labels(90, 6);
    LayerStatistics a =
        LayerStatistics.of(z.selectColumns(range(0, 30)), Arrays.copyOfRange(y, 0, 30));
    LayerStatistics b =
        LayerStatistics.of(z.selectColumns(range(30, 60)), Arrays.copyOfRange(y, 30, 60));
    LayerStatistics c =
        LayerStatistics.of(z.selectColumns(range(60, 90)), Arrays.copyOfRange(y, 60, 90));
    assertThat(a.merge(LayerStatistics.empty(D))).isEqualTo(a);
    assertThat(LayerStatistics.empty(D).merge(a)).isEqualTo(a);
    assertThat(a.merge(b)).isEqualTo(b.merge(a));
    assertThat(a.merge(b).merge(c).maxAbsDifference(a.merge(b.merge(c)))).isLessThan(1e-14);
    assertThat(a.merge(b).merge(c).maxAbsDifference(LayerStatistics.of(z, y))).isLessThan(1e-13);
  }

  @Test
  void mergingTheStatisticsOfTwoHalvesBuildsTheSameLayerAsAllSamples() {
    Matrix z = batch(200, 7);
    int[] y = labels(200, 8);
    LayerStatistics first =
        LayerStatistics.of(z.selectColumns(range(0, 100)), Arrays.copyOfRange(y, 0, 100));
    LayerStatistics second =
        LayerStatistics.of(z.selectColumns(range(100, 200)), Arrays.copyOfRange(y, 100, 200));
    VectorLayer merged = VectorLayer.fromStatistics(first.merge(second), 0.5, 0.5, 500);
    VectorLayer all = VectorLayer.fromStatistics(LayerStatistics.of(z, y), 0.5, 0.5, 500);
    assertThat(merged.gamma()).containsExactly(all.gamma(), within(1e-15));
    assertThat(merged.expansion().maxAbsDifference(all.expansion())).isLessThan(1e-12);
    for (int j = 0; j < 3; j++) {
      assertThat(merged.compression(j).maxAbsDifference(all.compression(j))).isLessThan(1e-12);
    }
    Matrix test = batch(20, 9);
    assertThat(merged.apply(test).maxAbsDifference(all.apply(test))).isLessThan(1e-12);
  }

  @Test
  void scalingForgetsExponentiallyAndKeepsTheLayerAtAReferenceSize() {
    Matrix z = batch(60, 10);
    int[] y = labels(60, 11);
    LayerStatistics s = LayerStatistics.of(z, y);
    LayerStatistics half = s.scale(0.5);
    assertThat(half.totalCount()).isCloseTo(30, within(1e-12));
    assertThat(half.scale(0.5).maxAbsDifference(s.scale(0.25))).isLessThan(1e-15);
    assertThat(s.scale(1)).isEqualTo(s);
    assertThat(s.scale(0).isEmpty()).isTrue();
    // Doubling every sample (merge with itself) and halving again gives the same layer.
    VectorLayer doubled = VectorLayer.fromStatistics(s.merge(s).scale(0.5), 0.5, 0.5, 500);
    VectorLayer plain = VectorLayer.fromStatistics(s, 0.5, 0.5, 500);
    assertThat(doubled.expansion().maxAbsDifference(plain.expansion())).isLessThan(1e-12);
    assertThatThrownBy(() -> s.scale(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aClassWithoutSamplesIsLeftOutOfTheLayer() {
    Matrix z = batch(30, 12);
    int[] y = new int[30];
    for (int i = 0; i < 30; i++) {
      y[i] = i % 2 == 0 ? 3 : 8;
    }
    LayerStatistics s = LayerStatistics.empty(D).merge(LayerStatistics.of(z, y));
    VectorLayer layer = VectorLayer.fromStatistics(s, 0.5, 0.5, 500);
    assertThat(layer.classLabels()).containsExactly(3, 8);
    assertThat(layer.membership(z).rows()).isEqualTo(2);
    Matrix out = layer.apply(z);
    for (int i = 0; i < 30; i++) {
      double norm = 0;
      for (int a = 0; a < D; a++) {
        norm += out.get(a, i) * out.get(a, i);
      }
      assertThat(norm).isCloseTo(1, within(1e-12));
    }
    assertThatThrownBy(() -> VectorLayer.fromStatistics(LayerStatistics.empty(D), 0.5, 0.5, 500))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("empty");
  }

  @Test
  void theSerializedFormIsTheUpperTriangleAndRoundTrips() throws IOException {
    LayerStatistics s = LayerStatistics.of(batch(25, 13), labels(25, 14)).scale(0.7);
    byte[] bytes = s.toBytes();
    // header 16 bytes, then per class: label 4, count 8, D(D+1)/2 doubles.
    assertThat(bytes).hasSize(16 + 3 * (4 + 8 + 8 * D * (D + 1) / 2));
    assertThat(LayerStatistics.fromBytes(bytes)).isEqualTo(s);
    bytes[0] ^= 1;
    assertThatThrownBy(() -> LayerStatistics.fromBytes(bytes)).isInstanceOf(IOException.class);
  }

  @Test
  void aSampleOfTheWrongDimensionOrWithNaNIsRejected() {
    LayerStatistics s = LayerStatistics.empty(D);
    assertThatThrownBy(() -> s.add(1, new double[D + 1]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension " + (D + 1));
    double[] bad = new double[D];
    bad[2] = Double.NaN;
    assertThatThrownBy(() -> s.add(1, bad)).isInstanceOf(IllegalArgumentException.class);
  }
}
