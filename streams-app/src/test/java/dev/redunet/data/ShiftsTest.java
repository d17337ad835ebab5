package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.signal.SignalShape;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShiftsTest {

  @Test
  void shiftRollsEveryChannelLikeNumpyRoll() {
    SignalShape shape = SignalShape.of1d(2, 5);
    double[] x = {0, 1, 2, 3, 4, 10, 11, 12, 13, 14};
    assertThat(Shifts.shift1d(x, shape, 2)).containsExactly(3, 4, 0, 1, 2, 13, 14, 10, 11, 12);
    assertThat(Shifts.shift1d(x, shape, -1)).containsExactly(1, 2, 3, 4, 0, 11, 12, 13, 14, 10);
    assertThat(Shifts.shift1d(x, shape, 5)).containsExactly(x);
  }

  @Test
  void shiftRollsImagesOnBothAxes() {
    SignalShape shape = SignalShape.of2d(1, 2, 3);
    double[] x = {1, 2, 3, 4, 5, 6};
    // roll by (1, 1): rows swap, columns rotate right
    assertThat(Shifts.shift(x, shape, 1, 1)).containsExactly(6, 4, 5, 3, 1, 2);
  }

  @Test
  void allShiftsListsEveryOffsetOnceAndReferenceOffsetsMatchTheReference() {
    SignalShape shape = SignalShape.of2d(1, 2, 3);
    double[] x = {1, 2, 3, 4, 5, 6};
    double[][] all = Shifts.all(x, shape);
    assertThat(all).hasNumberOfRows(6);
    assertThat(all[0]).containsExactly(x);
    assertThat(all[4]).containsExactly(Shifts.shift(x, shape, 1, 1));
    List<int[]> ref2d = Shifts.referenceOffsets(2, 4, true);
    assertThat(ref2d).hasSize(25);
    assertThat(ref2d.get(0)).containsExactly(-8, -8);
    assertThat(Shifts.referenceOffsets(2, 4, false))
        .extracting(o -> o[1])
        .containsExactly(-8, -4, 0, 4, 8);
  }
}
