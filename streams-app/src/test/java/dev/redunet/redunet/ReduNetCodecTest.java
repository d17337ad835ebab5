package dev.redunet.redunet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.data.GaussianMixtures;
import dev.redunet.redunet.ForwardConstruction.Parameters;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class ReduNetCodecTest {

  @Test
  void aNetworkSurvivesTheRoundTripBitForBit() throws IOException {
    GaussianMixtures.Split data = GaussianMixtures.trainTest(3, 40, 5);
    ReduNet net =
        ForwardConstruction.with(Parameters.defaults(4))
            .withSeed(5)
            .withSource("gaussian3d")
            .fit(data.train().features(), data.train().labels())
            .network();
    ReduNetCodec codec = ReduNetCodec.vector();
    byte[] bytes = codec.toBytes(net);
    ReduNet back = codec.fromBytes(bytes);
    assertThat(back.provenance()).isEqualTo(net.provenance());
    assertThat(back.inputRates()).isEqualTo(net.inputRates());
    assertThat(back.layerRates()).isEqualTo(net.layerRates());
    assertThat(back.depth()).isEqualTo(4);
    for (int l = 0; l < 4; l++) {
      VectorLayer a = (VectorLayer) net.layer(l);
      VectorLayer b = (VectorLayer) back.layer(l);
      assertThat(b.expansion()).isEqualTo(a.expansion());
      assertThat(b.compression(2)).isEqualTo(a.compression(2));
      assertThat(b.gamma()).isEqualTo(a.gamma());
      assertThat(b.classLabels()).isEqualTo(a.classLabels());
    }
    assertThat(back.transform(data.test().features()))
        .isEqualTo(net.transform(data.test().features()));
    // Compact: d, k, labels, ε², η, λ, γ, and E, C¹, C², C³ as upper triangles of 6 doubles.
    java.io.ByteArrayOutputStream payload = new java.io.ByteArrayOutputStream();
    net.layer(0).writePayload(new java.io.DataOutputStream(payload));
    assertThat(payload.size()).isEqualTo(8 + 3 * 4 + 3 * 8 + 3 * 8 + 4 * 6 * 8);
    // A layer also travels alone.
    VectorLayer single = (VectorLayer) codec.layerFromBytes(codec.layerToBytes(net.layer(2)));
    assertThat(single.apply(data.test().features()))
        .isEqualTo(net.layer(2).apply(data.test().features()));
  }

  @Test
  void corruptOrUnknownInputIsReportedAsAnIoError() {
    ReduNet net =
        ForwardConstruction.with(Parameters.defaults(1))
            .fit(
                GaussianMixtures.trainTest(2, 10, 1).train().features(),
                GaussianMixtures.trainTest(2, 10, 1).train().labels())
            .network();
    byte[] bytes = ReduNetCodec.vector().toBytes(net);
    byte[] wrongMagic = bytes.clone();
    wrongMagic[0] = 0;
    assertThatThrownBy(() -> ReduNetCodec.vector().fromBytes(wrongMagic))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("magic");
    byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 9);
    assertThatThrownBy(() -> ReduNetCodec.vector().fromBytes(truncated))
        .isInstanceOf(IOException.class);
    String text = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    byte[] otherTag =
        text.replace("vector", "vectoR").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThatThrownBy(() -> ReduNetCodec.vector().fromBytes(otherTag))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("vectoR");
  }
}
