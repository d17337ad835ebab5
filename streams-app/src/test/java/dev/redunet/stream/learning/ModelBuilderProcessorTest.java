package dev.redunet.stream.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.app.config.AppConfig;
import dev.redunet.app.config.LearnerConfig;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelBuilder;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelStatistics;
import dev.redunet.learn.StatisticsWindows;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.Matrix;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The builder on its own, with real (in-memory) stores: every kind of delta lands in the window
 * exactly, and a builder restarted mid-window from its state store builds the same next version as
 * one that never stopped.
 */
class ModelBuilderProcessorTest {

  private static final int D = 5;
  private static final int W = 24;
  private static final List<String> NAMES = List.of("a", "b", "c");
  private static final LearnerSettings SETTINGS =
      LearnerConfig.settings(
          AppConfig.of(
              Map.of(
                  "redunet.bootstrap.servers", "unused:9092",
                  "redunet.window", Integer.toString(W),
                  "redunet.layers", "2",
                  "redunet.lambda", "10",
                  "redunet.projection", "off",
                  "redunet.construction", "statistics")));

  /** A builder task: the processor, its state store and the global model store it reads. */
  private static final class Task {
    final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    final KeyValueStore<String, byte[]> models = store(LearningPlugin.MODEL_STORE);
    final List<String> metrics = new ArrayList<>();
    ModelBuilderProcessor builder;
    long waitingLimit = ModelBuilderProcessor.WAITING_BYTES;

    /** The executor of the next builder instance; null: inline. */
    Supplier<ExecutorService> executors = null;

    int secondWindowRecords;
    long time = 1_000;

    private KeyValueStore<String, byte[]> store(String name) {
      KeyValueStore<String, byte[]> s =
          Stores.keyValueStoreBuilder(
                  Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
              .withLoggingDisabled()
              .build();
      s.init(context.getStateStoreContext(), s);
      context.addStateStore(s);
      return s;
    }

    Task() {
      context.setCurrentSystemTimeMs(1_700_000_000_000L);
      store(LearningPlugin.BUILDER_STORE); // read and written by the processor only
    }

    /** A new processor instance on the same stores, as after a restart or a migration. */
    void restart() {
      restart(0);
    }

    void restart(long windowMs) {
      if (builder != null) {
        builder.close();
      }
      builder =
          new ModelBuilderProcessor(
              "default", SETTINGS, new LearningListener() {}, windowMs, waitingLimit, executors);
      builder.init(context);
      collect();
    }

    /** Runs the current builder's wall-clock punctuation until {@code version} is published. */
    void await(long version) throws InterruptedException {
      long deadline = System.nanoTime() + 60_000_000_000L;
      while (model().map(StreamingModel::version).orElse(0L) < version) {
        assertThat(System.nanoTime()).as("v%d within 60 s", version).isLessThan(deadline);
        Thread.sleep(5);
        List<MockProcessorContext.CapturedPunctuator> p = context.scheduledPunctuators();
        p.get(p.size() - 1).getPunctuator().punctuate(time);
        collect();
      }
    }

    /** Processes one learning record; the model topic's records go to the global store. */
    void process(LearningRecord r) {
      process(new Record<>("default", LearningRecord.encode(r), time++));
    }

    void process(Record<String, byte[]> record) {
      builder.process(record);
      collect();
    }

    /** The model topic's records go to the global store, the metrics to {@link #metrics}. */
    void collect() {
      for (CapturedForward<? extends String, ?> f : context.forwarded()) {
        String child = f.childName().orElse("");
        if (child.equals(LearningPlugin.MODEL_SINK)) {
          byte[] value = (byte[]) f.record().value();
          if (value == null) {
            models.delete(f.record().key());
          } else {
            models.put(f.record().key(), value);
          }
        } else if (child.equals(LearningPlugin.METRICS_SINK)) {
          metrics.add((String) f.record().value());
        }
      }
      context.resetForwards();
    }

    Optional<StreamingModel> model() {
      return new ModelCache("default").current(models);
    }
  }

  /** Class j: a random direction plus noise; float-valued, as samples are on the wire. */
  private static double[][] samples(int n, int[] labels, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    SplittableRandom c = new SplittableRandom(99);
    double[][] centres = new double[3][D];
    for (double[] centre : centres) {
      for (int a = 0; a < D; a++) {
        centre[a] = c.nextDouble(-1, 1);
      }
    }
    double[][] x = new double[n][D];
    for (int i = 0; i < n; i++) {
      labels[i] = i < 3 ? i : r.nextInt(3); // the first three name the classes a, b, c in order
      for (int a = 0; a < D; a++) {
        x[i][a] = (float) (centres[labels[i]][a] + 0.3 * r.nextDouble(-1, 1));
      }
    }
    return x;
  }

