package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.signal.SignalShape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class SpectralLayerTest {

  private static final SignalShape SHAPE = SignalShape.of2d(3, 4, 6);
  private static final SpectralParameters P = new SpectralParameters(0.5, 0.5, 20);

  @Test
  void keptAndRecomputedClassProductsAndAnyThreadCountGiveTheSameOutput() {
    SpectralBatch v = batch(30, 3, 1);
    int[] labels = SpectralFixtures.labels(30, 3);
    SpectralLayer layer = SpectralLayer.build(SpectralStatistics.perClass(v, labels, 3), P);
    SpectralLayer.Output kept =
        layer.forwardPasses(v, labels, MathExecutor.sequential(), new SpectralLayer.Workspace());
    try (MathExecutor three = MathExecutor.create(3, "test-math")) {
      SpectralLayer.Output recomputed = layer.forwardPasses(v, labels, three, null);
      // the same to the bit: the sums over bins add fixed blocks in order on any thread count
      assertThat(recomputed.features().maxAbsDifference(kept.features())).isZero();
      assertThat(recomputed.membership()).isDeepEqualTo(kept.membership());
    }
  }

  @Test
  void outputsAreUnitNormAndMembershipsAreDistributions() {
    SpectralBatch v = batch(12, 2, 2);
    int[] labels = SpectralFixtures.labels(12, 2);
    SpectralLayer layer = SpectralLayer.build(SpectralStatistics.perClass(v, labels, 2), P);
    SpectralLayer.Output out = layer.forward(v);
    for (double n2 : out.features().squaredNorms()) {
      assertThat(n2).isCloseTo(1.0, within(1e-12));
    }
    for (int i = 0; i < 12; i++) {
      assertThat(out.membership(0, i) + out.membership(1, i)).isCloseTo(1.0, within(1e-12));
    }
    assertThat(layer.gamma()).containsExactly(0.5, 0.5);
    assertThat(layer.alpha()).isCloseTo(3 / (12 * 0.5), within(1e-15));
    assertThat(layer.classAlpha(1)).isCloseTo(3 / (6 * 0.5), within(1e-15));
  }

  @Test
  void aClassWithoutSamplesHasNoOperatorNoWeightAndNoMembership() {
    SpectralBatch v = batch(8, 2, 3);
    int[] labels = {0, 2, 0, 2, 0, 2, 0, 2};
    SpectralLayer layer = SpectralLayer.build(SpectralStatistics.perClass(v, labels, 3), P);
    assertThat(layer.hasClass(1)).isFalse();
    assertThat(layer.gamma()).containsExactly(0.5, 0.0, 0.5);
    SpectralLayer.Output out = layer.forward(v);
    for (int i = 0; i < 8; i++) {
      assertThat(out.membership(1, i)).isZero();
      assertThat(out.membership(0, i) + out.membership(2, i)).isCloseTo(1.0, within(1e-12));
    }
    assertThatThrownBy(() -> layer.compressionOperator(1, 0)).hasMessageContaining("class 1");
    assertThatThrownBy(
            () -> layer.forward(v, new int[] {0, 1, 0, 2, 0, 2, 0, 2}, MathExecutor.sequential()))
        .hasMessageContaining("label 1 of sample 1");
  }

  @Test
  void rejectsBatchesOfAnotherShapeAndStatisticsWithoutSamples() {
    SpectralBatch v = batch(4, 2, 4);
    int[] labels = SpectralFixtures.labels(4, 2);
    SpectralLayer layer = SpectralLayer.build(SpectralStatistics.perClass(v, labels, 2), P);
    SpectralBatch other =
        SpectralBatch.fromSignals(
            SignalShape.of2d(2, 4, 6),
            SpectralFixtures.signals(SignalShape.of2d(2, 4, 6), 2, 1, 5));
    assertThatThrownBy(() -> layer.forward(other)).hasMessageContaining("C = 2");
    SpectralStatistics empty = SpectralStatistics.empty(v.grid(), 3);
    assertThatThrownBy(() -> SpectralLayer.build(new SpectralStatistics[] {empty}, P))
        .hasMessageContaining("at least one sample");
  }

  @Test
  void aLayerReadBackFromItsPayloadGivesTheSameOutputs() throws IOException {
    SpectralBatch v = batch(10, 2, 6);
    int[] labels = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    labels[3] = 2;
    labels[7] = 2;
    SpectralLayer layer = SpectralLayer.build(SpectralStatistics.perClass(v, labels, 3), P);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    layer.writePayload(new DataOutputStream(bytes));
    SpectralLayer back =
        SpectralLayer.readPayload(
            new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
    // To rounding, not bit for bit: the forward keeps or recomputes the class products depending
    // on the memory free at run time, which changes the order of the additions.
    assertThat(back.forward(v).features().maxAbsDifference(layer.forward(v).features()))
        .isLessThan(1e-14);
    assertThat(back.inputRates()).isEqualTo(layer.inputRates());
    assertThat(back.gamma()).containsExactly(layer.gamma());
    byte[] truncated = java.util.Arrays.copyOf(bytes.toByteArray(), 100);
    assertThatThrownBy(
            () ->
                SpectralLayer.readPayload(new DataInputStream(new ByteArrayInputStream(truncated))))
        .isInstanceOf(IOException.class);
  }

  private static SpectralBatch batch(int m, int classes, long seed) {
    return SpectralBatch.fromSignals(SHAPE, SpectralFixtures.signals(SHAPE, m, classes, seed))
        .normalized();
  }
}
