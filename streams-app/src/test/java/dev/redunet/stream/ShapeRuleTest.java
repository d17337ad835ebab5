package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Which sample shapes fit an expected shape. */
class ShapeRuleTest {

  @Test
  void aPlainVectorFitsByItsLength() {
    assertThat(ShapeRule.misfit(List.of(192), List.of(3, 64), "test")).isEmpty();
    assertThat(ShapeRule.misfit(List.of(191), List.of(3, 64), "test"))
        .hasValueSatisfying(m -> assertThat(m).contains("191 values, expected 192"));
  }

  @Test
  void aShapedSampleFitsOnlyItsOwnShape() {
    assertThat(ShapeRule.misfit(List.of(3, 64), List.of(3, 64), "test")).isEmpty();
    assertThat(ShapeRule.misfit(List.of(64, 3), List.of(3, 64), "test"))
        .hasValueSatisfying(m -> assertThat(m).contains("[64, 3] differs from").contains("test"));
  }

  @Test
  void anImageOfHByWIsOneChannel() {
    assertThat(ShapeRule.misfit(List.of(28, 28), List.of(1, 28, 28), "test")).isEmpty();
    assertThat(ShapeRule.misfit(List.of(28, 28), List.of(2, 28, 28), "test")).isPresent();
    assertThat(ShapeRule.misfit(List.of(28, 27), List.of(1, 28, 28), "test")).isPresent();
    // but C,T is not an image: [1, 28] does not stand for [28] channels of anything
    assertThat(ShapeRule.misfit(List.of(1, 28, 28), List.of(28, 28), "test")).isPresent();
  }
}
