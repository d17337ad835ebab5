package dev.redunet.micl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.testing.GoldenVectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CodingLengthTest {

  @Test
  void affineLengthsOfTheGoldenClassesMatchTheReference() {
    JsonNode root = GoldenVectors.load("micl_static.json");
    double epsSq = root.get("conventions").get("eps2").asDouble();
    for (JsonNode cls : root.get("classes")) {
      ClassStatistics s = ClassStatistics.of(GoldenVectors.rows(cls.get("points")));
      double expected = cls.get("L").asDouble();
      assertThat(CodingLength.affine(s, epsSq)).isCloseTo(expected, within(1e-9 * expected));
      assertThat(CodingLength.of(s, epsSq, CodingMode.AFFINE))
          .isEqualTo(CodingLength.affine(s, epsSq));
    }
  }

  @Test
  void statisticsGiveTheSameLengthsAsSingularValuesOfTheRawPoints() {
    Random rnd = new Random(21);
    int d = 6;
    double epsSq = 0.3;
    for (int n : new int[] {1, 2, d - 1, d, d + 1, 3 * d}) {
      double[][] x = ClassStatisticsTest.gaussian(rnd, n, d, 0.7);
      ClassStatistics s = ClassStatistics.of(x);
      double affine = BruteForce.affine(x, epsSq);
      double linear = BruteForce.linear(x, epsSq);
      assertThat(CodingLength.affine(s, epsSq))
          .as("affine n=%d", n)
          .isCloseTo(affine, within(1e-11 * affine));
      assertThat(CodingLength.linear(s, epsSq))
          .as("linear n=%d", n)
          .isCloseTo(linear, within(1e-11 * linear));
    }
  }

  @Test
  void closedFormsOfSingletonsAndPairsEqualTheGeneralFormula() {
    Random rnd = new Random(22);
    int d = 5;
    double epsSq = 0.5;
    double[][] xy = ClassStatisticsTest.gaussian(rnd, 2, d, 0.4);
    ClassStatistics one = ClassStatistics.of(new double[][] {xy[0]});
    ClassStatistics two = ClassStatistics.of(xy);
    assertThat(CodingLength.affineSingleton(xy[0], epsSq))
        .isCloseTo(CodingLength.affine(one, epsSq), within(1e-12));
    assertThat(CodingLength.linearSingleton(xy[0], epsSq))
        .isCloseTo(CodingLength.linear(one, epsSq), within(1e-12));
    assertThat(CodingLength.affinePair(xy[0], xy[1], epsSq))
        .isCloseTo(CodingLength.affine(two, epsSq), within(1e-11));
    assertThat(CodingLength.linearPair(xy[0], xy[1], epsSq))
        .isCloseTo(CodingLength.linear(two, epsSq), within(1e-11));
  }

  @Test
  void theEmptyGroupCostsNothingAndLengthsAreNonNegative() {
    assertThat(CodingLength.affine(ClassStatistics.empty(4), 0.5)).isZero();
    assertThat(CodingLength.linear(ClassStatistics.empty(4), 0.5)).isZero();
    ClassStatistics origin = ClassStatistics.of(new double[][] {{0, 0, 0}, {0, 0, 0}});
    assertThat(CodingLength.affine(origin, 0.5)).isZero();
    assertThat(CodingLength.log2DetIPlusScaledScatter(origin, 3.0, CodingMode.LINEAR)).isZero();
  }

  @Test
  void coordinatesWithoutVarianceAreSkippedExactly() {
    // Columns 0, 3 and 6 are identically zero and column 4 is constant: the factorization runs on
    // the other coordinates only, and must agree with the full singular-value computation.
    Random rnd = new Random(23);
    int d = 7;
    double[][] x = ClassStatisticsTest.gaussian(rnd, 9, d, 1.0);
    for (double[] row : x) {
      row[0] = 0.0;
      row[3] = 0.0;
      row[6] = 0.0;
      row[4] = 2.5;
    }
    ClassStatistics s = ClassStatistics.of(x);
    assertThat(SpdFactor.activeSplit(s, CodingMode.AFFINE)[0]).containsExactly(1, 2, 5);
    assertThat(SpdFactor.activeSplit(s, CodingMode.LINEAR)[0]).containsExactly(1, 2, 4, 5);
    double affine = BruteForce.affine(x, 0.2);
    double linear = BruteForce.linear(x, 0.2);
    assertThat(CodingLength.affine(s, 0.2)).isCloseTo(affine, within(1e-11 * affine));
    assertThat(CodingLength.linear(s, 0.2)).isCloseTo(linear, within(1e-11 * linear));
  }

  @Test
  void aLargeFactorizationAgreesWithSingularValues() {
    // Exercises the blocked Cholesky (several panels, ragged last panel).
    Random rnd = new Random(24);
    int d = 83;
    double[][] x = ClassStatisticsTest.gaussian(rnd, 120, d, 0.1);
    double expected = BruteForce.affine(x, 0.5);
    assertThat(CodingLength.affine(ClassStatistics.of(x), 0.5))
        .isCloseTo(expected, within(1e-11 * expected));
  }

  @Test
  void invalidEpsilonIsRejected() {
    ClassStatistics s = ClassStatistics.empty(2);
    assertThatThrownBy(() -> CodingLength.affine(s, 0.0)).hasMessageContaining("epsSq");
    assertThatThrownBy(() -> CodingLength.linear(s, Double.NaN)).hasMessageContaining("epsSq");
    assertThatThrownBy(() -> CodingLength.log2DetIPlusScaledScatter(s, -1, CodingMode.AFFINE))
        .hasMessageContaining("scale a");
  }
}
