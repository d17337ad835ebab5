package dev.redunet.redunet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.data.GaussianMixtures;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.Parameters;
import dev.redunet.redunet.ForwardConstruction.RateEvaluation;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.classify.NearestSubspace;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The paper's Gaussian experiments (REDUNET_SPEC §5, §7): 500 samples per class, ε² = 0.1, η = 0.5,
 * λ = 500, L = 2000. ΔR must reach the closed-form maximum of k = d orthogonal collapsed classes,
 * d/2·ln(1 + d·m_j/(m ε²)) − ½ ln(1 + d/ε²), and nearest subspace must classify the test set
 * perfectly.
 */
class GaussianMixtureConstructionTest {

  @ParameterizedTest(name = "{0}D, seed {1}")
  @CsvSource({"2, 1, 1, 0.875634", "3, 2, 2, 1.879849"})
  void deltaRReachesTheClosedFormMaximumAndNearestSubspaceIsPerfect(
      int dims, long seed, int components, double quoted) {
    GaussianMixtures.Split data = GaussianMixtures.trainTest(dims, 500, seed);
    Parameters p =
        new Parameters(
            2000, 0.1, 0.5, 500, TrainingMembership.SOFTMAX, RateEvaluation.PREDICTED_TORCH);
    ForwardConstruction.Result result =
        ForwardConstruction.with(p)
            .withSeed(seed)
            .withSource("gaussian" + dims + "d")
            .fit(data.train().features(), data.train().labels());
    ReduNet net = result.network();
    List<Rates> rates = net.layerRates();
    assertThat(rates).hasSize(2000);

    double closedForm =
        dims / 2.0 * Math.log(1 + dims / (dims * 0.1)) - 0.5 * Math.log(1 + dims / 0.1);
    assertThat(closedForm).isCloseTo(quoted, within(1e-6));
    assertThat(rates.get(1999).deltaR()).isCloseTo(closedForm, within(1e-4));
    // ΔR never exceeds its maximum and climbs from the first layer.
    assertThat(rates.stream().mapToDouble(Rates::deltaR).max().orElseThrow())
        .isLessThan(closedForm + 1e-9);
    assertThat(rates.get(1999).deltaR()).isGreaterThan(rates.get(0).deltaR());

    NearestSubspace ns =
        NearestSubspace.fit(result.trainFeatures(), data.train().labels(), components);
    assertThat(ns.accuracy(result.trainFeatures(), data.train().labels())).isEqualTo(1.0);
    assertThat(ns.accuracy(net.transform(data.test().features()), data.test().labels()))
        .isEqualTo(1.0);
    assertThat(net.provenance().seed()).hasValue(seed);
    assertThat(net.provenance().classCounts()).containsOnly(500.0);
  }
}
