package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.data.SensorSignals;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.testing.SystemTools;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The export of a spectral model from a running application on a real broker ({@code
 * redunet.network=spectral}, sensor signals C = 3, T = 64 lifted to 8 channels, L = 2, 4 classes):
 * {@code GET /model/export} streams a spectral export of the version in force, the Python scorer on
 * it gives {@code POST /predict}'s labels on 100 samples (δL within 1e-9 relative, memberships and
 * novelty within 1e-6), and {@code ./redunet model export} writes the same JSON from the model
 * topic.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SpectralExportIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final String TOKEN = "spectral-token";
  private static final int WINDOW = 30;

  @TempDir Path tmp;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<CountDownLatch> stops = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    stops.forEach(CountDownLatch::countDown);
    executor.shutdown();
    assertThat(executor.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
  }

  private InetSocketAddress start(KafkaCluster kafka, String prefix) throws Exception {
    String[] args = {
      "--bootstrap-servers", kafka.bootstrapServers(),
      "--application-id", kafka.uniqueName("spectral-export-app"),
      "--state-dir", tmp.resolve("state").toString(),
      "--http-port", "0",
      "--window", Integer.toString(WINDOW),
      "--layers", "2",
      "-D", "redunet.topic.prefix=" + prefix,
      "-D", "redunet.partitions=1",
      "-D", "redunet.network=spectral",
      "-D", "redunet.feature.shape=3,64",
      "-D", "redunet.lifting.channels=8",
      "-D", "redunet.lifting.kernel=5",
      "-D", "redunet.output.format=json",
      "-D", "redunet.idle.timeout.ms=300",
      "-D", "redunet.http.token=" + TOKEN,
      "-D", "redunet.http.max.request.bytes=1048576",
      "-D", "kafka.commit.interval.ms=100"
    };
    CountDownLatch stop = new CountDownLatch(1);
    stops.add(stop);
    RunCommand run =
        new RunCommand(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            System.err,
            stop,
            false);
    Future<Integer> unused = executor.submit(() -> new CommandLine(run).execute(args));
    return run.httpAddress.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  private static URI uri(InetSocketAddress http, String path) {
    return URI.create("http://127.0.0.1:" + http.getPort() + path);
  }

  private static HttpResponse<String> get(InetSocketAddress http, String path, boolean token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(http, path)).timeout(Duration.ofSeconds(30)).GET();
    if (token) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> await(
      InetSocketAddress http, String path, Predicate<HttpResponse<String>> done) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> last = get(http, path, false);
    while (!done.test(last)) {
      assertThat(System.nanoTime())
          .as("%s as expected; last answer %s %s", path, last.statusCode(), last.body())
          .isLessThan(deadline);
      Thread.sleep(200);
      last = get(http, path, false);
    }
    return last;
  }

  /** A JSON sample: the signal as 32-bit floats, its shape, and the label if any. */
  private static String sample(String id, double[] x, String label) {
    String features =
        IntStream.range(0, x.length)
            .mapToObj(a -> Float.toString((float) x[a]))
            .collect(Collectors.joining(","));
    return String.format(
        Locale.ROOT,
        "{\"id\":\"%s\",\"features\":[%s],\"shape\":[3,64]%s}",
        id,
        features,
        label == null ? "" : ",\"label\":\"" + label + "\"");
  }

  @Test
  void aSpectralModelIsExportedAndScoredByPythonAsPredictDoes(KafkaCluster kafka) throws Exception {
    String prefix = kafka.uniqueName("spectral-export") + ".";
    InetSocketAddress http = start(kafka, prefix);
    await(http, "/health/ready", r -> r.statusCode() == 200);

    SensorSignals.Dataset data = SensorSignals.generate(4, 3, 64, 40, 0.3, 15);
    double[][] x = data.samples();
    int[] y = data.labels();
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < 2 * WINDOW; i++) {
        producer
            .send(
                new ProducerRecord<>(
                    prefix + "samples", "t" + i, sample("t" + i, x[i], "k" + y[i])))
            .get();
      }
    }
    await(http, "/model", r -> r.statusCode() == 200 && r.body().contains("\"version\":2,"));

    HttpResponse<String> export = get(http, "/model/export", true);
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode model = JSON.readTree(export.body());
    assertThat(model.get("network").asText()).isEqualTo("spectral");
    assertThat(model.get("version").asLong()).isEqualTo(2);
    assertThat(model.get("spectral").get("inputShape").toString()).isEqualTo("[3,64]");
    assertThat(model.get("spectral").get("layerShape").toString()).isEqualTo("[8,64]");
    assertThat(model.get("layers")).hasSize(2);
    assertThat(model.get("layers").get(0).get("type").asText()).isEqualTo("spectral");
    Path modelFile = tmp.resolve("model.json");
    Files.writeString(modelFile, export.body());

    List<String> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add(sample("h" + i, x[2 * WINDOW + i], null));
    }
    HttpResponse<String> predicted =
        CLIENT.send(
            HttpRequest.newBuilder(uri(http, "/predict"))
                .header("Authorization", "Bearer " + TOKEN)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", hundred) + "]"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(predicted.statusCode()).as(predicted.body()).isEqualTo(200);
    JsonNode jvm = JSON.readTree(predicted.body()).get("results");
    assertThat(jvm).hasSize(100);

    Path python = SystemTools.requirePythonModule("numpy", "python3-numpy");
    Path in = tmp.resolve("hundred.jsonl");
    Files.write(in, hundred);
    Process p =
        new ProcessBuilder(
                python.toString(),
                Path.of("..", "clients", "python", "redunet_model.py").toString(),
                modelFile.toString())
            .redirectInput(in.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> lines;
    try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
      lines = reader.lines().toList();
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(lines).hasSize(100);
    int correct = 0;
    for (int i = 0; i < 100; i++) {
      JsonNode py = JSON.readTree(lines.get(i));
      JsonNode java = jvm.get(i).get("prediction");
      assertThat(java.get("modelVersion").asLong()).isEqualTo(2);
      assertThat(py.get("sampleId").asText()).isEqualTo("h" + i);
      assertThat(py.get("modelVersion").asLong()).isEqualTo(2);
      String label = java.get("predictedLabel").asText();
      assertThat(py.get("predictedLabel").asText()).as("sample h%s", i).isEqualTo(label);
      correct += label.equals("k" + y[2 * WINDOW + i]) ? 1 : 0;
      assertThat(py.get("scores")).hasSize(java.get("scores").size());
      for (int j = 0; j < java.get("scores").size(); j++) {
        JsonNode ps = py.get("scores").get(j);
        JsonNode js = java.get("scores").get(j);
        assertThat(ps.get("label").asText()).isEqualTo(js.get("label").asText());
        double deltaL = js.get("deltaLBits").asDouble();
        assertThat(ps.get("deltaLBits").asDouble())
            .as("h%s δL of %s", i, js.get("label").asText())
            .isCloseTo(deltaL, within(1e-9 * Math.abs(deltaL)));
        assertThat(ps.get("membership").asDouble())
            .isCloseTo(js.get("membership").asDouble(), within(1e-6));
      }
      assertThat(py.get("noveltyBits").asDouble())
          .isCloseTo(java.get("noveltyBits").asDouble(), within(1e-6));
      assertThat(py.get("novel").asBoolean()).isEqualTo(java.get("novel").asBoolean());
    }
    assertThat(correct).as("the model has learned the classes").isGreaterThan(50);

    // ./redunet model export writes the same JSON from the model topic.
    Path fromTopic = tmp.resolve("from-topic.json");
    ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
    ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
    int exit =
        new CommandLine(
                new ModelCommand.Export(
                    new PrintStream(cliOut, true, StandardCharsets.UTF_8),
                    new PrintStream(cliErr, true, StandardCharsets.UTF_8)))
            .execute(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "-D",
                "redunet.topic.prefix=" + prefix,
                "--out",
                fromTopic.toString());
    assertThat(exit).as(cliErr.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(JSON.readTree(Files.readString(fromTopic)))
        .as("the topic's export is the HTTP export")
        .isEqualTo(model);
    JsonNode summary = JSON.readTree(cliOut.toString(StandardCharsets.UTF_8).strip());
    assertThat(summary.get("version").asLong()).isEqualTo(2);
    assertThat(summary.get("bytes").asLong()).isEqualTo(Files.size(fromTopic));
  }
}
