package dev.redunet.redunet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.Matrix;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class VectorLayerTest {

  private static Matrix batch(int d, int m, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] z = new double[d * m];
    for (int i = 0; i < z.length; i++) {
      z[i] = rnd.nextGaussian();
    }
    return Matrix.ofColumnMajor(d, m, z).normalizeColumns();
  }

  private static VectorLayer layer(int d, double lambda) {
    Matrix z = batch(d, 90, 1);
    int[] y = new int[90];
    for (int i = 0; i < 90; i++) {
      y[i] = i % 3 * 10;
    }
    return VectorLayer.fromStatistics(LayerStatistics.of(z, y), 0.5, 0.5, lambda);
  }

  @Test
  void aSampleGetsTheSameOutputAloneAsInABatch() {
    VectorLayer l = layer(13, 500);
    Matrix test = batch(13, 37, 2);
    LayerOutput all = l.forward(test);
    for (int i : new int[] {0, 5, 36}) {
      LayerOutput one = l.forward(test.selectColumns(new int[] {i}));
      assertThat(one.features().column(0)).isEqualTo(all.features().column(i));
      assertThat(one.membership().column(0)).isEqualTo(all.membership().column(i));
    }
  }

  @Test
  void membershipsAreDistributionsAndUniformWithoutSharpness() {
    Matrix test = batch(7, 20, 3);
    Matrix pi = layer(7, 500).membership(test);
    for (int i = 0; i < 20; i++) {
      assertThat(pi.get(0, i) + pi.get(1, i) + pi.get(2, i)).isCloseTo(1, within(1e-15));
    }
    Matrix flat = layer(7, 0).membership(test);
    for (int i = 0; i < 20; i++) {
      assertThat(flat.column(i)).containsOnly(1.0 / 3);
    }
  }

  @Test
  void aStepOfZeroOnlyNormalizes() {
    Matrix z = batch(5, 30, 4);
    int[] y = new int[30];
    VectorLayer still = VectorLayer.fromStatistics(LayerStatistics.of(z, y), 0.1, 0, 500);
    assertThat(still.apply(z).maxAbsDifference(z)).isLessThan(1e-15);
  }

  @Test
  void explicitOperatorsAreValidated() {
    VectorLayer l = layer(3, 10);
    Matrix e = l.expansion();
    List<Matrix> c = List.of(l.compression(0), l.compression(1), l.compression(2));
    VectorLayer copy = VectorLayer.of(l.classLabels(), l.gamma(), e, c, 0.5, 0.5, 10);
    Matrix test = batch(3, 4, 5);
    assertThat(copy.apply(test)).isEqualTo(l.apply(test));
    Matrix asymmetric = Matrix.fromRows(new double[][] {{1, 2, 0}, {0, 1, 0}, {0, 0, 1}});
    assertThatThrownBy(
            () -> VectorLayer.of(l.classLabels(), l.gamma(), asymmetric, c, 0.5, 0.5, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not symmetric");
    assertThatThrownBy(() -> VectorLayer.of(new int[] {1, 1, 2}, l.gamma(), e, c, 0.5, 0.5, 10))
        .hasMessageContaining("distinct");
    assertThatThrownBy(() -> l.apply(batch(4, 2, 6)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("4×2");
    assertThatThrownBy(() -> l.forward(test, new int[] {0, 10, 20, 99}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label 99");
  }
}
