package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class FftTest {

  @ParameterizedTest(name = "{0} x {1}")
  @CsvSource({"1,1", "1,2", "1,7", "1,8", "1,200", "3,5", "4,6", "5,4", "7,7", "28,28", "2,1"})
  void forwardIsTheOrthonormalDftOfTheHalfPlane(int h, int w) {
    double[] x = random(h * w, 11L * h + w);
    Fft fft = new Fft(h, w);
    double[] re = new double[fft.halfSize()];
    double[] im = new double[fft.halfSize()];
    fft.forward(x, 0, re, im);
    double scale = 1 / Math.sqrt(h * w);
    for (int u = 0; u < h; u++) {
      for (int v = 0; v <= w / 2; v++) {
        double sr = 0;
        double si = 0;
        for (int p = 0; p < h; p++) {
          for (int q = 0; q < w; q++) {
            double phase = -2 * Math.PI * ((double) u * p / h + (double) v * q / w);
            sr += x[p * w + q] * Math.cos(phase);
            si += x[p * w + q] * Math.sin(phase);
          }
        }
        assertThat(re[u * fft.halfWidth() + v]).isCloseTo(sr * scale, within(1e-12));
        assertThat(im[u * fft.halfWidth() + v]).isCloseTo(si * scale, within(1e-12));
      }
    }
  }

  @ParameterizedTest(name = "{0} x {1}")
  @CsvSource({"1,1", "1,2", "1,7", "1,8", "1,200", "3,5", "4,6", "5,4", "28,28"})
  void inverseRecoversTheSignalAndParsevalHoldsWithHalfPlaneWeights(int h, int w) {
    double[] x = random(h * w + 3, 5L * h + w);
    Fft fft = new Fft(h, w);
    double[] re = new double[fft.halfSize()];
    double[] im = new double[fft.halfSize()];
    fft.forward(x, 3, re, im);
    double[] back = new double[h * w + 1];
    fft.inverse(re, im, back, 1);
    for (int i = 0; i < h * w; i++) {
      assertThat(back[1 + i]).isCloseTo(x[3 + i], within(1e-12));
    }
    double energy = 0;
    double spectral = 0;
    for (int i = 0; i < h * w; i++) {
      energy += x[3 + i] * x[3 + i];
    }
    for (int u = 0; u < h; u++) {
      for (int v = 0; v < fft.halfWidth(); v++) {
        boolean ownColumn = v == 0 || 2 * v == w;
        int p = u * fft.halfWidth() + v;
        spectral += (ownColumn ? 1 : 2) * (re[p] * re[p] + im[p] * im[p]);
      }
    }
    assertThat(spectral).isCloseTo(energy, within(1e-10));
  }

  @ParameterizedTest(name = "{0} x {1}")
  @CsvSource({"0,4", "3,0"})
  void rejectsEmptySizes(int h, int w) {
    assertThatThrownBy(() -> new Fft(h, w)).hasMessageContaining(h + " × " + w);
  }

  private static double[] random(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextDouble() * 2 - 1;
    }
    return x;
  }
}
