package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.signal.SignalShape;
import org.junit.jupiter.api.Test;

class SensorSignalsTest {

  @Test
  void generatesBalancedShiftedNoisyCopiesOfOneWaveformPerClassFromTheSeed() {
    SensorSignals.Dataset a = SensorSignals.generate(3, 4, 64, 10, 0.0, 5);
    SensorSignals.Dataset b = SensorSignals.generate(3, 4, 64, 10, 0.0, 5);
    assertThat(a.shape()).isEqualTo(SignalShape.of1d(4, 64));
    assertThat(a.samples()).hasNumberOfRows(30);
    int[] counts = new int[3];
    for (int y : a.labels()) {
      counts[y]++;
    }
    assertThat(counts).containsExactly(10, 10, 10);
    assertThat(a.samples()[7]).containsExactly(b.samples()[7]);
    // without noise, undoing the delay of two samples of a class leaves proportional signals
    int first = -1;
    for (int i = 0; i < 30; i++) {
      if (a.labels()[i] != 0) {
        continue;
      }
      double[] aligned = Shifts.shift1d(a.samples()[i], a.shape(), -a.offsets()[i]);
      if (first < 0) {
        first = i;
        continue;
      }
      double[] ref = Shifts.shift1d(a.samples()[first], a.shape(), -a.offsets()[first]);
      double ratio = aligned[0] / ref[0];
      for (int p = 0; p < ref.length; p++) {
        assertThat(aligned[p])
            .isCloseTo(ratio * ref[p], org.assertj.core.api.Assertions.within(1e-9));
      }
    }
    SensorSignals.Dataset noisy = SensorSignals.generate(3, 4, 64, 10, 0.5, 5);
    assertThat(noisy.samples()[0]).isNotEqualTo(a.samples()[0]);
    assertThat(noisy.labels()).containsExactly(a.labels());
  }
}
