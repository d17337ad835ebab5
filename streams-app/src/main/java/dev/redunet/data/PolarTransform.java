package dev.redunet.data;

import dev.redunet.signal.SignalShape;

/**
 * The polar transform of an image that turns rotations about its centre into cyclic time shifts
 * (REDUNET_SPEC §5, {@code functionals.convert2polar} of the reference paper code): for each of T
 * angles θ_t the image is rotated by θ_t with SciPy's {@code ndimage.rotate(image, θ,
 * reshape=False)} — a cubic B-spline (order 3) with the spline prefilter and mirror-extended
 * coefficients, zero outside the image, result rounded and clipped to uint8 — and the pixels at
 * columns {@code r_0 … r_{C−1}} of the middle row {@code mid = H/2} are read: channel c, time t is
 * {@code rotate(image, θ_t)[mid][r_c]} with {@code r = floor(linspace(0, mid, C))}.
 *
 * <p>Angles: {@code θ_t = 360·t/T} (T distinct angles, so that a cyclic shift of the time axis by s
 * is a rotation by {@code 360·s/T} degrees up to interpolation), or, with {@code includeEndpoint},
 * the reference's {@code linspace(0, 360, T)}, whose first and last columns are equal. The rotation
 * centre is {@code ((H−1)/2, (W−1)/2)}, so the sampled ray is half a pixel off the centre, as in
 * the reference.
 *
 * <p>Only the sampled pixels are interpolated, not the whole rotated image: the spline coefficients
 * of an image are computed once and each output value is a 4 × 4 stencil, which makes the transform
 * cheap enough not to need a cache. Input pixels are uint8 values (0–255) held in a {@code
 * double[]} of length H·W, row-major. Immutable and thread-safe.
 */
public final class PolarTransform {

  /** Pole of the cubic B-spline prefilter, √3 − 2. */
  private static final double POLE = Math.sqrt(3.0) - 2.0;

  private final int height;
  private final int width;
  private final int channels;
  private final int timesteps;
  private final int middle;
  private final int[] radii;
  private final double[] cos;
  private final double[] sin;

  /**
   * A polar transform.
   *
   * @param height H of the input images
   * @param width W of the input images
   * @param channels C ≥ 1, the number of radii
   * @param timesteps T ≥ 1, the number of angles
   * @param includeEndpoint false for {@code 360·t/T}, true for the reference's {@code linspace(0,
   *     360, T)}
   */
  public PolarTransform(
      int height, int width, int channels, int timesteps, boolean includeEndpoint) {
    if (height < 2 || width < 2 || channels < 1 || timesteps < 1) {
      throw new IllegalArgumentException(
          "polar transform needs H, W ≥ 2 and C, T ≥ 1, got H="
              + height
              + " W="
              + width
              + " C="
              + channels
              + " T="
              + timesteps);
    }
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.timesteps = timesteps;
    this.middle = height / 2;
    if (middle > width - 1) {
      throw new IllegalArgumentException(
          "the radius H/2 = " + middle + " exceeds the last column " + (width - 1));
    }
    this.radii = new int[channels];
    for (int c = 0; c < channels; c++) {
      double r = channels == 1 ? 0 : (double) middle * c / (channels - 1);
      radii[c] = (int) r;
    }
    this.cos = new double[timesteps];
    this.sin = new double[timesteps];
    for (int t = 0; t < timesteps; t++) {
      double degrees;
      if (includeEndpoint) {
        degrees = timesteps == 1 ? 0 : 360.0 * t / (timesteps - 1);
      } else {
        degrees = 360.0 * t / timesteps;
      }
      cos[t] = cosDegrees(degrees);
      sin[t] = cosDegrees(degrees - 90);
    }
  }

  /** The reference's 1D rotation setting for 28 × 28 MNIST: C channels, T distinct angles. */
  public static PolarTransform mnist(int channels, int timesteps) {
    return new PolarTransform(28, 28, channels, timesteps, false);
  }

  /** The output shape: C channels of length T. */
  public SignalShape outputShape() {
    return SignalShape.of1d(channels, timesteps);
  }

  /** The column of each channel in the middle row (the radii). */
  public int[] radii() {
    return radii.clone();
  }

  /**
   * The polar transform of one image.
   *
   * @param image H·W uint8 pixel values, row-major, not modified
   * @return C·T values (index c·T + t), each an integer in [0, 255]
   */
  public double[] apply(double[] image) {
    if (image.length != height * width) {
      throw new IllegalArgumentException(
          "image has " + image.length + " pixels, expected " + height + " × " + width);
    }
    double[] coef = splineCoefficients(image);
    double[] out = new double[channels * timesteps];
    double cr = (height - 1) / 2.0;
    double cc = (width - 1) / 2.0;
    double[] wr = new double[4];
    double[] wc = new double[4];
    for (int t = 0; t < timesteps; t++) {
      double c = cos[t];
      double s = sin[t];
      for (int ch = 0; ch < channels; ch++) {
        // scipy: input = R (output − centre) + centre, R = [[c, s], [−s, c]] on (row, column)
        double dr = middle - cr;
        double dc = radii[ch] - cc;
        double row = c * dr + s * dc + cr;
        double col = -s * dr + c * dc + cc;
        out[ch * timesteps + t] = toUint8(interpolate(coef, row, col, wr, wc));
      }
    }
    return out;
  }

