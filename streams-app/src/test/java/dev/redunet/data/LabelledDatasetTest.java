package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class LabelledDatasetTest {

  @Test
  void unitNormalizationScalesEverySampleAndKeepsZeroSamples() {
    LabelledDataset d =
        new LabelledDataset(
            new double[][] {{3, 4}, {0, 0}, {-1, 0}}, new String[] {"a", "b", "a"}, "mem");
    LabelledDataset n = d.normalizedToUnitNorm();
    assertThat(n.sample(0)).containsExactly(new double[] {0.6, 0.8}, within(1e-15));
    assertThat(n.sample(1)).containsExactly(0.0, 0.0);
    assertThat(n.sample(2)).containsExactly(-1.0, 0.0);
    assertThat(n.classIndices()).containsExactly(0, 1, 0);
    assertThat(d.sample(0)).containsExactly(3.0, 4.0);
  }

  @Test
  void columnsAreSamplesAndHeadKeepsTheOrder() {
    LabelledDataset d =
        new LabelledDataset(
            new double[][] {{1, 2}, {3, 4}, {5, 6}}, new String[] {"x", "y", "x"}, "mem");
    assertThat(d.toColumns()).isDeepEqualTo(new double[][] {{1, 3, 5}, {2, 4, 6}});
    LabelledDataset h = d.head(2);
    assertThat(h.size()).isEqualTo(2);
    assertThat(h.sample(1)).containsExactly(3.0, 4.0);
    assertThat(d.head(10)).isSameAs(d);
  }

  @Test
  void theConstructorCopiesAndValidates() {
    double[][] x = {{1, 2}};
    LabelledDataset d = new LabelledDataset(x, new String[] {"a"}, "mem");
    x[0][0] = 99;
    assertThat(d.sample(0)).containsExactly(1.0, 2.0);
    assertThatThrownBy(
            () -> new LabelledDataset(new double[][] {{1, 2}, {3}}, new String[] {"a", "b"}, "mem"))
        .hasMessage("mem: sample 1 has 1 features, expected 2");
    assertThatThrownBy(
            () -> new LabelledDataset(new double[][] {{Double.NaN}}, new String[] {"a"}, "mem"))
        .hasMessageContaining("NaN");
    assertThatThrownBy(() -> new LabelledDataset(new double[][] {{1}}, new String[0], "mem"))
        .hasMessageContaining("1 samples but 0 labels");
  }
}
