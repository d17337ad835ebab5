package dev.redunet.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.stream.IngressMetrics;
import dev.redunet.stream.learning.LivePredictor;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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

  /**
   * A fake predictor: a sample whose JSON holds "bad" is rejected NON_FINITE, any other is
   * predicted "a" by version 4 (its id is the sample's text length).
   */
  private static final Predictor FAKE =
      samples -> {
        List<LivePredictor.Outcome> out = new ArrayList<>();
        for (byte[] s : samples) {
          String text = new String(s, StandardCharsets.UTF_8);
          out.add(
              text.contains("bad")
                  ? new LivePredictor.Rejected(RejectReason.NON_FINITE, "features[0]: " + text)
                  : new LivePredictor.Predicted(
                      Prediction.newBuilder()
                          .setSampleId(Integer.toString(text.length()))
                          .setModelVersion(4)
                          .setPredictedLabel("a")
                          .setScores(
                              List.of(
                                  ClassScore.newBuilder()
                                      .setLabel("a")
                                      .setDeltaLBits(1.5)
                                      .setMembership(null)
                                      .build(),
                                  ClassScore.newBuilder()
                                      .setLabel("b")
                                      .setDeltaLBits(Double.POSITIVE_INFINITY)
                                      .setMembership(null)
                                      .build()))
                          .setTrueLabel(null)
                          .build()));
        }
        return out;
      };

  private HttpEndpoints startApi(HttpSettings settings) throws IOException {
    return startApi(
        settings,
        v ->
            v.isPresent() && v.getAsLong() != 2
                ? Optional.empty()
                : Optional.of(ModelExportSource.Body.text("{\"v\":2}")));
  }

  private HttpEndpoints startApi(HttpSettings settings, ModelExportSource export)
      throws IOException {
    AppMetrics metrics = new AppMetrics(new IngressMetrics());
    open.add(metrics);
    HttpEndpoints http = HttpEndpoints.bind("127.0.0.1", 0, settings);
    open.add(0, http);
    http.start(
        new HttpEndpoints.Backend(
            state::get, metrics, ModelSummarySource.none(), List::of, "self:1", FAKE, export));
    return http;
  }

  private static HttpResponse<String> post(HttpEndpoints http, String body, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(http, "/predict"))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (headers.length > 0) {
      b.headers(headers);
    }
    return send(b.build());
  }

  /** The status line of a request written by hand: what a client sees, not what it may refuse. */
  private static String rawStatusLine(HttpEndpoints http, String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), http.address().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      String line = in.readLine();
      return line == null ? "(connection closed without an answer)" : line;
    }
  }

  @Test
  void predictAnswersOneSampleWithItsStatusAndAnArrayItemByItem() throws Exception {
    HttpEndpoints http = startApi(HttpSettings.defaults());
    HttpResponse<String> one = post(http, "{\"id\":\"x\",\"features\":[1]}");
    assertThat(one.statusCode()).isEqualTo(200);
    JsonNode p = JSON.readTree(one.body()).get("prediction");
    assertThat(p.get("modelVersion").asLong()).isEqualTo(4);
    assertThat(p.get("predictedLabel").asText()).isEqualTo("a");
    assertThat(p.get("sampleId").asText()).as("the item's own bytes").isEqualTo("25");
    assertThat(p.get("scores").get(1).get("deltaLBits").isNull())
        .as("+∞ is null, as in the JSON output")
        .isTrue();
    assertThat(p.has("noveltyBits") && p.has("novel") && p.has("stale")).isTrue();

    HttpResponse<String> bad = post(http, "{\"id\":\"bad\"}");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(bad.body()).get("reason").asText()).isEqualTo("NON_FINITE");

    HttpResponse<String> array =
        post(http, " [ {\"id\":\"a\"} , {\"id\":\"bad\", \"n\":[1,[2]]}, 7 ] ");
    assertThat(array.statusCode()).isEqualTo(200);
    JsonNode results = JSON.readTree(array.body()).get("results");
    assertThat(results).hasSize(3);
    assertThat(results.get(0).get("status").asInt()).isEqualTo(200);
    assertThat(results.get(0).get("prediction").get("sampleId").asText()).isEqualTo("10");
    assertThat(results.get(1).get("status").asInt()).isEqualTo(400);
    assertThat(results.get(1).get("message").asText())
        .isEqualTo("features[0]: {\"id\":\"bad\", \"n\":[1,[2]]}");
    assertThat(results.get(2).get("prediction").get("sampleId").asText()).isEqualTo("1");

    for (String notJson : List.of("", "not json", "{\"id\":", "[{}", "{} {}")) {
      HttpResponse<String> r = post(http, notJson);
      assertThat(r.statusCode()).as("body %s", notJson).isEqualTo(400);
      assertThat(JSON.readTree(r.body()).get("reason").asText()).isEqualTo("UNPARSABLE");
    }
    HttpResponse<String> getPredict = get(http, "/predict");
    assertThat(getPredict.statusCode()).isEqualTo(405);
    assertThat(getPredict.headers().firstValue("Allow")).hasValue("POST");
  }

  @Test
  void aBodyOverTheLimitIs413AndOneAtTheLimitIsRead() throws Exception {
    HttpEndpoints http = startApi(HttpSettings.defaults().withMaxRequestBytes(2048));
    String atLimit = "[" + "{}".repeat(1) + " ".repeat(2048 - 4) + "]";
    assertThat(atLimit).hasSize(2048);
    assertThat(post(http, atLimit).statusCode()).isEqualTo(200);
    HttpResponse<String> over = post(http, atLimit + " ");
    assertThat(over.statusCode()).isEqualTo(413);
    assertThat(JSON.readTree(over.body()).get("message").asText())
        .contains("redunet.http.max.request.bytes");
  }

  @Test
  void anOverLongRequestLineIs414AndAnOverLongHeaderIs431NotADroppedConnection() throws Exception {
    HttpEndpoints http = startApi(HttpSettings.defaults());
    String longPath = "/model?x=" + "a".repeat(200 * 1024);
    assertThat(rawStatusLine(http, "GET " + longPath + " HTTP/1.1\r\nHost: h\r\n\r\n"))
        .startsWith("HTTP/1.1 414");
    assertThat(
            rawStatusLine(
                http,
                "GET /health HTTP/1.1\r\nHost: h\r\nX-Long: "
                    + "b".repeat(200 * 1024)
                    + "\r\n\r\n"))
        .startsWith("HTTP/1.1 431");
    assertThat(rawStatusLine(http, "GET /health HTTP/1.1\r\nHost: h\r\n\r\n"))
        .as("a request within the limits")
        .startsWith("HTTP/1.1 200");
  }

  @Test
  void theTokenIsRequiredByPredictAndExportOnly() throws Exception {
    HttpEndpoints http = startApi(HttpSettings.defaults().withToken("s3cret"));
    String sample = "{\"id\":\"x\"}";
    HttpResponse<String> none = post(http, sample);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"redunet\"");
    assertThat(post(http, sample, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
    assertThat(post(http, sample, "Authorization", "s3cret").statusCode()).isEqualTo(401);
    assertThat(post(http, sample, "Authorization", "Bearer s3cret").statusCode()).isEqualTo(200);
    assertThat(get(http, "/model/export").statusCode()).isEqualTo(401);
    HttpResponse<String> export =
        send(
            HttpRequest.newBuilder(uri(http, "/model/export?version=2"))
                .header("Authorization", "Bearer s3cret")
                .GET()
                .build());
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(export.body()).isEqualTo("{\"v\":2}");
    assertThat(get(http, "/health").statusCode()).as("health needs no token").isEqualTo(200);
    assertThat(get(http, "/metrics").statusCode()).isEqualTo(200);
  }

  @Test
  void aRejectionBeforeTheBodyIsReadLeavesTheClientsNextRequestWorking() throws Exception {
    // A POST answered 401 or 404 before its body is read: the server must not leave the client a
    // kept-alive connection it is about to close, or the client's next request on it fails with
    // "header parser received no bytes" (seen on CI).
    HttpEndpoints secured = startApi(HttpSettings.defaults().withToken("s3cret"));
    HttpEndpoints off = startApi(HttpSettings.defaults().withEndpoints(false, false));
    String body = "{\"id\":\"x\",\"features\":[" + "0.5,".repeat(50_000) + "0.5]}";
    for (int i = 0; i < 50; i++) {
      assertThat(post(secured, body).statusCode()).as("unauthorized %d", i).isEqualTo(401);
      assertThat(post(off, body).statusCode()).as("disabled %d", i).isEqualTo(404);
    }
    assertThat(post(secured, "{\"id\":\"x\"}", "Authorization", "Bearer s3cret").statusCode())
        .isEqualTo(200);
  }

  @Test
  void switchedOffEndpointsAre404DisabledAndTheOthersStillServe() throws Exception {
    HttpEndpoints http = startApi(HttpSettings.defaults().withEndpoints(false, false));
    HttpResponse<String> predict = post(http, "{\"id\":\"x\"}");
    assertThat(predict.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(predict.body()).get("status").asText()).isEqualTo("disabled");
    assertThat(JSON.readTree(predict.body()).get("message").asText())
        .contains("redunet.http.predict.enabled");
    HttpResponse<String> export = get(http, "/model/export");
    assertThat(export.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(export.body()).get("message").asText())
        .contains("redunet.http.export.enabled");
    assertThat(get(http, "/health").statusCode()).isEqualTo(200);
  }

  @Test
  void theExportAnswersRetainedVersionsAnd404ForOthers() throws Exception {
    HttpEndpoints http = startApi(HttpSettings.defaults());
    assertThat(get(http, "/model/export").statusCode()).isEqualTo(200);
    HttpResponse<String> gone = get(http, "/model/export?version=1");
    assertThat(gone.statusCode()).isEqualTo(404);
    assertThat(JSON.readTree(gone.body()).get("status").asText()).isEqualTo("no_version");
    assertThat(get(http, "/model/export?version=0").statusCode()).isEqualTo(400);
  }

  @Test
  void theExportIsStreamedAndAFailureWhileWritingAbortsTheResponse() throws Exception {
    // 3 MB written in pieces: answered whole, chunked (no Content-Length).
    String piece = "0.123456789012345,".repeat(1000);
    HttpEndpoints streamed =
        startApi(
            HttpSettings.defaults(),
            v ->
                Optional.of(
                    out -> {
                      out.write('[');
                      for (int i = 0; i < 170; i++) {
                        out.write(piece.getBytes(StandardCharsets.UTF_8));
                      }
                      out.write("0]".getBytes(StandardCharsets.UTF_8));
                    }));
    HttpResponse<String> whole = get(streamed, "/model/export");
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.headers().firstValue("Content-Length")).isEmpty();
    assertThat(whole.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    assertThat(JSON.readTree(whole.body())).hasSize(170 * 1000 + 1);
    assertThat(
            send(HttpRequest.newBuilder(uri(streamed, "/model/export"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build())
                .statusCode())
        .isEqualTo(200);

    // A failure after 3 MB: the client gets an error, not a 200 with a cut body.
    HttpEndpoints failing =
        startApi(
            HttpSettings.defaults(),
            v ->
                Optional.of(
                    out -> {
                      for (int i = 0; i < 170; i++) {
                        out.write(piece.getBytes(StandardCharsets.UTF_8));
                      }
                      throw new IOException("the model store went away");
                    }));
    assertThatThrownBy(() -> get(failing, "/model/export")).isInstanceOf(IOException.class);
    assertThat(get(failing, "/health").statusCode()).as("the server still serves").isEqualTo(200);
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
    assertThat(post.statusCode()).isEqualTo(405);
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