  /** The statistics of samples pushed through {@code v1} (π̂ membership), as the builder does. */
  private static ModelStatistics through(
      StreamingModel v1, double[][] x, int[] y, int from, int to) {
    double[][] columns = new double[to - from][];
    int[] labels = new int[to - from];
    for (int i = from; i < to; i++) {
      columns[i - from] = x[i];
      labels[i - from] = y[i];
    }
    List<Matrix> path = v1.forward(Matrix.fromColumns(columns), null);
    return ModelStatistics.of(path, path.get(path.size() - 1), labels);
  }

  private static Map<String, Long> outcomes(
      StreamingModel v1, double[][] x, int[] y, int from, int to) {
    Map<String, Long> o = new LinkedHashMap<>();
    for (int i = from; i < to; i++) {
      int p = v1.score(Matrix.fromColumns(new double[][] {x[i]})).predicted()[0];
      o.merge(LearningRecord.outcome(NAMES.get(y[i]), NAMES.get(p)), 1L, Long::sum);
    }
    return o;
  }

  private static LearningRecord.Raws raws(double[][] x, int[] y, int from, int to) {
    List<LearningRecord.Raw> r = new ArrayList<>();
    for (int i = from; i < to; i++) {
      r.add(new LearningRecord.Raw(NAMES.get(y[i]), x[i], Optional.of(NAMES.get(y[i]))));
    }
    return new LearningRecord.Raws(r);
  }

  /**
   * The second window as scoring tasks could send it: 6 raw samples, 6 as one statistics delta, 6
   * as parts and an end, 5 raw samples, and one more raw sample on its own.
   */
  private static List<LearningRecord> secondWindow(StreamingModel v1, double[][] x, int[] y) {
    List<LearningRecord> records = new ArrayList<>();
    records.add(raws(x, y, W, W + 6));
    records.add(
        new LearningRecord.Delta(
            ModelCodec.statisticsParts(through(v1, x, y, W + 6, W + 12)),
            new LearningRecord.End(6, outcomes(v1, x, y, W + 6, W + 12))));
    ModelCodec.statisticsParts(through(v1, x, y, W + 12, W + 18))
        .forEach((name, bytes) -> records.add(new LearningRecord.Part(name, bytes)));
    records.add(new LearningRecord.End(6, outcomes(v1, x, y, W + 12, W + 18)));
    records.add(raws(x, y, W + 18, W + 23));
    int last = 2 * W - 1;
    records.add(new LearningRecord.Raw(NAMES.get(y[last]), x[last], Optional.of("a")));
    return records;
  }

  /** Runs two windows, restarting the builder after {@code restartAfter} second-window records. */
  private static Task run(double[][] x, int[] y, int restartAfter, long waitingLimit) {
    Task task = new Task();
    task.waitingLimit = waitingLimit;
    task.restart();
    for (int i = 0; i < W; i++) {
      task.process(new LearningRecord.Raw(NAMES.get(y[i]), x[i], Optional.empty()));
    }
    return secondWindow(task, x, y, restartAfter);
  }

  private static Task secondWindow(Task task, double[][] x, int[] y, int restartAfter) {
    StreamingModel v1 = task.model().orElseThrow();
    assertThat(v1.version()).isEqualTo(1);
    List<LearningRecord> second = secondWindow(v1, x, y);
    task.secondWindowRecords = second.size();
    for (int r = 0; r < second.size(); r++) {
      if (r == restartAfter) {
        task.restart();
      }
      task.process(second.get(r));
      if (r < second.size() - 1) {
        assertThat(task.model().orElseThrow().version()).as("after record " + r).isEqualTo(1);
      }
    }
    return task;
  }

  private static double[][] testSamples() {
    int[] y = new int[6];
    return samples(6, y, 11);
  }

