package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.signal.SignalShape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LiftingTest {

  @Test
  void oneDimensionalLiftingIsCircularCrossCorrelationThenRelu() {
    SignalShape shape = SignalShape.of1d(2, 6);
    Lifting lift = Lifting.random1d(shape, 3, 3, 7);
    double[] x = random(shape.size(), 1);
    double[] y = lift.apply(x);
    assertThat(lift.outputShape()).isEqualTo(SignalShape.of1d(3, 6));
    for (int o = 0; o < 3; o++) {
      for (int t = 0; t < 6; t++) {
        double s = 0;
        for (int i = 0; i < 2; i++) {
          for (int tau = 0; tau < 3; tau++) {
            s += lift.weight(o, i, 0, tau) * x[i * 6 + (t + tau) % 6];
          }
        }
        assertThat(y[o * 6 + t]).isCloseTo(Math.max(0, s), within(1e-14));
      }
    }
    assertThat(y).contains(0.0); // ReLU did clip something
  }

  @Test
  void twoDimensionalLiftingIsCircularCrossCorrelationThenRelu() {
    SignalShape shape = SignalShape.of2d(1, 4, 5);
    Lifting lift = Lifting.random2d(shape, 2, 3, 11);
    double[] x = random(shape.size(), 2);
    double[] y = lift.apply(x);
    for (int o = 0; o < 2; o++) {
      for (int h = 0; h < 4; h++) {
        for (int w = 0; w < 5; w++) {
          double s = 0;
          for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
              s += lift.weight(o, 0, a, b) * x[((h + a) % 4) * 5 + (w + b) % 5];
            }
          }
          assertThat(y[o * 20 + h * 5 + w]).isCloseTo(Math.max(0, s), within(1e-14));
        }
      }
    }
  }

  @Test
  void liftingCommutesWithCyclicShiftsAndIsPositivelyHomogeneous() {
    SignalShape shape = SignalShape.of2d(2, 6, 7);
    Lifting lift = Lifting.random2d(shape, 3, 3, 5);
    double[] x = random(shape.size(), 3);
    double[] shiftedThenLifted = lift.apply(Shifts.shift(x, shape, 2, -3));
    double[] liftedThenShifted = Shifts.shift(lift.apply(x), lift.outputShape(), 2, -3);
    assertThat(shiftedThenLifted).containsExactly(liftedThenShifted, within(1e-13));
    double[] scaled = x.clone();
    for (int i = 0; i < scaled.length; i++) {
      scaled[i] *= 255;
    }
    double[] a = lift.apply(scaled);
    double[] b = lift.apply(x);
    for (int i = 0; i < a.length; i++) {
      assertThat(a[i]).isCloseTo(255 * b[i], within(1e-10));
    }
  }

  @Test
  void theSameSeedGivesTheSameFiltersAndAnotherSeedOthers() {
    SignalShape shape = SignalShape.of1d(5, 200);
    Lifting a = Lifting.random1d(shape, 5, 9, 10);
    Lifting b = Lifting.random1d(shape, 5, 9, 10);
    Lifting c = Lifting.random1d(shape, 5, 9, 11);
    assertThat(a.weight(4, 4, 0, 8)).isEqualTo(b.weight(4, 4, 0, 8));
    assertThat(a.weight(4, 4, 0, 8)).isNotEqualTo(c.weight(4, 4, 0, 8));
    assertThatThrownBy(() -> Lifting.random1d(SignalShape.of1d(1, 4), 2, 5, 0))
        .hasMessageContaining("kernel size 5");
  }

  private static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() * 2 - 1;
    }
    return x;
  }
}