  /** {@link #apply} for every image. */
  public double[][] applyAll(double[][] images) {
    double[][] out = new double[images.length][];
    for (int i = 0; i < images.length; i++) {
      out[i] = apply(images[i]);
    }
    return out;
  }

  /** Cubic B-spline interpolation at (row, col); 0 outside [0, H−1] × [0, W−1]. */
  private double interpolate(double[] coef, double row, double col, double[] wr, double[] wc) {
    if (!(row >= 0 && row <= height - 1 && col >= 0 && col <= width - 1)) {
      return 0;
    }
    int r0 = (int) Math.floor(row) - 1;
    int c0 = (int) Math.floor(col) - 1;
    weights(row, wr);
    weights(col, wc);
    double sum = 0;
    for (int a = 0; a < 4; a++) {
      int rr = mirror(r0 + a, height);
      double line = 0;
      for (int b = 0; b < 4; b++) {
        line += coef[rr * width + mirror(c0 + b, width)] * wc[b];
      }
      sum += line * wr[a];
    }
    return sum;
  }

  /** Cubic B-spline weights of the 4 knots around x (SciPy's order-3 formulas). */
  private static void weights(double x, double[] w) {
    double y = x - Math.floor(x);
    double z = 1.0 - y;
    w[1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
    w[2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
    w[0] = z * z * z / 6.0;
    w[3] = 1.0 - w[0] - w[1] - w[2];
  }

  /** Whole-sample mirror of an index into [0, n): −1 → 1, n → n − 2. */
  private static int mirror(int idx, int n) {
    int period = 2 * n - 2;
    int i = Math.floorMod(idx, period);
    return i < n ? i : period - i;
  }

  /** The B-spline coefficients of the image: the cubic prefilter along rows then columns. */
  private double[] splineCoefficients(double[] image) {
    double[] c = image.clone();
    double[] line = new double[Math.max(height, width)];
    // axis 0 (down the columns), then axis 1 (along the rows), as scipy's spline_filter
    for (int col = 0; col < width; col++) {
      for (int r = 0; r < height; r++) {
        line[r] = c[r * width + col];
      }
      prefilter(line, height);
      for (int r = 0; r < height; r++) {
        c[r * width + col] = line[r];
      }
    }
    for (int r = 0; r < height; r++) {
      System.arraycopy(c, r * width, line, 0, width);
      prefilter(line, width);
      System.arraycopy(line, 0, c, r * width, width);
    }
    return c;
  }

  /**
   * In-place cubic B-spline prefilter of {@code c[0..n)} with mirror boundaries (Unser, Aldroubi
   * and Eden 1991: gain, causal then anti-causal first-order recursion with pole z = √3 − 2).
   */
  private static void prefilter(double[] c, int n) {
    double z = POLE;
    double gain = (1.0 - z) * (1.0 - 1.0 / z);
    for (int i = 0; i < n; i++) {
      c[i] *= gain;
    }
    // causal initialisation for a mirror-symmetric extension
    double zi = z;
    double zn1 = Math.pow(z, n - 1);
    double c0 = c[0] + zn1 * c[n - 1];
    for (int i = 1; i < n - 1; i++) {
      c0 += zi * (c[i] + zn1 * c[n - 1 - i]);
      zi *= z;
    }
    c[0] = c0 / (1 - zn1 * zn1);
    for (int i = 1; i < n; i++) {
      c[i] += z * c[i - 1];
    }
    c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1);
    for (int i = n - 2; i >= 0; i--) {
      c[i] = z * (c[i + 1] - c[i]);
    }
  }

  /** SciPy's conversion of an interpolated value to uint8: round half up, clip to [0, 255]. */
  private static double toUint8(double t) {
    if (!(t > 0)) {
      return 0;
    }
    double v = Math.floor(t + 0.5);
    return Math.min(v, 255);
  }

  /** cos of an angle in degrees, exact at multiples of 90°. */
  private static double cosDegrees(double degrees) {
    double d = degrees % 360.0;
    if (d < 0) {
      d += 360.0;
    }
    if (d == 0) {
      return 1;
    }
    if (d == 90 || d == 270) {
      return 0;
    }
    if (d == 180) {
      return -1;
    }
    return Math.cos(Math.toRadians(d));
  }
}