  /** Waiting samples multiplied out at the window's end only, or at every contribution. */
  private static final long[] WAITING_LIMITS = {ModelBuilderProcessor.WAITING_BYTES, 0};

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void everyKindOfDeltaLandsInTheWindowAndTheNextVersionIsBuiltFromTheirStatistics(int limit) {
    int[] y = new int[2 * W];
    double[][] x = samples(2 * W, y, 5);
    Task task = run(x, y, -1, WAITING_LIMITS[limit]);
    StreamingModel v2 = task.model().orElseThrow();
    assertThat(v2.version()).isEqualTo(2);

    // The expectation, computed without the builder: the first window's batch construction, then
    // the second window's samples pushed through v1 (the raw one as well), all cumulated.
    double[][] first = new double[W][];
    int[] firstLabels = new int[W];
    System.arraycopy(x, 0, first, 0, W);
    System.arraycopy(y, 0, firstLabels, 0, W);
    ModelBuilder builder = new ModelBuilder(SETTINGS);
    ModelBuilder.Built built =
        builder.construct(1, Matrix.fromColumns(first), firstLabels, NAMES, Optional.empty());
    StreamingModel v1 = built.model();
    ModelStatistics total =
        StatisticsWindows.start(SETTINGS)
            .close(built.statistics())
            .close(through(v1, x, y, W, 2 * W))
            .total()
            .orElseThrow();
    StreamingModel expected = builder.fromStatistics(2, D, Optional.empty(), total, NAMES);
    Matrix test = Matrix.fromColumns(testSamples());
    assertThat(v2.score(test).features().maxAbsDifference(expected.score(test).features()))
        .isLessThan(1e-9);
    for (int l = 0; l < 2; l++) {
      assertThat(v2.layerRates().get(l).deltaR())
          .isCloseTo(expected.layerRates().get(l).deltaR(), within(1e-9));
    }
    String metrics = task.metrics.get(task.metrics.size() - 1);
    assertThat(metrics).contains("\"version\":2").contains("\"window_labelled\":" + W);
    // Every sample of the window came with a prediction.
    assertThat(metrics).contains("\"scored\":" + W);
  }

  @Test
  void windowsCloseByTheEventTimeInTheHeaderNotByTheAppendTime() {
    int[] y = new int[10];
    double[][] x = samples(10, y, 7);
    Task task = new Task();
    task.restart(5_000);
    long appended = 1_800_000_000_000L; // LogAppendTime: the same for the whole batch
    for (int i = 0; i < 6; i++) {
      assertThat(task.model()).as("before %d s of event time", i).isEmpty();
      Headers h = new RecordHeaders();
      h.add(
          LearningRecord.EVENT_TIME_HEADER,
          ByteBuffer.allocate(8).putLong(1_000_000L + 1_000L * i).array());
      byte[] raw =
          LearningRecord.encode(new LearningRecord.Raw(NAMES.get(y[i]), x[i], Optional.empty()));
      task.process(new Record<>("default", raw, appended, h));
    }
    // Six samples 1 s apart span the 5 s window: the first version is built from them.
    assertThat(task.model()).isPresent();
    assertThat(task.metrics.get(0)).contains("\"window_labelled\":6");
  }

  /** The output features of {@code test} under the second version, built inline. */
  private static Matrix inlineVersion2(double[][] x, int[] y, Matrix test) {
    return run(x, y, -1, ModelBuilderProcessor.WAITING_BYTES)
        .model()
        .orElseThrow()
        .score(test)
        .features();
  }

  /** Two windows with versions computed in the background; returns once v2 is requested. */
  private static Task backgroundUntilVersion2IsRequested(double[][] x, int[] y) throws Exception {
    Task task = new Task();
    task.executors = () -> ModelBuilderProcessor.builderThread("default");
    task.restart();
    for (int i = 0; i < W; i++) {
      task.process(new LearningRecord.Raw(NAMES.get(y[i]), x[i], Optional.empty()));
    }
    task.await(1);
    secondWindow(task, x, y, -1); // the last record closes the window and requests v2
    return task;
  }

  @Test
  void aVersionComputedInTheBackgroundIsTheOneComputedInline() throws Exception {
    int[] y = new int[2 * W];
    double[][] x = samples(2 * W, y, 12);
    Matrix test = Matrix.fromColumns(testSamples());
    Task task = backgroundUntilVersion2IsRequested(x, y);
    task.await(2);
    assertThat(
            task.model()
                .orElseThrow()
                .score(test)
                .features()
                .maxAbsDifference(inlineVersion2(x, y, test)))
        .isZero();
    assertThat(task.metrics).hasSize(2);
    assertThat(task.metrics.get(1)).contains("\"window_labelled\":" + W);
    task.builder.close();
  }

  @Test
  void aVersionRequestedBeforeARestartIsComputedByTheNextBuilder() throws Exception {
    int[] y = new int[2 * W];
    double[][] x = samples(2 * W, y, 13);
    Matrix test = Matrix.fromColumns(testSamples());
    Task task = backgroundUntilVersion2IsRequested(x, y);
    assertThat(task.model().orElseThrow().version()).isEqualTo(1);
    task.executors = null;
    task.restart(); // stops the builder with v2 in flight; the next one computes it on init
    StreamingModel v2 = task.model().orElseThrow();
    assertThat(v2.version()).isEqualTo(2);
    assertThat(v2.score(test).features().maxAbsDifference(inlineVersion2(x, y, test))).isZero();
  }

