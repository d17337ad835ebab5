package dev.redunet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ConfusionMatrixTest {

  @Test
  void accuracyAndKappaMatchAHandComputedExample() {
    // truth\pred: [[20, 5], [10, 15]]: p_o = 35/50 = 0.7; p_e = (25/50)(30/50) + (25/50)(20/50)
    // = 0.3 + 0.2 = 0.5; κ = (0.7 − 0.5)/(1 − 0.5) = 0.4.
    ConfusionMatrix m = new ConfusionMatrix();
    record(m, 0, 0, 20);
    record(m, 0, 1, 5);
    record(m, 1, 0, 10);
    record(m, 1, 1, 15);
    assertThat(m.total()).isEqualTo(50);
    assertThat(m.accuracy()).isCloseTo(0.7, within(1e-15));
    assertThat(m.kappa()).isCloseTo(0.4, within(1e-15));
    assertThat(m.count(1, 0)).isEqualTo(10);
  }

  @Test
  void kappaIsZeroForAConstantGuessAndOneForPerfectAgreement() {
    ConfusionMatrix constant = new ConfusionMatrix();
    record(constant, 0, 0, 30);
    record(constant, 1, 0, 10);
    assertThat(constant.accuracy()).isEqualTo(0.75);
    assertThat(constant.kappa()).isCloseTo(0.0, within(1e-15));
    ConfusionMatrix perfect = new ConfusionMatrix();
    record(perfect, 2, 2, 4);
    assertThat(perfect.kappa()).isEqualTo(1.0);
    assertThat(perfect.numClasses()).isEqualTo(3);
  }

  @Test
  void anEmptyMatrixHasNoAccuracy() {
    assertThatThrownBy(() -> new ConfusionMatrix().accuracy())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> new ConfusionMatrix().record(-1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static void record(ConfusionMatrix m, int truth, int predicted, int times) {
    for (int i = 0; i < times; i++) {
      m.record(truth, predicted);
    }
  }
}
