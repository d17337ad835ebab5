package dev.redunet.stream;

import java.util.List;
import java.util.Optional;

/**
 * Whether a sample has the expected input shape: a sample with a one-dimensional shape is a plain
 * vector and must hold as many values as the expected shape does; a sample with a multi-dimensional
 * shape must have exactly the expected shape, but for an image {@code [H, W]} (as {@code produce
 * --images} sends it), which is one channel: it fits {@code [1, H, W]}.
 */
public final class ShapeRule {

  private ShapeRule() {}

  /**
   * Why a sample of shape {@code own} does not fit {@code expected}, or empty when it fits.
   *
   * @param own the sample's effective shape
   * @param expected the expected shape
   * @param origin where the expected shape comes from, for the message
   */
  public static Optional<String> misfit(List<Integer> own, List<Integer> expected, String origin) {
    long size = product(expected);
    if (own.size() <= 1) {
      long n = product(own);
      return n == size
          ? Optional.empty()
          : Optional.of(
              "features: "
                  + n
                  + " values, expected "
                  + size
                  + " (shape "
                  + expected
                  + ", "
                  + origin
                  + ")");
    }
    boolean oneChannelImage =
        own.size() == 2
            && expected.size() == 3
            && expected.get(0) == 1
            && own.equals(expected.subList(1, 3));
    return own.equals(expected) || oneChannelImage
        ? Optional.empty()
        : Optional.of(
            "shape: " + own + " differs from the expected shape " + expected + " (" + origin + ")");
  }

  private static long product(List<Integer> shape) {
    long p = 1;
    for (int d : shape) {
      p *= d;
    }
    return p;
  }
}
