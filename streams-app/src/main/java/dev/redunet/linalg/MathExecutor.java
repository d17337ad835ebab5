package dev.redunet.linalg;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * The threads that parallel math runs on: the application creates one (with {@code
 * redunet.math.threads}) and passes it down to every kernel that splits its work; tests use {@link
 * #sequential()}. There is no static pool.
 *
 * <p>How a call runs. {@link #forEach} hands tasks [0, n) out one by one from a shared counter to
 * the calling thread and to up to {@code threads − 1} helper threads of this executor's pool, so a
 * slow core holds the others back by at most one task. The caller always works: it takes tasks
 * until none is left, then waits only for the helpers that have started one (a helper that starts
 * later finds nothing to do and returns at once, and is taken off the queue when it can be). No
 * call ever waits for a helper that is still queued, so a task that itself calls {@link #forEach}
 * on the same executor (nested parallelism) cannot deadlock, however busy the pool is: with every
 * helper busy, the nested call simply runs on its caller.
 *
 * <p>Results. Which thread runs a task is not fixed, so a kernel must not let it matter: tasks
 * write disjoint outputs, and a reduction over tasks sums their results in task order ({@link
 * #map}), over blocks that depend on the problem's size only, never on the thread count. Every
 * kernel in this project follows that rule, so a model built on 1 thread and on 4 is the same to
 * the bit.
 *
 * <p>Thread-safe; {@link #close} stops the helper threads (a call after it runs on its caller).
 */
public final class MathExecutor implements AutoCloseable {

  private static final MathExecutor SEQUENTIAL = new MathExecutor(1, null);

  private final int threads;
  private final ThreadPoolExecutor helpers;

  private MathExecutor(int threads, ThreadPoolExecutor helpers) {
    this.threads = threads;
    this.helpers = helpers;
  }

  /** The executor that runs every task on the calling thread (tests, small jobs). */
  public static MathExecutor sequential() {
    return SEQUENTIAL;
  }

  /**
   * An executor of {@code threads} threads: the caller of each parallel call and {@code threads −
   * 1} daemon helper threads named {@code <name>-<i>}, started on first use. Close it when done.
   *
   * @param threads ≥ 1; 1 gives an executor that runs every task on its caller
   * @param name prefix of the helper threads' names
   */
  public static MathExecutor create(int threads, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("a math executor needs ≥ 1 thread, got " + threads);
    }
    if (threads == 1) {
      return new MathExecutor(1, null);
    }
    AtomicInteger number = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            threads - 1,
            threads - 1,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, name + "-" + number.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    return new MathExecutor(threads, pool);
  }

  /** The number of processors the JVM may use: the default thread count. */
  public static int availableProcessors() {
    return Runtime.getRuntime().availableProcessors();
  }

  /** The most threads a call runs on (its caller included). */
  public int threads() {
    return threads;
  }

  /**
   * Runs {@code body.accept(task)} for every task in [0, tasks) and returns when all are done. The
   * first exception a task throws is rethrown (the tasks not yet started are then skipped). A
   * caller that is interrupted takes no further task: the call ends with a {@link
   * CancellationException} once the started tasks are done, the interrupt flag kept. A helper
   * interrupted by {@link #close} only stops helping.
   */
  public void forEach(int tasks, IntConsumer body) {
    if (helpers == null || tasks <= 1) {
      for (int t = 0; t < tasks; t++) {
        checkNotInterrupted();
        body.accept(t);
      }
      return;
    }
    forEach(tasks, () -> null, (Object state, int task) -> body.accept(task));
  }

  /**
   * Like {@link #forEach(int, IntConsumer)}, but every thread that takes part first creates its own
   * state (for example a workspace) with {@code state} and passes it to each task it runs.
   */
  public <S> void forEach(int tasks, Supplier<? extends S> state, ObjIntConsumer<? super S> body) {
    if (tasks <= 0) {
      return;
    }
    if (helpers == null || tasks == 1) {
      // on the caller alone: no call to share
      S s = null;
      for (int t = 0; t < tasks; t++) {
        checkNotInterrupted();
        if (t == 0) {
          s = state.get();
        }
        body.accept(s, t);
      }
      return;
    }
    Call<S> call = new Call<>(tasks, state, body);
    int started = 0;
    if (helpers != null) {
      int wanted = Math.min(threads, tasks) - 1;
      try {
        for (; started < wanted; started++) {
          helpers.execute(call);
        }
      } catch (RejectedExecutionException closed) {
        // closed: the caller runs what the helpers would have
      }
    }
    call.work(true);
    call.awaitHelpers();
    for (int h = 0; h < started; h++) {
      helpers.remove(call); // a helper still queued would find nothing to do
    }
    call.rethrow();
  }

  private static void checkNotInterrupted() {
    if (Thread.currentThread().isInterrupted()) {
      throw new CancellationException("the caller was interrupted");
    }
  }

  /**
   * {@code f(task)} for every task in [0, tasks), in parallel, as a list in task order: the way to
   * reduce in a fixed order (compute the blocks' partial results with {@code f}, then combine them
   * in list order).
   */
  public <R> List<R> map(int tasks, IntFunction<? extends R> f) {
    Object[] out = new Object[Math.max(0, tasks)];
    forEach(tasks, t -> out[t] = f.apply(t));
    List<R> list = new ArrayList<>(out.length);
    for (Object o : out) {
      @SuppressWarnings("unchecked") // every entry was produced by f
      R r = (R) o;
      list.add(r);
    }
    return list;
  }

  /**
   * The fixed partition of [0, n) into {@code min(n, blocks)} contiguous blocks of nearly equal
   * size: block b is [start[b], start[b+1]). It depends on n and {@code blocks} only, so a
   * reduction over it sums in the same order on any number of threads.
   */
  public static int[] blocks(int n, int blocks) {
    if (n < 0 || blocks < 1) {
      throw new IllegalArgumentException("cannot cut " + n + " items into " + blocks + " blocks");
    }
    int parts = Math.min(n, blocks);
    if (parts == 0) {
      return new int[] {0};
    }
    int[] start = new int[parts + 1];
    for (int b = 0; b <= parts; b++) {
      start[b] = (int) ((long) n * b / parts);
    }
    return start;
  }

  /** Stops the helper threads; later calls run on their callers. */
  @Override
  public void close() {
    if (helpers != null) {
      helpers.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return "MathExecutor[threads=" + threads + "]";
  }

  /** One {@link #forEach} call: its counter, its failure, and the helpers that have started. */
  private static final class Call<S> implements Runnable {
    private final int tasks;
    private final Supplier<? extends S> state;
    private final ObjIntConsumer<? super S> body;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Object lock = new Object();
    private int running; // guarded by lock
    private boolean closed; // guarded by lock

    Call(int tasks, Supplier<? extends S> state, ObjIntConsumer<? super S> body) {
      this.tasks = tasks;
      this.state = state;
      this.body = body;
    }

    /** A helper: joins unless the caller has finished, then works. */
    @Override
    public void run() {
      synchronized (lock) {
        if (closed) {
          return;
        }
        running++;
      }
      try {
        work(false);
      } finally {
        synchronized (lock) {
          running--;
          if (running == 0) {
            lock.notifyAll();
          }
        }
      }
    }

    /** Takes tasks until none is left, one has failed, or this thread is interrupted. */
    void work(boolean caller) {
      S s = null;
      boolean hasState = false;
      int t;
      while (failure.get() == null) {
        if (Thread.currentThread().isInterrupted()) {
          if (caller) {
            failure.compareAndSet(null, new CancellationException("the caller was interrupted"));
          }
          return;
        }
        if ((t = next.getAndIncrement()) >= tasks) {
          return;
        }
        try {
          if (!hasState) {
            s = state.get();
            hasState = true;
          }
          body.accept(s, t);
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(null, e);
        }
      }
    }

    /**
     * Closes the call to helpers that have not started and waits for those that have (they are
     * running tasks, never waiting for a queued one). An interrupt does not cut the wait short, as
     * the helpers still use the caller's arrays; it is kept for the caller to see.
     */
    void awaitHelpers() {
      boolean interrupted = false;
      synchronized (lock) {
        closed = true;
        while (running > 0) {
          try {
            lock.wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }

    void rethrow() {
      Throwable t = failure.get();
      if (t instanceof RuntimeException e) {
        throw e;
      }
      if (t instanceof Error e) {
        throw e;
      }
      if (t != null) {
        throw new IllegalStateException(t);
      }
    }

    @Override
    public String toString() {
      return "MathExecutor.Call[tasks=" + tasks + ", next=" + next.get() + "]";
    }
  }
}
