package dev.redunet.stream.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.avro.internal.LearningMessage;
import dev.redunet.avro.internal.LearningSample;
import dev.redunet.avro.internal.ModelProgress;
import dev.redunet.avro.internal.PartitionProgress;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowedLearner;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.wire.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The builder on its own, with real (in-memory) stores: whatever order the partitions' samples
 * arrive in, and whatever happens to the builder meanwhile, it closes the same windows at the same
 * samples and builds the same versions as the offline core fed the samples in key order.
 */
class ModelBuilderProcessorTest {

  private static final int D = 5;
  private static final int W = 20;
  private static final int PARTITIONS = 3;
  private static final long IDLE_MS = 5_000;
  private static final AvroCodec<LearningMessage> MESSAGES = AvroCodec.of(LearningMessage.class);
  private static final AvroCodec<ModelProgress> PROGRESS = AvroCodec.of(ModelProgress.class);
  private static final LearnerSettings SETTINGS =
      LearnerConfig.settings(
          AppConfig.of(
              Map.of(
                  "redunet.bootstrap.servers", "unused:9092",
                  "redunet.window", Integer.toString(W),
                  "redunet.layers", "2",
                  "redunet.lambda", "10",
                  "redunet.projection", "off")));

  /** A labelled sample of one input partition. */
  @SuppressWarnings("ArrayRecordComponent") // test data, never modified
  private record Labelled(String key, int partition, long time, double[] x, String label) {
    byte[] encoded() {
      return MESSAGES.encode(
          LearningMessage.newBuilder()
              .setBody(
                  LearningSample.newBuilder()
                      .setKey(key)
                      .setPartition(partition)
                      .setEventTime(time)
                      .setLabel(label)
                      .setShape(List.of(x.length))
                      .setFeatures(StreamKey.floats(x))
                      .build())
              .build());
    }
  }

