package dev.redunet.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * Runs independent tasks on a few threads: the calling thread plus helpers from one shared pool of
 * daemon threads. Tasks are handed out dynamically (a shared counter), so a slow core does not hold
 * the others back. With one thread, everything runs in the caller.
 */
public final class Parallel {

  private static final AtomicInteger THREAD_NUMBER = new AtomicInteger();

  private static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "redunet-linalg-" + THREAD_NUMBER.incrementAndGet());
            t.setDaemon(true);
            return t;
          });

  private Parallel() {}

  /** The number of processors the JVM may use: the default thread count. */
  public static int availableThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs {@code body.accept(task)} for every task in [0, tasks) on up to {@code threads} threads.
   * Returns when all tasks are done; the first exception thrown by a task is rethrown.
   */
  public static void forEach(int tasks, int threads, IntConsumer body) {
    forEach(tasks, threads, () -> null, (Object state, int task) -> body.accept(task));
  }

  /**
   * Like {@link #forEach(int, int, IntConsumer)}, but every thread first creates its own state (for
   * example a workspace) with {@code state} and passes it to each task it runs.
   */
  public static <S> void forEach(
      int tasks, int threads, Supplier<? extends S> state, ObjIntConsumer<? super S> body) {
    if (tasks <= 0) {
      return;
    }
    int helpers = Math.max(0, Math.min(threads, tasks) - 1);
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable worker =
        () -> {
          S s = state.get();
          int t;
          while (failure.get() == null && (t = next.getAndIncrement()) < tasks) {
            try {
              body.accept(s, t);
            } catch (RuntimeException | Error e) {
              failure.compareAndSet(null, e);
            }
          }
        };
    List<Future<?>> futures = new ArrayList<>(helpers);
    for (int h = 0; h < helpers; h++) {
      futures.add(POOL.submit(worker));
    }
    worker.run();
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for worker threads", e);
      } catch (ExecutionException e) {
        failure.compareAndSet(null, e.getCause());
      }
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException) {
      throw (RuntimeException) t;
    }
    if (t instanceof Error) {
      throw (Error) t;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }
}
