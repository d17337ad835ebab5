package dev.redunet.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.Sample;
import dev.redunet.broker.EmbeddedKafkaBroker;
import dev.redunet.config.AppConfig;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.SensorSignals;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.stream.RedunetTopics;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.OutputFormat;
import dev.redunet.wire.OutputSerde;
import dev.redunet.wire.OutputSerdes;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./redunet demo}: the whole product on one machine with nothing installed. It starts the
 * in-process single-node KRaft broker, runs the application on it ({@code run}, with its HTTP
 * endpoints), streams a labelled dataset into the samples topic at a steady rate, and shows the
 * prequential accuracy, the model version and the per-layer ΔR as they change. It stops by itself
 * after {@code --max-samples} predictions (or the whole dataset), or on Ctrl-C, and removes its
 * temporary files. The last line of stdout is one JSON object: {@code samples} (predictions read),
 * {@code scored} (labelled predictions made by a model), {@code accuracy}, {@code model_version},
 * {@code seconds}, {@code dataset}.
 *
 * <p>With {@code --dataset sensors} every signal is delayed at random, and the application runs the
 * shift-invariant network ({@code redunet.network=spectral}); a second application on the same
 * samples topic runs the vector network with its defaults (its own topics, {@value
 * #VECTOR_PREFIX}*), and the two prequential accuracies are printed side by side ({@code
 * vector_accuracy} in the summary).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Start an in-process Kafka broker and the application, stream a dataset through it and"
          + " watch it learn: samples/s, prequential accuracy, model version and ΔR per layer.",
      "Datasets: mnist10k (the shipped 10,000 MNIST digits, default) or sensors (3,000 seeded"
          + " synthetic transient events of 4 kinds on 3 sensors, T = 64, each delayed at random,"
          + " by at most 2 steps in the first window and by up to 63 after it:"
          + " the shift-invariant spectral network and, beside it, the vector network, their"
          + " prequential accuracies side by side).",
      "Example: ./redunet demo --max-samples 3000"
    })
