package dev.redunet.stream;

import java.util.List;
import java.util.Optional;

/**
 * Whether a sample has the expected input shape: a sample with a one-dimensional shape is a plain
 * vector and must hold as many values as the expected shape does; a sample with a multi-dimensional
 * shape must have exactly the expected shape.
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
    return own.equals(expected)
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