  @Test
  void aFirstVersionRequestedBeforeARestartIsComputedAgainWithTheSamplesThatCameMeanwhile() {
    int[] y = new int[2 * W];
    double[][] x = samples(2 * W, y, 14);
    Matrix test = Matrix.fromColumns(testSamples());
    Task once = new Task();
    once.restart();
    for (int i = 0; i < 2 * W; i++) {
      once.process(new LearningRecord.Raw(NAMES.get(y[i]), x[i], Optional.empty()));
    }
    assertThat(once.model().orElseThrow().version()).isEqualTo(2);

    Task task = new Task();
    ExecutorService never = Executors.newSingleThreadExecutor();
    CountDownLatch forever = new CountDownLatch(1);
    never.execute( // busy until shut down: what is submitted after it waits
        () -> {
          try {
            forever.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    task.executors = () -> never;
    task.restart();
    for (int i = 0; i < W + 5; i++) { // v1 is requested at W; 5 samples come while it is computed
      task.process(new LearningRecord.Raw(NAMES.get(y[i]), x[i], Optional.empty()));
    }
    assertThat(task.model()).isEmpty();
    task.executors = null;
    task.restart(); // the next builder computes v1 on init; the 5 samples open its first window
    never.shutdownNow();
    assertThat(task.model().orElseThrow().version()).isEqualTo(1);
    for (int i = W + 5; i < 2 * W; i++) {
      task.process(new LearningRecord.Raw(NAMES.get(y[i]), x[i], Optional.empty()));
    }
    StreamingModel v2 = task.model().orElseThrow();
    assertThat(v2.version()).isEqualTo(2);
    assertThat(
            v2.score(test)
                .features()
                .maxAbsDifference(once.model().orElseThrow().score(test).features()))
        .isZero();
  }

  @Test
  void aVersionThatFailsToComputeIsRequestedAgainAfterTheNextWindow() throws Exception {
    int[] y = new int[3 * W];
    double[][] x = samples(3 * W, y, 15);
    AtomicInteger calls = new AtomicInteger();
    ExecutorService real = ModelBuilderProcessor.builderThread("default");
    ExecutorService failingOnce =
        new AbstractExecutorService() {
          @Override
          public <T> Future<T> submit(Callable<T> task) {
            return calls.getAndIncrement() == 0
                ? CompletableFuture.failedFuture(new IllegalStateException("not SPD"))
                : real.submit(task);
          }

          @Override
          public void execute(Runnable command) {
            real.execute(command);
          }

          @Override
          public void shutdown() {
            real.shutdown();
          }

          @Override
          public List<Runnable> shutdownNow() {
            return real.shutdownNow();
          }

          @Override
          public boolean isShutdown() {
            return real.isShutdown();
          }

          @Override
          public boolean isTerminated() {
            return real.isTerminated();
          }

          @Override
          public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return real.awaitTermination(timeout, unit);
          }
        };
    Task task = new Task();
    task.executors = () -> failingOnce;
    task.restart();
    for (int i = 0; i < 2 * W - 1; i++) {
      task.process(new LearningRecord.Raw(NAMES.get(y[i]), x[i], Optional.empty()));
    }
    assertThat(calls.get()).as("one attempt, failed, not retried at every sample").isEqualTo(1);
    assertThat(task.model()).isEmpty();
    task.process(new LearningRecord.Raw(NAMES.get(y[2 * W - 1]), x[2 * W - 1], Optional.empty()));
    task.await(1);
    assertThat(calls.get()).isEqualTo(2);
    assertThat(task.metrics.get(0)).contains("\"window_labelled\":" + 2 * W);
    task.builder.close();
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1})
  void aBuilderRestartedMidWindowBuildsTheSameVersionAsOneThatNeverStopped(int limit) {
    int[] y = new int[2 * W];
    double[][] x = samples(2 * W, y, 6);
    Task once = run(x, y, -1, WAITING_LIMITS[limit]);
    Matrix test = Matrix.fromColumns(testSamples());
    Matrix expected = once.model().orElseThrow().score(test).features();
    assertThat(once.secondWindowRecords).isGreaterThan(10);
    for (int restartAfter = 1; restartAfter < once.secondWindowRecords; restartAfter++) {
      Task task = run(x, y, restartAfter, WAITING_LIMITS[limit]);
      StreamingModel v2 = task.model().orElseThrow();
      assertThat(v2.version()).isEqualTo(2);
      // The restored window replays the same records in the same order: the same bits.
      assertThat(v2.score(test).features().maxAbsDifference(expected))
          .as("restarted after record " + restartAfter)
          .isZero();
    }
  }
}
