package dev.redunet.redunet.spectral;

import dev.redunet.linalg.MathExecutor;
import java.util.function.Supplier;

/** Splits [0, n) into contiguous ranges run on a {@link MathExecutor}. */
final class Ranges {

  /** Ranges per thread: the executor hands them out dynamically, so a slow core holds less back. */
  private static final int PER_THREAD = 4;

  /**
   * Blocks of a reduction over the bins: a fixed number, so that the partial results are summed in
   * the same order on any number of threads.
   */
  static final int REDUCTION_BLOCKS = 32;

  private Ranges() {}

  /** A task on the items [lo, hi). */
  @FunctionalInterface
  interface RangeTask {
    /** Processes [lo, hi). */
    void run(int lo, int hi);
  }

  /** A task on the items [lo, hi) with the state of the thread that runs it. */
  @FunctionalInterface
  interface StatefulRangeTask<S> {
    /** Processes [lo, hi). */
    void run(S state, int lo, int hi);
  }

  /**
   * Runs {@code task} over [0, n) cut into up to {@code 4·threads} contiguous ranges of nearly
   * equal size on the executor, and waits for all of them. The ranges depend on the thread count:
   * the task must write disjoint outputs and sum nothing across ranges (see {@link
   * MathExecutor#blocks} for reductions).
   */
  static void split(MathExecutor math, int n, RangeTask task) {
    split(math, n, () -> null, (Object state, int lo, int hi) -> task.run(lo, hi));
  }

  /**
   * {@link #split(MathExecutor, int, RangeTask)} with a state per thread that takes part (for
   * example an FFT plan and its buffers), created once by {@code state}.
   */
  static <S> void split(
      MathExecutor math, int n, Supplier<? extends S> state, StatefulRangeTask<? super S> task) {
    if (n <= 0) {
      return;
    }
    int threads = math.threads();
    int parts = threads == 1 ? 1 : Math.min(n, PER_THREAD * threads);
    math.forEach(
        parts, state, (S s, int p) -> task.run(s, start(n, parts, p), start(n, parts, p + 1)));
  }

  private static int start(int n, int parts, int p) {
    return (int) ((long) n * p / parts);
  }
}
