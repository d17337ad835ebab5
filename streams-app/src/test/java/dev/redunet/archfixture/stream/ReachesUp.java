package dev.redunet.archfixture.stream;

import dev.redunet.archfixture.app.Shell;

/** A fixture that breaks the layering on purpose: the stream using the application shell. */
public final class ReachesUp {
  private ReachesUp() {}

  /** Depends on the shell above it. */
  public static int value() {
    return Shell.answer();
  }
}