  /**
   * {@code n} labelled samples at times 0, 1, 2, … spread over the partitions at random, with
   * float-valued features (as on the wire); class j is a random direction plus noise.
   */
  private static List<Labelled> stream(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    SplittableRandom c = new SplittableRandom(99);
    double[][] centres = new double[3][D];
    for (double[] centre : centres) {
      for (int a = 0; a < D; a++) {
        centre[a] = c.nextDouble(-1, 1);
      }
    }
    long[] offsets = new long[PARTITIONS];
    List<Labelled> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = r.nextInt(3);
      double[] x = new double[D];
      for (int a = 0; a < D; a++) {
        x[a] = (float) (centres[label][a] + 0.3 * r.nextDouble(-1, 1));
      }
      int p = r.nextInt(PARTITIONS);
      out.add(new Labelled(StreamKey.of(i, p, offsets[p]++), p, i, x, "c" + label));
    }
    return out;
  }

  /** The partitions' records interleaved at random; each partition's stay in their order. */
  private static List<Labelled> interleaved(List<Labelled> stream, long seed) {
    List<List<Labelled>> byPartition = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      byPartition.add(new ArrayList<>());
    }
    stream.forEach(s -> byPartition.get(s.partition()).add(s));
    List<Integer> order = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      order.addAll(Collections.nCopies(byPartition.get(p).size(), p));
    }
    Collections.shuffle(order, new java.util.Random(seed));
    int[] next = new int[PARTITIONS];
    List<Labelled> out = new ArrayList<>();
    for (int p : order) {
      out.add(byPartition.get(p).get(next[p]++));
    }
    return out;
  }

  /**
   * The spectral network on the same samples (one channel of T = D), sliding windows: the builder
   * stores per-frequency statistics.
   */
  private static final LearnerSettings SPECTRAL =
      LearnerConfig.settings(
          AppConfig.of(
              Map.of(
                  "redunet.bootstrap.servers", "unused:9092",
                  "redunet.window", Integer.toString(W),
                  "redunet.layers", "2",
                  "redunet.lambda", "10",
                  "redunet.network", "spectral",
                  "redunet.feature.shape", "1," + D,
                  "redunet.statistics", "sliding",
                  "redunet.sliding.windows", "2")));

  /** The versions of the offline core fed the samples in key order. */
  private static List<StreamingModel> offline(List<Labelled> stream) {
    return offline(stream, SETTINGS);
  }

  /** The versions of the offline core with these settings fed the samples in key order. */
  private static List<StreamingModel> offline(List<Labelled> stream, LearnerSettings settings) {
    WindowedLearner core = WindowedLearner.start(settings, 0);
    List<StreamingModel> versions = new ArrayList<>();
    stream.stream()
        .sorted((a, b) -> a.key().compareTo(b.key()))
        .forEach(
            s -> {
              if (core.add(new WindowedLearner.Sample(s.time(), s.x(), s.label()))
                  == WindowedLearner.Added.CLOSED) {
                WindowedLearner.Built b = core.nextJob().orElseThrow().compute();
                core.install(b);
                versions.add(b.model());
              }
            });
    return versions;
  }

  /** A builder task: the processor, its state store and the global model store it reads. */
  private static final class Task {
    final MockProcessorContext<String, Object> context = new MockProcessorContext<>();
    final KeyValueStore<String, byte[]> models = store(LearningPlugin.MODEL_STORE);

    {
      store(LearningPlugin.BUILDER_STORE); // read and written by the processor only
    }

    final List<String> metrics = new ArrayList<>();
    final AtomicInteger idle = new AtomicInteger();
    final AtomicInteger skipped = new AtomicInteger();
    final AtomicInteger failures = new AtomicInteger();
    final LocalVersions local = new LocalVersions();
    final LocalLearningRecords handed = new LocalLearningRecords();
    ModelBuilderProcessor builder;
    Supplier<ExecutorService> executors = null; // inline
    int retained = 10;
    InputBacklog backlog = InputBacklog.none();
    final LearnerSettings settings;

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
      this(SETTINGS);
    }

    Task(LearnerSettings settings) {
      this.settings = settings;
      context.setCurrentSystemTimeMs(1_700_000_000_000L);
      restart();
    }

    /** A new processor instance on the same stores, as after a crash or a migration. */
    void restart() {
      if (builder != null) {
        builder.close();
      }
      context.resetForwards();
      builder =
          new ModelBuilderProcessor(
              "default",
              settings,
              new LearningListener() {
                @Override
                public void partitionIdle(int partition) {
                  idle.incrementAndGet();
                }

                @Override
                public void learningRecordSkipped() {
                  skipped.incrementAndGet();
                }

                @Override
                public void buildFailed() {
                  failures.incrementAndGet();
                }
              },
              0,
              PARTITIONS,
              IDLE_MS,
              retained,
              local,
              handed,
              executors,
              MathExecutor.sequential(),
              ModelBuilderProcessor.DEFAULT_CLUSTER_MEMBERS,
              java.util.Optional.empty(),
              backlog);
      builder.init(context);
      assertThat(context.forwarded())
          .as("nothing forwarded from init: Kafka Streams initializes the sinks after it")
          .isEmpty();
      tick(0);
    }

    void process(byte[] value) {
      builder.process(new Record<>("default", value, 0L));
      collect();
    }

    void process(Labelled s) {
      process(s.encoded());
    }

    /** A heartbeat of a partition's task that has seen no sample (empty key). */
    private static byte[] heartbeat(int partition) {
      return MESSAGES.encode(
          LearningMessage.newBuilder()
              .setBody(PartitionProgress.newBuilder().setPartition(partition).setKey("").build())
              .build());
    }

    /** Every partition reports it has got past every sample. */
    void finish() {
      finish(0, 1, 2);
    }

    /** These partitions report they have got past every sample. */
    void finish(int... partitions) {
      for (int p : partitions) {
        process(
            MESSAGES.encode(
                LearningMessage.newBuilder()
                    .setBody(
                        PartitionProgress.newBuilder()
                            .setPartition(p)
                            .setKey(StreamKey.of(Long.MAX_VALUE / 2, p, 0))
                            .build())
                    .build()));
      }
      tick(0);
    }

    /** Runs the punctuation after {@code ms} of wall-clock time. */
    void tick(long ms) {
      context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + ms);
      List<MockProcessorContext.CapturedPunctuator> p = context.scheduledPunctuators();
      p.get(p.size() - 1).getPunctuator().punctuate(context.currentSystemTimeMs());
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

    Optional<StreamingModel> version(long v) {
      return new ModelCache("default").version(models, v);
    }

    long latest() {
      return new ModelCache("default").latestVersion(models).orElse(0);
    }

    String boundary(long v) {
      byte[] b = models.get(ModelTopicKeys.boundary("default", v));
      return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    ModelProgress progress() {
      return PROGRESS.decode(models.get(ModelTopicKeys.progress("default")));
    }
  }

  private static void assertSameModel(StreamingModel actual, StreamingModel expected) {
    Matrix probe =
        Matrix.fromColumns(stream(9, 5).stream().map(Labelled::x).toArray(double[][]::new));
    assertThat(actual.version()).isEqualTo(expected.version());
    assertThat(actual.score(probe).features().maxAbsDifference(expected.score(probe).features()))
        .as("v%d bit for bit", expected.version())
        .isZero();
    assertThat(actual.score(probe).deltaL()).isDeepEqualTo(expected.score(probe).deltaL());
  }

  /** Window v of the stream ends at its (v·W)-th sample in key order, for v = 1…{@code n}. */
  private static void assertBoundaries(Task task, List<Labelled> stream, int n) {
    List<String> keys = stream.stream().map(Labelled::key).sorted().toList();
    for (int v = 1; v <= n; v++) {
      assertThat(task.boundary(v)).as("boundary of v%d", v).isEqualTo(keys.get(v * W - 1));
    }
  }

  @Test
  void samplesArrivingInAnyOrderGiveTheVersionsOfTheCoreFedInKeyOrder() {
    List<Labelled> stream = stream(3 * W + 5, 1);
    List<StreamingModel> expected = offline(stream);
    assertThat(expected).hasSize(3);
    for (long seed : new long[] {2, 3}) {
      Task task = new Task();
      interleaved(stream, seed).forEach(task::process);
      task.finish();
      assertThat(task.latest()).isEqualTo(3);
      for (StreamingModel e : expected) {
        assertSameModel(task.version(e.version()).orElseThrow(), e);
      }
      assertBoundaries(task, stream, 3);
      for (int v = 1; v <= 3; v++) {
        assertThat(task.local.boundary(v))
            .as("this instance's scorers see the boundary the model topic gets")
            .contains(task.boundary(v));
        assertSameModel(task.local.version(v).orElseThrow(), task.version(v).orElseThrow());
      }
      assertThat(task.progress().getWindows()).isEqualTo(3);
      assertThat(task.local.progress()).contains(task.progress());
      assertThat(task.local.latestVersion()).hasValue(3);
      assertThat(task.metrics).hasSize(3);
    }
  }

  /**
   * What the scorers of this instance hand the builder for {@code stream}: per partition, every
   * record with the key of the one its task sent before it (null for the task's first), in the
   * order {@code order} interleaves the partitions.
   */
  private static List<LocalLearningRecords.Handed> handed(
      List<Labelled> stream, List<Labelled> order) {
    Map<String, String> previous = new java.util.HashMap<>();
    String[] last = new String[PARTITIONS];
    for (Labelled s : stream.stream().sorted((a, b) -> a.key().compareTo(b.key())).toList()) {
      previous.put(s.key(), last[s.partition()]);
      last[s.partition()] = s.key();
    }
    return order.stream()
        .map(
            s ->
                new LocalLearningRecords.Handed(
                    s.partition(),
                    previous.get(s.key()),
                    s.key(),
                    MESSAGES.decode(s.encoded()).getBody(),
                    s.encoded()))
        .toList();
  }

  @Test
  void handedRecordsAreLearnedOnceWhicheverPathBringsThemFirst() {
    List<Labelled> stream = stream(3 * W + 5, 21);
    List<StreamingModel> expected = offline(stream);
    Task task = new Task();
    handed(stream, interleaved(stream, 22)).forEach(task.handed::offer);
    task.tick(0);
    assertThat(task.latest())
        .as("each partition's first record (its task's first) is taken from the topic only")
        .isZero();
    assertThat(task.models.get(ModelTopicKeys.progress("default"))).isNull();

    List<Labelled> topic = interleaved(stream, 23);
    for (int p = 0; p < PARTITIONS; p++) {
      int partition = p;
      task.process(topic.stream().filter(s -> s.partition() == partition).findFirst().get());
    }
    assertThat(task.latest())
        .as("the first records came by the topic: the handed ones after them are learned")
        .isGreaterThanOrEqualTo(2);

    topic.forEach(task::process); // the same records again, by the topic: dropped
    task.finish();
    assertThat(task.latest()).isEqualTo(3);
    for (StreamingModel e : expected) {
      assertSameModel(task.version(e.version()).orElseThrow(), e);
    }
    assertBoundaries(task, stream, 3);
    assertThat(task.skipped).hasValue(0);
  }

  @Test
  void aHandedRecordWaitsForTheRecordsBeforeItToComeByTheTopic() {
    List<Labelled> stream = stream(2 * W + 5, 24);
    List<Labelled> sorted = stream.stream().sorted((a, b) -> a.key().compareTo(b.key())).toList();
    Labelled missing = sorted.get(W / 2); // never handed (the queue was full, say)
    Task task = new Task();
    for (int p = 0; p < PARTITIONS; p++) {
      int partition = p;
      task.process(sorted.stream().filter(s -> s.partition() == partition).findFirst().get());
    }
    handed(stream, sorted).stream()
        .filter(h -> !h.key().equals(missing.key()))
        .forEach(task.handed::offer);
    task.tick(0);
    assertThat(task.latest()).as("the window with the missing sample cannot close").isZero();
    assertThat(task.progress().getWatermark()).isLessThan(missing.key());

    task.process(missing);
    task.tick(0);
    String lowestLast =
        java.util.stream.IntStream.range(0, PARTITIONS)
            .mapToObj(
                p ->
                    sorted.stream()
                        .filter(s -> s.partition() == p)
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .key())
            .min(String::compareTo)
            .orElseThrow();
    assertThat(task.progress().getWatermark())
        .as("the missing record came by the topic: every handed one after it followed")
        .isEqualTo(lowestLast);
    long closable = sorted.get(2 * W - 1).key().compareTo(lowestLast) <= 0 ? 2 : 1;
    assertThat(task.latest()).isEqualTo(closable);
    sorted.forEach(task::process);
    task.finish();
    List<StreamingModel> expected = offline(stream);
    assertThat(task.latest()).isEqualTo(expected.size());
    for (StreamingModel e : expected) {
      assertSameModel(task.version(e.version()).orElseThrow(), e);
    }
  }

  @Test
  void recordsAreHandedOnlyToAnAttachedBuilderAndAtMostCapacity() {
    LocalLearningRecords records = new LocalLearningRecords();
    LocalLearningRecords.Handed h =
        new LocalLearningRecords.Handed(0, null, "k", null, new byte[0]);
    assertThat(records.offer(h)).as("no builder attached").isFalse();
    records.attach();
    for (int i = 0; i < LocalLearningRecords.CAPACITY; i++) {
      assertThat(records.offer(h)).isTrue();
    }
    assertThat(records.offer(h)).as("full: the topic brings it").isFalse();
    assertThat(records.take()).hasSize(LocalLearningRecords.CAPACITY);
    assertThat(records.offer(h)).isTrue();
    records.detach();
    assertThat(records.take()).as("dropped with the builder").isEmpty();
    assertThat(records.offer(h)).isFalse();
  }

  @Test
  void noWindowClosesBeforeEveryPartitionHasPassedIt() {
    List<Labelled> stream = stream(W + 5, 4);
    Task task = new Task();
    stream.stream().filter(s -> s.partition() != 2).forEach(task::process);
    assertThat(task.latest()).as("partition 2 has sent nothing yet").isZero();
    assertThat(task.models.get(ModelTopicKeys.progress("default"))).isNull();
    stream.stream().filter(s -> s.partition() == 2).forEach(task::process);
    task.finish();
    assertThat(task.latest()).isEqualTo(1);
    assertSameModel(task.version(1).orElseThrow(), offline(stream).get(0));
    assertThat(task.idle).hasValue(0);
  }

  @Test
  void anIdlePartitionIsSkippedAfterTheTimeoutAndCounted() {
    List<Labelled> stream =
        stream(3 * W, 6).stream().filter(s -> s.partition() != 1).toList(); // partition 1: silent
    Task task = new Task();
    task.process(Task.heartbeat(1)); // partition 1's task runs, with nothing to read
    stream.forEach(task::process);
    assertThat(task.latest()).isZero();
    task.tick(IDLE_MS - 1);
    assertThat(task.latest()).isZero();
    task.process(Task.heartbeat(1));
    task.finish(0, 2); // partitions 0 and 2 move on; partition 1 stays without samples
    assertThat(task.latest()).isZero();
    task.tick(2);
    assertThat(task.idle).as("partition 1 skipped once").hasValue(1);
    assertThat(task.latest()).isGreaterThanOrEqualTo(1);
    assertSameModel(task.version(1).orElseThrow(), offline(stream).get(0));
  }

  /** A backlog the test sets; every question is answered at once with the flags of the moment. */
  private static final class SetBacklog implements InputBacklog {
    final boolean[] caught = new boolean[PARTITIONS];
    final List<Long> askedAt = new ArrayList<>();
    private long answeredAt = Long.MIN_VALUE;
    private boolean[] answer = new boolean[0];

    @Override
    public void check(long now, int partitions) {
      askedAt.add(now);
      answeredAt = now;
      answer = caught.clone();
    }

    @Override
    public boolean caughtUp(int partition, long since) {
      return answeredAt >= since && answer[partition];
    }

    @Override
    public void close() {}
  }

  @Test
  void aSilentPartitionWhoseTaskHasRecordsLeftIsWaitedForUntilTheyAreProcessed() {
    // The kill -9 soak under load: a task heartbeats while its backlog has not reached it yet.
    List<Labelled> stream = stream(3 * W, 6);
    Task task = new Task();
    SetBacklog backlog = new SetBacklog();
    task.backlog = backlog;
    task.restart();
    task.process(Task.heartbeat(1)); // partition 1's task runs; its records have not come yet
    stream.stream().filter(s -> s.partition() != 1).forEach(task::process);
    task.finish(0, 2);
    for (int i = 0; i < 10; i++) { // silent for ten timeouts, heartbeating all along
      task.tick(IDLE_MS / 2);
      task.process(Task.heartbeat(1));
    }
    assertThat(backlog.askedAt).as("asked once the silence lasted a timeout").isNotEmpty();
    assertThat(task.idle).as("never skipped: its records are not processed").hasValue(0);
    assertThat(task.latest()).as("no window closes without partition 1").isZero();
    stream.stream().filter(s -> s.partition() == 1).forEach(task::process); // the backlog arrives
    task.finish();
    assertThat(task.idle).hasValue(0);
    assertThat(task.latest()).isEqualTo(3);
    for (int v = 1; v <= 3; v++) {
      assertSameModel(task.version(v).orElseThrow(), offline(stream).get(v - 1));
    }
  }

  @Test
  void anAnswerAskedBeforeThePartitionFellSilentDoesNotCount() {
    List<Labelled> stream =
        stream(3 * W, 6).stream().filter(s -> s.partition() != 1).toList(); // partition 1: empty
    Task task = new Task();
    SetBacklog backlog = new SetBacklog();
    task.backlog = backlog;
    task.restart();
    java.util.Arrays.fill(backlog.caught, true);
    backlog.check(task.context.currentSystemTimeMs(), PARTITIONS); // "caught up", asked early
    backlog.caught[1] = false; // then records come to partition 1
    task.process(Task.heartbeat(1));
    stream.forEach(task::process);
    task.finish(0, 2);
    task.tick(IDLE_MS - 1);
    task.process(Task.heartbeat(1));
    task.tick(2);
    assertThat(backlog.askedAt).as("asked again once silent for the timeout").hasSize(2);
    assertThat(task.idle).as("the early answer is stale; the new one says wait").hasValue(0);
    assertThat(task.latest()).isZero();
    backlog.caught[1] = true; // its task has processed them (and they were unlabelled)
    task.tick(1);
    assertThat(task.idle).as("skipped on an answer asked during the silence").hasValue(1);
    assertThat(task.latest()).isGreaterThanOrEqualTo(1);
    assertSameModel(task.version(1).orElseThrow(), offline(stream).get(0));
  }

  @Test
  void aPartitionWhoseTaskIsNotHeardFromIsWaitedForNotSkipped() {
    List<Labelled> stream = stream(2 * W, 15);
    Task task = new Task();
    stream.stream().filter(s -> s.partition() != 1).forEach(task::process);
    task.tick(10 * IDLE_MS); // partition 1's task: starting, restoring, or moving instances
    task.finish(0, 2);
    task.tick(10 * IDLE_MS);
    assertThat(task.idle).hasValue(0);
    assertThat(task.latest()).as("its samples could still come: no window closes").isZero();
    stream.stream().filter(s -> s.partition() == 1).forEach(task::process);
    task.finish();
    assertThat(task.latest()).isEqualTo(2);
    assertSameModel(task.version(2).orElseThrow(), offline(stream).get(1));
  }

  @Test
  void samplesThatComeAfterTheirPartitionWasSkippedAreLearnedLateAndLearningGoesOn() {
    List<Labelled> stream = stream(4 * W, 16);
    Task task = new Task();
    task.process(Task.heartbeat(0));
    task.process(Task.heartbeat(2));
    stream.stream().filter(s -> s.partition() == 1).forEach(task::process);
    task.tick(IDLE_MS - 1);
    task.process(Task.heartbeat(0));
    task.process(Task.heartbeat(2));
    task.tick(2); // partitions 0 and 2: heard from, nothing read: skipped
    assertThat(task.idle).hasValue(2);
    stream.stream().filter(s -> s.partition() != 1).forEach(task::process); // now late
    task.finish();
    task.tick(IDLE_MS + 1);
    task.finish();
    assertThat(task.latest()).as("every window closes, late samples included").isEqualTo(4);
  }

  @Test
  void aBuilderRestartedAnywhereBuildsTheSameVersions() {
    List<Labelled> stream = stream(4 * W + 3, 7);
    List<StreamingModel> expected = offline(stream);
    List<Labelled> arrivals = interleaved(stream, 8);
    Task task = new Task();
    for (int i = 0; i < arrivals.size(); i++) {
      task.process(arrivals.get(i));
      if (i % 17 == 16) {
        task.restart();
      }
    }
    task.finish();
    assertThat(task.latest()).isEqualTo(4);
    for (StreamingModel e : expected) {
      assertSameModel(task.version(e.version()).orElseThrow(), e);
    }
  }

  @Test
  void aSpectralBuilderRestartedAnywhereBuildsTheSameVersions() {
    List<Labelled> stream = stream(4 * W + 3, 7);
    List<StreamingModel> expected = offline(stream, SPECTRAL);
    assertThat(expected).hasSize(4);
    assertThat(expected.get(3).isSpectral()).isTrue();
    List<Labelled> arrivals = interleaved(stream, 8);
    Task task = new Task(SPECTRAL);
    for (int i = 0; i < arrivals.size(); i++) {
      task.process(arrivals.get(i));
      if (i % 13 == 12) {
        task.restart(); // from the per-frequency statistics the builder stored
      }
    }
    task.finish();
    assertThat(task.latest()).isEqualTo(4);
    for (StreamingModel e : expected) {
      StreamingModel actual = task.version(e.version()).orElseThrow();
      assertThat(actual.isSpectral()).isTrue();
      assertSameModel(actual, e);
    }
  }

  @Test
  void versionsComputedInTheBackgroundAreTheOnesComputedInline() throws Exception {
    List<Labelled> stream = stream(4 * W + 1, 9);
    List<StreamingModel> expected = offline(stream);
    assertThat(expected).hasSize(4);
    Task task = new Task();
    CountDownLatch gate = new CountDownLatch(1);
    task.executors =
        () -> {
          ExecutorService e = Executors.newSingleThreadExecutor();
          e.execute( // v1's job waits behind this until every window has closed
              () -> {
                try {
                  gate.await();
                } catch (InterruptedException x) {
                  Thread.currentThread().interrupt();
                }
              });
          return e;
        };
    task.restart();
    stream.forEach(task::process);
    task.finish();
    assertThat(task.latest()).as("nothing computed yet").isZero();
    gate.countDown();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (task.local.version(4).isEmpty()) {
      assertThat(System.nanoTime()).as("v4 computed within 60 s").isLessThan(deadline);
      Thread.sleep(5);
    }
    assertThat(task.latest())
        .as("v2 to v4 were computed, each on the one before, with no install between: chained")
        .isZero();
    while (task.latest() < 4) {
      assertThat(System.nanoTime()).as("v4 within 60 s").isLessThan(deadline);
      Thread.sleep(5);
      task.tick(50);
    }
    for (StreamingModel e : expected) {
      assertSameModel(task.version(e.version()).orElseThrow(), e);
      assertSameModel(task.local.version(e.version()).orElseThrow(), e);
    }
    task.builder.close();
  }

  @Test
  void aFailedBuildIsRetriedNeverThrownAndCounted() throws Exception {
    List<Labelled> stream = stream(W, 10);
    AtomicInteger calls = new AtomicInteger();
    Task task = new Task();
    task.executors =
        () ->
            new java.util.concurrent.AbstractExecutorService() {
              final ExecutorService real = Executors.newSingleThreadExecutor();

              @Override
              public <T> java.util.concurrent.Future<T> submit(
                  java.util.concurrent.Callable<T> task) {
                return calls.getAndIncrement() == 0
                    ? java.util.concurrent.CompletableFuture.failedFuture(
                        new IllegalStateException("out of memory, say"))
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
              public boolean awaitTermination(long t, java.util.concurrent.TimeUnit u)
                  throws InterruptedException {
                return real.awaitTermination(t, u);
              }
            };
    task.restart();
    stream.forEach(task::process);
    task.finish();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (task.latest() < 1) {
      assertThat(System.nanoTime()).as("v1 within 60 s").isLessThan(deadline);
      Thread.sleep(5);
      task.tick(300); // the retry waits 1 s
    }
    assertThat(task.failures).hasValue(1);
    assertSameModel(task.version(1).orElseThrow(), offline(stream).get(0));
    task.builder.close();
  }

  @Test
  void anUndecodableRecordIsSkippedCountedAndNothingElseIsLost() {
    List<Labelled> stream = stream(W, 11);
    Task task = new Task();
    task.process("not a learning record".getBytes(StandardCharsets.UTF_8));
    stream.forEach(task::process);
    task.finish();
    assertThat(task.skipped).hasValue(1);
    assertSameModel(task.version(1).orElseThrow(), offline(stream).get(0));
  }

  @Test
  void onlyTheRetainedVersionsStayInTheModelTopic() {
    List<Labelled> stream = stream(4 * W, 12);
    Task task = new Task();
    task.retained = 2;
    task.restart();
    stream.forEach(task::process);
    task.finish();
    assertThat(task.latest()).isEqualTo(4);
    assertThat(task.version(4)).isPresent();
    assertThat(task.version(3)).isPresent();
    assertThat(task.version(2)).isEmpty();
    assertThat(task.boundary(2)).isNull();
    assertThat(task.boundary(3)).isNotNull();
    assertThat(task.local.version(2)).as("dropped here too").isEmpty();
    assertThat(task.local.boundary(2)).isEmpty();
    assertThat(task.local.version(3)).isPresent();
    assertThat(task.models.get(ModelTopicKeys.part("default", 1, ModelCodec.HEADER))).isNull();
  }

  @Test
  void aModelTopicWithoutTheBuildersStateStopsWithAClearMessage() {
    Task task = new Task();
    stream(W, 13).forEach(task::process);
    task.finish();
    byte[] header = task.models.get("default");
    Task other = new Task(); // fresh state, a model topic someone else wrote
    other.models.put("default", header);
    assertThatThrownBy(other::restart)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already holds v1")
        .hasMessageContaining("redunet.model.name");
  }
}
