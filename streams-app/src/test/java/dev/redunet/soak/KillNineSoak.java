package dev.redunet.soak;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.Sample;
import dev.redunet.config.ConfigKeys;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.soak.PredictionCollector.Outcome;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kill -9 soak: the application ({@code redunet run}) runs as a separate JVM against a real
 * broker and is killed with SIGKILL {@value #KILLS} times while it learns a 6,000-sample stream,
 * each time restarted on the same state directory and application id; its predictions must equal,
 * per sample id, those of an uninterrupted run of the same stream: exactly one prediction per id in
 * both runs, with the same model version and the same predicted label.
 *
 * <p>The stream is the first {@value #SAMPLES} shipped MNIST digits, ids {@code d0..d5999} (key =
 * id), event time a fixed base + i, produced at a steady {@value #RATE} samples/s into a {@value
 * #PARTITIONS}-partition input topic, whether the application is up or not. Kill k comes when
 * {@code KILL_AFTER[k]} distinct predictions have been read (read_committed) and the current launch
 * has added at least {@value #PROGRESS}, so that every kill interrupts an instance that is
 * processing; after the last one the application runs until every sample has its prediction.
 * Default settings (exactly-once v2, window 500), except for the unique topics, application id and
 * state directory, HTTP off, a 6 s consumer session timeout (a restarted instance need not wait 45
 * s for its killed predecessor to leave the group) and, when the key exists, {@code
 * redunet.idle.timeout.ms=2000}; {@code -Dsoak.set=key=value,...} adds settings to both runs.
 *
 * <p>Not part of {@code ./mvnw -B verify} (the class name matches neither the unit-test nor the
 * integration-test patterns): it runs with the {@code soak} profile, see the README. It writes the
 * predictions of both runs to {@code target/soak-a.csv} (killed) and {@code target/soak-b.csv}
 * (reference), the applications' logs and a summary to {@code target/soak/}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KillNineSoak {

  private static final Logger LOG = LoggerFactory.getLogger(KillNineSoak.class);

  static final int SAMPLES = 6_000;
  static final int RATE = 100;
  static final int PARTITIONS = 3;
  static final long BASE_EVENT_TIME = 1_700_000_000_000L;

  /** Kill k when this many distinct predictions have been read; off the 500-sample windows. */
  static final int[] KILL_AFTER = {600, 1_450, 2_300, 3_150, 4_000, 4_850};

  static final int KILLS = 6;

  /** Predictions a launch must add before it is killed. */
  static final int PROGRESS = 100;

  static final int MIN_KILLS = 5;
  static final Duration KILL_WAIT = Duration.ofMinutes(1);
  static final Duration DRAIN = Duration.ofMinutes(3);

  /**
   * Every wait ends by then, so that the soak reports what it saw within its 9-minute timeout
   * whatever the application does.
   */
  static final Duration BUDGET = Duration.ofMinutes(8);

  static final Duration LINGER = Duration.ofSeconds(5);
  static final String IDLE_TIMEOUT_KEY = "redunet.idle.timeout.ms";
  static final int SHOWN_DIFFERENCES = 20;

  /** One SIGKILL: when, how far the stream was, and the exit code it caused. */
  record Kill(int launch, long pid, double seconds, int produced, int predicted, int exitCode) {}

  /** What one run of the application gave. */
  record RunResult(
      String name,
      Map<String, List<Outcome>> predictions,
      List<Kill> kills,
      int launches,
      double allPredictedSeconds,
      List<String> problems) {}

  @Test
  @Timeout(value = 9, unit = TimeUnit.MINUTES)
  void predictionsOfAKilledAndRestartedApplicationEqualAnUninterruptedRunsPerId(KafkaCluster kafka)
      throws Exception {
    assertThat(KILL_AFTER).hasSize(KILLS);
    long t0 = System.nanoTime();
    long end = t0 + BUDGET.toNanos();
    Path target = Path.of(System.getProperty("soak.target", "target"));
    Path logs = target.resolve("soak");
    Files.createDirectories(logs);
    List<byte[]> values = encodedSamples();
    LOG.info("kill -9 soak against {}; logs in {}", kafka, logs.toAbsolutePath());

    RunResult reference = run(kafka, "b", values, logs, false, end);
    RunResult killed = run(kafka, "a", values, logs, true, end);

    writeCsv(target.resolve("soak-a.csv"), killed.predictions());
    writeCsv(target.resolve("soak-b.csv"), reference.predictions());
    List<String> problems = new ArrayList<>();
    problems.addAll(killed.problems());
    problems.addAll(reference.problems());
    if (killed.kills().size() < MIN_KILLS) {
      problems.add("run a: only " + killed.kills().size() + " SIGKILLs, fewer than " + MIN_KILLS);
    }
    StringBuilder summary = new StringBuilder();
    summary.append(
        String.format(
            "kill -9 soak: %d samples at %d/s into %d partitions, %.0f s in all%n",
            SAMPLES, RATE, PARTITIONS, (System.nanoTime() - t0) / 1e9));
    describe(summary, problems, "a (killed)", killed);
    describe(summary, problems, "b (reference)", reference);
    compare(summary, problems, killed.predictions(), reference.predictions());
    summary.append("problems: ").append(problems.isEmpty() ? "none" : "").append('\n');
    for (String p : problems) {
      summary.append("  ").append(p).append('\n');
    }
    Files.writeString(logs.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
    LOG.info("\n{}", summary);
    assertThat(problems).as("%s", summary).isEmpty();
  }

  /** One run on fresh topics, application id and state directory; with kills if {@code kill}. */
  private static RunResult run(
      KafkaCluster kafka, String name, List<byte[]> values, Path logs, boolean kill, long end)
      throws Exception {
    String app = kafka.uniqueName("soak-" + name);
    String samplesTopic = kafka.createTopic("soak-" + name + "-samples", PARTITIONS);
    String prefix = app + ".";
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("redunet.application.id", app);
    settings.put("redunet.topic.prefix", prefix);
    settings.put("redunet.topic.samples", samplesTopic);
    settings.put(
        "redunet.state.dir", logs.resolve(app + "-state").toAbsolutePath().normalize().toString());
    settings.put("redunet.http.enabled", "false");
    settings.put("kafka.session.timeout.ms", "6000");
    settings.put("kafka.heartbeat.interval.ms", "1500");
    if (ConfigKeys.ALL.stream().anyMatch(k -> k.name().equals(IDLE_TIMEOUT_KEY))) {
      settings.put(IDLE_TIMEOUT_KEY, "2000");
    }
    settings.putAll(extraSettings());
    LOG.info("run {}: {}", name, settings);

    List<String> problems = new ArrayList<>();
    List<Kill> kills = new ArrayList<>();
    AtomicInteger produced = new AtomicInteger();
    AtomicReference<Throwable> producerFailure = new AtomicReference<>();
    double allPredicted = Double.NaN;
    Map<String, List<Outcome>> predictions;
    int launches;
    try (AppProcess application =
            new AppProcess("run-" + name, kafka.bootstrapServers(), settings, logs);
        PredictionCollector collector = new PredictionCollector(kafka, prefix + "predictions")) {
      collector.start();
      application.start();
      long start = System.nanoTime();
      Thread producer =
          new Thread(
              () -> {
                try {
                  produce(kafka, samplesTopic, values, produced);
                } catch (Exception | Error e) {
                  producerFailure.set(e);
                }
              },
              "soak-producer-" + name);
      producer.setDaemon(true);
      producer.start();

      if (kill) {
        for (int k = 0; k < KILLS; k++) {
          int goal = Math.max(KILL_AFTER[k], collector.distinct() + PROGRESS);
          await(
              () ->
                  collector.distinct() >= goal
                      || !application.isAlive()
                      || collector.failure() != null,
              KILL_WAIT,
              end);
          if (!application.isAlive()) {
            problems.add(exitedByItself(name, application));
            application.start();
            continue;
          }
          if (collector.distinct() < goal) {
            problems.add(
                String.format(
                    "run %s: launch %d did not reach %d predictions in time (at %d); see %s",
                    name, application.launches(), goal, collector.distinct(), application.log()));
            break;
          }
          long pid = application.pid();
          int launch = application.launches();
          int exit = application.killNine();
          Kill done =
              new Kill(
                  launch,
                  pid,
                  (System.nanoTime() - start) / 1e9,
                  produced.get(),
                  collector.distinct(),
                  exit);
          kills.add(done);
          LOG.info("run {}: SIGKILL {} of {}: {}", name, kills.size(), KILLS, done);
          if (exit != AppProcess.SIGKILL_EXIT) {
            problems.add(
                "run " + name + ": " + done + " did not end with " + AppProcess.SIGKILL_EXIT);
          }
          application.start();
        }
      }

      producer.join(
          Math.max(
              1,
              Math.min(
                  TimeUnit.SECONDS.toMillis(SAMPLES / RATE + 60),
                  TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()))));
      if (producerFailure.get() != null) {
        problems.add("run " + name + ": producing failed: " + producerFailure.get());
      } else if (producer.isAlive() || produced.get() < SAMPLES) {
        problems.add("run " + name + ": produced only " + produced.get() + " samples");
      }
      long deadline = Math.min(System.nanoTime() + DRAIN.toNanos(), end);
      while (System.nanoTime() < deadline
          && collector.distinct() < SAMPLES
          && collector.failure() == null) {
        if (!application.isAlive()) {
          problems.add(exitedByItself(name, application));
          application.start();
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
      if (collector.distinct() >= SAMPLES) {
        allPredicted = (System.nanoTime() - start) / 1e9;
      } else {
        problems.add(
            String.format(
                "run %s: only %d of %d ids predicted in time; see %s",
                name, collector.distinct(), SAMPLES, application.log()));
      }
      // Late duplicates would arrive now.
      TimeUnit.MILLISECONDS.sleep(LINGER.toMillis());
      collector.stop();
      if (collector.failure() != null) {
        problems.add("run " + name + ": reading the predictions failed: " + collector.failure());
      }
      int exit = application.stop(Duration.ofSeconds(30));
      LOG.info(
          "run {}: {} predictions of {} ids; {} launches, the last stopped with exit code {}",
          name,
          collector.total(),
          collector.distinct(),
          application.launches(),
          exit);
      predictions = collector.snapshot();
      launches = application.launches();
    }
    return new RunResult(name, predictions, kills, launches, allPredicted, problems);
  }

  private static String exitedByItself(String name, AppProcess application) {
    return String.format(
        "run %s: launch %d exited by itself with code %d; see %s",
        name, application.launches(), application.exitValue(), application.log());
  }

  private static void await(BooleanSupplier condition, Duration timeout, long end)
      throws InterruptedException {
    long deadline = Math.min(System.nanoTime() + timeout.toNanos(), end);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
  }

  /** Sample i has id {@code d<i>} and event time {@link #BASE_EVENT_TIME} + i ms. */
  static String id(int i) {
    return "d" + i;
  }

  private static List<byte[]> encodedSamples() throws IOException {
    LabelledDataset mnist = ShippedDatasets.mnist10k().head(SAMPLES);
    assertThat(mnist.size()).isEqualTo(SAMPLES);
    AvroCodec<Sample> codec = AvroCodec.of(Sample.class);
    List<byte[]> values = new ArrayList<>(SAMPLES);
    for (int i = 0; i < SAMPLES; i++) {
      List<Float> f = new ArrayList<>(mnist.dimension());
      for (double v : mnist.sample(i)) {
        f.add((float) v);
      }
      values.add(
          codec.encode(
              Sample.newBuilder()
                  .setId(id(i))
                  .setEventTime(Instant.ofEpochMilli(BASE_EVENT_TIME + i))
                  .setFeatures(f)
                  .setLabel(mnist.label(i))
                  .build()));
    }
    return values;
  }

  /** Sends sample i at start + i / {@link #RATE} s, whatever the application does. */
  private static void produce(
      KafkaCluster kafka, String topic, List<byte[]> values, AtomicInteger produced)
      throws Exception {
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>(values.size());
      long start = System.nanoTime();
      for (int i = 0; i < values.size(); i++) {
        long wait = start + i * (1_000_000_000L / RATE) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic, id(i).getBytes(StandardCharsets.UTF_8), values.get(i))));
        if (i % 10 == 9) {
          producer.flush();
        }
        produced.set(i + 1);
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** {@code -Dsoak.set=key=value,key=value}: settings added to both runs. */
  private static Map<String, String> extraSettings() {
    Map<String, String> extra = new LinkedHashMap<>();
    String given = System.getProperty("soak.set", "").trim();
    int from = 0;
    while (from < given.length()) {
      int comma = given.indexOf(',', from);
      String pair = given.substring(from, comma < 0 ? given.length() : comma).trim();
      from = comma < 0 ? given.length() : comma + 1;
      int eq = pair.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("soak.set must be key=value,...; got " + given);
      }
      extra.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
    }
    return extra;
  }

  /** Appends one run's counts to the summary and its missing or duplicated ids to problems. */
  private static void describe(
      StringBuilder out, List<String> problems, String label, RunResult run) {
    Map<String, List<Outcome>> p = run.predictions();
    int missing = 0;
    int duplicated = 0;
    long total = 0;
    long scored = 0;
    long correct = 0;
    Map<Long, Integer> versions = new TreeMap<>();
    for (int i = 0; i < SAMPLES; i++) {
      List<Outcome> list = p.get(id(i));
      if (list == null) {
        missing++;
      } else if (list.size() > 1) {
        duplicated++;
      }
    }
    Set<String> unknown = new TreeSet<>(p.keySet());
    for (int i = 0; i < SAMPLES; i++) {
      unknown.remove(id(i));
    }
    for (List<Outcome> list : p.values()) {
      for (Outcome o : list) {
        total++;
        versions.merge(o.modelVersion(), 1, Integer::sum);
        if (o.predictedLabel() != null) {
          scored++;
          correct += o.predictedLabel().equals(o.trueLabel()) ? 1 : 0;
        }
      }
    }
    out.append(String.format("run %s: %d launches", label, run.launches()));
    if (!run.kills().isEmpty()) {
      out.append(String.format(", %d SIGKILLs:%n", run.kills().size()));
      for (Kill k : run.kills()) {
        out.append(
            String.format(
                "    launch %d (pid %d) at %.1f s, %d samples produced, %d predicted, exit code"
                    + " %d%n",
                k.launch(), k.pid(), k.seconds(), k.produced(), k.predicted(), k.exitCode()));
      }
      out.append("   ");
    } else {
      out.append(',');
    }
    out.append(
        String.format(
            " all ids predicted after %.1f s; %d predictions of %d ids (missing %d, duplicated %d,"
                + " unknown %d); scored by a model (predictedLabel set) %d, correct %d (%.4f)%n",
            run.allPredictedSeconds(),
            total,
            p.size(),
            missing,
            duplicated,
            unknown.size(),
            scored,
            correct,
            scored == 0 ? Double.NaN : correct / (double) scored));
    out.append("    predictions per model version: ").append(versions).append('\n');
    if (missing > 0 || duplicated > 0 || !unknown.isEmpty()) {
      problems.add(
          String.format(
              "run %s: not exactly one prediction per id: %d missing, %d duplicated, %d"
                  + " unknown",
              run.name(), missing, duplicated, unknown.size()));
    }
  }

  /** Compares the first prediction of every id of the killed run (a) with the reference (b). */
  private static void compare(
      StringBuilder out,
      List<String> problems,
      Map<String, List<Outcome>> a,
      Map<String, List<Outcome>> b) {
    int compared = 0;
    int differ = 0;
    int labelOnly = 0;
    int laterInA = 0;
    int earlierInA = 0;
    int firstDiffering = -1;
    List<String> shown = new ArrayList<>();
    for (int i = 0; i < SAMPLES; i++) {
      List<Outcome> la = a.get(id(i));
      List<Outcome> lb = b.get(id(i));
      if (la == null || lb == null) {
        continue;
      }
      compared++;
      Outcome oa = la.get(0);
      Outcome ob = lb.get(0);
      if (oa.modelVersion() == ob.modelVersion()
          && Objects.equals(oa.predictedLabel(), ob.predictedLabel())) {
        continue;
      }
      differ++;
      if (firstDiffering < 0) {
        firstDiffering = i;
      }
      if (oa.modelVersion() == ob.modelVersion()) {
        labelOnly++;
      } else if (oa.modelVersion() > ob.modelVersion()) {
        laterInA++;
      } else {
        earlierInA++;
      }
      if (shown.size() < SHOWN_DIFFERENCES) {
        shown.add(
            String.format(
                "    %s: a (version %d, %s), b (version %d, %s), true %s",
                id(i),
                oa.modelVersion(),
                oa.predictedLabel(),
                ob.modelVersion(),
                ob.predictedLabel(),
                ob.trueLabel()));
      }
    }
    out.append(
        String.format(
            "ids whose (modelVersion, predictedLabel) differ between a and b: %d of %d compared"
                + " (same version, other label %d; a's version later %d, earlier %d); first at"
                + " index %d%n",
            differ, compared, labelOnly, laterInA, earlierInA, firstDiffering));
    if (!shown.isEmpty()) {
      out.append("  the first ").append(shown.size()).append(":\n");
      for (String s : shown) {
        out.append(s).append('\n');
      }
    }
    if (differ > 0) {
      problems.add(
          differ + " of " + compared + " ids have another (modelVersion, predictedLabel) in a");
    }
  }

  /** One row per prediction (ids without one: a row with count 0), in sample order. */
  private static void writeCsv(Path file, Map<String, List<Outcome>> predictions)
      throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("index,id,count,model_version,predicted_label,true_label\n");
      Set<String> rest = new TreeSet<>(predictions.keySet());
      for (int i = 0; i < SAMPLES; i++) {
        rest.remove(id(i));
        row(w, Integer.toString(i), id(i), predictions.get(id(i)));
      }
      for (String id : rest) {
        row(w, "", id, predictions.get(id));
      }
    }
  }

  private static void row(BufferedWriter w, String index, String id, List<Outcome> list)
      throws IOException {
    if (list == null) {
      w.write(index + "," + id + ",0,,,\n");
      return;
    }
    for (Outcome o : list) {
      w.write(
          String.join(
                  ",",
                  index,
                  id,
                  Integer.toString(list.size()),
                  Long.toString(o.modelVersion()),
                  o.predictedLabel() == null ? "" : o.predictedLabel(),
                  o.trueLabel() == null ? "" : o.trueLabel())
              + "\n");
    }
  }
}
