package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.signal.SignalShape;
import dev.redunet.testing.GoldenVectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Against {@code vectors/polar.json}, made by {@code src/test/python/polar_golden.py} with SciPy
 * 1.10.1's {@code ndimage.rotate} (the reference's {@code convert2polar}).
 */
class PolarTransformTest {

  private static JsonNode root;

  @BeforeAll
  static void load() {
    root = GoldenVectors.load("polar.json");
  }

  @Test
  void matchesScipyRotationOnEveryAngleRadiusAndImage() {
    JsonNode images = root.get("images");
    int cases = 0;
    for (JsonNode tc : root.get("cases")) {
      int c = tc.get("channels").asInt();
      int t = tc.get("timesteps").asInt();
      PolarTransform polar =
          new PolarTransform(28, 28, c, t, tc.get("include_endpoint").asBoolean());
      assertThat(polar.outputShape()).isEqualTo(SignalShape.of1d(c, t));
      for (int i = 0; i < images.size(); i++) {
        double[] out = polar.apply(image(images.get(i)));
        JsonNode expected = tc.get("polar").get(i);
        for (int ch = 0; ch < c; ch++) {
          for (int k = 0; k < t; k++) {
            assertThat(out[ch * t + k])
                .as("case C=%d T=%d image %d channel %d angle %d", c, t, i, ch, k)
                .isEqualTo(expected.get(ch).get(k).asDouble());
          }
        }
      }
      cases++;
    }
    assertThat(cases).isEqualTo(3);
  }

  @Test
  void radiiAreTheReferenceColumnsOfTheMiddleRow() {
    assertThat(PolarTransform.mnist(5, 8).radii()).containsExactly(0, 3, 7, 10, 14);
    assertThat(PolarTransform.mnist(15, 8).radii())
        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
  }

  @Test
  void rejectsImagesOfTheWrongSize() {
    assertThatThrownBy(() -> PolarTransform.mnist(5, 8).apply(new double[27 * 28]))
        .hasMessageContaining("28 × 28");
  }

  private static double[] image(JsonNode rows) {
    double[] out = new double[28 * 28];
    for (int r = 0; r < 28; r++) {
      for (int c = 0; c < 28; c++) {
        out[r * 28 + c] = rows.get(r).get(c).asDouble();
      }
    }
    return out;
  }
}
