package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.broker.EmbeddedKafkaBroker;
import dev.redunet.testing.TestCa;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code run}, {@code produce} and {@code consume} against a broker whose client listener is
 * SASL_SSL with SCRAM-SHA-512: TLS with a certificate signed by a CA made here ({@link TestCa},
 * with the JDK's keytool), SCRAM credentials written into the metadata when the broker's storage is
 * formatted. The commands get everything from {@code --config FILE} ({@code kafka.*} keys); with a
 * wrong password or without the CA in their trust store they stop at once, exit code 1, with a
 * message that names the authentication failure.
 */
class SecuredKafkaIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String LISTENER = "SECURE";
  private static final String USER = "alice";
  private static final String PASSWORD = "alice-secret";

  /** A failing command must give up well within this (the clients' timeouts are 30 s and more). */
  private static final long FAIL_FAST_SECONDS = 25;

  @TempDir static Path tmp;

  private static TestCa.Stores tls;
  private static EmbeddedKafkaBroker broker;

  @BeforeAll
  static void startSecuredBroker() throws Exception {
    tls = TestCa.create(tmp.resolve("tls"), "localhost");
    String prefix = "listener.name." + LISTENER.toLowerCase(java.util.Locale.ROOT) + ".";
    broker =
        EmbeddedKafkaBroker.builder()
            .listener(LISTENER, "SASL_SSL")
            .scramCredential("SCRAM-SHA-512", USER, PASSWORD)
            .property(prefix + "sasl.enabled.mechanisms", "SCRAM-SHA-512")
            .property(
                prefix + "scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;")
            .property(prefix + "ssl.keystore.location", tls.keyStore().toString())
            .property(prefix + "ssl.keystore.password", tls.password())
            .property(prefix + "ssl.key.password", tls.password())
            .property(prefix + "ssl.keystore.type", "PKCS12")
            .start();
  }

  @AfterAll
  static void stopBroker() {
    if (broker != null) {
      broker.close();
    }
  }

  /** A client configuration file: the secured listener, SCRAM as {@code user}, the test CA. */
  private static Path config(String name, String user, String password, boolean trustTheCa)
      throws Exception {
    Properties p = new Properties();
    p.setProperty("redunet.bootstrap.servers", broker.bootstrapServers(LISTENER));
    p.setProperty("kafka.security.protocol", "SASL_SSL");
    p.setProperty("kafka.sasl.mechanism", "SCRAM-SHA-512");
    p.setProperty(
        "kafka.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
            + user
            + "\" password=\""
            + password
            + "\";");
    if (trustTheCa) {
      p.setProperty("kafka.ssl.truststore.location", tls.trustStore().toString());
      p.setProperty("kafka.ssl.truststore.password", tls.password());
      p.setProperty("kafka.ssl.truststore.type", "PKCS12");
    }
    Path file = tmp.resolve(name);
    try (var out = Files.newOutputStream(file)) {
      p.store(out, "SecuredKafkaIT");
    }
    return file;
  }

  /** The exit code, stdout and stderr of one command run in this JVM. */
  private record Outcome(int exit, String out, String err, double seconds) {
    List<JsonNode> jsonLines() throws Exception {
      List<JsonNode> lines = new ArrayList<>();
      for (String line : out.lines().toList()) {
        if (line.startsWith("{")) {
          lines.add(JSON.readTree(line));
        }
      }
      return lines;
    }
  }

  private interface CommandFactory {
    Callable<Integer> create(PrintStream out, PrintStream err);
  }

  private static Outcome execute(CommandFactory factory, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    long t0 = System.nanoTime();
    int exit;
    try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
      exit = new CommandLine(factory.create(o, e)).execute(args);
    }
    return new Outcome(
        exit,
        out.toString(StandardCharsets.UTF_8),
        err.toString(StandardCharsets.UTF_8),
        (System.nanoTime() - t0) / 1e9);
  }

  private static Outcome produce(String... args) {
    return execute(ProduceCommand::new, args);
  }

  private static Outcome consume(String... args) {
    return execute(ConsumeCommand::new, args);
  }

  private Path samples(int n) throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(
          "{\"id\":\"s-"
              + i
              + "\",\"features\":["
              + (i % 3 == 0 ? 1 : 0)
              + ","
              + (i % 3 == 1 ? 1 : 0)
              + ","
              + (0.05 + 0.1 * (i % 7)) // never the all-zero vector, which is rejected
              + "],\"label\":\"c"
              + (i % 3)
              + "\"}");
    }
    return Files.write(tmp.resolve("samples-" + n + ".jsonl"), lines, StandardCharsets.UTF_8);
  }

  @Test
  void theBrokerHoldsTheScramCredentialAndTheSecuredListenerIsNotThePlaintextOne()
      throws Exception {
    assertThat(broker.bootstrapServers(LISTENER)).isNotEqualTo(broker.bootstrapServers());
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      var described =
          admin.describeUserScramCredentials(List.of(USER)).all().get(30, TimeUnit.SECONDS);
      assertThat(described.get(USER).credentialInfos())
          .extracting(c -> c.mechanism())
          .containsExactly(ScramMechanism.SCRAM_SHA_512);
    }
  }

  @Test
  void produceRunAndConsumeWorkOverSaslSslWithScramFromAConfigFile() throws Exception {
    Path config = config("alice.properties", USER, PASSWORD, true);
    String topicPrefix = "secured-" + System.nanoTime() + ".";
    String[] common = {
      "--config",
      config.toString(),
      "-D",
      "redunet.topic.prefix=" + topicPrefix,
      "-D",
      "redunet.partitions=1",
      "-D",
      "redunet.replication.factor=1",
      "-D",
      "redunet.http.enabled=false"
    };
    Outcome produced = produce(concat(common, "--jsonl", samples(30).toString()));
    assertThat(produced.exit()).as("produce: %s", produced.err()).isZero();
    JsonNode sent = produced.jsonLines().get(produced.jsonLines().size() - 1);
    assertThat(sent.get("sent").asLong()).isEqualTo(30);
    assertThat(sent.get("failed").asLong()).isZero();

    ByteArrayOutputStream runOut = new ByteArrayOutputStream();
    ByteArrayOutputStream runErr = new ByteArrayOutputStream();
    CountDownLatch stop = new CountDownLatch(1);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      RunCommand run =
          new RunCommand(
              new PrintStream(runOut, true, StandardCharsets.UTF_8),
              new PrintStream(runErr, true, StandardCharsets.UTF_8),
              stop,
              false);
      Future<Integer> exit =
          executor.submit(
              () ->
                  new CommandLine(run)
                      .execute(
                          concat(
                              common,
                              "--application-id",
                              "secured-app-" + System.nanoTime(),
                              "--state-dir",
                              tmp.resolve("state").toString(),
                              "--window",
                              "10")));
      Outcome consumed =
          consume(
              concat(
                  common,
                  "--topic",
                  topicPrefix + "predictions",
                  "--max",
                  "30",
                  "--timeout",
                  "90"));
      // consume refuses a topic that run has not created yet; retry until run has made it
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (consumed.exit() == 2 && System.nanoTime() < deadline) {
        assertThat(consumed.err()).contains("does not exist");
        Thread.sleep(500);
        consumed =
            consume(
                concat(
                    common,
                    "--topic",
                    topicPrefix + "predictions",
                    "--max",
                    "30",
                    "--timeout",
                    "90"));
      }
      assertThat(consumed.exit()).as("consume: %s", consumed.err()).isZero();
      List<JsonNode> predictions = consumed.jsonLines();
      assertThat(predictions.get(predictions.size() - 1).get("records").asLong()).isEqualTo(30);
      List<String> ids = new ArrayList<>();
      for (JsonNode p : predictions.subList(0, 30)) {
        ids.add(p.get("sampleId").asText());
      }
      assertThat(ids).hasSize(30).doesNotHaveDuplicates().allMatch(id -> id.startsWith("s-"));
      assertThat(predictions.subList(0, 30))
          .as("a model was built from the first window of 10 and scored later samples")
          .anyMatch(p -> p.get("modelVersion").asLong() > 0);

      stop.countDown();
      assertThat(exit.get(60, TimeUnit.SECONDS))
          .as("run: %s", runErr.toString(StandardCharsets.UTF_8))
          .isZero();
      List<String> lines = runOut.toString(StandardCharsets.UTF_8).strip().lines().toList();
      JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
      assertThat(summary.get("accepted").asLong()).isEqualTo(30);
      assertThat(summary.get("state").asText()).isEqualTo("NOT_RUNNING");
    } finally {
      stop.countDown();
      executor.shutdownNow();
      assertThat(executor.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void aWrongPasswordStopsEveryCommandAtOnceWithAnAuthenticationMessage() throws Exception {
    Path wrong = config("wrong-password.properties", USER, "not-" + PASSWORD, true);
    String[] common = {"--config", wrong.toString(), "-D", "redunet.topic.prefix=wrong."};

    Outcome produced = produce(concat(common, "--jsonl", samples(3).toString()));
    assertAuthenticationFailure(produced, "redunet produce: ");
    assertThat(produced.err())
        .as("the line the README quotes")
        .contains(
            "redunet produce: cannot reach Kafka: authentication with Kafka failed: Authentication"
                + " failed during authentication due to invalid credentials with SASL mechanism"
                + " SCRAM-SHA-512 (check kafka.security.protocol, kafka.sasl.mechanism,"
                + " kafka.sasl.jaas.config and kafka.ssl.truststore.*)");

    Outcome consumed = consume(concat(common, "--topic", "wrong.samples", "--timeout", "60"));
    assertAuthenticationFailure(consumed, "redunet consume: ");

    Outcome ran =
        execute(
            (out, err) -> new RunCommand(out, err, new CountDownLatch(1), false),
            concat(
                common,
                "-D",
                "redunet.http.enabled=false",
                "--state-dir",
                tmp.resolve("wrong-state").toString()));
    assertAuthenticationFailure(ran, "redunet run: ");
    assertThat(ran.err()).contains("cannot prepare the topics");
  }

  @Test
  void aCertificateFromAnUntrustedCaStopsTheCommandWithATlsMessage() throws Exception {
    Path untrusting = config("no-truststore.properties", USER, PASSWORD, false);
    Outcome produced =
        produce(
            "--config",
            untrusting.toString(),
            "-D",
            "redunet.topic.prefix=untrusted.",
            "--jsonl",
            samples(3).toString());
    assertThat(produced.exit()).isEqualTo(1);
    assertThat(produced.seconds()).isLessThan(FAIL_FAST_SECONDS);
    assertThat(produced.err())
        .contains("redunet produce: ")
        .contains("authentication with Kafka failed: SSL handshake failed")
        .contains("kafka.ssl.truststore");
  }

  private static void assertAuthenticationFailure(Outcome outcome, String command) {
    assertThat(outcome.exit()).as("exit code; stderr: %s", outcome.err()).isEqualTo(1);
    assertThat(outcome.seconds())
        .as("fails at once, does not retry; stderr: %s", outcome.err())
        .isLessThan(FAIL_FAST_SECONDS);
    assertThat(outcome.err())
        .contains(command)
        .contains("authentication with Kafka failed")
        .contains("SCRAM-SHA-512")
        .contains("kafka.sasl.jaas.config");
    assertThat(outcome.out()).as("no result line").doesNotContain("\"sent\"", "\"records\"");
  }

  private static String[] concat(String[] a, String... b) {
    String[] all = new String[a.length + b.length];
    System.arraycopy(a, 0, all, 0, a.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
