package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** produce → (run) → consume through the commands, in this JVM, against a real broker. */
@ExtendWith(KafkaBrokerExtension.class)
class StreamCommandsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> INVALID =
      List.of(
          "this is not json",
          "{\"id\":\"bad-value\",\"features\":[1,\"a\",3]}",
          "{\"id\":\"no-features\"}");

  @TempDir Path tmp;

  /** Runs {@code Main.execute(args)} and returns the JSON lines it printed on stdout. */
  private static List<JsonNode> execute(String... args) throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    PrintStream previous = System.out;
    int code;
    try (PrintStream capture = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      System.setOut(capture);
      code = Main.execute(args);
    } finally {
      System.setOut(previous);
    }
    assertThat(code).as("exit code of %s", List.of(args)).isZero();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : buffer.toString(StandardCharsets.UTF_8).lines().toList()) {
      if (line.startsWith("{")) { // log lines in the tests also go to stdout
        lines.add(JSON.readTree(line));
      }
    }
    return lines;
  }

  /** A JSON-lines file: {@code valid} samples of dimension 3, the invalid lines, a blank line. */
  private Path samples(String name, int valid, String extraLine) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < valid; i++) {
      lines.add(
          "{\"id\":\"v-"
              + i
              + "\",\"features\":["
              + (i + 1)
              + ",0.5,-2]"
              + (i % 2 == 0 ? ",\"label\":\"c" + (i % 3) + "\"" : "")
              + "}");
      if (i == valid / 2) {
        lines.addAll(INVALID);
        lines.add("   ");
      }
    }
    if (extraLine != null) {
      lines.add(extraLine);
    }
    return Files.write(tmp.resolve(name), lines, StandardCharsets.UTF_8);
  }

  @Test
  void producedLinesComeBackThroughConsumeWithTheInvalidOnesSentAsTheyAre(KafkaCluster kafka)
      throws Exception {
    String prefix = kafka.uniqueName("cmd") + ".";
    Path file = samples("in.jsonl", 20, null);
    List<JsonNode> produced =
        execute(
            "produce",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "-D",
            "redunet.topic.prefix=" + prefix,
            "-D",
            "redunet.partitions=2",
            "--jsonl",
            file.toString(),
            "--format",
            "avro");
    JsonNode result = produced.get(produced.size() - 1);
    assertThat(result.get("sent").asLong()).isEqualTo(23);
    assertThat(result.get("invalid").asLong()).isEqualTo(3);
    assertThat(result.get("failed").asLong()).isZero();
    assertThat(result.get("topic").asText()).isEqualTo(prefix + "samples");
    assertThat(result.get("format").asText()).isEqualTo("avro");

    List<JsonNode> consumed =
        execute(
            "consume",
            "--bootstrap-servers",
            kafka.bootstrapServers(),
            "--topic",
            prefix + "samples",
            "--max",
            "23",
            "--timeout",
            "20");
    assertThat(consumed).hasSize(24);
    JsonNode summary = consumed.get(23);
    assertThat(summary.get("records").asLong()).isEqualTo(23);
    assertThat(summary.get("undecodable").asLong()).isEqualTo(3);
    assertThat(summary.get("topic").asText()).isEqualTo(prefix + "samples");
    List<String> ids = new ArrayList<>();
    List<String> raw = new ArrayList<>();
    for (JsonNode n : consumed.subList(0, 23)) {
      if (n.has("_error")) {
        raw.add(
            new String(
                Base64.getDecoder().decode(n.get("_value_base64").asText()),
                StandardCharsets.UTF_8));
      } else {
        ids.add(n.get("id").asText());
        assertThat(n.get("features")).hasSize(3);
      }
    }
    assertThat(raw).containsExactlyInAnyOrderElementsOf(INVALID);
    assertThat(ids).hasSize(20).doesNotHaveDuplicates().allMatch(id -> id.startsWith("v-"));
  }

  /** A gzip-free IDX file of unsigned bytes with the given shape and values 0, 1, 2, .... */
  private Path idx(String name, int... shape) throws Exception {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    java.io.DataOutputStream d = new java.io.DataOutputStream(bytes);
    d.writeShort(0);
    d.writeByte(0x08);
    d.writeByte(shape.length);
    int total = 1;
    for (int s : shape) {
      d.writeInt(s);
      total *= s;
    }
    for (int i = 0; i < total; i++) {
      d.writeByte(shape.length == 1 ? i % 3 : i + 1);
    }
    return Files.write(tmp.resolve(name), bytes.toByteArray());
  }

  @Test
  void idxImagesWithLabelsAndCsvRowsAreProducedWithTheirShapesLabelsAndIds(KafkaCluster kafka)
      throws Exception {
    String topic = kafka.createTopic("datasets", 1);
    Path images = idx("digits.idx3", 4, 2, 3);
    Path labels = idx("digits-labels.idx1", 4);
    Path csv = Files.writeString(tmp.resolve("rows.csv"), "label,a,b\ncat,0.5,1\ndog,-2,3e-3\n");
    String bootstrap = kafka.bootstrapServers();
    List<JsonNode> fromIdx =
        execute(
            "produce",
            "--bootstrap-servers",
            bootstrap,
            "--topic",
            topic,
            "--images",
            images.toString(),
            "--labels",
            labels.toString(),
            "--max-samples",
            "3");
    assertThat(fromIdx.get(fromIdx.size() - 1).get("sent").asLong()).isEqualTo(3);
    List<JsonNode> fromCsv =
        execute(
            "produce",
            "--bootstrap-servers",
            bootstrap,
            "--topic",
            topic,
            "--data",
            csv.toString(),
            "--format",
            "json",
            "--id-prefix",
            "row-",
            "--rate",
            "50");
    assertThat(fromCsv.get(fromCsv.size() - 1).get("sent").asLong()).isEqualTo(2);

    List<JsonNode> consumed =
        execute(
            "consume",
            "--bootstrap-servers",
            bootstrap,
            "--topic",
            topic,
            "--max",
            "5",
            "--timeout",
            "20");
    assertThat(consumed).hasSize(6);
    JsonNode first = consumed.get(0);
    assertThat(first.get("id").asText()).isEqualTo("digits-0");
    assertThat(first.get("source").asText()).isEqualTo("digits.idx3");
    assertThat(first.get("shape").toString()).isEqualTo("[2,3]");
    assertThat(first.get("features").toString()).isEqualTo("[1.0,2.0,3.0,4.0,5.0,6.0]");
    assertThat(first.get("label").asText()).isEqualTo("0");
    assertThat(consumed.get(2).get("id").asText()).isEqualTo("digits-2");
    assertThat(consumed.get(2).get("label").asText()).isEqualTo("2");
    assertThat(consumed.get(2).get("features").get(0).asDouble()).isEqualTo(13.0);
    JsonNode row = consumed.get(4);
    assertThat(row.get("id").asText()).isEqualTo("row-1");
    assertThat(row.get("label").asText()).isEqualTo("dog");
    assertThat(row.get("shape").isNull()).isTrue();
    assertThat((float) row.get("features").get(1).asDouble()).isEqualTo(3e-3f);
    assertThat(consumed.get(5).get("undecodable").asLong()).isZero();
  }

  @Test
  void runScoresWhatProduceSentRejectsTheRestAndStopsCleanly(KafkaCluster kafka) throws Exception {
    String prefix = kafka.uniqueName("run") + ".";
    String wrongDimension = "{\"id\":\"four-values\",\"features\":[1,2,3,4]}";
    Path file = samples("run.jsonl", 30, wrongDimension);
    String[] common = {
      "--bootstrap-servers",
      kafka.bootstrapServers(),
      "-D",
      "redunet.topic.prefix=" + prefix,
      "-D",
      "redunet.partitions=1",
      "-D",
      "redunet.http.port=0"
    };
    List<JsonNode> produced =
        execute(
            concat(
                new String[] {"produce", "--jsonl", file.toString(), "--format", "json"}, common));
    assertThat(produced.get(produced.size() - 1).get("sent").asLong()).isEqualTo(34);

    String appId = kafka.uniqueName("run-app");
    ByteArrayOutputStream runOut = new ByteArrayOutputStream();
    CountDownLatch stop = new CountDownLatch(1);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      RunCommand run =
          new RunCommand(
              new PrintStream(runOut, true, StandardCharsets.UTF_8), System.err, stop, false);
      Future<Integer> exit =
          executor.submit(
              () ->
                  new CommandLine(run)
                      .execute(
                          concat(
                              common,
                              new String[] {
                                "--application-id",
                                appId,
                                "--state-dir",
                                tmp.resolve("state").toString(),
                                "--layers",
                                "3"
                              })));

      awaitTopic(kafka, prefix + "predictions");
      List<JsonNode> predictions =
          execute(
              concat(
                  new String[] {
                    "consume", "--topic", prefix + "predictions", "--max", "30", "--timeout", "60"
                  },
                  common));
      assertThat(predictions.get(predictions.size() - 1).get("records").asLong()).isEqualTo(30);
      for (JsonNode p : predictions.subList(0, 30)) {
        assertThat(p.get("modelVersion").asLong()).isZero();
        assertThat(p.get("predictedLabel").isNull()).isTrue();
      }
      List<JsonNode> rejected =
          execute(
              concat(
                  new String[] {
                    "consume", "--topic", prefix + "rejected", "--max", "4", "--timeout", "30"
                  },
                  common));
      assertThat(rejected.subList(0, 4))
          .extracting(n -> n.get("reason").asText())
          .containsExactlyInAnyOrder(
              "UNPARSABLE", "UNPARSABLE", "MISSING_FIELD", "WRONG_DIMENSION");

      stop.countDown();
      assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
      List<String> lines = runOut.toString(StandardCharsets.UTF_8).strip().lines().toList();
      JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
      assertThat(summary.get("state").asText()).isEqualTo("NOT_RUNNING");
      // the sample of another shape passes validation and is rejected when it is scored
      assertThat(summary.get("accepted").asLong()).isEqualTo(31);
      assertThat(summary.get("rejected_total").asLong()).isEqualTo(4);
      assertThat(summary.get("rejected").get("UNPARSABLE").asLong()).isEqualTo(2);
      // every topic but samples (produce made it): features, predictions, rejected, model,
      // metrics, learning, clusters
      assertThat(summary.get("topics_created")).hasSize(7);
      assertThat(Thread.getAllStackTraces().keySet())
          .as("no thread of the application is left")
          .noneMatch(t -> t.getName().startsWith(appId));
    } finally {
      stop.countDown();
      executor.shutdownNow();
      assertThat(executor.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void theLaunchedRunCommandClosesKafkaStreamsOnSigtermAndPrintsItsSummary(KafkaCluster kafka)
      throws Exception {
    Path jar = Path.of("target", "redunet-streams.jar").toAbsolutePath();
    assumeThat(jar).as("the packaged application (built in the package phase)").exists();
    assumeThat(System.getProperty("os.name")).doesNotStartWith("Windows");
    Path stderr = tmp.resolve("run-stderr.txt");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-jar",
                jar.toString(),
                "run",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "-D",
                "redunet.topic.prefix=" + kafka.uniqueName("term") + ".",
                "-D",
                "redunet.partitions=1",
                "--http-port",
                "0",
                "--application-id",
                kafka.uniqueName("term-app"),
                "--state-dir",
                tmp.resolve("term-state").toString())
            .redirectError(stderr.toFile())
            .start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (!Files.readString(stderr, StandardCharsets.UTF_8).contains("-> RUNNING")) {
        assertThat(process.isAlive()).as("run is alive; stderr: %s", read(stderr)).isTrue();
        assertThat(System.nanoTime()).as("RUNNING within 90 s").isLessThan(deadline);
        Thread.sleep(100);
      }
      Process kill =
          new ProcessBuilder("kill", "-TERM", Long.toString(process.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGTERM").isTrue();
      assertThat(process.exitValue()).isEqualTo(143);
      List<String> out =
          new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
              .lines()
              .toList();
      assertThat(out).hasSize(1);
      JsonNode summary = JSON.readTree(out.get(0));
      assertThat(summary.get("state").asText()).isEqualTo("NOT_RUNNING");
      assertThat(summary.get("topics_created")).hasSize(8); // all eight, samples included
      assertThat(read(stderr)).contains("PENDING_SHUTDOWN -> NOT_RUNNING");
    } finally {
      process.destroyForcibly();
    }
  }

  @Test
  void consumeStopsWithAnErrorWhenTheSchemaRegistryIsUnreachableInsteadOfCallingRecordsUnknown(
      KafkaCluster kafka) throws Exception {
    String topic = kafka.createTopic("confluent", 1);
    byte[] framed = {0, 0, 0, 0, 7, 2, 65}; // magic byte 0, schema id 7, an Avro body
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, framed)).get(30, TimeUnit.SECONDS);
    }
    int closedPort;
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        new CommandLine(
                new ConsumeCommand(
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)))
            .execute(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--schema-registry-url",
                "http://127.0.0.1:" + closedPort,
                "--timeout",
                "20");
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(exit).as(stderr).isEqualTo(1);
    assertThat(stderr)
        .startsWith(
            "redunet consume: cannot decode the record at partition 0, offset 0 of " + topic)
        .contains("schema registry http://127.0.0.1:" + closedPort + " unreachable")
        .contains("the record is not lost");
    assertThat(out.toString(StandardCharsets.UTF_8))
        .as("no record is printed as undecodable, no summary")
        .doesNotContain("_error")
        .doesNotContain("UNKNOWN_SCHEMA")
        .doesNotContain("\"records\"");
  }

  private static String read(Path file) throws Exception {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }

  /** Waits until {@code run} has created {@code topic} (consume refuses a missing topic). */
  private static void awaitTopic(KafkaCluster kafka, String topic) throws Exception {
    try (Admin admin = kafka.admin()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
        assertThat(System.nanoTime()).as("%s created within 60 s", topic).isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
