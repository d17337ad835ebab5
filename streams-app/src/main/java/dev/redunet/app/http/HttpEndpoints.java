package dev.redunet.app.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP endpoints of one application instance, on the JDK's {@link HttpServer} (no web
 * framework). Only {@code GET} and {@code HEAD}; every body is JSON except {@code /metrics}.
 *
 * <ul>
 *   <li>{@code /health/ready}: 200 when Kafka Streams is {@code RUNNING}, else 503. Body: {@code
 *       {"state": "RUNNING", "ready": true, "live": true}}.
 *   <li>{@code /health/live}: 200 unless Kafka Streams is {@code ERROR}, {@code PENDING_ERROR} or
 *       {@code NOT_RUNNING} (it failed or stopped), else 503. Same body. A rebalance or a state
 *       restoration is live, so a liveness probe does not kill an instance that is catching up.
 *   <li>{@code /health}: the same body, with the status code of {@code /health/ready}.
 *   <li>{@code /metrics}: every meter of {@link AppMetrics} in the Prometheus text format 0.0.4.
 *   <li>{@code /model}: the current model from {@link ModelSummarySource}: 200 with {@code
 *       {"status": "ok", "instance": "<this host:port>", "answered_by": "<host:port>", "model":
 *       {"name", "version", "built_at", "rebuild_seconds", "classes": [{"name", "count"}],
 *       "layers": [{"layer", "r", "rc", "delta_r"}]}}}; 404 with {@code {"status": "no_model",
 *       "instance", "asked": [...], "message"}} when no instance has one yet; 503 {@code {"status":
 *       "unavailable", ...}} when the local source fails.
 * </ul>
 *
 * <p><b>Across instances.</b> The model lives in a global store, so every instance holds every
 * model version and normally answers {@code /model} itself. An instance that has no model (its
 * global store is still restoring, for example) asks the other instances of the application — found
 * with {@link KafkaStreams#metadataForAllStreamsClients()}, at their {@code application.server}
 * address, which {@code run} sets to this server's advertised address — with {@code GET
 * /model?local=true}, and returns the first model found, naming the instance that answered in
 * {@code answered_by}. {@code ?local=true} never forwards.
 *
 * <p>Lifecycle: {@link #bind} opens the socket (so that the port is known before Kafka Streams is
 * configured), {@link #start} serves, {@link #close} stops at once (requests in flight are cut).
 */
public final class HttpEndpoints implements AutoCloseable {

  /** Content type of {@code /metrics}. */
  public static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<State> NOT_LIVE =
      Set.of(State.ERROR, State.PENDING_ERROR, State.NOT_RUNNING);
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(3);
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final HttpServer server;
  private final ExecutorService executor;
  private volatile Backend backend;
  private HttpClient client;

  /**
   * What the endpoints read.
   *
   * @param state the current Kafka Streams state
   * @param metrics the meters of {@code /metrics}
   * @param model the local model source of {@code /model}
   * @param peers the {@code host:port} HTTP addresses of the other instances (not this one)
   * @param self this instance's advertised {@code host:port}
   */
  public record Backend(
      Supplier<State> state,
      AppMetrics metrics,
      ModelSummarySource model,
      Supplier<List<String>> peers,
      String self) {
    public Backend {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(peers, "peers");
      Objects.requireNonNull(self, "self");
    }

    /**
     * The backend of a running application: the state of {@code streams}, and as peers the {@code
     * application.server} of every other client of the application.
     *
     * @param self this instance's {@code application.server}
     */
    public static Backend of(
        KafkaStreams streams, AppMetrics metrics, ModelSummarySource model, HostInfo self) {
      return new Backend(
          streams::state,
          metrics,
          model,
          () -> peersOf(streams.metadataForAllStreamsClients(), self),
          self.host() + ":" + self.port());
    }
  }

  /** The other instances' addresses in {@code all} (no unset or duplicate addresses). */
  static List<String> peersOf(Collection<StreamsMetadata> all, HostInfo self) {
    List<String> out = new ArrayList<>();
    for (StreamsMetadata m : all) {
      HostInfo h = m.hostInfo();
      if (h == null || h.port() <= 0 || h.equals(self) || "unavailable".equals(h.host())) {
        continue;
      }
      String address = h.host() + ":" + h.port();
      if (!out.contains(address)) {
        out.add(address);
      }
    }
    return out;
  }

  private HttpEndpoints(HttpServer server) {
    this.server = server;
    int n = SERVERS.incrementAndGet();
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            4,
            r -> {
              Thread t = new Thread(r, "redunet-http-" + n + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
  }

  /**
   * Opens the server socket on {@code host:port} (port 0 = any free port); nothing is served before
   * {@link #start}.
   *
   * @throws IOException if the address cannot be bound (in use, or not an address of this host)
   */
  public static HttpEndpoints bind(String host, int port) throws IOException {
    return new HttpEndpoints(HttpServer.create(new InetSocketAddress(host, port), 64));
  }

  /** The bound address (with the actual port when bound to port 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Starts serving from {@code backend}. */
  public synchronized void start(Backend backend) {
    if (this.backend != null) {
      throw new IllegalStateException("already started");
    }
    this.backend = Objects.requireNonNull(backend, "backend");
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(PEER_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    server.start();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("HTTP threads did not stop within 5 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      try {
        route(exchange);
      } catch (RuntimeException e) {
        LOG.warn("HTTP {} failed", exchange.getRequestURI(), e);
        if (exchange.getResponseCode() < 0) { // nothing sent yet: say so instead of hanging up
          json(exchange, 500, message("error", "the request failed: " + e));
        }
      }
    }
  }

  private void route(HttpExchange exchange) throws IOException {
    String method = exchange.getRequestMethod();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      exchange.getResponseHeaders().add("Allow", "GET, HEAD");
      json(exchange, 405, message("method_not_allowed", "only GET and HEAD are served"));
      return;
    }
    String path = exchange.getRequestURI().getPath();
    Backend b = backend;
    switch (path) {
      case "/health", "/health/ready" -> health(exchange, b, true);
      case "/health/live" -> health(exchange, b, false);
      case "/metrics" -> send(exchange, 200, PROMETHEUS_CONTENT_TYPE, b.metrics().scrape());
      case "/model" -> model(exchange, b);
      default ->
          json(
              exchange,
              404,
              message(
                  "not_found",
                  "no endpoint "
                      + path
                      + "; try /health, /health/ready, /health/live, /metrics, /model"));
    }
  }

  private static void health(HttpExchange exchange, Backend b, boolean readiness)
      throws IOException {
    State state = b.state().get();
    boolean ready = state == State.RUNNING;
    boolean live = !NOT_LIVE.contains(state);
    ObjectNode body = JSON.createObjectNode();
    body.put("state", state.name());
    body.put("ready", ready);
    body.put("live", live);
    json(exchange, (readiness ? ready : live) ? 200 : 503, body);
  }

  private void model(HttpExchange exchange, Backend b) throws IOException {
    String query = exchange.getRequestURI().getQuery();
    List<String> params = query == null ? List.of() : List.of(query.split("&"));
    boolean localOnly = params.contains("local=true");
    Long version = null;
    for (String param : params) {
      if (param.startsWith("version=")) {
        try {
          version = Long.parseLong(param.substring("version=".length()));
        } catch (NumberFormatException e) {
          version = -1L;
        }
        if (version < 1) {
          json(
              exchange,
              400,
              message("bad_request", "version must be a model version ≥ 1, got " + param));
          return;
        }
      }
    }
    Optional<ModelSummary> local;
    try {
      local = version == null ? b.model().current() : b.model().version(version);
    } catch (RuntimeException e) {
      LOG.warn("The model source failed", e);
      ObjectNode body = message("unavailable", "the model cannot be read now: " + e);
      body.put("instance", b.self());
      json(exchange, 503, body);
      return;
    }
    if (local.isPresent()) {
      ObjectNode body = JSON.createObjectNode();
      body.put("status", "ok");
      body.put("instance", b.self());
      body.put("answered_by", b.self());
      body.set("model", toJson(local.get()));
      json(exchange, 200, body);
      return;
    }
    ArrayNode asked = JSON.createArrayNode();
    if (!localOnly) {
      List<String> peers;
      try {
        peers = b.peers().get();
      } catch (RuntimeException e) {
        LOG.debug("Cannot list the other instances", e);
        peers = List.of();
      }
      for (String peer : peers) {
        asked.add(peer);
        Optional<JsonNode> remote = askPeer(peer, version);
        if (remote.isPresent()) {
          ObjectNode body = JSON.createObjectNode();
          body.put("status", "ok");
          body.put("instance", b.self());
          body.put("answered_by", peer);
          body.set("model", remote.get());
          json(exchange, 200, body);
          return;
        }
      }
    }
    ObjectNode body = JSON.createObjectNode();
    body.put("status", version == null ? "no_model" : "no_version");
    body.put("instance", b.self());
    body.set("asked", asked);
    body.put(
        "message",
        version == null
            ? "no model yet: the first model version is built at the end of the first window of"
                + " labelled samples (redunet.window)"
            : "version "
                + version
                + " is not held: not built yet, or older than the retained versions"
                + " (redunet.model.retained.versions)");
    json(exchange, 404, body);
  }

  /** The model (or version) of {@code peer} ({@code GET /model?local=true}), if it has it. */
  private Optional<JsonNode> askPeer(String peer, Long version) {
    try {
      HttpRequest request =
          HttpRequest.newBuilder(
                  URI.create(
                      "http://"
                          + peer
                          + "/model?local=true"
                          + (version == null ? "" : "&version=" + version)))
              .timeout(PEER_TIMEOUT)
              .GET()
              .build();
      HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() != 200) {
        return Optional.empty();
      }
      JsonNode model = JSON.readTree(response.body()).get("model");
      return model == null || !model.isObject() ? Optional.empty() : Optional.of(model);
    } catch (IOException | IllegalArgumentException e) {
      LOG.debug("Instance {} did not answer /model", peer, e);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The JSON of a model summary (the {@code model} object of {@code /model}). */
  public static ObjectNode toJson(ModelSummary m) {
    ObjectNode node = JSON.createObjectNode();
    node.put("name", m.modelName());
    node.put("version", m.version());
    node.put("built_at", m.builtAt().toString());
    node.put("rebuild_seconds", m.rebuildSeconds());
    ArrayNode classes = node.putArray("classes");
    for (ModelSummary.ClassCount c : m.classes()) {
      classes.addObject().put("name", c.name()).put("count", c.count());
    }
    ArrayNode layers = node.putArray("layers");
    for (ModelSummary.LayerRates l : m.layers()) {
      layers
          .addObject()
          .put("layer", l.layer())
          .put("r", l.r())
          .put("rc", l.rc())
          .put("delta_r", l.deltaR());
    }
    return node;
  }

  private static ObjectNode message(String status, String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("status", status);
    node.put("message", message);
    return node;
  }

  private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    send(exchange, status, JSON_CONTENT_TYPE, text + "\n");
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
