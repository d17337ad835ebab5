package dev.redunet.micl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.testing.GoldenVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

class MiclModelTest {

  @AutoClose private final MathExecutor math = MathExecutor.create(4, "test-math");

  private static final double TOL = 1e-9;

  @Test
  void goldenQueriesGiveTheReferenceLengthsScoresAndClasses() {
    JsonNode root = GoldenVectors.load("micl_static.json");
    double epsSq = root.get("conventions").get("eps2").asDouble();
    List<ClassStatistics> classes = new ArrayList<>();
    for (JsonNode cls : root.get("classes")) {
      classes.add(ClassStatistics.of(GoldenVectors.rows(cls.get("points"))));
    }
    MiclModel model = MiclModel.build(classes, epsSq, CodingMode.AFFINE);
    for (int j = 0; j < classes.size(); j++) {
      JsonNode cls = root.get("classes").get(j);
      assertClose(model.codingLength(j), cls.get("L").asDouble());
      assertClose(model.labelCost(j), cls.get("label_cost_bits").asDouble());
    }
    List<double[]> queries = new ArrayList<>();
    for (JsonNode q : root.get("queries")) {
      double[] x = GoldenVectors.doubles(q.get("x"));
      queries.add(x);
      double[] inc = model.increments(x);
      double[] delta = model.deltaL(x);
      for (JsonNode pc : q.get("per_class")) {
        int j = pc.get("cls").asInt();
        assertClose(model.codingLength(j), pc.get("L_before").asDouble());
        assertClose(model.codingLength(j) + inc[j], pc.get("L_after").asDouble());
        assertClose(inc[j], pc.get("increment").asDouble());
        assertClose(model.labelCost(j), pc.get("label_cost").asDouble());
        assertClose(delta[j], pc.get("deltaL").asDouble());
      }
      assertThat(model.classify(x)).isEqualTo(q.get("argmin").asInt());
      double[] sorted = delta.clone();
      java.util.Arrays.sort(sorted);
      assertClose(sorted[1] - sorted[0], q.get("margin_bits").asDouble());
    }
    double[][] batch = model.deltaL(queries.toArray(new double[0][]));
    for (int b = 0; b < batch.length; b++) {
      assertThat(batch[b]).containsExactly(model.deltaL(queries.get(b)), within(1e-12));
    }
    assertThat(model.classify(queries.toArray(new double[0][]))).containsExactly(0, 1, 2, 0, 1, 0);
  }

  @Test
  void goldenEdgeCasesForEmptyAndSingletonClasses() {
    JsonNode edge = GoldenVectors.load("micl_static.json").get("edge_cases");
    double epsSq = 0.5;
    double[] x0 = GoldenVectors.doubles(edge.get("n0").get("x"));
    double[][] train = GoldenVectors.rows(edge.get("n1").get("train"));
    double[] x1 = GoldenVectors.doubles(edge.get("n1").get("x"));
    MiclModel model =
        MiclModel.build(
            List.of(ClassStatistics.empty(5), ClassStatistics.of(train)), epsSq, CodingMode.AFFINE);
    assertClose(model.increments(x0)[0], edge.get("n0").get("increment").asDouble());
    assertClose(model.codingLength(1), edge.get("n1").get("L_before").asDouble());
    assertClose(model.increments(x1)[1], edge.get("n1").get("increment").asDouble());
    assertClose(
        model.codingLength(1) + model.increments(x1)[1], edge.get("n1").get("L_after").asDouble());
    // The empty class has an infinite label cost and is never chosen.
    assertThat(model.deltaL(x0)[0]).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(model.labelCost(0)).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(model.classify(x0)).isEqualTo(1);
    assertThat(model.deltaL(new double[][] {x0})[0][0]).isEqualTo(Double.POSITIVE_INFINITY);
  }

  @Test
  void incrementalScoresEqualBruteForceRecomputationAroundTheDimension() {
    Random rnd = new Random(31);
    int d = 9;
    double epsSq = 0.4;
    for (CodingMode mode : CodingMode.values()) {
      for (int n : new int[] {0, 1, 2, d - 1, d, d + 1, 4 * d}) {
        double[][] train = ClassStatisticsTest.gaussian(rnd, n, d, 0.3);
        double[][] other = ClassStatisticsTest.gaussian(rnd, 5, d, -0.2);
        MiclModel model =
            MiclModel.build(List.of(statsOf(train, d), ClassStatistics.of(other)), epsSq, mode);
        double total = n + 5.0;
        for (int t = 0; t < 3; t++) {
          double[] x = ClassStatisticsTest.gaussian(rnd, 1, d, 0.1)[0];
          double before = brute(train, epsSq, mode);
          double after = brute(BruteForce.with(train, x), epsSq, mode);
          double inc = model.increments(x)[0];
          assertThat(inc)
              .as("%s n=%d", mode, n)
              .isCloseTo(after - before, within(1e-10 * Math.abs(after) + 1e-12));
          assertThat(model.codingLength(0)).isCloseTo(before, within(1e-10 * before + 1e-12));
          double[] delta = model.deltaL(x);
          if (n == 0) {
            assertThat(delta[0]).isEqualTo(Double.POSITIVE_INFINITY);
          } else {
            double expected = after - before - Math.log(n / total) / Math.log(2);
            assertThat(delta[0]).isCloseTo(expected, within(1e-10 * Math.abs(after)));
          }
          double otherAfter = brute(BruteForce.with(other, x), epsSq, mode);
          double otherExpected =
              otherAfter - brute(other, epsSq, mode) - Math.log(5 / total) / Math.log(2);
          assertThat(delta[1]).isCloseTo(otherExpected, within(1e-10 * otherAfter));
        }
      }
    }
  }

