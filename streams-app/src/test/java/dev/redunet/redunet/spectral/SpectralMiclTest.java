package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.data.Shifts;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingMode;
import dev.redunet.micl.MiclModel;
import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The frequency-domain MICL of the shift-augmented classes equals MICL on the explicitly augmented
 * sets, and is exactly invariant to cyclic shifts of its input (MICL_SPEC §9).
 */
class SpectralMiclTest {

  private static final double RELATIVE = 1e-9;

  @AutoClose private final MathExecutor math = MathExecutor.create(3, "test-math");

  @ParameterizedTest(name = "C={0}, {1} x {2}, {3}, eps²={4}, unit norm {5}")
  @CsvSource({
    "2,1,8,AFFINE,0.5,true",
    "2,1,8,LINEAR,0.5,true",
    "3,1,5,AFFINE,0.1,false",
    "2,3,4,AFFINE,0.5,true",
    "2,3,4,LINEAR,0.2,false",
    "1,2,3,AFFINE,1.0,true"
  })
  void equalsBruteForceMiclOnTheExplicitlyShiftAugmentedClasses(
      int channels, int h, int w, CodingMode mode, double epsSq, boolean unitNorm) {
    SignalShape shape = new SignalShape(channels, h, w);
    // classes of 4, 3 and 1 samples, and an empty class 3
    int[] labels = {0, 1, 0, 2, 1, 0, 1, 0};
    int classes = 4;
    double[][] train = signals(shape, labels.length, 21, unitNorm);
    double[][] queries = concat(signals(shape, 5, 22, unitNorm), train[3], train[0]);

    SpectralMicl spectral =
        SpectralMicl.build(
            SpectralStatistics.perClass(
                SpectralBatch.fromSignals(shape, train), labels, classes, math),
            epsSq,
            mode,
            math);
    double[][] fast = spectral.deltaL(SpectralBatch.fromSignals(shape, queries), math);

    List<ClassStatistics> augmented = new ArrayList<>();
    for (int j = 0; j < classes; j++) {
      List<double[]> members = new ArrayList<>();
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == j) {
          members.addAll(Arrays.asList(Shifts.all(train[i], shape)));
        }
      }
      augmented.add(
          members.isEmpty()
              ? ClassStatistics.empty(shape.size())
              : ClassStatistics.of(members.toArray(double[][]::new)));
    }
    MiclModel bruteForce = MiclModel.build(augmented, epsSq, mode);
    for (int q = 0; q < queries.length; q++) {
      double[] expected = bruteForce.deltaL(queries[q]);
      assertThat(fast[q][3]).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(expected[3]).isEqualTo(Double.POSITIVE_INFINITY);
      for (int j = 0; j < 3; j++) {
        assertRelativelyClose(fast[q][j], expected[j], "query " + q + ", class " + j);
      }
      assertThat(MiclModel.argmin(fast[q])).isEqualTo(MiclModel.argmin(expected));
    }
  }

  @ParameterizedTest(name = "C={0}, {1} x {2}, {3}")
  @CsvSource({"3,1,16,AFFINE", "3,1,15,LINEAR", "2,4,5,AFFINE", "2,3,3,LINEAR"})
  void everyCyclicShiftOfASampleGetsTheSameLabelAndScores(
      int channels, int h, int w, CodingMode mode) {
    SignalShape shape = new SignalShape(channels, h, w);
    int classes = 3;
    SpectralMicl micl = trained(shape, 30, classes, mode, 31);
    double[][] test = SpectralFixtures.signals(shape, 4, classes, 32);
    for (double[] x : test) {
      double[][] shifts = Shifts.all(x, shape);
      double[][] scores = micl.deltaL(SpectralBatch.fromSignals(shape, shifts), math);
      int[] predicted = micl.classify(SpectralBatch.fromSignals(shape, shifts), math);
      for (int s = 0; s < shifts.length; s++) {
        assertThat(predicted[s]).as("shift %d", s).isEqualTo(predicted[0]);
        for (int j = 0; j < classes; j++) {
          assertRelativelyClose(scores[s][j], scores[0][j], "shift " + s + ", class " + j);
        }
      }
      // not vacuous: the shifts do move the signal, and the classes score differently
      assertThat(shifts[1]).isNotEqualTo(shifts[0]);
      assertThat(Math.abs(scores[0][0] - scores[0][1])).isGreaterThan(1.0);
    }
  }

  @ParameterizedTest(name = "C={0}, {1} x {2}")
  @CsvSource({"8,1,64", "3,1,50", "3,8,8", "2,5,7"})
  void randomShiftsKeepTheLabelAndTheScores(int channels, int h, int w) {
    SignalShape shape = new SignalShape(channels, h, w);
    int classes = 4;
    SpectralMicl micl = trained(shape, 80, classes, CodingMode.AFFINE, 41);
    double[][] test = SpectralFixtures.signals(shape, 40, classes, 42);
    SplittableRandom random = new SplittableRandom(43);
    double[][] shifted = new double[test.length][];
    for (int i = 0; i < test.length; i++) {
      shifted[i] = Shifts.shift(test[i], shape, random.nextInt(h), random.nextInt(w));
    }
    double[][] a = micl.deltaL(SpectralBatch.fromSignals(shape, test), math);
    double[][] b = micl.deltaL(SpectralBatch.fromSignals(shape, shifted), math);
    for (int i = 0; i < test.length; i++) {
      assertThat(MiclModel.argmin(b[i])).isEqualTo(MiclModel.argmin(a[i]));
      for (int j = 0; j < classes; j++) {
        assertRelativelyClose(b[i][j], a[i][j], "sample " + i + ", class " + j);
      }
    }
  }

  @Test
  void classifiesClassPatternsAtRandomDelays() {
    SignalShape shape = SignalShape.of1d(3, 32);
    int classes = 4;
    SpectralMicl micl = trained(shape, 80, classes, CodingMode.AFFINE, 51);
    double[][] test = SpectralFixtures.signals(shape, 200, classes, 52);
    int[] truth = SpectralFixtures.labels(200, classes);
    int[] predicted = micl.classify(SpectralBatch.fromSignals(shape, test), math);
    int right = 0;
    for (int i = 0; i < truth.length; i++) {
      right += predicted[i] == truth[i] ? 1 : 0;
    }
    assertThat(right / 200.0).isGreaterThanOrEqualTo(0.95);
  }

  @Test
  void scoresDoNotDependOnTheNumberOfThreads() {
    SignalShape shape = SignalShape.of2d(2, 6, 5);
    double[][] train = SpectralFixtures.signals(shape, 40, 3, 61);
    int[] labels = SpectralFixtures.labels(40, 3);
    SpectralBatch test =
        SpectralBatch.fromSignals(shape, SpectralFixtures.signals(shape, 70, 3, 62));
    SpectralMicl one =
        SpectralMicl.build(
            SpectralStatistics.perClass(SpectralBatch.fromSignals(shape, train), labels, 3),
            0.5,
            CodingMode.AFFINE,
            MathExecutor.sequential());
    SpectralMicl three =
        SpectralMicl.build(
            SpectralStatistics.perClass(SpectralBatch.fromSignals(shape, train), labels, 3, math),
            0.5,
            CodingMode.AFFINE,
            math);
    assertThat(three.deltaL(test, math)).isDeepEqualTo(one.deltaL(test));
  }

  @Test
  void rejectsStatisticsOfMixedShapesAndBatchesOfAnotherShape() {
    SignalShape shape = SignalShape.of1d(2, 8);
    SpectralStatistics a = SpectralStatistics.empty(new SpectralGrid(1, 8), 2);
    SpectralStatistics b = SpectralStatistics.empty(new SpectralGrid(1, 8), 3);
    assertThatThrownBy(
            () -> SpectralMicl.build(new SpectralStatistics[] {a, b}, 0.5, CodingMode.AFFINE, math))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("C = 3");
    assertThatThrownBy(
            () -> SpectralMicl.build(new SpectralStatistics[] {a}, 0.5, CodingMode.AFFINE, math))
        .hasMessageContaining("at least one sample");
    SpectralMicl micl = trained(shape, 6, 2, CodingMode.AFFINE, 71);
    SpectralBatch other =
        SpectralBatch.fromSignals(SignalShape.of1d(2, 9), new double[][] {new double[18]});
    assertThatThrownBy(() -> micl.deltaL(other)).hasMessageContaining("cannot score");
  }

  private SpectralMicl trained(SignalShape shape, int m, int classes, CodingMode mode, long seed) {
    double[][] train = SpectralFixtures.signals(shape, m, classes, seed);
    return SpectralMicl.build(
        SpectralStatistics.perClass(
            SpectralBatch.fromSignals(shape, train),
            SpectralFixtures.labels(m, classes),
            classes,
            math),
        0.5,
        mode,
        math);
  }

  private static double[][] signals(SignalShape shape, int m, long seed, boolean unitNorm) {
    double[][] x = SpectralFixtures.signals(shape, m, 3, seed);
    if (unitNorm) {
      for (double[] row : x) {
        double n = Math.sqrt(Arrays.stream(row).map(v -> v * v).sum());
        for (int i = 0; i < row.length; i++) {
          row[i] /= n;
        }
      }
    }
    return x;
  }

  private static double[][] concat(double[][] a, double[]... more) {
    double[][] out = Arrays.copyOf(a, a.length + more.length);
    System.arraycopy(more, 0, out, a.length, more.length);
    return out;
  }

  private static void assertRelativelyClose(double actual, double expected, String what) {
    assertThat(Math.abs(actual - expected))
        .as("%s: %s against %s", what, actual, expected)
        .isLessThanOrEqualTo(RELATIVE * Math.abs(expected));
  }
}