public final class DemoCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The demo runs with the default configuration, hence the default topic names. */
  private static final RedunetTopics TOPICS = RedunetTopics.of(AppConfig.of(Map.of()));

  /** The topic prefix of the vector network's application beside the spectral one (sensors). */
  static final String VECTOR_PREFIX = "redunet.vector.";

  /** The vector application's topics: its own but for the samples topic, which it shares. */
  private static final RedunetTopics VECTOR_TOPICS =
      RedunetTopics.of(
          AppConfig.of(
              Map.of(
                  "redunet.topic.prefix",
                  VECTOR_PREFIX,
                  "redunet.topic.samples",
                  TOPICS.samples())));

  /** The spectral network of the sensors dataset: (C, T) = (3, 64), lifted to 8 channels. */
  private static final List<String> SPECTRAL_KEYS =
      List.of(
          "redunet.network=spectral",
          "redunet.feature.shape=3,64",
          "redunet.lifting.channels=8",
          "redunet.lifting.kernel=5");

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      defaultValue = "mnist10k",
      description = "mnist10k (default) or sensors.")
  String dataset;

  @Option(
      names = "--max-samples",
      paramLabel = "N",
      description = "Stop after N samples (default: the whole dataset).")
  Integer maxSamples;

  @Option(
      names = "--rate",
      paramLabel = "R",
      defaultValue = "250",
      description =
          "Samples per second sent to the broker (default ${DEFAULT-VALUE}: slow enough that"
              + " each version, built on a thread of its own, is out within a few hundred"
              + " samples).")
  double rate;

  @Option(
      names = "--http-port",
      paramLabel = "P",
      defaultValue = "0",
      description = "Port of the HTTP endpoints (default: any free port, printed at start).")
  int httpPort;

  @Option(
      names = "--progress-seconds",
      paramLabel = "S",
      defaultValue = "2",
      description = "Seconds between progress lines (default ${DEFAULT-VALUE}).")
  double progressSeconds;

  private final PrintStream out;
  private final PrintStream err;

  public DemoCommand() {
    this(System.out, System.err);
  }

  DemoCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** A labelled stream to send: samples (rows), labels, shape. */
  @SuppressWarnings("ArrayRecordComponent") // private, built once, never shared
  private record Stream(double[][] samples, String[] labels, List<Integer> shape) {}

  private Stream load() throws IOException {
    if ("mnist10k".equals(dataset)) {
      LabelledDataset d = ShippedDatasets.mnist10k();
      String[] labels = new String[d.size()];
      for (int i = 0; i < labels.length; i++) {
        labels[i] = d.label(i);
      }
      return new Stream(d.toRows(), labels, List.of(28, 28));
    }
    // Every event delayed at random, the kinds in random order, seeded: the first 500 (the first
    // window) by at most 2 steps, the others by any number of steps up to T - 1.
    SensorSignals.Dataset d = SensorSignals.driftingEvents(4, 3, 64, 3000, 500, 2, 0.5, 7);
    String[] labels = new String[d.labels().length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = "kind-" + d.labels()[i];
    }
    return new Stream(d.samples(), labels, List.of(3, 64));
  }

  @Override
  public Integer call() throws Exception {
    if (!"mnist10k".equals(dataset) && !"sensors".equals(dataset)) {
      return CommandSupport.usageError(
          err, "demo", "unknown --dataset '" + dataset + "': use mnist10k or sensors");
    }
    if (!(rate > 0) || (maxSamples != null && maxSamples < 1) || !(progressSeconds > 0)) {
      return CommandSupport.usageError(
          err, "demo", "--rate, --max-samples and --progress-seconds must be positive");
    }
    Stream data = load();
    int n =
        maxSamples == null ? data.samples().length : Math.min(maxSamples, data.samples().length);
    long t0 = System.nanoTime();
    Path stateDir = Files.createTempDirectory("redunet-demo-state");
    CountDownLatch stopRun = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();
    CountDownLatch cleanedUp = new CountDownLatch(1);
    Thread ctrlC =
        new Thread(
            () -> {
              interrupted.set(true);
              stopRun.countDown();
              try {
                // Let the demo close the application and the broker and delete its files first.
                cleanedUp.await(RunCommand.CLOSE_TIMEOUT_SECONDS + 20, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "redunet-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(ctrlC);
    Map<String, Object> result = new LinkedHashMap<>();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      err.println("demo: Kafka broker (in-process, KRaft) at " + broker.bootstrapServers());
      RunCommand run =
          new RunCommand(new PrintStream(PrintStream.nullOutputStream()), err, stopRun, false);
      List<String> runArgs =
          new ArrayList<>(
              List.of(
                  "--bootstrap-servers",
                  broker.bootstrapServers(),
                  "--application-id",
                  "redunet-demo",
                  "--state-dir",
                  stateDir.resolve("app").toString(),
                  "--http-port",
                  Integer.toString(httpPort),
                  "-D",
                  "redunet.partitions=1",
                  "-D",
                  "redunet.replication.factor=1"));
      boolean sensors = "sensors".equals(dataset);
      if (sensors) {
        SPECTRAL_KEYS.forEach(k -> runArgs.addAll(List.of("-D", k)));
      }
      Thread app =
          new Thread(
              () -> new CommandLine(run).execute(runArgs.toArray(String[]::new)),
              "redunet-demo-app");
      app.start();
      Thread vectorApp = null;
      if (sensors) {
        RunCommand vector =
            new RunCommand(new PrintStream(PrintStream.nullOutputStream()), err, stopRun, false);
        String[] vectorArgs = {
          "--bootstrap-servers",
          broker.bootstrapServers(),
          "--application-id",
          "redunet-demo-vector",
          "--state-dir",
          stateDir.resolve("vector").toString(),
          "-D",
          "redunet.http.enabled=false",
          "-D",
          "redunet.topic.prefix=" + VECTOR_PREFIX,
          "-D",
          "redunet.topic.samples=" + TOPICS.samples(),
          "-D",
          "redunet.partitions=1",
          "-D",
          "redunet.replication.factor=1"
        };
        vectorApp =
            new Thread(() -> new CommandLine(vector).execute(vectorArgs), "redunet-demo-vector");
        vectorApp.start();
      }
      try {
        err.println(
            "demo: HTTP endpoints on http://" + hostPort(run) + " (/health /metrics /model)");
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer =
            new Thread(
                () -> produce(broker.bootstrapServers(), data, n, producing),
                "redunet-demo-producer");
        producer.setDaemon(true);
        producer.start();
        try {
          watch(broker.bootstrapServers(), n, sensors, interrupted, t0, result);
        } finally {
          producing.set(false);
          producer.join(TimeUnit.SECONDS.toMillis(10));
        }
      } finally {
        stopRun.countDown();
        app.join(TimeUnit.SECONDS.toMillis(RunCommand.CLOSE_TIMEOUT_SECONDS + 10));
        if (vectorApp != null) {
          vectorApp.join(TimeUnit.SECONDS.toMillis(RunCommand.CLOSE_TIMEOUT_SECONDS + 10));
        }
      }
    } finally {
      deleteRecursively(stateDir);
      cleanedUp.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(ctrlC);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running and has just been released.
      }
    }
    result.put("seconds", (System.nanoTime() - t0) / 1e9);
    result.put("dataset", dataset);
    out.println(CommandSupport.json(result));
    out.flush();
    return 0;
  }

  private static String hostPort(RunCommand run) throws Exception {
    java.net.InetSocketAddress a = run.httpAddress.get(120, TimeUnit.SECONDS);
    return a.getAddress().getHostAddress() + ":" + a.getPort();
  }

  private void produce(String bootstrap, Stream data, int n, AtomicBoolean producing) {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    cfg.put(ProducerConfig.ACKS_CONFIG, "all");
    AvroCodec<Sample> codec = AvroCodec.of(Sample.class);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(cfg, new ByteArraySerializer(), new ByteArraySerializer())) {
      long start = System.nanoTime();
      for (int i = 0; i < n && producing.get(); i++) {
        List<Float> f = new ArrayList<>(data.samples()[i].length);
        for (double v : data.samples()[i]) {
          f.add((float) v);
        }
        Sample s =
            Sample.newBuilder()
                .setId("demo-" + i)
                .setEventTime(Instant.now())
                .setSource(dataset)
                .setFeatures(f)
                .setShape(data.shape())
                .setLabel(data.labels()[i])
                .build();
        var unused =
            producer.send(
                new ProducerRecord<>(
                    TOPICS.samples(), s.getId().getBytes(StandardCharsets.UTF_8), codec.encode(s)));
        long wait = start + (long) ((i + 1) * 1e9 / rate) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
      }
      if (producing.get()) {
        producer.flush();
      } else {
        producer.close(Duration.ZERO);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Reads predictions and metrics until n predictions arrived (of both networks with {@code
   * sensors}), or Ctrl-C; prints progress.
   */
  private void watch(
      String bootstrap,
      int n,
      boolean sensors,
      AtomicBoolean interrupted,
      long t0,
      Map<String, Object> result) {
    Map<String, Object> cfg = new LinkedHashMap<>();
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Reads either output format (redunet.output.format may come from a REDUNET_* variable).
    OutputSerde<Prediction> predictions = OutputSerdes.of(OutputFormat.AVRO).predictions();
    long seen = 0;
    long scored = 0;
    long correct = 0;
    long version = 0;
    Accuracy vector = new Accuracy();
    String deltaR = "";
    long lastReport = System.nanoTime();
    long deadline =
        System.nanoTime() + TimeUnit.SECONDS.toNanos(60) + ((long) (n * 1e9 / rate)) * 3;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(cfg, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          new ArrayList<>(
              List.of(
                  new TopicPartition(TOPICS.predictions(), 0),
                  new TopicPartition(TOPICS.metrics(), 0)));
      if (sensors) {
        tps.add(new TopicPartition(VECTOR_TOPICS.predictions(), 0));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      StringDeserializer strings = new StringDeserializer();
      while ((seen < n || (sensors && vector.seen < n))
          && !interrupted.get()
          && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.topic().equals(TOPICS.metrics())) {
            deltaR = layers(strings.deserialize(r.topic(), r.value()));
            continue;
          }
          if (r.topic().equals(VECTOR_TOPICS.predictions())) {
            vector.add(predictions.decode(r.value()));
            continue;
          }
          Prediction p = predictions.decode(r.value());
          seen++;
          version = Math.max(version, p.getModelVersion());
          if (p.getModelVersion() > 0
              && p.getPredictedLabel() != null
              && p.getTrueLabel() != null) {
            scored++;
            correct += p.getPredictedLabel().equals(p.getTrueLabel()) ? 1 : 0;
          }
        }
        if ((System.nanoTime() - lastReport) / 1e9 >= progressSeconds
            || (seen >= n && (!sensors || vector.seen >= n))) {
          lastReport = System.nanoTime();
          double secs = (lastReport - t0) / 1e9;
          err.printf(
              Locale.ROOT,
              "demo: %d/%d samples, %.0f samples/s, model v%d, %s%s, ΔR per layer [%s]%n",
              seen,
              n,
              seen / secs,
              version,
              scored == 0
                  ? "no model yet"
                  : String.format(
                      Locale.ROOT,
                      "prequential accuracy %s%.4f",
                      sensors ? "spectral " : "",
                      correct / (double) scored),
              sensors ? vector.describe() : "",
              deltaR);
          err.flush();
        }
      }
    }
    result.put("samples", seen);
    result.put("scored", scored);
    result.put("accuracy", scored == 0 ? null : correct / (double) scored);
    result.put("model_version", version);
    if (sensors) {
      result.put("network", "spectral");
      result.put("vector_accuracy", vector.accuracy());
    }
  }

  /** The prequential accuracy of the vector network beside the spectral one (sensors). */
  private static final class Accuracy {
    long seen;
    long scored;
    long correct;

    void add(Prediction p) {
      seen++;
      if (p.getModelVersion() > 0 && p.getPredictedLabel() != null && p.getTrueLabel() != null) {
        scored++;
        correct += p.getPredictedLabel().equals(p.getTrueLabel()) ? 1 : 0;
      }
    }

    Double accuracy() {
      return scored == 0 ? null : correct / (double) scored;
    }

    String describe() {
      return scored == 0
          ? " | vector: no model yet"
          : String.format(Locale.ROOT, " | vector %.4f", correct / (double) scored);
    }
  }

  private static String layers(String metricsJson) {
    try {
      JsonNode layers = JSON.readTree(metricsJson).get("layers");
      List<String> out = new ArrayList<>();
      if (layers != null) {
        for (JsonNode l : layers) {
          out.add(String.format(Locale.ROOT, "%.3f", l.get("deltaR").asDouble()));
        }
      }
      return String.join(", ", out);
    } catch (IOException e) {
      return "";
    }
  }

  private static void deleteRecursively(Path dir) {
    try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a temporary directory
    }
  }
}
