package dev.redunet.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.Sample;
import dev.redunet.broker.EmbeddedKafkaBroker;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.data.SensorSignals;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.stream.IngressMetrics;
import dev.redunet.stream.RedunetTopics;
import dev.redunet.stream.RedunetTopology;
import dev.redunet.stream.ScoringPlugin;
import dev.redunet.stream.StreamsProperties;
import dev.redunet.stream.TopicProvisioner;
import dev.redunet.stream.learning.LearningListener;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.wire.AvroCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * End-to-end streaming benchmark: samples/s and p50/p99 latency of the learning topology
 * (exactly-once v2, d = 64, L = 10, k = 10, no projection, window 500) in both scoring modes,
 * {@code consistent} (every sample waits for the version it is owed) and {@code latest}, against a
 * pass-through topology (parse + validate, identity features, version-0 predictions), all measured
 * in the same run on the same in-process broker, one after the other, one input partition each.
 *
 * <p>Stream: N seeded samples, class j = a random unit centre c_j in R^64 plus N(0, σ²I) noise,
 * labels drawn uniformly. A producer sends them (key = id, Avro single-object, event time = the
 * wall clock at send) with at most {@code --inflight} samples not yet predicted (a closed loop, so
 * latency measures the pipeline rather than an unbounded backlog); a read_committed consumer reads
 * the predictions. Latency = read time − send time (both {@code System.nanoTime()} in this JVM).
 * The first 10% of the samples are warm-up and excluded. Throughput = N_measured / (time of the
 * last prediction − send time of the first measured sample).
 *
 * <p>With {@code --network spectral}: the shift-invariant network (issue #14) on transient events
 * of 4 classes on C = 3 channels of T = 64 ({@code SensorSignals.driftingEvents}: the first 10%
 * delayed by at most 2 steps, the rest at random, noise σ), lifted to 8 channels (kernel 5), L = 4
 * spectral layers, window 500; the pass-through application gets the same samples.
 *
 * <p>Arguments: {@code --network vector|spectral} (vector), {@code --samples N} (20000), {@code
 * --inflight W} (1000), {@code --seed S} (42), {@code --noise σ} (0.1 vector, 0.5 spectral), {@code
 * --timeout-s T} (900, per application), {@code --modes passthrough,consistent,latest} (all three;
 * a mode left out prints NaN), {@code --set key=value} (repeatable: a setting for both
 * applications, e.g. {@code kafka.commit.interval.ms=50}). Stdout: a table, then one JSON object on
 * the last line with keys {@code samples, measured, inflight,
 * passthrough:{samplesPerSec,p50Ms,p99Ms,stale,...}, consistent:{...}, latest:{...}, ratio,
 * latestRatio}.
 */
public final class StreamingBenchmark {

  private static final int D = 64;
  private static final int K = 10;
  private static final int LAYERS = 10;
  private static final int WINDOW = 500;

  /** The spectral workload: k classes of C × T events, lifted to C' channels, L layers. */
  private static final int SPECTRAL_K = 4;

  private static final int SPECTRAL_C = 3;
  private static final int SPECTRAL_T = 64;
  private static final int SPECTRAL_LIFTED = 8;
  private static final int SPECTRAL_LAYERS = 4;

  private StreamingBenchmark() {}

  /**
   * What is streamed and how the learning applications are set up.
   *
   * @param name for the table
   * @param dimension the features per sample
   * @param layers L
   * @param classes k
   * @param samples the stream
   * @param settings the learner's settings (both applications get them)
   */
  record Workload(
      String name,
      int dimension,
      int layers,
      int classes,
      List<Sample> samples,
      Map<String, String> settings) {}

  static Workload vector(int n, long seed, double noise, int d, int layers, int k) {
    return new Workload(
        "vector d=" + d,
        d,
        layers,
        k,
        generate(n, seed, noise, d, k),
        Map.of(
            "redunet.feature.shape",
            Integer.toString(d),
            "redunet.layers",
            Integer.toString(layers),
            "redunet.projection",
            "off"));
  }

  static Workload spectral(int n, long seed, double noise) {
    SensorSignals.Dataset d =
        SensorSignals.driftingEvents(SPECTRAL_K, SPECTRAL_C, SPECTRAL_T, n, n / 10, 2, noise, seed);
    List<Sample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      List<Float> f = new ArrayList<>(SPECTRAL_C * SPECTRAL_T);
      for (double v : d.samples()[i]) {
        f.add((float) v);
      }
      out.add(
          Sample.newBuilder()
              .setId("s" + i)
              .setEventTime(Instant.EPOCH)
              .setFeatures(f)
              .setShape(List.of(SPECTRAL_C, SPECTRAL_T))
              .setLabel("k" + d.labels()[i])
              .build());
    }
    return new Workload(
        "spectral C=" + SPECTRAL_C + " T=" + SPECTRAL_T + " lifted to " + SPECTRAL_LIFTED,
        SPECTRAL_C * SPECTRAL_T,
        SPECTRAL_LAYERS,
        SPECTRAL_K,
        out,
        Map.of(
            "redunet.network",
            "spectral",
            "redunet.feature.shape",
            SPECTRAL_C + "," + SPECTRAL_T,
            "redunet.lifting.channels",
            Integer.toString(SPECTRAL_LIFTED),
            "redunet.lifting.kernel",
            "5",
            "redunet.layers",
            Integer.toString(SPECTRAL_LAYERS)));
  }

  /** One application's figures. */
  record Result(
      String mode,
      int predictions,
      int duplicates,
      int measured,
      double samplesPerSec,
      double p50Ms,
      double p99Ms,
      long maxModelVersion,
      int scoredWithModel,
      int stale,
      double accuracyWithModel,
      double wallSeconds,
      double streamThreadBusy) {}

  public static void main(String[] args) throws Exception {
    System.out.println(new ObjectMapper().writeValueAsString(measure(args)));
  }

  /**
   * Runs the applications {@code args} ask for (the arguments of {@link #main}), prints the table,
   * and returns the JSON summary (printed by {@link #main} as its last line).
   */
  static ObjectNode measure(String[] args) throws Exception {
    int n = 20_000;
    int dim = D;
    int layers = LAYERS;
    int classes = K;
    int partitions = 1;
    int instances = 1;
    String profile = null;
    int inflight = 1000;
    long seed = 42;
    Double noise = null;
    String network = "vector";
    long timeoutS = 900;
    Map<String, String> extra = new HashMap<>();
    List<String> modes = List.of("passthrough", "consistent", "latest");
    int rounds = 1;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--modes" -> modes = List.of(args[++i].split(","));
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--dim" -> dim = Integer.parseInt(args[++i]);
        case "--layers" -> layers = Integer.parseInt(args[++i]);
        case "--classes" -> classes = Integer.parseInt(args[++i]);
        case "--partitions" -> partitions = Integer.parseInt(args[++i]);
        case "--instances" -> instances = Integer.parseInt(args[++i]);
        case "--profile" -> profile = args[++i];
        case "--samples" -> n = Integer.parseInt(args[++i]);
        case "--inflight" -> inflight = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--noise" -> noise = Double.parseDouble(args[++i]);
        case "--network" -> network = args[++i];
        case "--timeout-s" -> timeoutS = Long.parseLong(args[++i]);
        case "--set" -> {
          String[] kv = args[++i].split("=", 2);
          if (kv.length != 2) {
            throw new IllegalArgumentException("--set expects key=value, got " + args[i]);
          }
          extra.put(kv[0], kv[1]);
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Workload work =
        switch (network) {
          case "vector" -> vector(n, seed, noise == null ? 0.1 : noise, dim, layers, classes);
          case "spectral" -> spectral(n, seed, noise == null ? 0.5 : noise);
          default ->
              throw new IllegalArgumentException("--network is vector or spectral, got " + network);
        };
    Result pass = null;
    Result learn = null;
    Result latest = null;
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      for (int round = 1; round <= rounds; round++) {
        if (round < rounds) {
          System.err.printf(Locale.ROOT, "round %d of %d: warm-up, not reported%n", round, rounds);
        }
        Setup setup =
            new Setup(
                broker.bootstrapServers(),
                work,
                inflight,
                timeoutS,
                extra,
                partitions,
                instances,
                null);
        pass = runIf(modes, "passthrough", setup);
        learn = runIf(modes, "consistent", round == rounds ? setup.profiled(profile) : setup);
        latest = runIf(modes, "latest", setup);
      }
    }
    double ratio = learn.samplesPerSec() / pass.samplesPerSec();
    double latestRatio = latest.samplesPerSec() / pass.samplesPerSec();

    // Printed after the broker is closed so that no log line follows the JSON.
    System.out.printf(
        Locale.ROOT,
        "StreamingBenchmark: %s, d=%d L=%d k=%d N=%d (measured %d) inflight=%d exactly_once_v2,"
            + " %d partition(s), %d instance(s), round %d of %d reported%n",
        work.name(),
        work.dimension(),
        work.layers(),
        work.classes(),
        n,
        work.samples().size() - work.samples().size() / 10,
        inflight,
        partitions,
        instances,
        rounds,
        rounds);
    System.out.printf(
        Locale.ROOT,
        "%-12s %12s %10s %10s %12s %14s %8s %10s %12s%n",
        "mode",
        "samples/s",
        "p50 ms",
        "p99 ms",
        "predictions",
        "max version",
        "stale",
        "accuracy",
        "thread busy");
    for (Result r : List.of(pass, learn, latest)) {
      System.out.printf(
          Locale.ROOT,
          "%-12s %12.1f %10.1f %10.1f %12d %14d %8d %10.4f %12.2f%n",
          r.mode(),
          r.samplesPerSec(),
          r.p50Ms(),
          r.p99Ms(),
          r.predictions(),
          r.maxModelVersion(),
          r.stale(),
          r.accuracyWithModel(),
          r.streamThreadBusy());
    }
    long expectedVersions = n / WINDOW;
    System.out.printf(
        Locale.ROOT,
        "versions built: %d (N/window); the last sample is owed v%d; consistent used up to v%d,"
            + " latest up to v%d%n",
        expectedVersions,
        (n - 1) / WINDOW,
        learn.maxModelVersion(),
        latest.maxModelVersion());
    System.out.printf(
        Locale.ROOT,
        "ratio to pass-through: consistent %.3f (goal of #18 >= 0.5, no stale prediction), latest %.3f%n",
        ratio,
        latestRatio);
    ObjectMapper json = new ObjectMapper();
    ObjectNode out = json.createObjectNode();
    out.put("samples", n);
    out.put("measured", work.samples().size() - work.samples().size() / 10);
    out.put("inflight", inflight);
    out.put("network", network);
    out.put("d", work.dimension());
    out.put("layers", work.layers());
    out.put("classes", work.classes());
    out.put("window", WINDOW);
    out.put("expectedModelVersions", expectedVersions);
    out.set("passthrough", toJson(json, pass));
    out.set("consistent", toJson(json, learn));
    out.set("latest", toJson(json, latest));
    out.put("ratio", ratio);
    out.put("latestRatio", latestRatio);
    out.put("partitions", partitions);
    out.put("instances", instances);
    return out;
  }

  private static ObjectNode toJson(ObjectMapper json, Result r) {
    ObjectNode node = json.valueToTree(r);
    if (Double.isNaN(r.accuracyWithModel())) {
      node.putNull("accuracyWithModel");
    }
    return node;
  }

  /** N samples: label j uniform in [0, k), features = unit centre c_j + N(0, σ²) per coordinate. */
  static List<Sample> generate(int n, long seed, double noise, int d, int k) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] centres = new double[k][d];
    for (double[] c : centres) {
      double norm = 0;
      for (int a = 0; a < d; a++) {
        c[a] = rnd.nextGaussian();
        norm += c[a] * c[a];
      }
      norm = Math.sqrt(norm);
      for (int a = 0; a < d; a++) {
        c[a] /= norm;
      }
    }
    List<Sample> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int j = rnd.nextInt(k);
      List<Float> f = new ArrayList<>(d);
      for (int a = 0; a < d; a++) {
        f.add((float) (centres[j][a] + noise * rnd.nextGaussian()));
      }
      out.add(
          Sample.newBuilder()
              .setId("s" + i)
              .setEventTime(Instant.EPOCH)
              .setFeatures(f)
              .setLabel("c" + j)
              .build());
    }
    return out;
  }

  /**
   * How every application of a run is fed and deployed.
   *
   * @param bootstrap the broker
   * @param work the stream and the learner's settings
   * @param inflight the most samples sent and not yet predicted
   * @param timeoutS per application
   * @param extra settings for every application ({@code --set})
   * @param partitions input partitions
   * @param instances KafkaStreams instances of the application
   * @param profile async-profiler's options ({@code --profile}) for this application, or null
   */
  record Setup(
      String bootstrap,
      Workload work,
      int inflight,
      long timeoutS,
      Map<String, String> extra,
      int partitions,
      int instances,
      String profile) {

    /** The same setup, profiled with {@code options} (null: not profiled). */
    Setup profiled(String options) {
      return new Setup(bootstrap, work, inflight, timeoutS, extra, partitions, instances, options);
    }
  }

  /** Runs the application of {@code mode} if {@code --modes} names it; otherwise a row of NaN. */
  private static Result runIf(List<String> modes, String mode, Setup setup) throws Exception {
    if (!modes.contains(mode)) {
      double nan = Double.NaN;
      return new Result(mode, 0, 0, 0, nan, nan, nan, -1, 0, 0, nan, nan, nan);
    }
    return run(mode, setup);
  }

  private static Result run(String mode, Setup setup) throws Exception {
    String bootstrap = setup.bootstrap();
    Workload work = setup.work();
    int inflight = setup.inflight();
    long timeoutS = setup.timeoutS();
    int partitions = setup.partitions();
    int instances = setup.instances();
    List<Sample> stream = work.samples();
    int n = stream.size();
    int warm = n / 10;
    Path stateDir = Files.createTempDirectory("redunet-bench-" + mode);
    long nonce = System.nanoTime();
    Map<String, String> settings = new HashMap<>();
    settings.put("redunet.bootstrap.servers", bootstrap);
    settings.put("redunet.application.id", "bench-" + mode + "-" + nonce);
    settings.put("redunet.topic.prefix", "bench-" + mode + "-" + nonce + ".");
    settings.put("redunet.state.dir", stateDir.toString());
    settings.put("redunet.partitions", Integer.toString(partitions));
    settings.put("redunet.replication.factor", "1");
    settings.putAll(work.settings());
    settings.put("redunet.window", Integer.toString(WINDOW));
    settings.put("redunet.scoring", mode.equals("latest") ? "latest" : "consistent");
    settings.putAll(setup.extra());
    AppConfig config = AppConfig.of(settings);
    RedunetTopics topics = RedunetTopics.of(config);
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
    }
    List<KafkaStreams> apps = new ArrayList<>();
    List<MathExecutor> maths = new ArrayList<>();
    for (int a = 0; a < instances; a++) {
      Map<String, String> own = new HashMap<>(settings);
      own.put("redunet.state.dir", stateDir.resolve("instance-" + a).toString());
      AppConfig c = AppConfig.of(own);
      IngressMetrics metrics = new IngressMetrics();
      // the application's math executor, as run creates it (redunet.math.threads)
      MathExecutor math = MathExecutor.create(LearnerConfig.mathThreads(c), "redunet-math");
      maths.add(math);
      Topology topology =
          !mode.equals("passthrough")
              ? RedunetTopology.build(
                  c,
                  new LearningPlugin(c, LearnerConfig.settings(c), new LearningListener() {}, math),
                  metrics)
              : RedunetTopology.build(c, ScoringPlugin.identity(), metrics);
      apps.add(new KafkaStreams(topology, StreamsProperties.of(c, metrics)));
    }
    long[] sentNanos = new long[n];
    long[] readNanos = new long[n];
    AtomicLong predicted = new AtomicLong();
    AtomicReference<Throwable> producerError = new AtomicReference<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutS);
    int count = 0;
    int duplicates = 0;
    long maxVersion = 0;
    int scored = 0;
    int stale = 0;
    int correct = 0;
    long busyStart = 0;
    long busyStartWall = 0;
    long busyEnd = 0;
    long busyEndWall = 0;
    long t0 = System.nanoTime();
    String commits = "";
    Thread producer =
        new Thread(
            () -> {
              try {
                produce(
                    bootstrap, topics.samples(), stream, inflight, predicted, sentNanos, deadline);
              } catch (Throwable e) {
                producerError.set(e);
              }
            },
            "bench-producer-" + mode);
    try {
      apps.forEach(KafkaStreams::start);
      for (KafkaStreams streams : apps) {
        while (streams.state() != KafkaStreams.State.RUNNING) {
          if (System.nanoTime() > deadline || streams.state() == KafkaStreams.State.ERROR) {
            throw new IllegalStateException(
                mode + ": streams did not reach RUNNING: " + streams.state());
          }
          TimeUnit.MILLISECONDS.sleep(50);
        }
      }
      System.err.printf(
          Locale.ROOT,
          "%s: RUNNING after %.1f s, producing %d samples%n",
          mode,
          (System.nanoTime() - t0) / 1e9,
          n);
      AvroCodec<Prediction> codec = AvroCodec.of(Prediction.class);
      Map<String, Object> cc = new HashMap<>();
      cc.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      cc.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + mode + "-" + nonce);
      cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      cc.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(cc, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int q = 0; q < partitions; q++) {
          tps.add(new TopicPartition(topics.predictions(), q));
        }
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        consumer.poll(Duration.ZERO);
        if (setup.profile() != null) {
          one.profiler.AsyncProfiler.getInstance().execute("start," + setup.profile());
        }
        producer.start();
        long lastLog = System.nanoTime();
        while (count < n && System.nanoTime() < deadline && producerError.get() == null) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            long now = System.nanoTime();
            Prediction p = codec.decode(r.value());
            int i = Integer.parseInt(p.getSampleId().toString().substring(1));
            if (readNanos[i] != 0) {
              duplicates++;
              continue;
            }
            readNanos[i] = now;
            count++;
            if (count == warm) {
              busyStart = streamThreadCpuNanos(mode);
              busyStartWall = now;
            }
            maxVersion = Math.max(maxVersion, p.getModelVersion());
            stale += p.getStale() ? 1 : 0;
            if (p.getModelVersion() > 0 && p.getPredictedLabel() != null) {
              scored++;
              correct += p.getPredictedLabel().equals(p.getTrueLabel()) ? 1 : 0;
            }
          }
          predicted.set(count);
          if (count == n && busyEndWall == 0) {
            busyEnd = streamThreadCpuNanos(mode);
            busyEndWall = System.nanoTime();
          }
          if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(10)) {
            lastLog = System.nanoTime();
            System.err.printf(
                Locale.ROOT,
                "%s: %d/%d predictions, model version %d%n",
                mode,
                count,
                n,
                maxVersion);
          }
        }
      }
      commits = commitFigures(apps.get(0));
      if (setup.profile() != null) {
        System.err.println(
            mode
                + ": profile "
                + one.profiler.AsyncProfiler.getInstance().execute("stop," + setup.profile()));
      }
    } finally {
      predicted.set(Long.MAX_VALUE / 2);
      producer.join(TimeUnit.SECONDS.toMillis(60));
      for (KafkaStreams streams : apps) {
        if (!streams.close(StreamsProperties.closeOptions(config, Duration.ofSeconds(30)))) {
          System.err.println(mode + ": KafkaStreams did not close within 30 s");
        }
      }
      maths.forEach(MathExecutor::close);
      deleteRecursively(stateDir);
    }
    if (producerError.get() != null) {
      throw new IllegalStateException(mode + ": producer failed", producerError.get());
    }
    if (count < n) {
      throw new IllegalStateException(
          mode + ": only " + count + " of " + n + " predictions within " + timeoutS + " s");
    }
    double busy = (busyEnd - busyStart) / (double) (busyEndWall - busyStartWall);
    double wall = (System.nanoTime() - t0) / 1e9;
    int measured = n - warm;
    double[] latMs = new double[measured];
    long lastRead = Long.MIN_VALUE;
    for (int i = warm; i < n; i++) {
      latMs[i - warm] = (readNanos[i] - sentNanos[i]) / 1e6;
      lastRead = Math.max(lastRead, readNanos[i]);
    }
    Arrays.sort(latMs);
    double seconds = (lastRead - sentNanos[warm]) / 1e9;
    Result r =
        new Result(
            mode,
            count,
            duplicates,
            measured,
            measured / seconds,
            quantile(latMs, 0.50),
            quantile(latMs, 0.99),
            maxVersion,
            scored,
            stale,
            scored == 0 ? Double.NaN : correct / (double) scored,
            wall,
            busy);
    System.err.println(mode + ": " + r);
    System.err.println(mode + ": " + commits);
    return r;
  }

  /**
   * The stream threads' commit figures (Kafka Streams' thread metrics): commits, mean and largest
   * commit latency, and the poll latency.
   */
  private static String commitFigures(KafkaStreams streams) {
    StringBuilder out = new StringBuilder("stream thread metrics:");
    streams
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("stream-thread-metrics")
                  && List.of(
                          "commit-total",
                          "commit-latency-avg",
                          "commit-latency-max",
                          "poll-latency-avg",
                          "process-latency-avg",
                          "punctuate-latency-avg")
                      .contains(name.name())) {
                out.append(' ').append(name.name()).append('=').append(metric.metricValue());
              }
            });
    return out.toString();
  }

  /** CPU time of the application's stream threads so far (their names hold "bench-MODE-"). */
  private static long streamThreadCpuNanos(String mode) {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      String name = t.getName();
      if (name.startsWith("bench-" + mode + "-") && name.contains("StreamThread")) {
        total += Math.max(0, mx.getThreadCpuTime(t.getId()));
      }
    }
    return total;
  }

  /** Sends the stream with at most {@code inflight} samples sent but not yet predicted. */
  private static void produce(
      String bootstrap,
      String topic,
      List<Sample> stream,
      int inflight,
      AtomicLong predicted,
      long[] sentNanos,
      long deadline)
      throws Exception {
    AvroCodec<Sample> codec = AvroCodec.of(Sample.class);
    Map<String, Object> pc = new HashMap<>();
    pc.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    pc.put(ProducerConfig.ACKS_CONFIG, "all");
    pc.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    pc.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(pc, new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>(stream.size());
      for (int i = 0; i < stream.size(); i++) {
        while (i - predicted.get() >= inflight) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("timed out waiting for predictions at sample " + i);
          }
          TimeUnit.MICROSECONDS.sleep(200);
        }
        Sample s = stream.get(i);
        s.setEventTime(Instant.ofEpochMilli(System.currentTimeMillis()));
        byte[] value = codec.encode(s);
        sentNanos[i] = System.nanoTime();
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic, s.getId().toString().getBytes(StandardCharsets.UTF_8), value)));
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
  }

  private static double quantile(double[] sorted, double q) {
    int idx = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + dir, e);
    }
  }
}
