package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

class MathExecutorTest {

  @Test
  void everyTaskRunsExactlyOnceOnAtMostTheExecutorsThreads() {
    try (MathExecutor math = MathExecutor.create(3, "test-math")) {
      assertThat(math.threads()).isEqualTo(3);
      AtomicIntegerArray runs = new AtomicIntegerArray(1000);
      Set<Thread> threads = ConcurrentHashMap.newKeySet();
      math.forEach(
          1000,
          t -> {
            runs.incrementAndGet(t);
            threads.add(Thread.currentThread());
          });
      for (int t = 0; t < 1000; t++) {
        assertThat(runs.get(t)).as("task %d", t).isEqualTo(1);
      }
      // The caller or the executor's own helpers, never another thread. (Which of them take part
      // is timing: fast helpers may take every task before the caller claims one.)
      assertThat(threads)
          .hasSizeBetween(1, 3)
          .allSatisfy(
              t ->
                  assertThat(t == Thread.currentThread() || t.getName().startsWith("test-math-"))
                      .as("%s is the caller or a helper", t.getName())
                      .isTrue());
    }
  }

  @Test
  void theSequentialExecutorRunsEveryTaskOnTheCaller() {
    MathExecutor math = MathExecutor.sequential();
    assertThat(math.threads()).isEqualTo(1);
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    math.forEach(50, t -> threads.add(Thread.currentThread()));
    assertThat(threads).containsExactly(Thread.currentThread());
    math.close(); // a no-op: the sequential executor has no threads
    math.forEach(1, t -> threads.add(Thread.currentThread()));
  }

  @Test
  void everyThreadThatTakesPartCreatesItsStateOnce() {
    try (MathExecutor math = MathExecutor.create(4, "test-math")) {
      AtomicInteger created = new AtomicInteger();
      AtomicInteger tasks = new AtomicInteger();
      math.forEach(
          200,
          () -> {
            created.incrementAndGet();
            return new int[1];
          },
          (int[] state, int t) -> {
            state[0]++;
            tasks.incrementAndGet();
          });
      assertThat(tasks.get()).isEqualTo(200);
      assertThat(created.get()).isBetween(1, 4);
    }
  }

  @Test
  void theFirstFailureIsRethrownAfterTheOtherThreadsStop() {
    try (MathExecutor math = MathExecutor.create(2, "test-math")) {
      assertThatThrownBy(
              () ->
                  math.forEach(
                      100,
                      t -> {
                        if (t == 37) {
                          throw new ArithmeticException("task 37 failed");
                        }
                      }))
          .isInstanceOf(ArithmeticException.class)
          .hasMessage("task 37 failed");
      // the executor is still usable
      AtomicInteger n = new AtomicInteger();
      math.forEach(10, t -> n.incrementAndGet());
      assertThat(n.get()).isEqualTo(10);
    }
  }

  /**
   * Every thread of the executor (the caller and its helpers) is held inside an outer task at once,
   * by a barrier, and then each makes a nested call, whose own tasks make a third level of calls:
   * the nested helpers can only queue behind busy threads. An executor whose callers waited for
   * queued helpers would deadlock here; this one runs the nested work on its callers.
   */
  @Test
  void nestedCallsOnASaturatedExecutorDoNotDeadlock() {
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          try (MathExecutor math = MathExecutor.create(3, "test-math")) {
            CyclicBarrier allBusy = new CyclicBarrier(3);
            AtomicInteger leaves = new AtomicInteger();
            math.forEach(
                3,
                outer -> {
                  try {
                    allBusy.await(30, TimeUnit.SECONDS);
                  } catch (Exception e) {
                    throw new IllegalStateException("the three threads did not all start", e);
                  }
                  math.forEach(20, middle -> math.forEach(5, inner -> leaves.incrementAndGet()));
                });
            assertThat(leaves.get()).isEqualTo(3 * 20 * 5);
          }
        });
  }

  @Test
  void anInterruptedCallerTakesNoFurtherTaskAndKeepsItsInterrupt() {
    try (MathExecutor two = MathExecutor.create(2, "test-math")) {
      for (MathExecutor math : List.of(MathExecutor.sequential(), two)) {
        Set<Thread> ranOn = ConcurrentHashMap.newKeySet();
        Thread caller = Thread.currentThread();
        caller.interrupt();
        try {
          assertThatThrownBy(() -> math.forEach(100, t -> ranOn.add(Thread.currentThread())))
              .isInstanceOf(CancellationException.class);
          assertThat(caller.isInterrupted()).isTrue();
        } finally {
          Thread.interrupted();
        }
        // A helper may run any number of tasks (timing); the interrupted caller runs none.
        assertThat(ranOn).doesNotContain(caller);
      }
    }
  }

  @Test
  void closingTheExecutorDuringACallLetsTheCallerFinishEveryTask() throws Exception {
    MathExecutor math = MathExecutor.create(3, "test-math");
    CyclicBarrier started = new CyclicBarrier(2);
    AtomicIntegerArray runs = new AtomicIntegerArray(400);
    Thread closer =
        new Thread(
            () -> {
              try {
                started.await(30, TimeUnit.SECONDS);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
              math.close();
            });
    closer.start();
    math.forEach(
        400,
        t -> {
          if (t == 0) {
            try {
              started.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          runs.incrementAndGet(t);
        });
    closer.join();
    for (int t = 0; t < 400; t++) {
      assertThat(runs.get(t)).as("task %d", t).isEqualTo(1);
    }
  }

  @Test
  void aClosedExecutorRunsItsCallsOnTheCaller() {
    MathExecutor math = MathExecutor.create(4, "test-math");
    math.forEach(8, t -> {}); // start the helpers
    math.close();
    Set<Thread> threads = ConcurrentHashMap.newKeySet();
    math.forEach(100, t -> threads.add(Thread.currentThread()));
    assertThat(threads).containsExactly(Thread.currentThread());
  }

  @Test
  void mapReturnsTheResultsInTaskOrder() {
    try (MathExecutor math = MathExecutor.create(4, "test-math")) {
      List<Integer> squares = math.map(300, t -> t * t);
      assertThat(squares).hasSize(300);
      for (int t = 0; t < 300; t++) {
        assertThat(squares.get(t)).isEqualTo(t * t);
      }
    }
    assertThat(MathExecutor.sequential().map(0, t -> t)).isEmpty();
  }

  @Test
  void theBlocksOfAReductionDependOnTheSizeOnly() {
    assertThat(MathExecutor.blocks(10, 4)).containsExactly(0, 2, 5, 7, 10);
    assertThat(MathExecutor.blocks(3, 32)).containsExactly(0, 1, 2, 3);
    assertThat(MathExecutor.blocks(0, 32)).containsExactly(0);
    assertThatThrownBy(() -> MathExecutor.blocks(5, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void anExecutorNeedsAtLeastOneThread() {
    assertThatThrownBy(() -> MathExecutor.create(0, "test-math"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("≥ 1 thread");
    try (MathExecutor one = MathExecutor.create(1, "test-math")) {
      assertThat(one.threads()).isEqualTo(1);
    }
  }
}
