package dev.redunet.redunet.spectral;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.signal.SignalShape;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SpectralGridTest {

  @ParameterizedTest(name = "{0} x {1}: {2} bins")
  @CsvSource({"1,8,5", "1,7,4", "1,200,101", "28,28,394", "5,4,11", "4,5,11", "3,3,5", "1,1,1"})
  void keepsOneBinPerConjugatePairWithWeightsThatAddUpToTheFullSpectrum(int h, int w, int bins) {
    SpectralGrid grid = new SpectralGrid(h, w);
    assertThat(grid.bins()).isEqualTo(bins);
    double total = 0;
    for (int f = 0; f < grid.bins(); f++) {
      total += grid.weight(f);
    }
    assertThat(total).isEqualTo(h * w);
  }

  @ParameterizedTest(name = "{0} x {1}")
  @CsvSource({"1,8", "1,7", "5,4", "4,5", "6,6"})
  void locatesEveryFullSpectrumBinAsAKeptBinOrItsConjugate(int h, int w) {
    SignalShape shape = SignalShape.of2d(2, h, w);
    SplittableRandom r = new SplittableRandom(3);
    double[] x = new double[shape.size()];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextDouble();
    }
    SpectralBatch v = SpectralBatch.fromSignals(shape, new double[][] {x});
    SpectralGrid grid = v.grid();
    double scale = 1 / Math.sqrt(h * w);
    for (int c = 0; c < 2; c++) {
      for (int u = 0; u < h; u++) {
        for (int q = 0; q < w; q++) {
          double sr = 0;
          double si = 0;
          for (int p = 0; p < h; p++) {
            for (int t = 0; t < w; t++) {
              double phase = -2 * Math.PI * ((double) u * p / h + (double) q * t / w);
              sr += x[c * h * w + p * w + t] * Math.cos(phase) * scale;
              si += x[c * h * w + p * w + t] * Math.sin(phase) * scale;
            }
          }
          SpectralGrid.Location loc = grid.locate(u, q);
          double im = v.im(loc.bin(), c, 0);
          assertThat(v.re(loc.bin(), c, 0)).isCloseTo(sr, within(1e-12));
          assertThat(loc.conjugate() ? -im : im).isCloseTo(si, within(1e-12));
        }
      }
    }
  }

  @Test
  void gridsOfTheSameSizeAreEqual() {
    assertThat(new SpectralGrid(4, 6))
        .isEqualTo(new SpectralGrid(4, 6))
        .hasSameHashCodeAs(new SpectralGrid(4, 6));
    assertThat(new SpectralGrid(4, 6)).isNotEqualTo(new SpectralGrid(6, 4));
  }
}
