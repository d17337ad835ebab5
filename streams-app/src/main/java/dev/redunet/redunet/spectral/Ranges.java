package dev.redunet.redunet.spectral;

import dev.redunet.linalg.Parallel;

/** Splits [0, n) into contiguous ranges run on {@link Parallel}'s threads. */
final class Ranges {

  /** Ranges per thread: the pool hands them out dynamically, so a slow core holds less back. */
  private static final int PER_THREAD = 4;

  private Ranges() {}

  /** A task on the items [lo, hi). */
  @FunctionalInterface
  interface RangeTask {
    /** Processes [lo, hi). */
    void run(int lo, int hi);
  }

  /**
   * Runs {@code task} over [0, n) cut into up to {@code 4·threads} contiguous ranges of nearly
   * equal size, on up to {@code threads} threads, and waits for all of them.
   */
  static void split(int threads, int n, RangeTask task) {
    if (n <= 0) {
      return;
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
    }
    int parts = threads == 1 ? 1 : Math.min(n, PER_THREAD * threads);
    Parallel.forEach(parts, threads, p -> task.run(start(n, parts, p), start(n, parts, p + 1)));
  }

  private static int start(int n, int parts, int p) {
    return (int) ((long) n * p / parts);
  }
}
