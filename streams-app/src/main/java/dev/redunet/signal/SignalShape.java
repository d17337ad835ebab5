package dev.redunet.signal;

/**
 * Shape of one multichannel signal or image stored as a flat {@code double[]}: {@code channels}
 * channels of {@code height × width} samples, channel-major, index {@code c·H·W + h·W + w}. A 1D
 * signal of length T has {@code height = 1, width = T}, so its index is {@code c·T + t}
 * (REDUNET_SPEC §3: the reference's (C, T) and (C, H, W) tensors, row-major).
 *
 * @param channels C ≥ 1
 * @param height H ≥ 1 (1 for a 1D signal)
 * @param width W (or T) ≥ 1
 */
public record SignalShape(int channels, int height, int width) {

  /** Validates the dimensions. */
  public SignalShape {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "signal shape must be positive, got (C, H, W) = " + describe(channels, height, width));
    }
    if ((long) channels * height * width > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "signal shape too large: " + describe(channels, height, width));
    }
  }

  /** A 1D shape: C channels of length T. */
  public static SignalShape of1d(int channels, int length) {
    return new SignalShape(channels, 1, length);
  }

  /** A 2D shape: C channels of H × W. */
  public static SignalShape of2d(int channels, int height, int width) {
    return new SignalShape(channels, height, width);
  }

  /** Whether this is a 1D signal (height 1). */
  public boolean is1d() {
    return height == 1;
  }

  /** Number of positions per channel, H·W (or T). */
  public int positions() {
    return height * width;
  }

  /** Total number of entries, C·H·W. */
  public int size() {
    return channels * height * width;
  }

  /** The same spatial shape with another number of channels. */
  public SignalShape withChannels(int newChannels) {
    return new SignalShape(newChannels, height, width);
  }

  /**
   * Checks that a flat sample has this shape's length.
   *
   * @throws IllegalArgumentException naming both shapes when it does not
   */
  public void check(double[] sample, String what) {
    if (sample.length != size()) {
      throw new IllegalArgumentException(
          what + " has length " + sample.length + " but the shape " + this + " needs " + size());
    }
  }

  @Override
  public String toString() {
    return is1d() ? "(C=" + channels + ", T=" + width + ")" : describe(channels, height, width);
  }

  private static String describe(int c, int h, int w) {
    return "(C=" + c + ", H=" + h + ", W=" + w + ")";
  }
}
