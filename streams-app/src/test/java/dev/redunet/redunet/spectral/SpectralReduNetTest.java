package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.Layer;
import dev.redunet.redunet.ReduNet;
import dev.redunet.redunet.ReduNetCodec;
import dev.redunet.signal.SignalShape;
import java.io.IOException;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** Spectral layers behind the common {@link Layer} interface, in a {@link ReduNet}. */
class SpectralReduNetTest {

  @AutoClose private final MathExecutor math = MathExecutor.create(4, "test-math");

  private static final SignalShape SHAPE = SignalShape.of2d(2, 4, 5);

  @Test
  void aReduNetOfSpectralLayersComputesTheSpectralNetworkAndSurvivesTheCodec() throws IOException {
    double[][] train = SpectralFixtures.signals(SHAPE, 12, 2, 51);
    int[] classes = SpectralFixtures.labels(12, 2);
    double[][] test = SpectralFixtures.signals(SHAPE, 3, 2, 52);
    SpectralNetwork identity = new SpectralNetwork(SHAPE, List.of());
    SpectralParameters p = new SpectralParameters(0.5, 0.5, 100);
    SpectralConstruction.Result built =
        SpectralConstruction.run(
            identity.preprocess(train),
            classes,
            new int[] {7, 3},
            3,
            p,
            TrainingMembership.SOFTMAX,
            List.of(),
            true,
            math,
            null);
    ReduNet net =
        built.network(
            SpectralConstruction.provenance(
                "fixture",
                OptionalLong.of(51),
                SHAPE,
                3,
                p,
                TrainingMembership.SOFTMAX,
                new int[] {7, 3},
                new double[] {6, 6}));
    assertThat(net.layers()).allSatisfy(l -> assertThat(l.tag()).isEqualTo(SpectralLayer.TAG));
    assertThat(net.layers().get(0).classLabels()).containsExactly(7, 3);
    assertThat(net.layers().get(0).inputDimension()).isEqualTo(SHAPE.size());

    double[][] expected = new SpectralNetwork(SHAPE, built.layers()).features(test);
    Matrix got = net.transform(Matrix.fromColumns(test));
    assertThat(got.maxAbsDifference(Matrix.fromColumns(expected))).isLessThan(1e-12);
    Matrix pi = net.layers().get(1).membership(Matrix.fromColumns(test).normalizeColumns());
    assertThat(pi.rows()).isEqualTo(2);

    ReduNetCodec codec =
        ReduNetCodec.of(
            java.util.Map.of(
                dev.redunet.redunet.VectorLayer.TAG,
                dev.redunet.redunet.VectorLayer::readPayload,
                SpectralLayer.TAG,
                SpectralLayer::readPayload));
    ReduNet back = codec.fromBytes(codec.toBytes(net));
    // To rounding, not bit for bit: the forward keeps or recomputes the class products depending
    // on the memory free at run time, which changes the order of the additions.
    assertThat(back.transform(Matrix.fromColumns(test)).maxAbsDifference(got)).isLessThan(1e-14);
    assertThat(back.provenance()).isEqualTo(net.provenance());
    assertThat(back.layerRates()).isEqualTo(net.layerRates());
  }
}
