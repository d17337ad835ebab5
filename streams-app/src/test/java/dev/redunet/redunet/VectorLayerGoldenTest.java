package dev.redunet.redunet;

import static dev.redunet.testing.GoldenVectors.doubles;
import static dev.redunet.testing.GoldenVectors.ints;
import static dev.redunet.testing.GoldenVectors.matrix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.Parameters;
import dev.redunet.redunet.ForwardConstruction.RateEvaluation;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.testing.GoldenVectors;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden operators, memberships, outputs and rates of vector_rates.json and vector_layers.json
 * (three layers, λ ∈ {500, 10} × training membership ∈ {softmax, labels}), at 1e-10.
 */
class VectorLayerGoldenTest {

  private static final double TOL = 1e-10;
  private static final JsonNode RATES = GoldenVectors.load("vector_rates.json");
  private static final JsonNode LAYERS = GoldenVectors.load("vector_layers.json");

  static Stream<JsonNode> rateBlocks() {
    Stream.Builder<JsonNode> b = Stream.builder();
    RATES.get("results").forEach(b::add);
    return b.build();
  }

  @ParameterizedTest(name = "eps_sq={0}")
  @MethodSource("rateBlocks")
  void operatorsBuiltFromStatisticsMatchTheReference(JsonNode expected) {
    Matrix z = matrix(RATES.get("Z"));
    int[] labels = ints(RATES.get("labels"));
    double epsSq = expected.get("eps_sq").asDouble();
    VectorLayer layer = VectorLayer.fromStatistics(LayerStatistics.of(z, labels), epsSq, 0.5, 500);
    assertThat(layer.classLabels()).containsExactly(0, 1, 2);
    assertThat(layer.gamma()).containsExactly(doubles(expected.get("gamma")), within(1e-15));
    assertThat(layer.expansion().maxAbsDifference(matrix(expected.get("E")))).isLessThan(TOL);
    for (int j = 0; j < 3; j++) {
      assertThat(layer.compression(j).maxAbsDifference(matrix(expected.get("C").get(j))))
          .as("C^%d", j)
          .isLessThan(TOL);
    }
  }

  static Stream<Arguments> runs() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (JsonNode run : LAYERS.get("runs")) {
      b.add(Arguments.of(run.get("lambda").asDouble(), run.get("train_membership").asText(), run));
    }
    return b.build();
  }

  @ParameterizedTest(name = "lambda={0}, membership={1}")
  @MethodSource("runs")
  void everyLayerMatchesTheReference(double lambda, String membership, JsonNode run) {
    Matrix zTrain = matrix(LAYERS.get("Z_in"));
    Matrix zTest = matrix(LAYERS.get("Z_test_in"));
    int[] labels = ints(LAYERS.get("labels"));
    TrainingMembership mode = TrainingMembership.valueOf(membership.toUpperCase(Locale.ROOT));
    Parameters p =
        new Parameters(
            run.get("layers").asInt(),
            run.get("eps_sq").asDouble(),
            run.get("eta").asDouble(),
            lambda,
            mode,
            RateEvaluation.TRUE_LABELS);
    ReduNet net = ForwardConstruction.with(p).fit(zTrain, labels).network();
    assertThat(net.depth()).isEqualTo(3);

    Matrix train = zTrain;
    Matrix test = zTest;
    for (int l = 0; l < 3; l++) {
      JsonNode expected = run.get("per_layer").get(l);
      VectorLayer layer = (VectorLayer) net.layer(l);
      assertThat(layer.gamma()).containsExactly(doubles(expected.get("gamma")), within(1e-15));
      assertThat(layer.expansion().maxAbsDifference(matrix(expected.get("E"))))
          .as("E of layer %d", l)
          .isLessThan(TOL);
      for (int j = 0; j < 3; j++) {
        assertThat(layer.compression(j).maxAbsDifference(matrix(expected.get("C").get(j))))
            .as("C^%d of layer %d", j, l)
            .isLessThan(TOL);
      }
      LayerOutput trainOut =
          layer.forward(train, mode == TrainingMembership.LABELS ? labels : null);
      LayerOutput testOut = layer.forward(test);
      assertThat(trainOut.membership().maxAbsDifference(matrix(expected.get("train_pihat"))))
          .as("train π̂ of layer %d", l)
          .isLessThan(TOL);
      assertThat(trainOut.features().maxAbsDifference(matrix(expected.get("train_Z_out"))))
          .as("train Z_out of layer %d", l)
          .isLessThan(TOL);
      assertThat(testOut.membership().maxAbsDifference(matrix(expected.get("test_pihat"))))
          .as("test π̂ of layer %d", l)
          .isLessThan(TOL);
      assertThat(testOut.features().maxAbsDifference(matrix(expected.get("test_Z_out"))))
          .as("test Z_out of layer %d", l)
          .isLessThan(TOL);
      assertThat(argmax(trainOut.membership())).containsExactly(ints(expected.get("train_yhat")));
      assertThat(argmax(testOut.membership())).containsExactly(ints(expected.get("test_yhat")));
      train = trainOut.features();
      test = testOut.features();
    }
    // The network's inference path is the per-layer test path.
    assertThat(net.transform(zTest).maxAbsDifference(test)).isLessThan(1e-15);
  }

  @ParameterizedTest(name = "lambda={0}, membership={1}")
  @MethodSource("runs")
  void recordedRatesMatchEveryReferenceConvention(double lambda, String membership, JsonNode run) {
    Matrix zTrain = matrix(LAYERS.get("Z_in"));
    int[] labels = ints(LAYERS.get("labels"));
    TrainingMembership mode = TrainingMembership.valueOf(membership.toUpperCase(Locale.ROOT));
    String[][] conventions = {
      {"TRUE_LABELS", "train_rates_true_labels"},
      {"PREDICTED_TORCH", "train_rates_logged_by_official_torch"},
      {"PREDICTED_PAPER", "train_rates_logged_by_redunet_paper_numpy"}
    };
    for (String[] c : conventions) {
      Parameters p =
          new Parameters(
              3,
              run.get("eps_sq").asDouble(),
              run.get("eta").asDouble(),
              lambda,
              mode,
              RateEvaluation.valueOf(c[0]));
      ReduNet net = ForwardConstruction.with(p).fit(zTrain, labels).network();
      for (int l = 0; l < 3; l++) {
        JsonNode expected = run.get("per_layer").get(l).get(c[1]);
        Rates r = net.layerRates().get(l);
        assertThat(r.r())
            .as("%s R layer %d", c[0], l)
            .isCloseTo(expected.get("R").asDouble(), within(TOL));
        assertThat(r.rc())
            .as("%s Rc layer %d", c[0], l)
            .isCloseTo(expected.get("Rc").asDouble(), within(TOL));
        assertThat(r.deltaR())
            .as("%s ΔR layer %d", c[0], l)
            .isCloseTo(expected.get("dR").asDouble(), within(TOL));
      }
    }
  }

  private static int[] argmax(Matrix pi) {
    int[] out = new int[pi.cols()];
    for (int i = 0; i < pi.cols(); i++) {
      for (int j = 1; j < pi.rows(); j++) {
        if (pi.get(j, i) > pi.get(out[i], i)) {
          out[i] = j;
        }
      }
    }
    return out;
  }
}
