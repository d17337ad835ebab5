package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.rate.Rates;
import dev.redunet.signal.SignalShape;
import dev.redunet.testing.GoldenVectors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The spectral layer against {@code vectors/spectral1d.json} (REDUNET_SPEC §10 (c)): a float64
 * re-derivation of the reference {@code Fourier1D} (C = 2, T = 8, m = 6, k = 2, two layers, two
 * test signals), for λ ∈ {500, 10} × training membership ∈ {softmax, labels}.
 */
class SpectralLayerGoldenTest {

  @AutoClose private final MathExecutor math = MathExecutor.create(4, "test-math");

  private static final double TOL = 1e-10;
  private static JsonNode root;

  @BeforeAll
  static void load() {
    root = GoldenVectors.load("spectral1d.json");
  }

  static Stream<Arguments> runs() throws IOException {
    load();
    List<Arguments> out = new ArrayList<>();
    for (int r = 0; r < root.get("runs").size(); r++) {
      JsonNode run = root.get("runs").get(r);
      out.add(Arguments.of(run.get("lambda").asDouble(), run.get("train_membership").asText(), r));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "lambda {0}, training membership {1}")
  @MethodSource("runs")
  void operatorsMembershipOutputsAndRatesMatchTheReferenceLayerByLayer(
      double lambda, String membership, int runIndex) {
    JsonNode run = root.get("runs").get(runIndex);
    double[][][] x = tensor3(root.get("X"));
    double[][][] xTest = tensor3(root.get("X_test"));
    int c = x[0].length;
    int t = x[0][0].length;
    SignalShape shape = SignalShape.of1d(c, t);
    int[] labels = ints(root.get("labels"));
    SpectralParameters p =
        new SpectralParameters(run.get("eps_sq").asDouble(), run.get("eta").asDouble(), lambda);
    boolean byLabels = membership.equals("labels");
    assertThat(membership).isIn("softmax", "labels");

    SpectralBatch train = SpectralBatch.fromSignals(shape, flatten(x)).normalized();
    SpectralBatch test = SpectralBatch.fromSignals(shape, flatten(xTest)).normalized();
    JsonNode layers = run.get("per_layer");
    assertThat(layers.size()).isEqualTo(run.get("layers").asInt());
    for (int l = 0; l < layers.size(); l++) {
      JsonNode g = layers.get(l);
      SpectralLayer layer = SpectralLayer.build(SpectralStatistics.perClass(train, labels, 2), p);
      assertThat(layer.gamma()).containsExactly(doubles(g.get("gamma")), within(TOL));
      assertOperators(layer, g, c, t);

      SpectralLayer.Output out = layer.forward(train, byLabels ? labels : null, math);
      assertMatrix(out.membership(), matrix(g.get("train_pihat")), "train pihat layer " + l);
      assertThat(out.predictedClasses()).containsExactly(ints(g.get("train_yhat")));
      assertFrequency(out.features(), g.get("train_V_out_freq"), "train V layer " + l);
      assertSignals(out.features().toSignals(), tensor3(g.get("train_Z_out_time")), "train Z");

      Rates trueRates =
          SpectralRates.of(SpectralStatistics.perClass(out.features(), labels, 2), p.epsSq());
      assertRates(trueRates, g.get("train_rates_true_labels"));
      Rates logged =
          SpectralRates.of(
              SpectralStatistics.perClass(out.features(), out.predictedClasses(), 2), p.epsSq());
      assertRates(logged, g.get("train_rates_logged_by_reference"));

      SpectralLayer.Output testOut = layer.forward(test);
      assertMatrix(testOut.membership(), matrix(g.get("test_pihat")), "test pihat layer " + l);
      assertThat(testOut.predictedClasses()).containsExactly(ints(g.get("test_yhat")));
      assertFrequency(testOut.features(), g.get("test_V_out_freq"), "test V layer " + l);
      assertSignals(testOut.features().toSignals(), tensor3(g.get("test_Z_out_time")), "test Z");

      train = out.features();
      test = testOut.features();
    }
    assertSignals(train.toSignals(), tensor3(run.get("final_train_output_time")), "final train");
    assertSignals(
        test.toSignals(), tensor3(run.get("final_test_output_time").get(0)), "final test");
  }

  private static void assertOperators(SpectralLayer layer, JsonNode g, int c, int t) {
    SpectralGrid grid = layer.grid();
    JsonNode e = g.get("E_freq");
    JsonNode cs = g.get("C_freq");
    for (int f = 0; f < t; f++) {
      SpectralGrid.Location loc = grid.locate(0, f);
      assertOperatorAt(
          layer.expansionOperator(loc.bin()),
          loc.conjugate(),
          e.get("re"),
          e.get("im"),
          c,
          f,
          "E(" + f + ")");
      for (int j = 0; j < 2; j++) {
        assertOperatorAt(
            layer.compressionOperator(j, loc.bin()),
            loc.conjugate(),
            cs.get("re").get(j),
            cs.get("im").get(j),
            c,
            f,
            "C" + j + "(" + f + ")");
      }
    }
  }

  /** {@code ref[a][b][f]} is entry (a, b) of the operator at full-spectrum bin f. */
  private static void assertOperatorAt(
      double[][] op, boolean conj, JsonNode refRe, JsonNode refIm, int c, int f, String what) {
    for (int a = 0; a < c; a++) {
      for (int b = 0; b < c; b++) {
        double re = refRe.get(a).get(b).get(f).asDouble();
        double im = refIm.get(a).get(b).get(f).asDouble();
        assertThat(op[0][a * c + b])
            .as(what + " re[" + a + "][" + b + "]")
            .isCloseTo(re, within(TOL));
        assertThat(conj ? -op[1][a * c + b] : op[1][a * c + b])
            .as(what + " im[" + a + "][" + b + "]")
            .isCloseTo(im, within(TOL));
      }
    }
  }

  private static void assertFrequency(SpectralBatch v, JsonNode ref, String what) {
    double[][][] re = tensor3(ref.get("re"));
    double[][][] im = tensor3(ref.get("im"));
    SpectralGrid grid = v.grid();
    for (int i = 0; i < re.length; i++) {
      for (int c = 0; c < re[i].length; c++) {
        for (int f = 0; f < re[i][c].length; f++) {
          SpectralGrid.Location loc = grid.locate(0, f);
          double vi = v.im(loc.bin(), c, i);
          assertThat(v.re(loc.bin(), c, i))
              .as(what + " re sample " + i + " channel " + c + " bin " + f)
              .isCloseTo(re[i][c][f], within(TOL));
          assertThat(loc.conjugate() ? -vi : vi)
              .as(what + " im sample " + i + " channel " + c + " bin " + f)
              .isCloseTo(im[i][c][f], within(TOL));
        }
      }
    }
  }

  private static void assertSignals(double[][] actual, double[][][] expected, String what) {
    assertThat(actual).hasNumberOfRows(expected.length);
    for (int i = 0; i < expected.length; i++) {
      assertThat(actual[i])
          .as(what + " sample " + i)
          .containsExactly(flatten(expected)[i], within(TOL));
    }
  }

  private static void assertMatrix(double[][] actual, double[][] expected, String what) {
    assertThat(actual).hasNumberOfRows(expected.length);
    for (int j = 0; j < expected.length; j++) {
      assertThat(actual[j]).as(what + " row " + j).containsExactly(expected[j], within(TOL));
    }
  }

  private static void assertRates(Rates rates, JsonNode ref) {
    assertThat(rates.r()).as("R").isCloseTo(ref.get("R").asDouble(), within(TOL));
    assertThat(rates.rc()).as("Rc").isCloseTo(ref.get("Rc").asDouble(), within(TOL));
    assertThat(rates.deltaR()).as("dR").isCloseTo(ref.get("dR").asDouble(), within(TOL));
  }

  static double[] doubles(JsonNode n) {
    double[] out = new double[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asDouble();
    }
    return out;
  }

  static int[] ints(JsonNode n) {
    int[] out = new int[n.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = n.get(i).asInt();
    }
    return out;
  }

  static double[][] matrix(JsonNode n) {
    double[][] out = new double[n.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = doubles(n.get(i));
    }
    return out;
  }

  static double[][][] tensor3(JsonNode n) {
    double[][][] out = new double[n.size()][][];
    for (int i = 0; i < out.length; i++) {
      out[i] = matrix(n.get(i));
    }
    return out;
  }

  /** (m, C, T) → m flat samples with index c·T + t. */
  static double[][] flatten(double[][][] x) {
    double[][] out = new double[x.length][];
    for (int i = 0; i < x.length; i++) {
      int c = x[i].length;
      int t = x[i][0].length;
      out[i] = new double[c * t];
      for (int a = 0; a < c; a++) {
        System.arraycopy(x[i][a], 0, out[i], a * t, t);
      }
    }
    return out;
  }
}
