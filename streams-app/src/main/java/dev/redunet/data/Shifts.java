package dev.redunet.data;

import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Cyclic shifts (translations with wrap-around) of flat multichannel samples, the group the
 * spectral ReduNet is equivariant to (REDUNET_SPEC §3, §5 "Translation tests").
 */
public final class Shifts {

  private Shifts() {}

  /**
   * The cyclic shift {@code x'[c][h][w] = x[c][(h − dh) mod H][(w − dw) mod W]}, NumPy's {@code
   * roll(x, (dh, dw), axis=(1, 2))} (in 1D: {@code roll(x, dt, axis=1)} with {@code dw = dt}).
   *
   * @param x a sample of the given shape, not modified
   * @param shape its shape
   * @param dh rows (must be 0 in 1D unless H = 1 makes it irrelevant; any value is reduced mod H)
   * @param dw columns, or time steps in 1D
   * @return a new sample
   */
  public static double[] shift(double[] x, SignalShape shape, int dh, int dw) {
    shape.check(x, "sample");
    int h = shape.height();
    int w = shape.width();
    int sh = Math.floorMod(dh, h);
    int sw = Math.floorMod(dw, w);
    double[] out = new double[x.length];
    for (int c = 0; c < shape.channels(); c++) {
      int base = c * h * w;
      for (int r = 0; r < h; r++) {
        int src = base + Math.floorMod(r - sh, h) * w;
        int dst = base + r * w;
        // out[dst + q] = x[src + (q − sw) mod W]
        System.arraycopy(x, src + w - sw, out, dst, sw);
        System.arraycopy(x, src, out, dst + sw, w - sw);
      }
    }
    return out;
  }

  /** The cyclic time shift of a 1D sample: {@code x'[c][t] = x[c][(t − dt) mod T]}. */
  public static double[] shift1d(double[] x, SignalShape shape, int dt) {
    return shift(x, shape, 0, dt);
  }

  /**
   * Every cyclic shift of a sample: H·W of them, in the order {@code (dh, dw) = (0, 0), (0, 1), …,
   * (H−1, W−1)} (T of them in 1D).
   */
  public static double[][] all(double[] x, SignalShape shape) {
    double[][] out = new double[shape.positions()][];
    for (int dh = 0; dh < shape.height(); dh++) {
      for (int dw = 0; dw < shape.width(); dw++) {
        out[dh * shape.width() + dw] = shift(x, shape, dh, dw);
      }
    }
    return out;
  }

  /**
   * The reference's translation test offsets (REDUNET_SPEC §5, {@code translate1d/2d(n=2,
   * stride=4)}): {@code {−n·stride, …, −stride, 0, stride, …, n·stride}} on the time axis, or on
   * both axes in 2D ((2n+1)² offsets, row offset major).
   *
   * @return pairs {@code {dh, dw}}
   */
  public static List<int[]> referenceOffsets(int n, int stride, boolean twoD) {
    if (n < 0 || stride < 1) {
      throw new IllegalArgumentException(
          "need n ≥ 0 and stride ≥ 1, got n = " + n + ", stride = " + stride);
    }
    List<int[]> out = new ArrayList<>();
    for (int a = -n; a <= n; a++) {
      if (twoD) {
        for (int b = -n; b <= n; b++) {
          out.add(new int[] {a * stride, b * stride});
        }
      } else {
        out.add(new int[] {0, a * stride});
      }
    }
    return out;
  }

  /**
   * Every sample cyclically shifted by its own random offset: sample i by {@code (dh_i, dw_i)},
   * drawn in sample order from {@code random} as {@code dh = nextInt(−s_h, s_h + 1)}, {@code dw =
   * nextInt(−s_w, s_w + 1)} with {@code s_h = min(maxShift, ⌊H/2⌋)}, {@code s_w = min(maxShift,
   * ⌊W/2⌋)} (so {@code maxShift ≥ ⌊W/2⌋} gives every offset of the cycle with equal probability
   * when H and W are odd, and nearly so when even). In 1D, dh is 0 and no draw is made for it.
   *
   * @param samples m samples of {@code shape}, not modified
   * @param maxShift the largest |offset| per axis, ≥ 0
   * @param random the seeded generator; m (1D) or 2m (2D) draws are taken from it
   * @return the shifted samples (new arrays) and the offsets {@code {dh, dw}} per sample
   */
  public static Translated randomly(
      double[][] samples, SignalShape shape, int maxShift, SplittableRandom random) {
    if (maxShift < 0) {
      throw new IllegalArgumentException("maxShift must be ≥ 0, got " + maxShift);
    }
    int sh = shape.is1d() ? 0 : Math.min(maxShift, shape.height() / 2);
    int sw = Math.min(maxShift, shape.width() / 2);
    double[][] out = new double[samples.length][];
    int[][] offsets = new int[samples.length][2];
    for (int i = 0; i < samples.length; i++) {
      int dh = shape.is1d() ? 0 : random.nextInt(-sh, sh + 1);
      int dw = random.nextInt(-sw, sw + 1);
      offsets[i][0] = dh;
      offsets[i][1] = dw;
      out[i] = shift(samples[i], shape, dh, dw);
    }
    return new Translated(out, offsets);
  }

  /**
   * Samples shifted by {@link #randomly}.
   *
   * @param samples the shifted samples, m rows
   * @param offsets the offset {@code {dh, dw}} of each, m rows
   */
  @SuppressWarnings("ArrayRecordComponent") // a result handed over, not shared
  public record Translated(double[][] samples, int[][] offsets) {}
}
