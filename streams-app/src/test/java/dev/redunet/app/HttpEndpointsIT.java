package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.app.http.ModelSummary;
import dev.redunet.app.http.ModelSummarySource;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code /health}, {@code /metrics} and {@code /model} over HTTP against {@code run} (Kafka Streams
 * with the ingress topology and the HTTP endpoints on a free port) on a real broker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class HttpEndpointsIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration PATIENCE = Duration.ofSeconds(90);

  @TempDir Path tmp;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<CountDownLatch> stops = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    stops.forEach(CountDownLatch::countDown);
    executor.shutdown();
    assertThat(executor.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
  }

  /** A {@code run} in this JVM; its exit code, stdout and bound HTTP address. */
  private record Running(
      RunCommand command, Future<Integer> exit, ByteArrayOutputStream out, CountDownLatch stop) {

    InetSocketAddress http() throws Exception {
      return command.httpAddress.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private Running start(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CountDownLatch stop = new CountDownLatch(1);
    stops.add(stop);
    RunCommand run =
        new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, stop, false);
    run.kafkaMetricsRefresh = Duration.ofMillis(500);
    return new Running(run, executor.submit(() -> new CommandLine(run).execute(args)), out, stop);
  }

  private static String[] args(KafkaCluster kafka, String prefix, String appId, Path state) {
    return new String[] {
      "--bootstrap-servers",
      kafka.bootstrapServers(),
      "--application-id",
      appId,
      "--state-dir",
      state.toString(),
      "--http-port",
      "0",
      "-D",
      "redunet.topic.prefix=" + prefix,
      "-D",
      "redunet.partitions=1",
      "-D",
      "redunet.feature.shape=3",
      "-D",
      "kafka.commit.interval.ms=100"
    };
  }

  private static HttpResponse<String> get(InetSocketAddress http, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + path))
            .timeout(Duration.ofSeconds(10))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GETs {@code path} until the response satisfies {@code done}; returns that response. */
  private static HttpResponse<String> await(
      InetSocketAddress http, String path, Predicate<HttpResponse<String>> done) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> last = get(http, path);
    while (!done.test(last)) {
      assertThat(System.nanoTime())
          .as(
              "%s as expected within %s; last answer %s %s",
              path,
              PATIENCE,
              last.statusCode(),
              last.body().length() > 2000 ? last.body().substring(0, 2000) : last.body())
          .isLessThan(deadline);
      Thread.sleep(200);
      last = get(http, path);
    }
    return last;
  }

  private static void send(KafkaCluster kafka, String topic, List<String> values) {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < values.size(); i++) {
        Future<?> unused = producer.send(new ProducerRecord<>(topic, "k" + i, values.get(i)));
      }
      producer.flush();
    }
  }

  @Test
  void healthMetricsAndModelAnswerOverHttpFromARunningApplication(KafkaCluster kafka)
      throws Exception {
    String prefix = kafka.uniqueName("http") + ".";
    Running run = start(args(kafka, prefix, kafka.uniqueName("http-app"), tmp.resolve("state")));
    InetSocketAddress http = run.http();
    assertThat(http.getAddress().isLoopbackAddress()).as("bound to localhost by default").isTrue();

    HttpResponse<String> ready = await(http, "/health/ready", r -> r.statusCode() == 200);
    JsonNode health = JSON.readTree(ready.body());
    assertThat(health.get("state").asText()).isEqualTo("RUNNING");
    assertThat(health.get("ready").asBoolean()).isTrue();
    assertThat(health.get("live").asBoolean()).isTrue();
    assertThat(get(http, "/health/live").statusCode()).isEqualTo(200);
    assertThat(get(http, "/health").statusCode()).isEqualTo(200);

    List<String> records = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      records.add("{\"id\":\"s" + i + "\",\"features\":[" + (i + 1) + ",0.5,-2],\"label\":\"a\"}");
    }
    records.add("{\"id\":\"four\",\"features\":[1,2,3,4]}");
    records.add("not json at all");
    send(kafka, prefix + "samples", records);

    HttpResponse<String> metrics =
        await(
            http,
            "/metrics",
            r ->
                r.body().contains("redunet_ingress_accepted_total 12.0")
                    && r.body()
                        .contains("redunet_ingress_rejected_total{reason=\"UNPARSABLE\"} 1.0")
                    && r.body().contains("kafka_stream_redunet_ingress_rejected_total{"));
    assertThat(metrics.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
    String text = metrics.body();
    assertThat(text)
        .as("our metrics")
        .contains("redunet_ingress_rejected_total{reason=\"WRONG_DIMENSION\"} 1.0")
        .contains("redunet_ingress_rejected_total{reason=\"NON_FINITE\"} 0.0")
        .contains("redunet_model_version -1.0")
        .contains("redunet_prequential_accuracy NaN");
    assertThat(text.lines().filter(l -> l.startsWith("kafka_stream_")).count())
        .as("Kafka Streams metrics from the Micrometer binder")
        .isGreaterThan(10);
    assertThat(text)
        .as("the client-level state metric and the ingress sensors, by reason")
        .contains("kafka_stream_alive_stream_threads")
        .containsPattern(
            "kafka_stream_redunet_ingress_rejected_total\\{[^}]*reason=\"WRONG_DIMENSION\"[^}]*\\}"
                + " 1\\.0");
    assertThat(text).contains("jvm_memory_used_bytes");

    HttpResponse<String> model = get(http, "/model");
    assertThat(model.statusCode()).isEqualTo(404);
    JsonNode noModel = JSON.readTree(model.body());
    assertThat(noModel.get("status").asText()).isEqualTo("no_model");
    assertThat(noModel.get("instance").asText()).isEqualTo("127.0.0.1:" + http.getPort());

    run.stop().countDown();
    assertThat(run.exit().get(90, TimeUnit.SECONDS)).isZero();
    List<String> lines = run.out().toString(StandardCharsets.UTF_8).strip().lines().toList();
    JsonNode summary = JSON.readTree(lines.get(lines.size() - 1));
    assertThat(summary.get("http").asText()).isEqualTo("127.0.0.1:" + http.getPort());
    assertThat(summary.get("accepted").asLong()).isEqualTo(12);
    assertThat(
            CLIENT
                .sendAsync(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + http.getPort() + "/health"))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .handle((r, e) -> e != null)
                .get(10, TimeUnit.SECONDS))
        .as("the endpoints are closed after run stops")
        .isTrue();
  }

  @Test
  void aModelTheApplicationBuiltIsDescribedByModelOverHttp(KafkaCluster kafka) throws Exception {
    String prefix = kafka.uniqueName("http3") + ".";
    List<String> a =
        new ArrayList<>(
            List.of(args(kafka, prefix, kafka.uniqueName("http3-app"), tmp.resolve("state"))));
    a.addAll(List.of("--window", "20", "--layers", "2"));
    Running run = start(a.toArray(String[]::new));
    InetSocketAddress http = run.http();
    await(http, "/health/ready", r -> r.statusCode() == 200);

    // Two classes in R³, 12 samples each: the first window (20) builds version 1.
    List<String> records = new ArrayList<>();
    for (int i = 0; i < 24; i++) {
      double t = 0.04 * i; // below 1: every record is valid
      String label = i % 2 == 0 ? "up" : "side";
      String features = i % 2 == 0 ? t + ",1," + (1 - t) : "1," + t + ",-" + (1 - t);
      records.add(
          "{\"id\":\"s" + i + "\",\"features\":[" + features + "],\"label\":\"" + label + "\"}");
    }
    send(kafka, prefix + "samples", records);

    HttpResponse<String> answer = await(http, "/model", r -> r.statusCode() == 200);
    JsonNode model = JSON.readTree(answer.body()).get("model");
    assertThat(model.get("name").asText()).isEqualTo("default");
    assertThat(model.get("version").asLong()).isGreaterThanOrEqualTo(1);
    List<String> classes = new ArrayList<>();
    double count = 0;
    for (JsonNode c : model.get("classes")) {
      classes.add(c.get("name").asText());
      count += c.get("count").asDouble();
    }
    assertThat(classes).containsExactly("up", "side");
    assertThat(count).as("the samples the version was built from").isGreaterThanOrEqualTo(20);
    assertThat(model.get("layers")).hasSize(2);
    for (JsonNode l : model.get("layers")) {
      double r = l.get("r").asDouble();
      double rc = l.get("rc").asDouble();
      assertThat(l.get("delta_r").asDouble()).isCloseTo(r - rc, within(1e-9)).isPositive();
    }
    assertThat(Instant.parse(model.get("built_at").asText())).isBefore(Instant.now());
    assertThat(model.get("rebuild_seconds").asDouble()).isBetween(0.0, 60.0);
    await(
        http,
        "/metrics",
        r -> r.body().lines().anyMatch(l -> l.matches("redunet_model_version [1-9][0-9]*\\.0")));

    run.stop().countDown();
    assertThat(run.exit().get(90, TimeUnit.SECONDS)).isZero();
  }

  @Test
  void anInstanceWithoutTheModelAnswersModelWithAnotherInstancesAnswer(KafkaCluster kafka)
      throws Exception {
    String prefix = kafka.uniqueName("http2") + ".";
    String appId = kafka.uniqueName("http2-app");
    ModelSummary held =
        new ModelSummary(
            "default",
            42,
            List.of(new ModelSummary.ClassCount("a", 500)),
            List.of(new ModelSummary.LayerRates(1, 5.0, 3.0, 2.0)),
            Instant.parse("2025-06-01T00:00:00Z"),
            0.5);
    Running holder = startWith(kafka, prefix, appId, "holder", () -> Optional.of(held));
    InetSocketAddress holderHttp = holder.http();
    Running empty = startWith(kafka, prefix, appId, "empty", ModelSummarySource.none());
    InetSocketAddress emptyHttp = empty.http();
    await(emptyHttp, "/health/ready", r -> r.statusCode() == 200);

    HttpResponse<String> forwarded = await(emptyHttp, "/model", r -> r.statusCode() == 200);
    JsonNode body = JSON.readTree(forwarded.body());
    assertThat(body.get("instance").asText()).isEqualTo("127.0.0.1:" + emptyHttp.getPort());
    assertThat(body.get("answered_by").asText()).isEqualTo("127.0.0.1:" + holderHttp.getPort());
    assertThat(body.get("model").get("version").asLong()).isEqualTo(42);
    assertThat(body.get("model").get("layers").get(0).get("delta_r").asDouble()).isEqualTo(2.0);

    HttpResponse<String> direct = get(holderHttp, "/model");
    assertThat(JSON.readTree(direct.body()).get("answered_by").asText())
        .isEqualTo("127.0.0.1:" + holderHttp.getPort());
    assertThat(get(emptyHttp, "/model?local=true").statusCode()).isEqualTo(404);

    empty.stop().countDown();
    holder.stop().countDown();
    assertThat(empty.exit().get(90, TimeUnit.SECONDS)).isZero();
    assertThat(holder.exit().get(90, TimeUnit.SECONDS)).isZero();
  }

  private Running startWith(
      KafkaCluster kafka, String prefix, String appId, String name, ModelSummarySource model) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CountDownLatch stop = new CountDownLatch(1);
    stops.add(stop);
    RunCommand run =
        new RunCommand(new PrintStream(out, true, StandardCharsets.UTF_8), System.err, stop, false);
    run.modelSources = (streams, config) -> model;
    String[] a = args(kafka, prefix, appId, tmp.resolve("state-" + name));
    return new Running(run, executor.submit(() -> new CommandLine(run).execute(a)), out, stop);
  }
}
