package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ValidSampleTest {

  private static ValidSample of(double[] x, List<Integer> shape) {
    return new ValidSample("s", Instant.EPOCH, "", x, shape, "a");
  }

  @Test
  void itCopiesItsInputAndHandsOutCopies() {
    double[] x = {1, 2, 3, 4};
    ValidSample s = of(x, List.of(2, 2));
    x[0] = 99;
    assertThat(s.feature(0)).isEqualTo(1.0);
    s.features()[1] = 99;
    assertThat(s.feature(1)).isEqualTo(2.0);
    double[] dst = new double[6];
    s.copyFeaturesTo(dst, 2);
    assertThat(dst).containsExactly(0, 0, 1, 2, 3, 4);
    assertThat(s.dimension()).isEqualTo(4);
    assertThat(s.label()).contains("a");
    assertThat(s).isEqualTo(of(new double[] {1, 2, 3, 4}, List.of(2, 2)));
  }

  @Test
  void theNormDoesNotOverflowOrUnderflow() {
    assertThat(of(new double[] {3e200, 4e200}, List.of(2)).norm()).isCloseTo(5e200, within(1e186));
    assertThat(of(new double[] {3e-200, -4e-200}, List.of(2)).norm())
        .isCloseTo(5e-200, within(1e-214));
  }

  @Test
  void invalidInputIsRefusedWithTheShapesInTheMessage() {
    assertThatThrownBy(() -> of(new double[] {1, 2, 3}, List.of(2, 2)))
        .hasMessage("sample s: shape [2, 2] holds 4 values but there are 3 features");
    assertThatThrownBy(() -> of(new double[] {0, 0}, List.of(2)))
        .hasMessage("sample s: all 2 features are zero");
    assertThatThrownBy(() -> of(new double[] {1, Double.NaN}, List.of(2)))
        .hasMessage("sample s: features[1] is not finite: NaN");
    assertThatThrownBy(() -> of(new double[0], List.of(0))).hasMessageContaining("empty");
    assertThatThrownBy(
            () -> new ValidSample("s", Instant.EPOCH, "", new double[] {1}, List.of(1), ""))
        .hasMessageContaining("label");
  }
}
