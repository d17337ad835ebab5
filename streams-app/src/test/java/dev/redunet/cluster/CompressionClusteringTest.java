package dev.redunet.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;
import dev.redunet.testing.GoldenVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CompressionClusteringTest {

  private static final double TOL = 1e-9;

  @Test
  void bothGoldenRunsReproduceEveryMergeAndTheFinalPartition() {
    JsonNode root = GoldenVectors.load("cluster_greedy.json");
    for (JsonNode run : root.get("runs")) {
      CodingMode mode = run.get("affine").asBoolean() ? CodingMode.AFFINE : CodingMode.LINEAR;
      double[][] points = GoldenVectors.rows(run.get("points"));
      ClusteringResult r = CompressionClustering.cluster(points, run.get("eps2").asDouble(), mode);
      String name = run.get("name").asText();

      JsonNode steps = run.get("steps");
      assertClose(r.initialLength(), steps.get(0).get("Lc").asDouble(), name + " step 0");
      assertThat(r.steps()).hasSize(run.get("n_merges").asInt()).hasSize(steps.size() - 1);
      for (int i = 1; i < steps.size(); i++) {
        JsonNode e = steps.get(i);
        MergeStep a = r.steps().get(i - 1);
        assertThat(new int[] {a.keyA(), a.keyB()})
            .as("%s step %d", name, i)
            .containsExactly(e.get("merged").get(0).asInt(), e.get("merged").get(1).asInt());
        assertClose(a.delta(), e.get("delta").asDouble(), name + " delta " + i);
        assertClose(a.totalLength(), e.get("Lc").asDouble(), name + " Lc " + i);
        assertThat(a.groups()).isEqualTo(e.get("n_groups").asInt());
      }
      assertClose(r.finalLength(), run.get("final_Lc").asDouble(), name + " final");
      assertThat(r.assignment()).containsExactly(intArray(run.get("result_labels")));
      assertThat(r.assignment()).containsExactly(intArray(run.get("ground_truth")));
      for (int g = 0; g < r.numGroups(); g++) {
        JsonNode eg = run.get("final_groups").get(g);
        assertThat(r.members(g)).containsExactly(intArray(eg.get("members")));
        assertClose(r.groupLength(g), eg.get("L").asDouble(), name + " L group " + g);
      }
    }
  }

  @Test
  void theEpsilonSweepsGiveTheReferenceGroupCounts() {
    JsonNode root = GoldenVectors.load("cluster_greedy.json");
    for (JsonNode run : root.get("runs")) {
      CodingMode mode = run.get("affine").asBoolean() ? CodingMode.AFFINE : CodingMode.LINEAR;
      double[][] points = GoldenVectors.rows(run.get("points"));
      int[] truth = intArray(run.get("ground_truth"));
      for (JsonNode sweep : run.get("eps_sweep")) {
        double eps = sweep.get("eps").asDouble();
        ClusteringResult r = CompressionClustering.cluster(points, eps * eps, mode);
        assertThat(r.numGroups())
            .as("%s eps=%s", run.get("name").asText(), eps)
            .isEqualTo(sweep.get("n_groups").asInt());
        assertThat(java.util.Arrays.equals(r.assignment(), truth))
            .isEqualTo(sweep.get("equals_truth").asBoolean());
      }
    }
  }

  @Test
  void greedyMergesEqualAnExhaustiveScanAndTheLengthMatchesEquationSix() {
    // Three clouds around 2·e_0, 2·e_1, 2·e_2. Brute force: at every step recompute Δ for all
    // pairs from the raw points and take the minimum.
    Random rnd = new Random(71);
    int m = 14;
    int d = 4;
    double[][] pts = new double[m][d];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < d; j++) {
        pts[i][j] = (j == i % 3 ? 2.0 : 0.0) + 0.05 * rnd.nextGaussian() * (j + 1);
      }
    }
    for (CodingMode mode : CodingMode.values()) {
      double epsSq = 0.05;
      ClusteringResult r = CompressionClustering.cluster(pts, epsSq, mode);
      List<List<Integer>> groups = new ArrayList<>();
      for (int i = 0; i < m; i++) {
        groups.add(new ArrayList<>(List.of(i)));
      }
      for (MergeStep step : r.steps()) {
        double best = Double.POSITIVE_INFINITY;
        int ba = -1;
        int bb = -1;
        for (int a = 0; a < groups.size(); a++) {
          for (int b = a + 1; b < groups.size(); b++) {
            List<Integer> u = new ArrayList<>(groups.get(a));
            u.addAll(groups.get(b));
            double delta =
                total(List.of(u), pts, epsSq, mode, m)
                    - total(List.of(groups.get(a), groups.get(b)), pts, epsSq, mode, m);
            if (delta < best) {
              best = delta;
              ba = a;
              bb = b;
            }
          }
        }
        assertThat(best).isCloseTo(step.delta(), org.assertj.core.api.Assertions.within(1e-9));
        groups.get(ba).addAll(groups.get(bb));
        groups.remove(bb);
        assertThat(step.totalLength())
            .isCloseTo(
                total(groups, pts, epsSq, mode, m), org.assertj.core.api.Assertions.within(1e-9));
      }
      assertThat(r.numGroups()).isEqualTo(groups.size());
      assertThat(r.numGroups()).isEqualTo(3);
    }
  }

  @Test
  void clusteringFromStatisticsStopsAtTheRequestedNumberOfGroups() {
    Random rnd = new Random(72);
    List<ClassStatistics> initial = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      double[][] x = new double[5][3];
      for (double[] row : x) {
        for (int j = 0; j < 3; j++) {
          row[j] = (i % 2 == 0 ? 1 : -1) * (j + 1) + 0.01 * rnd.nextGaussian();
        }
      }
      initial.add(ClassStatistics.of(x));
    }
    ClusteringResult two = CompressionClustering.cluster(initial, 0.01, CodingMode.AFFINE, 1);
    assertThat(two.numGroups()).isEqualTo(2);
    assertThat(two.members(0)).containsExactly(0, 2, 4, 6);
    ClusteringResult four = CompressionClustering.cluster(initial, 0.01, CodingMode.AFFINE, 4);
    assertThat(four.numGroups()).isEqualTo(4);
    assertThat(four.steps()).hasSize(4);
  }

  @Test
  void invalidInputIsRejected() {
    assertThatThrownBy(
            () ->
                CompressionClustering.cluster(new double[][] {{1, 2}, {3}}, 0.1, CodingMode.AFFINE))
        .hasMessageContaining("point 1 has length 1");
    assertThatThrownBy(() -> CompressionClustering.cluster(List.of(), 0.1, CodingMode.AFFINE, 1))
        .hasMessageContaining("nothing");
    assertThatThrownBy(
            () -> CompressionClustering.cluster(new double[][] {{1}}, 0, CodingMode.AFFINE))
        .hasMessageContaining("epsSq");
  }

  private static double total(
      List<List<Integer>> groups, double[][] pts, double epsSq, CodingMode mode, int m) {
    double sum = 0.0;
    for (List<Integer> g : groups) {
      double[][] x = new double[g.size()][];
      for (int i = 0; i < x.length; i++) {
        x[i] = pts[g.get(i)];
      }
      int n = x.length;
      sum +=
          CodingLength.of(ClassStatistics.of(x), epsSq, mode)
              - n * Math.log((double) n / m) / Math.log(2);
    }
    return sum;
  }

  private static int[] intArray(JsonNode node) {
    int[] out = new int[node.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = node.get(i).asInt();
    }
    return out;
  }

  private static void assertClose(double actual, double expected, String what) {
    assertThat(GoldenVectors.close(actual, expected, TOL, 1e-12))
        .as("%s: %s vs %s", what, actual, expected)
        .isTrue();
  }
}
