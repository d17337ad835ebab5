package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.signal.SignalShape;
import java.util.List;
import java.util.SplittableRandom;
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

  @Test
  void randomlyShiftsEverySampleByItsOwnSeededOffsetWithinTheBound() {
    SignalShape shape = SignalShape.of2d(2, 5, 6);
    double[][] x = new double[40][shape.size()];
    SplittableRandom fill = new SplittableRandom(3);
    for (double[] row : x) {
      for (int q = 0; q < row.length; q++) {
        row[q] = fill.nextDouble();
      }
    }
    Shifts.Translated a = Shifts.randomly(x, shape, 1, new SplittableRandom(9));
    Shifts.Translated b = Shifts.randomly(x, shape, 1, new SplittableRandom(9));
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < x.length; i++) {
      int[] o = a.offsets()[i];
      assertThat(o[0]).isBetween(-1, 1);
      assertThat(o[1]).isBetween(-1, 1);
      seen.add(o[0] + "," + o[1]);
      assertThat(a.samples()[i]).containsExactly(Shifts.shift(x[i], shape, o[0], o[1]));
      assertThat(b.offsets()[i]).containsExactly(o);
    }
    // 40 draws from 9 offsets: all of them occur (seeded), so the offsets are not all alike.
    assertThat(seen).hasSize(9);
    // A bound beyond the half-width is cut to it: 1D offsets of T = 4 lie in [−2, 2].
    SignalShape line = SignalShape.of1d(1, 4);
    Shifts.Translated t =
        Shifts.randomly(new double[][] {{1, 2, 3, 4}}, line, 100, new SplittableRandom(1));
    assertThat(t.offsets()[0][0]).isZero();
    assertThat(t.offsets()[0][1]).isBetween(-2, 2);
  }
}
