package dev.redunet.archfixture.app;

/** A fixture of the application shell, which nothing below it may use. */
public final class Shell {
  private Shell() {}

  /** Anything. */
  public static int answer() {
    return 42;
  }
}
