package dev.redunet.redunet.spectral;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;

/**
 * A fixed number of worker threads for the spectral kernels (bins or sample chunks are split into
 * contiguous ranges, one task per range). The pool's threads are daemon threads (ForkJoinPool's
 * default), so a command-line {@code main} exits when it returns. With one thread everything runs
 * on the caller.
 */
public final class Workers {

  private static final Workers SHARED = new Workers(Runtime.getRuntime().availableProcessors());

  private final int threads;
  private final ForkJoinPool pool;

  /**
   * Workers with a fixed number of threads.
   *
   * @param threads ≥ 1; 1 runs everything on the calling thread
   */
  public Workers(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
    }
    this.threads = threads;
    this.pool = threads > 1 ? new ForkJoinPool(threads) : null;
  }

  /** One worker per available processor, shared by the whole JVM. */
  public static Workers shared() {
    return SHARED;
  }

  /** Number of threads. */
  public int threads() {
    return threads;
  }

  /** A range task: processes the items [lo, hi). */
  @FunctionalInterface
  public interface RangeTask {
    /** Processes [lo, hi). */
    void run(int lo, int hi);
  }

  /**
   * Runs {@code task} over [0, n) split into at most {@code parts} contiguous ranges of nearly
   * equal size, in parallel, and waits for all of them. Exceptions of a task are rethrown.
   */
  public void forRanges(int n, int parts, RangeTask task) {
    if (n <= 0) {
      return;
    }
    int p = Math.max(1, Math.min(parts, n));
    if (pool == null || p == 1) {
      for (int r = 0; r < p; r++) {
        task.run(start(n, p, r), start(n, p, r + 1));
      }
      return;
    }
    List<Future<?>> futures = new ArrayList<>(p);
    for (int r = 0; r < p; r++) {
      int lo = start(n, p, r);
      int hi = start(n, p, r + 1);
      futures.add(pool.submit(() -> task.run(lo, hi)));
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for a worker", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof RuntimeException re) {
          throw re;
        }
        if (cause instanceof Error err) {
          throw err;
        }
        throw new IllegalStateException(cause);
      }
    }
  }

  /** Runs {@code task} over [0, n) split into one range per thread. */
  public void forRanges(int n, RangeTask task) {
    forRanges(n, threads, task);
  }

  private static int start(int n, int parts, int r) {
    return (int) ((long) n * r / parts);
  }
}
