package dev.redunet.app.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.stream.IngressMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams.State;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The HTTP endpoints over real HTTP on a free local port, with a fake Kafka Streams state. */
class HttpEndpointsTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final List<AutoCloseable> open = new ArrayList<>();
  private final AtomicReference<State> state = new AtomicReference<>(State.RUNNING);

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  static ModelSummary model(long version) {
    return new ModelSummary(
        "default",
        version,
        List.of(new ModelSummary.ClassCount("0", 250), new ModelSummary.ClassCount("1", 250.5)),
        List.of(
            new ModelSummary.LayerRates(1, 40.0, 30.0, 10.0),
            new ModelSummary.LayerRates(2, 42.0, 29.5, 12.5)),
        Instant.parse("2025-01-02T03:04:05Z"),
        0.25);
  }

  private HttpEndpoints start(ModelSummarySource model, List<String> peers) throws IOException {
    AppMetrics metrics = new AppMetrics(new IngressMetrics());
    open.add(metrics);
    HttpEndpoints http = HttpEndpoints.bind("127.0.0.1", 0);
    open.add(0, http);
    String self = "127.0.0.1:" + http.address().getPort();
    http.start(new HttpEndpoints.Backend(state::get, metrics, model, () -> peers, self));
    return http;
  }

  private static HttpResponse<String> get(HttpEndpoints http, String path) throws Exception {
    return send(HttpRequest.newBuilder(uri(http, path)).GET().build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static URI uri(HttpEndpoints http, String path) {
    return URI.create("http://127.0.0.1:" + http.address().getPort() + path);
  }

  @Test
  void itBindsToAFreePortAndReportsTheBoundAddress() throws Exception {
    HttpEndpoints http = start(ModelSummarySource.none(), List.of());
    assertThat(http.address().getPort()).isPositive();
    assertThat(http.address().getAddress().isLoopbackAddress()).isTrue();
  }

  @Test
  void readinessIsRunningAndLivenessIsNotFailedOrStopped() throws Exception {
    HttpEndpoints http = start(ModelSummarySource.none(), List.of());
    record Expect(State state, int ready, int live) {}
    List<Expect> cases =
        List.of(
            new Expect(State.RUNNING, 200, 200),
            new Expect(State.REBALANCING, 503, 200),
            new Expect(State.CREATED, 503, 200),
            new Expect(State.PENDING_SHUTDOWN, 503, 200),
            new Expect(State.PENDING_ERROR, 503, 503),
            new Expect(State.ERROR, 503, 503),
            new Expect(State.NOT_RUNNING, 503, 503));
    for (Expect e : cases) {
      state.set(e.state());
      HttpResponse<String> ready = get(http, "/health/ready");
      HttpResponse<String> live = get(http, "/health/live");
      HttpResponse<String> health = get(http, "/health");
      assertThat(ready.statusCode()).as("ready in %s", e.state()).isEqualTo(e.ready());
      assertThat(live.statusCode()).as("live in %s", e.state()).isEqualTo(e.live());
      assertThat(health.statusCode()).as("/health in %s", e.state()).isEqualTo(e.ready());
      JsonNode body = JSON.readTree(health.body());
      assertThat(body.get("state").asText()).isEqualTo(e.state().name());
      assertThat(body.get("ready").asBoolean()).isEqualTo(e.ready() == 200);
      assertThat(body.get("live").asBoolean()).isEqualTo(e.live() == 200);
      assertThat(health.headers().firstValue("Content-Type"))
          .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    }
  }

  @Test
  void metricsAreInThePrometheusTextFormat() throws Exception {
    HttpEndpoints http = start(ModelSummarySource.none(), List.of());
    HttpResponse<String> r = get(http, "/metrics");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .hasValue(HttpEndpoints.PROMETHEUS_CONTENT_TYPE);
    assertThat(r.body())
        .contains("# TYPE redunet_ingress_rejected_total counter")
        .contains("redunet_ingress_rejected_total{reason=\"WRONG_DIMENSION\"} 0.0")
        .contains("redunet_model_version -1.0")
        .contains("jvm_memory_used_bytes");
  }

  @Test
  void theModelIsReportedAsJsonWithItsClassesAndLayerRates() throws Exception {
    HttpEndpoints http = start(() -> Optional.of(model(7)), List.of("127.0.0.1:1"));
    HttpResponse<String> r = get(http, "/model");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    String self = "127.0.0.1:" + http.address().getPort();
    assertThat(body.get("status").asText()).isEqualTo("ok");
    assertThat(body.get("answered_by").asText()).isEqualTo(self);
    JsonNode m = body.get("model");
    assertThat(m.get("name").asText()).isEqualTo("default");
    assertThat(m.get("version").asLong()).isEqualTo(7);
    assertThat(m.get("built_at").asText()).isEqualTo("2025-01-02T03:04:05Z");
    assertThat(m.get("rebuild_seconds").asDouble()).isEqualTo(0.25);
    assertThat(m.get("classes")).hasSize(2);
    assertThat(m.get("classes").get(1).get("name").asText()).isEqualTo("1");
    assertThat(m.get("classes").get(1).get("count").asDouble()).isEqualTo(250.5);
    assertThat(m.get("layers").get(1).get("layer").asInt()).isEqualTo(2);
    assertThat(m.get("layers").get(1).get("r").asDouble()).isEqualTo(42.0);
    assertThat(m.get("layers").get(1).get("rc").asDouble()).isEqualTo(29.5);
    assertThat(m.get("layers").get(1).get("delta_r").asDouble()).isEqualTo(12.5);
  }

  @Test
  void withoutAModelAnywhereModelAnswers404NoModelAndNamesTheInstancesAsked() throws Exception {
    HttpEndpoints other = start(ModelSummarySource.none(), List.of());
    String peer = "127.0.0.1:" + other.address().getPort();
    HttpEndpoints http = start(ModelSummarySource.none(), List.of(peer));
    HttpResponse<String> r = get(http, "/model");
    assertThat(r.statusCode()).isEqualTo(404);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("status").asText()).isEqualTo("no_model");
    assertThat(body.get("asked")).extracting(JsonNode::asText).containsExactly(peer);
    assertThat(body.get("message").asText()).contains("redunet.window");
  }

  @Test
  void anInstanceWithoutAModelAnswersWithTheModelOfAnotherInstance() throws Exception {
    HttpEndpoints holder = start(() -> Optional.of(model(3)), List.of());
    String holderAddress = "127.0.0.1:" + holder.address().getPort();
    // The first peer does not answer at all (nothing listens there): it is skipped.
    HttpEndpoints http = start(ModelSummarySource.none(), List.of("127.0.0.1:1", holderAddress));
    HttpResponse<String> r = get(http, "/model");
    assertThat(r.statusCode()).isEqualTo(200);
    JsonNode body = JSON.readTree(r.body());
    assertThat(body.get("answered_by").asText()).isEqualTo(holderAddress);
    assertThat(body.get("instance").asText()).isEqualTo("127.0.0.1:" + http.address().getPort());
    assertThat(body.get("model").get("version").asLong()).isEqualTo(3);
    assertThat(body.get("model").get("layers")).hasSize(2);

    HttpResponse<String> local = get(http, "/model?local=true");
    assertThat(local.statusCode()).as("local=true never forwards").isEqualTo(404);
    assertThat(JSON.readTree(local.body()).get("asked")).isEmpty();
  }

  @Test
  void everyRetainedVersionIsAnsweredAndOthersAre404NoVersion() throws Exception {
    ModelSummarySource versions =
        new ModelSummarySource() {
          @Override
          public Optional<ModelSummary> current() {
            return Optional.of(model(9));
          }

          @Override
          public Optional<ModelSummary> version(long v) {
            return v >= 5 && v <= 9 ? Optional.of(model(v)) : Optional.empty();
          }
        };
    HttpEndpoints http = start(versions, List.of());
    HttpResponse<String> six = get(http, "/model?version=6");
    assertThat(six.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(six.body()).get("model").get("version").asLong()).isEqualTo(6);
    HttpResponse<String> gone = get(http, "/model?version=4");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(gone.body()).get("status").asText()).isEqualTo("no_version");
    assertThat(JSON.readTree(gone.body()).get("message").asText())
        .contains("redunet.model.retained.versions");
    for (String bad : List.of("0", "-3", "x")) {
      HttpResponse<String> r = get(http, "/model?version=" + bad);
      assertThat(r.statusCode()).as("version=%s", bad).isEqualTo(400);
    }
  }

  @Test
  void aVersionAnotherInstanceHoldsIsForwarded() throws Exception {
    HttpEndpoints holder =
        start(
            new ModelSummarySource() {
              @Override
              public Optional<ModelSummary> current() {
                return Optional.of(model(3));
              }

              @Override
              public Optional<ModelSummary> version(long v) {
                return Optional.of(model(v));
              }
            },
            List.of());
    String holderAddress = "127.0.0.1:" + holder.address().getPort();
    HttpEndpoints http = start(ModelSummarySource.none(), List.of(holderAddress));
    HttpResponse<String> r = get(http, "/model?version=2");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(r.body()).get("model").get("version").asLong()).isEqualTo(2);
  }

  @Test
  void aFailingModelSourceAnswers503() throws Exception {
    HttpEndpoints http =
        start(
            () -> {
              throw new IllegalStateException("store is migrating");
            },
            List.of());
    HttpResponse<String> r = get(http, "/model");
    assertThat(r.statusCode()).isEqualTo(503);
    assertThat(JSON.readTree(r.body()).get("message").asText()).contains("store is migrating");
  }

  @Test
  void unknownPathsAre404AndOtherMethodsAre405() throws Exception {
    HttpEndpoints http = start(ModelSummarySource.none(), List.of());
    HttpResponse<String> unknown = get(http, "/healthz");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(unknown.body()).get("message").asText()).contains("/metrics");
    HttpResponse<String> post =
        send(
            HttpRequest.newBuilder(uri(http, "/model"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    HttpResponse<String> head =
        send(
            HttpRequest.newBuilder(uri(http, "/health"))
                .method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void aFailingBackendAnswers500WithTheReasonInsteadOfHangingUp() throws Exception {
    AppMetrics metrics = new AppMetrics(new IngressMetrics());
    open.add(metrics);
    HttpEndpoints http = HttpEndpoints.bind("127.0.0.1", 0);
    open.add(0, http);
    http.start(
        new HttpEndpoints.Backend(
            () -> {
              throw new IllegalStateException("streams not there");
            },
            metrics,
            ModelSummarySource.none(),
            List::of,
            "self:1"));
    HttpResponse<String> r = get(http, "/health");
    assertThat(r.statusCode()).isEqualTo(500);
    assertThat(JSON.readTree(r.body()).get("message").asText()).contains("streams not there");
    assertThat(get(http, "/metrics").statusCode()).as("the server still serves").isEqualTo(200);
  }

  @Test
  void aTakenPortCannotBeBoundTwice() throws Exception {
    HttpEndpoints http = start(ModelSummarySource.none(), List.of());
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> HttpEndpoints.bind("127.0.0.1", http.address().getPort()))
        .isInstanceOf(IOException.class);
  }
}
