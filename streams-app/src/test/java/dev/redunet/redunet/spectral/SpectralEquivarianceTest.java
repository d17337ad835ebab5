package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.data.Shifts;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.signal.SignalShape;
import java.util.List;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Shifting the input of a spectral ReduNet shifts its features, and the network's own membership π̂
 * (a function of ‖Cʲ(f) v‖ only) does not change, at every layer.
 */
class SpectralEquivarianceTest {

  @AutoClose private final MathExecutor math = MathExecutor.create(4, "test-math");

  @ParameterizedTest(name = "C={0}, {1} x {2}, shift ({3}, {4})")
  @CsvSource({"3,1,16,0,5", "2,1,15,0,-4", "2,6,5,2,3", "3,4,4,-1,1"})
  void shiftingTheInputShiftsTheFeaturesAndKeepsTheMembership(
      int channels, int h, int w, int dh, int dw) {
    SignalShape shape = new SignalShape(channels, h, w);
    int classes = 3;
    double[][] train = SpectralFixtures.signals(shape, 24, classes, 10);
    int[] labels = SpectralFixtures.labels(24, classes);
    double[][] test = SpectralFixtures.signals(shape, 6, classes, 11);
    double[][] testShifted = new double[test.length][];
    for (int i = 0; i < test.length; i++) {
      testShifted[i] = Shifts.shift(test[i], shape, dh, dw);
    }
    SpectralParameters p = new SpectralParameters(0.1, 0.5, 50);
    SpectralNetwork empty = new SpectralNetwork(shape, List.of());
    SpectralConstruction.Result built =
        SpectralConstruction.run(
            empty.preprocess(train),
            labels,
            new int[] {0, 1, 2},
            4,
            p,
            TrainingMembership.SOFTMAX,
            List.of(),
            true,
            math,
            null);
    SpectralNetwork net = new SpectralNetwork(shape, built.layers());

    SpectralBatch a = net.preprocess(test);
    SpectralBatch b = net.preprocess(testShifted);
    assertThat(b.maxAbsDifference(a.shifted(shape.is1d() ? 0 : dh, dw))).isLessThan(1e-12);
    double maxMembershipChange = 0;
    for (SpectralLayer layer : net.layers()) {
      SpectralLayer.Output oa = layer.forward(a);
      SpectralLayer.Output ob = layer.forward(b);
      for (int j = 0; j < classes; j++) {
        for (int i = 0; i < test.length; i++) {
          maxMembershipChange =
              Math.max(maxMembershipChange, Math.abs(oa.membership(j, i) - ob.membership(j, i)));
        }
      }
      assertThat(ob.predictedClasses()).containsExactly(oa.predictedClasses());
      a = oa.features();
      b = ob.features();
    }
    assertThat(maxMembershipChange).isLessThan(1e-12);

    double[][] za = net.postprocess(a);
    double[][] zb = net.postprocess(b);
    double maxFeatureError = 0;
    for (int i = 0; i < test.length; i++) {
      double[] expected = Shifts.shift(za[i], shape, dh, dw);
      for (int k = 0; k < expected.length; k++) {
        maxFeatureError = Math.max(maxFeatureError, Math.abs(zb[i][k] - expected[k]));
      }
    }
    assertThat(maxFeatureError).isLessThan(1e-12);
    // the features moved: the test would be vacuous if the layers did nothing
    assertThat(net.postprocess(net.preprocess(test))[0]).isNotEqualTo(za[0]);
  }
}
