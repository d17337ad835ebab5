package dev.redunet.rate;

import static dev.redunet.testing.GoldenVectors.ints;
import static dev.redunet.testing.GoldenVectors.matrix;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.CodingRates.ClassTerm;
import dev.redunet.rate.CodingRates.Form;
import dev.redunet.testing.GoldenVectors;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** vector_rates.json: R, R^c, ΔR, per-class terms, E Z and ∂ΔR/∂Z for ε² ∈ {0.5, 0.25}. */
class CodingRatesGoldenTest {

  private static final double TOL = 1e-10;
  private static final JsonNode FILE = GoldenVectors.load("vector_rates.json");
  private static final Matrix Z = matrix(FILE.get("Z"));
  private static final int[] LABELS = ints(FILE.get("labels"));

  static Stream<Arguments> blocks() {
    Stream.Builder<Arguments> b = Stream.builder();
    for (JsonNode r : FILE.get("results")) {
      for (Form form : Form.values()) {
        b.add(Arguments.of(r.get("eps_sq").asDouble(), form, r));
      }
    }
    return b.build();
  }

  @ParameterizedTest(name = "eps_sq={0}, {1} form")
  @MethodSource("blocks")
  void ratesMatchTheReferenceInEveryForm(double epsSq, Form form, JsonNode expected) {
    assertThat(CodingRates.rate(Z, epsSq, form))
        .isCloseTo(expected.get("R").asDouble(), within(TOL));
    List<ClassTerm> terms = CodingRates.classTerms(Z, LABELS, epsSq, form);
    assertThat(terms).hasSize(3);
    double rc = 0;
    for (ClassTerm t : terms) {
      JsonNode pc = expected.get("per_class").get(t.label());
      assertThat(t.count()).isEqualTo(pc.get("m_j").asDouble());
      assertThat(t.alpha()).isCloseTo(pc.get("alpha_j").asDouble(), within(TOL));
      assertThat(t.halfLogDet()).isCloseTo(pc.get("half_logdet_j").asDouble(), within(TOL));
      rc += t.count() / Z.cols() * t.halfLogDet();
    }
    assertThat(rc).isCloseTo(expected.get("Rc").asDouble(), within(TOL));
  }

  @ParameterizedTest(name = "eps_sq={0}, {1} form")
  @MethodSource("blocks")
  void rateReductionMatchesTheReference(double epsSq, Form form, JsonNode expected) {
    Rates r = CodingRates.rates(Z, LABELS, epsSq);
    assertThat(r.r()).isCloseTo(expected.get("R").asDouble(), within(TOL));
    assertThat(r.rc()).isCloseTo(expected.get("Rc").asDouble(), within(TOL));
    assertThat(r.deltaR()).isCloseTo(expected.get("dR").asDouble(), within(TOL));
  }

  @ParameterizedTest(name = "eps_sq={0}, {1} form")
  @MethodSource("blocks")
  void gradientMatchesTheReference(double epsSq, Form form, JsonNode expected) {
    Matrix pi = matrix(FILE.get("Pi"));
    Matrix grad = CodingRates.gradient(Z, pi, epsSq, form);
    assertThat(grad.maxAbsDifference(matrix(expected.get("grad_dR_dZ")))).isLessThan(TOL);
    // The expansion part alone: a membership of all zeros leaves E Z.
    Matrix none = Matrix.ofColumnMajor(1, Z.cols(), new double[Z.cols()]);
    Matrix ez = CodingRates.gradient(Z, none, epsSq, form);
    assertThat(ez.maxAbsDifference(matrix(expected.get("EZ")))).isLessThan(TOL);
  }
}
