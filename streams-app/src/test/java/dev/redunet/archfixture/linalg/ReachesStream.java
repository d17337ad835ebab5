package dev.redunet.archfixture.linalg;

import dev.redunet.archfixture.stream.ReachesUp;

/** A fixture that breaks the layering on purpose: the bottom layer using the stream. */
public final class ReachesStream {
  private ReachesStream() {}

  /** Depends on the stream, four layers above. */
  public static int value() {
    return ReachesUp.value();
  }
}