  @Test
  void batchScoresEqualSingleScoresAcrossBlocksAndThreads() {
    Random rnd = new Random(32);
    int d = 40;
    List<ClassStatistics> classes = new ArrayList<>();
    for (int j = 0; j < 4; j++) {
      double[][] x = ClassStatisticsTest.gaussian(rnd, 10 + 15 * j, d, 0.2 * j);
      for (double[] row : x) {
        row[j] = 0.0; // a structurally inactive coordinate per class
      }
      classes.add(ClassStatistics.of(x));
    }
    classes.add(ClassStatistics.empty(d));
    double[][] queries = ClassStatisticsTest.gaussian(rnd, 2 * MiclModel.BATCH_BLOCK + 7, d, 0.3);
    for (CodingMode mode : CodingMode.values()) {
      MiclModel model = MiclModel.build(classes, 0.5, mode);
      for (int j = 0; j < 4; j++) {
        assertThat(model.activeDimension(j)).isEqualTo(d - 1); // coordinate j is always zero
      }
      assertThat(model.activeDimension(4)).isZero();
      double[][] seq = model.deltaL(queries);
      double[][] par = model.deltaL(queries, math);
      for (int b = 0; b < queries.length; b++) {
        double[] single = model.deltaL(queries[b]);
        for (int j = 0; j < single.length; j++) {
          assertThat(seq[b][j]).isCloseTo(single[j], within(1e-10 * Math.abs(single[j])));
        }
        assertThat(par[b]).containsExactly(seq[b]);
        assertThat(seq[b][4]).isEqualTo(Double.POSITIVE_INFINITY);
      }
      int[] labels = model.classify(queries, math);
      for (int b = 0; b < queries.length; b++) {
        assertThat(labels[b]).isEqualTo(MiclModel.argmin(seq[b]));
      }
    }
  }

  @Test
  void updateRefactorsOnlyChangedClassesAndGivesTheSameScores() {
    Random rnd = new Random(33);
    ClassStatistics a = ClassStatistics.of(ClassStatisticsTest.gaussian(rnd, 8, 6, 1));
    ClassStatistics b = ClassStatistics.of(ClassStatisticsTest.gaussian(rnd, 8, 6, -1));
    MiclModel first = MiclModel.build(List.of(a, b), 0.5, CodingMode.AFFINE);
    ClassStatistics b2 = b.plus(new double[] {1, 2, 3, 4, 5, 6});
    MiclModel updated = first.update(List.of(a, b2));
    MiclModel fresh = MiclModel.build(List.of(a, b2), 0.5, CodingMode.AFFINE);
    double[] x = {0.5, -0.5, 1, 0, 2, 1};
    assertThat(updated.deltaL(x)).containsExactly(fresh.deltaL(x));
    assertThat(updated.statistics(1)).isSameAs(b2);
  }

  @Test
  void argminBreaksTiesTowardsTheSmallestIndex() {
    assertThat(MiclModel.argmin(new double[] {3, 1, 1, 2})).isEqualTo(1);
    assertThat(MiclModel.argmin(new double[] {Double.POSITIVE_INFINITY, 5})).isEqualTo(1);
  }

  @Test
  void invalidModelsAndQueriesAreRejected() {
    assertThatThrownBy(() -> MiclModel.build(List.of(), 0.5, CodingMode.AFFINE))
        .hasMessageContaining("at least one class");
    assertThatThrownBy(
            () -> MiclModel.build(List.of(ClassStatistics.empty(3)), 0.5, CodingMode.AFFINE))
        .hasMessageContaining("empty");
    ClassStatistics s = ClassStatistics.of(new double[][] {{1, 2, 3}});
    assertThatThrownBy(
            () -> MiclModel.build(List.of(s, ClassStatistics.empty(2)), 0.5, CodingMode.AFFINE))
        .hasMessageContaining("dimension");
    MiclModel model = MiclModel.build(List.of(s), 0.5, CodingMode.AFFINE);
    assertThatThrownBy(() -> model.deltaL(new double[2])).hasMessageContaining("length 2");
    assertThatThrownBy(() -> model.deltaL(new double[][] {{1, 2, 3}, {0, Double.NaN, 0}}))
        .hasMessageContaining("sample 1");
  }

  private static ClassStatistics statsOf(double[][] x, int d) {
    return x.length == 0 ? ClassStatistics.empty(d) : ClassStatistics.of(x);
  }

  private static double brute(double[][] points, double epsSq, CodingMode mode) {
    return mode == CodingMode.AFFINE
        ? BruteForce.affine(points, epsSq)
        : BruteForce.linear(points, epsSq);
  }

  private static void assertClose(double actual, double expected) {
    assertThat(GoldenVectors.close(actual, expected, TOL, 1e-12))
        .as("%s vs %s", actual, expected)
        .isTrue();
  }
}
