package dev.redunet.micl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.learn.MiclLearner;
import dev.redunet.testing.GoldenVectors;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MiclLearnerTest {

  private static final double TOL = 1e-9;

  @Test
  void forgettingLearnerReproducesTheDecayVectorStepByStep() {
    JsonNode root = GoldenVectors.load("micl_decay.json");
    JsonNode conv = root.get("conventions");
    MiclLearner learner =
        new MiclLearner(
            conv.get("D").asInt(),
            new MiclLearner.Settings(
                conv.get("eps2").asDouble(),
                CodingMode.AFFINE,
                conv.get("lambda_").asDouble(),
                1,
                false));
    for (JsonNode step : root.get("prequential_steps")) {
      double[] x = GoldenVectors.doubles(step.get("x"));
      JsonNode expected = step.get("deltaL");
      if (step.get("predicted").isNull()) {
        assertThat(learner.model()).isEmpty();
        assertThat(learner.predict(new double[][] {x})).containsExactly(-1);
      } else {
        MiclModel model = learner.model().orElseThrow();
        double[] delta = model.deltaL(x);
        for (int j = 0; j < expected.size(); j++) {
          double n = j < model.numClasses() ? model.statistics(j).count() : 0.0;
          assertClose(n, step.get("N_before").get(j).asDouble());
          if (expected.get(j).isNull()) {
            assertThat(j >= delta.length || delta[j] == Double.POSITIVE_INFINITY).isTrue();
          } else {
            assertClose(delta[j], expected.get(j).asDouble());
          }
        }
        assertThat(learner.predict(new double[][] {x}))
            .containsExactly(step.get("predicted").asInt());
      }
      learner.learn(x, step.get("label").asInt());
    }
    assertThat(learner.labelledCount()).isEqualTo(root.get("final_tick").asLong());
    MiclModel model = learner.model().orElseThrow();
    for (int j = 0; j < 3; j++) {
      JsonNode ref = root.get("final_stats").get(j);
      assertClose(model.statistics(j).count(), ref.get("n").asDouble());
      ClassStatisticsTest.assertVectorClose(
          model.statistics(j).mean(), GoldenVectors.doubles(ref.get("mean")), TOL);
      ClassStatisticsTest.assertMatrixClose(
          model.statistics(j).scatter(), GoldenVectors.rows(ref.get("scatter_centered")), TOL);
    }
    for (JsonNode q : root.get("final_queries")) {
      double[] x = GoldenVectors.doubles(q.get("x"));
      double[] inc = model.increments(x);
      double[] delta = model.deltaL(x);
      for (JsonNode pc : q.get("per_class")) {
        int j = pc.get("cls").asInt();
        assertClose(model.codingLength(j), pc.get("L_before").asDouble());
        assertClose(inc[j], pc.get("increment").asDouble());
        assertClose(model.labelCost(j), pc.get("label_cost").asDouble());
        assertClose(delta[j], pc.get("deltaL").asDouble());
      }
      assertThat(model.classify(x)).isEqualTo(q.get("argmin").asInt());
    }
  }

  @Test
  void theModelIsFrozenBetweenRefreshesAndEqualsABatchModelAtEachRefresh() {
    Random rnd = new Random(41);
    int d = 6;
    MiclLearner learner = new MiclLearner(d, MiclLearner.Settings.of(0.5, 10));
    ClassStatistics[] reference = {ClassStatistics.empty(d), ClassStatistics.empty(d)};
    assertThat(learner.stableHorizon()).isEqualTo(10);
    for (int t = 0; t < 25; t++) {
      int label = t % 3 == 0 ? 1 : 0;
      double[] x = ClassStatisticsTest.gaussian(rnd, 1, d, label)[0];
      MiclModel before = learner.model().orElse(null);
      learner.learn(x, label);
      reference[label] = reference[label].plus(x);
      if ((t + 1) % 10 == 0) {
        MiclModel expected = MiclModel.build(java.util.List.of(reference), 0.5, CodingMode.AFFINE);
        MiclModel actual = learner.model().orElseThrow();
        double[] q = ClassStatisticsTest.gaussian(rnd, 1, d, 0.5)[0];
        double[] a = actual.deltaL(q);
        double[] e = expected.deltaL(q);
        for (int j = 0; j < 2; j++) {
          assertThat(GoldenVectors.close(a[j], e[j], 1e-11, 1e-12)).isTrue();
        }
        assertThat(learner.stableHorizon()).isEqualTo(10);
      } else {
        assertThat(learner.model().orElse(null)).isSameAs(before);
        assertThat(learner.stableHorizon()).isEqualTo(10 - (t + 1) % 10);
      }
    }
  }

  @Test
  void badSettingsAndLabelsAreRejected() {
    assertThatThrownBy(() -> new MiclLearner.Settings(0.5, CodingMode.AFFINE, 0.0, 10, false))
        .hasMessageContaining("forgetting");
    assertThatThrownBy(() -> new MiclLearner.Settings(0.5, CodingMode.AFFINE, 1.0, 0, false))
        .hasMessageContaining("refreshEvery");
    MiclLearner learner = new MiclLearner(2, MiclLearner.Settings.of(0.5, 1));
    assertThatThrownBy(() -> learner.learn(new double[2], -1)).hasMessageContaining("label");
  }

  private static void assertClose(double actual, double expected) {
    assertThat(GoldenVectors.close(actual, expected, TOL, 1e-12))
        .as("%s vs %s", actual, expected)
        .isTrue();
  }
}
