package dev.redunet.app.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redunet.avro.Prediction;
import dev.redunet.stream.learning.LivePredictor;
import dev.redunet.wire.JsonRecordWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KafkaStreams.State;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API of one application instance, on Jetty's core server (no servlets, no web framework).
 * Jetty answers a request line or a header block over {@value HttpSettings#MAX_HEADER_BYTES} bytes
 * with 414 resp. 431 instead of dropping the connection (as the JDK's server did). Every body is
 * JSON except {@code /metrics} and the dashboard; the whole API is described in {@code
 * /openapi.json} ({@link #PATHS} lists its paths).
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
 *   <li>{@code POST /predict}: one JSON sample, or an array of them, predicted with the model in
 *       force ({@link Predictor}); it learns nothing. A sample's answer is {@code {"status": 200,
 *       "prediction": {...}}} (the Prediction record's fields) or {@code {"status": 400, "reason":
 *       "<reason code of the rejected topic>", "message"}}; one sample is answered with its status,
 *       an array with 200 and {@code {"results": [...]}}, one per item. A body that is not JSON:
 *       400 UNPARSABLE; over {@code redunet.http.max.request.bytes}: 413.
 *   <li>{@code /model/export}: the model as JSON ({@link ModelExportSource}, docs/MODEL_FORMAT.md),
 *       {@code ?version=N} for a retained version.
 *   <li>{@code /model/history}: {@code {"versions": [...]}}, the metrics record of every version
 *       this instance's builder computed ({@link VersionHistory}), oldest first.
 *   <li>{@code /openapi.json}: the OpenAPI 3 description of this API, from the jar.
 *   <li>{@code /}: the dashboard (dashboard.html and dashboard.js next to this class, uPlot from
 *       its WebJar), which polls {@code /model}, {@code /model/history} and {@code /metrics};
 *       nothing is loaded from elsewhere.
 * </ul>
 *
 * <p>{@code /predict} and {@code /model/export} can be switched off ({@link HttpSettings}: 404
 * {@code "disabled"}) and can require {@code Authorization: Bearer <redunet.http.token>} (else
 * 401).
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

  /** The uPlot WebJar's files (org.webjars.npm:uplot, MIT): the dashboard's chart library. */
  private static final String UPLOT = "/META-INF/resources/webjars/uplot/1.6.30/dist/";

  /** The dashboard's files, from the jar: path → resource and content type. */
  private static final Map<String, List<String>> STATIC =
      Map.of(
          "/",
          List.of("dashboard.html", "text/html; charset=utf-8"),
          "/dashboard.js",
          List.of("dashboard.js", "text/javascript; charset=utf-8"),
          "/webjars/uplot/uPlot.iife.min.js",
          List.of(UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"),
          "/webjars/uplot/uPlot.min.css",
          List.of(UPLOT + "uPlot.min.css", "text/css; charset=utf-8"));

  /** Every path the server answers, with its methods besides HEAD: what /openapi.json describes. */
  public static final Map<String, List<String>> PATHS = paths();

  private static Map<String, List<String>> paths() {
    Map<String, List<String>> p = new LinkedHashMap<>();
    for (String get :
        List.of(
            "/health",
            "/health/ready",
            "/health/live",
            "/metrics",
            "/model",
            "/model/export",
            "/model/history",
            "/openapi.json")) {
      p.put(get, List.of("GET"));
    }
    p.put("/predict", List.of("POST"));
    for (String get : STATIC.keySet()) {
      p.put(get, List.of("GET"));
    }
    return java.util.Collections.unmodifiableMap(p);
  }

  private static final String JSON_CONTENT_TYPE = "application/json; charset=utf-8";
  private static final String OPENAPI_RESOURCE = "openapi.json";
  private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoints.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFactory JSON_FACTORY = new JsonFactory();
  private static final Set<State> NOT_LIVE =
      Set.of(State.ERROR, State.PENDING_ERROR, State.NOT_RUNNING);
  private static final Duration PEER_TIMEOUT = Duration.ofSeconds(3);
  private static final AtomicInteger SERVERS = new AtomicInteger();

  private final Server server;
  private final ServerConnector connector;
  private final HttpSettings settings;
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
   * @param predictor the predictions of {@code POST /predict}
   * @param export the JSON of {@code /model/export}
   */
  public record Backend(
      Supplier<State> state,
      AppMetrics metrics,
      ModelSummarySource model,
      Supplier<List<String>> peers,
      String self,
      Predictor predictor,
      ModelExportSource export) {
    public Backend {
      Objects.requireNonNull(state, "state");
      Objects.requireNonNull(metrics, "metrics");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(peers, "peers");
      Objects.requireNonNull(self, "self");
      Objects.requireNonNull(predictor, "predictor");
      Objects.requireNonNull(export, "export");
    }

    /** A backend without predictions and export (both answer 503 resp. 404). */
    public Backend(
        Supplier<State> state,
        AppMetrics metrics,
        ModelSummarySource model,
        Supplier<List<String>> peers,
        String self) {
      this(state, metrics, model, peers, self, Predictor.none(), ModelExportSource.none());
    }

    /**
     * The backend of a running application: the state of {@code streams}, and as peers the {@code
     * application.server} of every other client of the application.
     *
     * @param self this instance's {@code application.server}
     */
    public static Backend of(
        KafkaStreams streams,
        AppMetrics metrics,
        ModelSummarySource model,
        HostInfo self,
        Predictor predictor,
        ModelExportSource export) {
      return new Backend(
          streams::state,
          metrics,
          model,
          () -> peersOf(streams.metadataForAllStreamsClients(), self),
          self.host() + ":" + self.port(),
          predictor,
          export);
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

  private HttpEndpoints(String host, int port, HttpSettings settings) throws IOException {
    this.settings = Objects.requireNonNull(settings, "settings");
    int n = SERVERS.incrementAndGet();
    QueuedThreadPool threads = new QueuedThreadPool(16, 2);
    threads.setName("redunet-http-" + n);
    threads.setDaemon(true);
    this.server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setRequestHeaderSize(HttpSettings.MAX_HEADER_BYTES);
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(port);
    connector.setReuseAddress(false);
    server.addConnector(connector);
    server.setHandler(new Router());
    server.setStopTimeout(0);
    try {
      connector.open();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  /**
   * Opens the server socket on {@code host:port} (port 0 = any free port) with the default {@link
   * HttpSettings}; nothing is served before {@link #start}.
   *
   * @throws IOException if the address cannot be bound (in use, or not an address of this host)
   */
  public static HttpEndpoints bind(String host, int port) throws IOException {
    return bind(host, port, HttpSettings.defaults());
  }

  /**
   * Opens the server socket on {@code host:port} (port 0 = any free port); nothing is served before
   * {@link #start}.
   *
   * @param settings the limits and switches
   * @throws IOException if the address cannot be bound (in use, or not an address of this host)
   */
  public static HttpEndpoints bind(String host, int port, HttpSettings settings)
      throws IOException {
    return new HttpEndpoints(host, port, settings);
  }

  /** The bound address (with the actual port when bound to port 0). */
  public InetSocketAddress address() {
    String host = connector.getHost();
    return new InetSocketAddress(host == null ? "0.0.0.0" : host, connector.getLocalPort());
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
    try {
      server.start();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start the HTTP server: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("The HTTP server did not stop cleanly", e);
    }
    try {
      connector.close();
    } catch (RuntimeException e) {
      LOG.debug("Closing the HTTP socket failed", e);
    }
  }

  /** One request and its response. */
  private static final class Exchange {
    final Request request;
    final Response response;
    final Callback callback;
    final long maxRequestBytes;
    boolean sent;
    boolean bodyRead;

    Exchange(Request request, Response response, Callback callback, long maxRequestBytes) {
      this.request = request;
      this.response = response;
      this.callback = callback;
      this.maxRequestBytes = maxRequestBytes;
    }

    /**
     * Reads and drops a body the handler answered without reading (a 401, 404 or 405 to a POST), up
     * to {@code redunet.http.max.request.bytes}; past that, the connection closes after the answer.
     * Without this, Jetty closes a kept-alive connection whose body is still arriving, and the
     * client's next request on it fails with no response.
     */
    void discardUnreadBody() {
      if (bodyRead) {
        return;
      }
      bodyRead = true;
      try (InputStream in = Content.Source.asInputStream(request)) {
        byte[] drop = new byte[8192];
        long left = maxRequestBytes;
        int n;
        while (left > 0 && (n = in.read(drop, 0, (int) Math.min(drop.length, left))) >= 0) {
          left -= n;
        }
        if (left == 0 && in.read() >= 0) {
          header("Connection", "close");
        }
      } catch (IOException e) {
        header("Connection", "close");
      }
    }

    String method() {
      return request.getMethod();
    }

    String path() {
      return request.getHttpURI().getPath();
    }

    String query() {
      return request.getHttpURI().getQuery();
    }

    void header(String name, String value) {
      response.getHeaders().put(name, value);
    }
  }

  /** Routes every request; a failure before the response answers 500 with the reason. */
  private final class Router extends Handler.Abstract {
    Router() {
      super(InvocationType.BLOCKING);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      Exchange exchange = new Exchange(request, response, callback, settings.maxRequestBytes());
      try {
        route(exchange);
      } catch (IOException | RuntimeException e) {
        LOG.warn("HTTP {} failed", request.getHttpURI(), e);
        if (!exchange.sent) { // nothing sent yet: say so instead of hanging up
          json(exchange, 500, message("error", "the request failed: " + e));
        } else {
          callback.failed(e);
        }
      }
      return true;
    }
  }

  private void route(Exchange exchange) throws IOException {
    String method = exchange.method();
    String path = exchange.path();
    Backend b = backend;
    List<String> methods = PATHS.get(path);
    if (methods == null) {
      json(
          exchange,
          404,
          message(
              "not_found",
              "no endpoint "
                  + path
                  + "; try /health, /health/ready, /health/live, /metrics, /model, /model/export,"
                  + " /model/history, POST /predict, /openapi.json"));
      return;
    }
    boolean get = methods.contains("GET");
    if (!(methods.contains(method) || (get && method.equals("HEAD")))) {
      exchange.header("Allow", get ? "GET, HEAD" : String.join(", ", methods));
      json(
          exchange,
          405,
          message(
              "method_not_allowed",
              path + " answers " + (get ? "GET and HEAD" : String.join(", ", methods))));
      return;
    }
    switch (path) {
      case "/health", "/health/ready" -> health(exchange, b, true);
      case "/health/live" -> health(exchange, b, false);
      case "/metrics" -> send(exchange, 200, PROMETHEUS_CONTENT_TYPE, b.metrics().scrape());
      case "/model" -> model(exchange, b);
      case "/model/export" -> export(exchange, b);
      case "/model/history" -> send(exchange, 200, JSON_CONTENT_TYPE, b.metrics().history().json());
      case "/predict" -> predict(exchange, b);
      case "/openapi.json" -> resource(exchange, OPENAPI_RESOURCE, JSON_CONTENT_TYPE);
      default -> {
        List<String> file = STATIC.get(path);
        if (file == null) {
          throw new IllegalStateException("no handler for " + path);
        }
        resource(exchange, file.get(0), file.get(1));
      }
    }
  }

  /** Whether the request may use a protected endpoint; if not, answers 401 and returns false. */
  private boolean authorized(Exchange exchange) {
    Optional<String> token = settings.token();
    if (token.isEmpty()) {
      return true;
    }
    String given = exchange.request.getHeaders().get(HttpHeader.AUTHORIZATION);
    byte[] expected = ("Bearer " + token.get()).getBytes(StandardCharsets.UTF_8);
    if (given != null && MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
      return true;
    }
    exchange.header("WWW-Authenticate", "Bearer realm=\"redunet\"");
    json(
        exchange,
        401,
        message(
            "unauthorized",
            given == null
                ? "this endpoint needs Authorization: Bearer <redunet.http.token>"
                : "the bearer token is not the one configured (redunet.http.token)"));
    return false;
  }

  private void disabled(Exchange exchange, String key) {
    json(
        exchange,
        404,
        message("disabled", exchange.path() + " is switched off on this instance (" + key + ")"));
  }

  private void predict(Exchange exchange, Backend b) throws IOException {
    if (!settings.predictEnabled()) {
      disabled(exchange, "redunet.http.predict.enabled=false");
      return;
    }
    if (!authorized(exchange)) {
      return;
    }
    Optional<byte[]> body = body(exchange);
    if (body.isEmpty()) {
      return;
    }
    Items items;
    try {
      items = items(body.get());
    } catch (IOException e) {
      json(exchange, 400, rejection("UNPARSABLE", "body: not a JSON value: " + e.getMessage()));
      return;
    }
    List<LivePredictor.Outcome> outcomes;
    try {
      outcomes = b.predictor().predict(items.values());
    } catch (LivePredictor.UnavailableException e) {
      json(exchange, 503, message("unavailable", e.getMessage()));
      return;
    }
    List<ObjectNode> answers = new ArrayList<>(outcomes.size());
    for (LivePredictor.Outcome o : outcomes) {
      answers.add(answer(o));
    }
    if (!items.array()) {
      ObjectNode one = answers.get(0);
      json(exchange, one.get("status").asInt(), one);
      return;
    }
    ObjectNode all = JSON.createObjectNode();
    ArrayNode results = all.putArray("results");
    answers.forEach(results::add);
    json(exchange, 200, all);
  }

  private static ObjectNode answer(LivePredictor.Outcome o) {
    if (o instanceof LivePredictor.Predicted p) {
      ObjectNode node = JSON.createObjectNode();
      node.put("status", 200);
      node.set("prediction", predictionJson(p.prediction()));
      return node;
    }
    LivePredictor.Rejected r = (LivePredictor.Rejected) o;
    return rejection(r.reason().name(), r.message());
  }

  private static ObjectNode rejection(String reason, String message) {
    ObjectNode node = JSON.createObjectNode();
    node.put("status", 400);
    node.put("reason", reason);
    node.put("message", message);
    return node;
  }

  /** The prediction as the predictions topic's JSON output writes it (non-finite as null). */
  private static JsonNode predictionJson(Prediction p) {
    try {
      return JSON.readTree(JsonRecordWriter.toJson(p));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot read back a prediction's JSON", e);
    }
  }

  /** The samples of a body: its one JSON value, or the items of its array, as raw bytes. */
  private record Items(List<byte[]> values, boolean array) {}

  /**
   * Splits a body into its samples without interpreting them: each keeps its own bytes, so that
   * {@link dev.redunet.stream.SampleValidation} judges it as it would a record of the samples topic
   * (duplicate keys, unknown fields, non-finite numbers and all).
   *
   * @throws IOException if the body is not one well-formed JSON value
   */
  private static Items items(byte[] body) throws IOException {
    try (JsonParser p = JSON_FACTORY.createParser(body)) {
      JsonToken first = p.nextToken();
      if (first == null) {
        throw new IOException("the body is empty");
      }
      List<byte[]> values = new ArrayList<>();
      boolean array = first == JsonToken.START_ARRAY;
      if (array) {
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
          if (t == null) {
            throw new IOException("the array is not closed");
          }
          values.add(slice(body, p));
        }
      } else {
        values.add(slice(body, p));
      }
      if (p.nextToken() != null) {
        throw new IOException(
            "more than one JSON value (send several samples as one array), at byte "
                + p.currentTokenLocation().getByteOffset());
      }
      return new Items(values, array);
    }
  }

  /** The bytes of the value whose first token the parser is on; leaves it on its last token. */
  private static byte[] slice(byte[] body, JsonParser p) throws IOException {
    int from = (int) p.currentTokenLocation().getByteOffset();
    p.skipChildren();
    int to = (int) p.currentLocation().getByteOffset();
    return Arrays.copyOfRange(body, from, to);
  }

  /**
   * The request body, at most {@code redunet.http.max.request.bytes}; empty after answering 413.
   */
  private Optional<byte[]> body(Exchange exchange) throws IOException {
    exchange.bodyRead = true;
    long max = settings.maxRequestBytes();
    long declared = exchange.request.getLength();
    if (declared > max) {
      tooLarge(exchange, declared + " bytes");
      return Optional.empty();
    }
    byte[] bytes;
    try (InputStream in = Content.Source.asInputStream(exchange.request)) {
      bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
    }
    if (bytes.length > max) {
      tooLarge(exchange, "more than " + max + " bytes");
      return Optional.empty();
    }
    return Optional.of(bytes);
  }

  private void tooLarge(Exchange exchange, String size) {
    exchange.header("Connection", "close");
    json(
        exchange,
        413,
        message(
            "too_large",
            "the body has "
                + size
                + ", over the limit of "
                + settings.maxRequestBytes()
                + " (redunet.http.max.request.bytes)"));
  }

  private void export(Exchange exchange, Backend b) throws IOException {
    if (!settings.exportEnabled()) {
      disabled(exchange, "redunet.http.export.enabled=false");
      return;
    }
    if (!authorized(exchange)) {
      return;
    }
    OptionalLong version = OptionalLong.empty();
    String query = exchange.query();
    for (String param : query == null ? List.<String>of() : List.of(query.split("&"))) {
      if (param.startsWith("version=")) {
        long v;
        try {
          v = Long.parseLong(param.substring("version=".length()));
        } catch (NumberFormatException e) {
          v = -1;
        }
        if (v < 1) {
          json(
              exchange,
              400,
              message("bad_request", "version must be a model version ≥ 1, got " + param));
          return;
        }
        version = OptionalLong.of(v);
      }
    }
    Optional<ModelExportSource.Body> text;
    try {
      text = b.export().export(version);
    } catch (RuntimeException e) {
      LOG.warn("The model export failed", e);
      json(exchange, 503, message("unavailable", "the model cannot be read now: " + e));
      return;
    }
    if (text.isEmpty()) {
      json(
          exchange,
          404,
          message(
              version.isEmpty() ? "no_model" : "no_version",
              version.isEmpty()
                  ? "no model yet: the first model version is built at the end of the first"
                      + " window of labelled samples (redunet.window)"
                  : "version "
                      + version.getAsLong()
                      + " is not held: not built yet, or older than the retained versions"
                      + " (redunet.model.retained.versions)"));
      return;
    }
    exchange.header(
        "Content-Disposition",
        "attachment; filename=\"model"
            + (version.isPresent() ? "-v" + version.getAsLong() : "")
            + ".json\"");
    stream(exchange, 200, JSON_CONTENT_TYPE, text.get());
  }

  /**
   * Answers with a body written as it is produced (chunked, no Content-Length). A failure while
   * writing aborts the response (the caller fails the callback), so a client never takes a cut body
   * for a whole one.
   */
  private static void stream(
      Exchange exchange, int status, String contentType, ModelExportSource.Body body)
      throws IOException {
    exchange.discardUnreadBody();
    exchange.sent = true;
    Response response = exchange.response;
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (exchange.method().equals("HEAD")) {
      response.write(true, ByteBuffer.allocate(0), exchange.callback);
      return;
    }
    OutputStream out = new BufferedOutputStream(Content.Sink.asOutputStream(response), 1 << 16);
    body.writeTo(out);
    out.close(); // flushes and ends the response; not on failure, which aborts it instead
    exchange.callback.succeeded();
  }

  /** A file of the jar, next to this class. */
  private static void resource(Exchange exchange, String name, String contentType)
      throws IOException {
    try (InputStream in = HttpEndpoints.class.getResourceAsStream(name)) {
      if (in == null) {
        json(exchange, 404, message("not_found", "resource " + name + " is not in the jar"));
        return;
      }
      send(exchange, 200, contentType, in.readAllBytes());
    }
  }

  private static void health(Exchange exchange, Backend b, boolean readiness) {
    State state = b.state().get();
    boolean ready = state == State.RUNNING;
    boolean live = !NOT_LIVE.contains(state);
    ObjectNode body = JSON.createObjectNode();
    body.put("state", state.name());
    body.put("ready", ready);
    body.put("live", live);
    json(exchange, (readiness ? ready : live) ? 200 : 503, body);
  }

  private void model(Exchange exchange, Backend b) {
    String query = exchange.query();
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

  private static void json(Exchange exchange, int status, JsonNode body) {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
    send(exchange, status, JSON_CONTENT_TYPE, text + "\n");
  }

  private static void send(Exchange exchange, int status, String contentType, String body) {
    send(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(Exchange exchange, int status, String contentType, byte[] bytes) {
    exchange.discardUnreadBody();
    exchange.sent = true;
    Response response = exchange.response;
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
    boolean head = exchange.method().equals("HEAD");
    response.write(true, head ? ByteBuffer.allocate(0) : ByteBuffer.wrap(bytes), exchange.callback);
  }
}
