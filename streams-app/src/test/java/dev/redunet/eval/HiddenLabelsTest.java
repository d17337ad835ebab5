package dev.redunet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hiding a seeded share of the labels, and scoring the predictions of the hidden ones. */
class HiddenLabelsTest {

  private static final int U = PrequentialEvaluator.UNLABELLED;

  @Test
  void aLabelIsHiddenWhenItsPositionsDrawFallsBelowTheFraction() {
    int[] labels = {0, 1, U, 2, 0, 1, 2, 0, 1, 2};
    HiddenLabels h = HiddenLabels.hide(labels, 0.5, 7);
    SplittableRandom r = new SplittableRandom(7);
    int[] expected = labels.clone();
    long hidden = 0;
    for (int i = 0; i < labels.length; i++) {
      if (r.nextDouble() < 0.5 && labels[i] != U) {
        expected[i] = U;
        hidden++;
      }
    }
    assertThat(h.visible()).containsExactly(expected);
    assertThat(h.hiddenCount()).isEqualTo(hidden).isPositive();
    assertThat(HiddenLabels.hide(labels, 0, 7).visible()).containsExactly(labels);
    assertThat(HiddenLabels.hide(labels, 1, 7).visible()).containsOnly(U);
    assertThat(HiddenLabels.hide(labels, 1, 7).hiddenCount()).isEqualTo(9);
    assertThatThrownBy(() -> HiddenLabels.hide(labels, 1.5, 7))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyTheHiddenSamplesAreScoredAgainstTheirLabels() {
    int[] labels = {0, 1, 2, 0};
    HiddenLabels h = HiddenLabels.hide(labels, 1, 1);
    int[][] seen = new int[1][];
    h.andThen((from, predicted) -> seen[0] = predicted.clone());
    h.predicted(0, new int[] {-1, 1});
    h.predicted(2, new int[] {2, 1});
    assertThat(seen[0]).containsExactly(2, 1);
    assertThat(h.unscored()).isEqualTo(1);
    assertThat(h.scored().total()).isEqualTo(3);
    assertThat(h.scored().accuracy()).isEqualTo(2.0 / 3);
    HiddenLabels none = HiddenLabels.hide(labels, 0, 1);
    none.predicted(0, new int[] {0, 0, 0, 0});
    assertThat(none.scored().total()).isZero();
  }
}
