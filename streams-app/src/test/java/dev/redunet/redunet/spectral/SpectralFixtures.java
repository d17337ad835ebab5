package dev.redunet.redunet.spectral;

import dev.redunet.signal.SignalShape;
import java.util.SplittableRandom;

/** Seeded class-structured multichannel signals for the spectral tests. */
final class SpectralFixtures {

  private SpectralFixtures() {}

  /**
   * {@code m} samples of {@code classes} classes (labels i mod k): a class-specific smooth pattern
   * per channel, cyclically shifted by a random offset, plus 0.3·N(0, 1) noise.
   */
  static double[][] signals(SignalShape shape, int m, int classes, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] x = new double[m][shape.size()];
    int h = shape.height();
    int w = shape.width();
    for (int i = 0; i < m; i++) {
      int y = i % classes;
      int dh = r.nextInt(h);
      int dw = r.nextInt(w);
      for (int c = 0; c < shape.channels(); c++) {
        for (int p = 0; p < h; p++) {
          for (int q = 0; q < w; q++) {
            int pp = Math.floorMod(p - dh, h);
            int qq = Math.floorMod(q - dw, w);
            double pattern =
                Math.cos(2 * Math.PI * (y + 1) * qq / w + c)
                    + Math.sin(2 * Math.PI * (c + 1) * pp / h + y);
            x[i][c * h * w + p * w + q] = pattern + 0.3 * gaussian(r);
          }
        }
      }
    }
    return x;
  }

  static int[] labels(int m, int classes) {
    int[] y = new int[m];
    for (int i = 0; i < m; i++) {
      y[i] = i % classes;
    }
    return y;
  }

  private static double gaussian(SplittableRandom r) {
    double u = r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
  }
}
