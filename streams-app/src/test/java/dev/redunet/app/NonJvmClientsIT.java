package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.Prediction;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.testing.SystemTools;
import dev.redunet.wire.JsonRecordReader;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Clients that are not on the JVM, against {@code run} with {@code redunet.output.format=json} on a
 * real broker (issue 20): the shipped Python example ({@code clients/python/stream_example.py},
 * confluent-kafka on Debian's python3) and kcat (librdkafka) produce JSON samples keyed by id and
 * read the JSON predictions, features and rejected records.
 */
@ExtendWith(KafkaBrokerExtension.class)
class NonJvmClientsIT {

  private static final Logger LOG = LoggerFactory.getLogger(NonJvmClientsIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final int DIM = 4;

  @TempDir static Path tmp;

  private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor();
  private static final CountDownLatch STOP = new CountDownLatch(1);
  private static Future<Integer> exit;
  private static String bootstrap;
  private static String prefix;
  private static InetSocketAddress http;

  /** Starts {@code run} with JSON output, a short window and a short idle timeout. */
  @BeforeAll
  static void startTheApplication(KafkaCluster kafka) throws Exception {
    bootstrap = kafka.bootstrapServers();
    prefix = kafka.uniqueName("nonjvm") + ".";
    RunCommand run =
        new RunCommand(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            System.err,
            STOP,
            false);
    String[] args = {
      "--bootstrap-servers", bootstrap,
      "--application-id", kafka.uniqueName("nonjvm-app"),
      "--state-dir", tmp.resolve("state").toString(),
      "--http-port", "0",
      "--window", "100",
      "-D", "redunet.topic.prefix=" + prefix,
      "-D", "redunet.output.format=json",
      "-D", "redunet.idle.timeout.ms=1000",
      "-D", "redunet.replication.factor=1",
      "-D", "kafka.commit.interval.ms=100"
    };
    exit = EXECUTOR.submit(() -> new CommandLine(run).execute(args));
    http = run.httpAddress.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    int status = 0;
    while (status != 200) {
      assertThat(System.nanoTime()).as("/health/ready within %s", PATIENCE).isLessThan(deadline);
      Thread.sleep(200);
      status =
          client
              .send(
                  HttpRequest.newBuilder(URI.create(url("/health/ready"))).GET().build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode();
    }
  }

  @AfterAll
  static void stopTheApplication() throws Exception {
    STOP.countDown();
    if (exit != null) {
      assertThat(exit.get(90, TimeUnit.SECONDS)).as("exit code of run").isZero();
    }
    EXECUTOR.shutdown();
  }

  private static String url(String path) {
    return "http://127.0.0.1:" + http.getPort() + path;
  }

  /** What a program printed and its exit code. */
  private record Result(int code, String stdout, String stderr) {}

  /** Runs a program with {@code stdin} as its input; fails the test if it runs past the limit. */
  private static Result execute(List<String> command, String stdin, Duration limit)
      throws Exception {
    Path in = Files.writeString(Files.createTempFile(tmp, "in", ".txt"), stdin);
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .redirectInput(in.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      throw new AssertionError(
          command.get(0) + " ran over " + limit + "; stderr: " + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A file of the repository, found from the module directory the tests run in. */
  private static Path repositoryFile(String relative) {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve(relative))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("%s above the working directory", relative).isNotNull();
    return dir.resolve(relative);
  }

  /** The shipped example script. */
  private static Path script() {
    return repositoryFile("clients/python/stream_example.py");
  }

  /**
   * The README line that starts with {@code start}, for this test's broker and topics: run under
   * {@code /bin/sh} exactly as written there.
   */
  private static List<String> readmeCommand(String start) throws Exception {
    List<String> lines =
        Files.readAllLines(repositoryFile("README.md")).stream()
            .map(String::strip)
            .filter(l -> l.startsWith(start))
            .toList();
    assertThat(lines).as("README.md has a line starting with %s", start).hasSize(1);
    String line =
        lines
            .get(0)
            .replace("localhost:9092", bootstrap)
            .replace("redunet.samples", prefix + "samples")
            .replace("redunet.predictions", prefix + "predictions");
    return List.of("/bin/sh", "-c", line);
  }

  /** Every committed record of a topic, as kcat reads it: key, value length, value. */
  private record KcatRecord(String key, int length, String value) {}

  private static List<KcatRecord> kcatRead(Path kcat, String topic) throws Exception {
    Result r =
        execute(
            List.of(
                kcat.toString(),
                "-C",
                "-b",
                bootstrap,
                "-t",
                topic,
                "-o",
                "beginning",
                "-e",
                "-q",
                "-X",
                "isolation.level=read_committed",
                "-f",
                "%k\\t%S\\t%s\\n"),
            "",
            Duration.ofSeconds(60));
    assertThat(r.code()).as("kcat -C exit code; stderr %s", r.stderr()).isZero();
    List<KcatRecord> records = new ArrayList<>();
    for (String line : r.stdout().lines().toList()) {
      String[] parts = line.split("\t", 3);
      assertThat(parts).as("kcat line %s", line).hasSize(3);
      records.add(new KcatRecord(parts[0], Integer.parseInt(parts[1]), parts[2]));
    }
    return records;
  }

  /** Reads a topic with kcat until {@code done} holds for what it read (or the patience ends). */
  private static List<KcatRecord> kcatReadUntil(
      Path kcat, String topic, java.util.function.Predicate<List<KcatRecord>> done)
      throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    List<KcatRecord> records = kcatRead(kcat, topic);
    while (!done.test(records)) {
      assertThat(System.nanoTime())
          .as("%s has the expected records within %s; it has %s", topic, PATIENCE, records)
          .isLessThan(deadline);
      Thread.sleep(500);
      records = kcatRead(kcat, topic);
    }
    return records;
  }

  /** Parses a value as one JSON object and checks it is the whole value, bytes and all. */
  private static JsonNode object(KcatRecord r) throws Exception {
    assertThat(r.value().getBytes(StandardCharsets.UTF_8))
        .as("one line per record: %s", r.value())
        .hasSize(r.length());
    JsonNode n = JSON.readTree(r.value());
    assertThat(n.isObject()).as("a JSON object: %s", r.value()).isTrue();
    return n;
  }

  @Test
  void thePythonExampleStreamsLabelledSamplesAndChecksOnePredictionPerIdAndTheAccuracy()
      throws Exception {
    Path python = SystemTools.requirePythonModule("confluent_kafka", "python3-confluent-kafka");
    long t0 = System.nanoTime();
    Result r =
        execute(
            List.of(
                python.toString(),
                script().toString(),
                "--bootstrap-servers",
                bootstrap,
                "--samples-topic",
                prefix + "samples",
                "--predictions-topic",
                prefix + "predictions",
                "--samples",
                "600",
                "--dim",
                Integer.toString(DIM),
                "--seed",
                "20",
                "--id-prefix",
                "py-",
                "--min-accuracy",
                "0.9",
                "--timeout",
                "90",
                "--model-url",
                url("")),
            "",
            Duration.ofSeconds(150));
    LOG.info(
        "stream_example.py: exit {} in {} s\nstdout:\n{}stderr:\n{}",
        r.code(),
        String.format("%.1f", (System.nanoTime() - t0) / 1e9),
        r.stdout(),
        r.stderr());
    assertThat(r.code()).as("exit code; stderr %s", r.stderr()).isZero();
    List<String> lines = r.stdout().strip().lines().toList();
    assertThat(lines.get(0))
        .isEqualTo("one prediction per id: 600 of 600 ids (0 missing, 0 with" + " duplicates)");
    assertThat(lines.get(1)).startsWith("accuracy: ");
    JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(summary.get("ok").asBoolean()).isTrue();
    assertThat(summary.get("sent").asInt()).isEqualTo(600);
    assertThat(summary.get("one_prediction_per_id").asInt()).isEqualTo(600);
    assertThat(summary.get("missing").asInt()).isZero();
    assertThat(summary.get("duplicated").asInt()).isZero();
    int scored = summary.get("scored").asInt();
    assertThat(scored).as("predictions made by a model (after the first window)").isGreaterThan(0);
    assertThat(summary.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.9);

    // The script's figures, checked independently: the JSON predictions read here.
    Map<String, List<Prediction>> byId = new HashMap<>();
    Path kcat = SystemTools.require("/usr/bin/kcat", "kcat");
    for (KcatRecord k : kcatRead(kcat, prefix + "predictions")) {
      Prediction p =
          JsonRecordReader.read(Prediction.class, k.value().getBytes(StandardCharsets.UTF_8));
      if (p.getSampleId().startsWith("py-")) {
        assertThat(k.key()).isEqualTo(p.getSampleId());
        byId.computeIfAbsent(p.getSampleId(), id -> new ArrayList<>()).add(p);
      }
    }
    assertThat(byId).hasSize(600);
    assertThat(byId.values()).allMatch(ps -> ps.size() == 1);
    long javaScored = 0;
    long javaCorrect = 0;
    long newest = 0;
    for (List<Prediction> ps : byId.values()) {
      Prediction p = ps.get(0);
      assertThat(p.getTrueLabel()).as("the label the script sent").matches("c[0-2]");
      newest = Math.max(newest, p.getModelVersion());
      if (p.getPredictedLabel() != null) {
        javaScored++;
        javaCorrect += p.getPredictedLabel().equals(p.getTrueLabel()) ? 1 : 0;
      }
    }
    assertThat(javaScored).isEqualTo(scored);
    assertThat(javaCorrect).isEqualTo(summary.get("correct").asLong());
    assertThat(summary.get("accuracy").asDouble())
        .isCloseTo((double) javaCorrect / javaScored, within(1e-12));

    // It followed the model versions through the HTTP API.
    JsonNode model = summary.get("model");
    assertThat(model.get("status").asInt()).isEqualTo(200);
    assertThat(model.get("version").asLong()).isGreaterThanOrEqualTo(newest);
    assertThat(model.get("newest_seen").get("status").asInt()).isEqualTo(200);
    assertThat(model.get("newest_seen").get("version").asLong()).isEqualTo(newest);
    assertThat(model.get("newest_seen").get("classes"))
        .extracting(JsonNode::asText)
        .containsExactlyInAnyOrder("c0", "c1", "c2");
  }

  @Test
  void kcatSendsKeyedSamplesReadsEveryOutputAsJsonAndBadJsonGoesToRejectedWithItsReason()
      throws Exception {
    Path kcat = SystemTools.require("/usr/bin/kcat", "kcat");
    // The README's one-liners: send a sample keyed by its id, read the predictions.
    Result readmeSend = execute(readmeCommand("echo 's-1|"), "", Duration.ofSeconds(60));
    assertThat(readmeSend.code()).as("README kcat -P; stderr %s", readmeSend.stderr()).isZero();
    List<String> readmeRead = readmeCommand("kcat -C -b localhost:9092 -t redunet.predictions");
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    JsonNode readmePrediction = null;
    while (readmePrediction == null) {
      assertThat(System.nanoTime()).as("the README's sample predicted").isLessThan(deadline);
      Result read = execute(readmeRead, "", Duration.ofSeconds(60));
      assertThat(read.code()).as("README kcat -C; stderr %s", read.stderr()).isZero();
      for (String line : read.stdout().lines().toList()) {
        if (line.startsWith("s-1 ")) {
          readmePrediction = JSON.readTree(line.substring(3));
        }
      }
      Thread.sleep(readmePrediction == null ? 500 : 0);
    }
    assertThat(readmePrediction.get("sampleId").asText()).isEqualTo("s-1");
    assertThat(readmePrediction.get("modelVersion").isIntegralNumber()).isTrue();
    assertThat(readmePrediction.get("trueLabel").isNull()).isTrue();

    // As in the README: key|value lines, the value a JSON sample without id.
    Map<String, String> good = new LinkedHashMap<>();
    for (int i = 0; i < 6; i++) {
      StringBuilder f = new StringBuilder();
      for (int j = 0; j < DIM; j++) {
        f.append(j == 0 ? "" : ",").append(j == i % 3 ? "0.9" : "0.05");
      }
      good.put("kc-" + i, "{\"features\":[" + f + "],\"label\":\"c" + (i % 3) + "\"}");
    }
    Map<String, String> bad = new LinkedHashMap<>();
    bad.put("kc-bad-truncated", "{\"features\":[1,2,");
    bad.put("kc-bad-type", "{\"features\":[1,\"x\",3,4]}");
    bad.put("kc-bad-text", "hello from kcat");
    StringBuilder input = new StringBuilder();
    good.forEach((k, v) -> input.append(k).append('|').append(v).append('\n'));
    bad.forEach((k, v) -> input.append(k).append('|').append(v).append('\n'));
    Result sent =
        execute(
            List.of(kcat.toString(), "-P", "-b", bootstrap, "-t", prefix + "samples", "-K", "|"),
            input.toString(),
            Duration.ofSeconds(60));
    assertThat(sent.code()).as("kcat -P exit code; stderr %s", sent.stderr()).isZero();

    // Every prediction is a JSON object with sampleId and modelVersion, keyed by the sample id.
    List<KcatRecord> predictions =
        kcatReadUntil(
            kcat,
            prefix + "predictions",
            rs -> rs.stream().map(KcatRecord::key).toList().containsAll(good.keySet()));
    for (KcatRecord r : predictions) {
      JsonNode p = object(r);
      assertThat(p.get("sampleId").isTextual()).as("sampleId of %s", r.value()).isTrue();
      assertThat(p.get("sampleId").asText()).isEqualTo(r.key());
      assertThat(p.get("modelVersion").isIntegralNumber()).as(r.value()).isTrue();
      if (good.containsKey(r.key())) {
        assertThat(p.get("trueLabel").asText())
            .isEqualTo("c" + (Integer.parseInt(r.key().substring(3)) % 3));
      }
    }
    assertThat(predictions.stream().filter(r -> good.containsKey(r.key())).count())
        .as("one prediction per kcat sample")
        .isEqualTo(good.size());

    // The features: unit-norm vectors of the input's dimension.
    List<KcatRecord> features =
        kcatReadUntil(
            kcat,
            prefix + "features",
            rs -> rs.stream().map(KcatRecord::key).toList().containsAll(good.keySet()));
    for (KcatRecord r : features) {
      JsonNode z = object(r);
      assertThat(z.get("sampleId").asText()).isEqualTo(r.key());
      assertThat(z.get("modelVersion").isIntegralNumber()).isTrue();
      double norm = 0;
      for (JsonNode v : z.get("features")) {
        assertThat(v.isNumber()).as("a number in %s", r.value()).isTrue();
        norm += v.asDouble() * v.asDouble();
      }
      assertThat(Math.sqrt(norm)).as("norm of %s", r.key()).isCloseTo(1.0, within(1e-5));
    }

    // The bad records, in JSON on the rejected topic, with their key, bytes and reason.
    List<KcatRecord> rejected =
        kcatReadUntil(
            kcat,
            prefix + "rejected",
            rs -> rs.stream().map(KcatRecord::key).toList().containsAll(bad.keySet()));
    Map<String, JsonNode> byKey = new HashMap<>();
    for (KcatRecord r : rejected) {
      byKey.put(r.key(), object(r));
    }
    assertThat(byKey).containsOnlyKeys(bad.keySet());
    for (Map.Entry<String, String> b : bad.entrySet()) {
      JsonNode r = byKey.get(b.getKey());
      assertThat(r.get("reason").asText()).as(b.getKey()).isEqualTo("UNPARSABLE");
      assertThat(
              new String(
                  Base64.getDecoder().decode(r.get("originalKey").asText()),
                  StandardCharsets.UTF_8))
          .isEqualTo(b.getKey());
      assertThat(
              new String(
                  Base64.getDecoder().decode(r.get("originalValue").asText()),
                  StandardCharsets.UTF_8))
          .isEqualTo(b.getValue());
      assertThat(r.get("sourceTopic").asText()).isEqualTo(prefix + "samples");
      assertThat(r.get("rejectedAt").isIntegralNumber()).isTrue();
    }
    assertThat(byKey.get("kc-bad-truncated").get("message").asText())
        .startsWith("document: invalid JSON");
    assertThat(byKey.get("kc-bad-type").get("message").asText())
        .isEqualTo("features[1]: not a number: \"x\"");
    assertThat(byKey.get("kc-bad-text").get("message").asText())
        .startsWith("document: neither Avro single-object encoding");

    // ./redunet consume prints the JSON predictions as kcat read them.
    ByteArrayOutputStream consumed = new ByteArrayOutputStream();
    ConsumeCommand consume =
        new ConsumeCommand(new PrintStream(consumed, true, StandardCharsets.UTF_8), System.err);
    assertThat(
            new CommandLine(consume)
                .execute(
                    "--bootstrap-servers",
                    bootstrap,
                    "--topic",
                    prefix + "predictions",
                    "--max",
                    Integer.toString(predictions.size()),
                    "--timeout",
                    "20"))
        .isZero();
    List<String> lines = consumed.toString(StandardCharsets.UTF_8).strip().lines().toList();
    JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(summary.get("undecodable").asInt()).isZero();
    assertThat(lines.subList(0, lines.size() - 1))
        .containsExactlyInAnyOrderElementsOf(predictions.stream().map(KcatRecord::value).toList());
  }
}
