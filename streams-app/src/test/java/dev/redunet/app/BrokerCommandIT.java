package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.broker.EmbeddedKafkaBroker;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./redunet broker} for real: in this JVM, and as its own process stopped by SIGINT. */
class BrokerCommandIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @Test
  void itPrintsTheBootstrapAddressAsJsonServesClientsAndStopsOnRequest() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CountDownLatch stop = new CountDownLatch(1);
    Path dataDir = tmp.resolve("kafka");
    BrokerCommand command =
        new BrokerCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, stop);
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Future<Integer> exit =
          executor.submit(
              () ->
                  new CommandLine(command)
                      .execute("--port", "0", "--data-dir", dataDir.toString()));
      JsonNode result = awaitJsonLine(out);
      assertThat(result.get("bootstrap_servers").asText())
          .isEqualTo("localhost:" + result.get("port").asInt());
      assertThat(result.get("data_dir").asText()).isEqualTo(dataDir.toAbsolutePath().toString());
      assertThat(result.get("data_dir_temporary").asBoolean()).isFalse();
      assertThat(clusterIdAt(result.get("bootstrap_servers").asText()))
          .isEqualTo(result.get("cluster_id").asText());

      stop.countDown();
      assertThat(exit.get(60, TimeUnit.SECONDS)).isZero();
      assertThat(dataDir.resolve(EmbeddedKafkaBroker.STATE_FILE)).exists();
    } finally {
      stop.countDown();
      executor.shutdownNow();
    }
  }

  @Test
  void theLaunchedCommandShutsDownCleanlyOnSigint() throws Exception {
    Path jar = Path.of("target", "redunet-streams.jar").toAbsolutePath();
    assumeThat(jar).as("the packaged application (built in the package phase)").exists();
    assumeThat(System.getProperty("os.name")).doesNotStartWith("Windows");
    Path devLib = Path.of("target", "dev-lib").toAbsolutePath();
    assertThat(devLib).as("the development broker, copied in the package phase").isDirectory();
    Path stderr = tmp.resolve("stderr.txt");
    // The ./redunet launcher's command line: the production jar plus the development broker.
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-cp",
                jar + java.io.File.pathSeparator + devLib.resolve("*"),
                "dev.redunet.app.Main",
                "broker",
                "--port",
                "0")
            .redirectError(stderr.toFile())
            .start();
    try {
      BufferedReader lines =
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      String line = lines.readLine();
      assertThat(line).as("stdout of the broker command; stderr: %s", read(stderr)).isNotNull();
      JsonNode result = JSON.readTree(line);
      Path dataDir = Path.of(result.get("data_dir").asText());
      assertThat(result.get("data_dir_temporary").asBoolean()).isTrue();
      assertThat(dataDir).isDirectory();
      assertThat(clusterIdAt(result.get("bootstrap_servers").asText()))
          .isEqualTo(result.get("cluster_id").asText());

      Process kill =
          new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).inheritIO().start();
      assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("exited after SIGINT").isTrue();
      assertThat(process.exitValue()).isEqualTo(130);
      assertThat(lines.readLine()).as("nothing more on stdout").isNull();
      assertThat(read(stderr))
          .contains(
              "Embedded Kafka broker at " + result.get("bootstrap_servers").asText() + " stopped");
      assertThat(dataDir).doesNotExist();
    } finally {
      process.destroyForcibly();
    }
  }

  private static JsonNode awaitJsonLine(ByteArrayOutputStream out) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      String text = out.toString(StandardCharsets.UTF_8);
      if (text.endsWith("\n")) {
        String trimmed = text.strip();
        return JSON.readTree(trimmed.substring(trimmed.lastIndexOf('\n') + 1));
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no JSON line on stdout within 120 s");
  }

  private static String clusterIdAt(String bootstrap) throws Exception {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      return admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
    }
  }

  private static String read(Path file) throws Exception {
    return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
  }
}
