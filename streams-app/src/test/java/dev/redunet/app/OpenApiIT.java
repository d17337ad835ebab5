package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.app.http.HttpEndpoints;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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
 * {@code /openapi.json} against a running application on a real broker: it is the document in the
 * jar; its paths are exactly the server's ({@link HttpEndpoints#PATHS}); every documented operation
 * answers with a documented status, and every JSON body it answers has exactly the documented
 * fields, of the documented types (a small OpenAPI 3.0 schema check: $ref, oneOf, type, nullable,
 * enum, required, properties, additionalProperties, items, minimum).
 */
@ExtendWith(KafkaBrokerExtension.class)
class OpenApiIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final String TOKEN = "open-api-token";

  @TempDir Path tmp;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<CountDownLatch> stops = new ArrayList<>();
  private JsonNode doc;

  @AfterEach
  void stopEverything() throws Exception {
    stops.forEach(CountDownLatch::countDown);
    executor.shutdown();
    assertThat(executor.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
  }

  private InetSocketAddress start(KafkaCluster kafka, String prefix) throws Exception {
    String[] args = {
      "--bootstrap-servers", kafka.bootstrapServers(),
      "--application-id", kafka.uniqueName("openapi-app"),
      "--state-dir", tmp.resolve("state").toString(),
      "--http-port", "0",
      "--window", "20",
      "-D", "redunet.topic.prefix=" + prefix,
      "-D", "redunet.partitions=1",
      "-D", "redunet.idle.timeout.ms=300",
      "-D", "redunet.http.token=" + TOKEN,
      "-D", "redunet.http.max.request.bytes=4096",
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

  private static HttpResponse<String> call(
      InetSocketAddress http, String method, String path, String body, boolean token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (token) {
      b.header("Authorization", "Bearer " + TOKEN);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> await(
      InetSocketAddress http, String path, Predicate<HttpResponse<String>> done) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> last = call(http, "GET", path, null, false);
    while (!done.test(last)) {
      assertThat(System.nanoTime()).as("%s: %s", path, last.body()).isLessThan(deadline);
      Thread.sleep(200);
      last = call(http, "GET", path, null, false);
    }
    return last;
  }

  /** Checks a response against the document: a documented status and a conforming JSON body. */
  private void conforms(String path, String method, HttpResponse<String> r) throws Exception {
    JsonNode op = doc.get("paths").get(path).get(method.toLowerCase(java.util.Locale.ROOT));
    JsonNode response = op.get("responses").get(Integer.toString(r.statusCode()));
    assertThat(response)
        .as("%s %s answered %s, which the document does not list", method, path, r.statusCode())
        .isNotNull();
    JsonNode json = response.path("content").get("application/json");
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (json == null) {
      assertThat(type).doesNotStartWith("application/json");
      return;
    }
    assertThat(type).as("%s %s", method, path).startsWith("application/json");
    List<String> errors = new ArrayList<>();
    check(JSON.readTree(r.body()), json.get("schema"), "$", errors);
    assertThat(errors)
        .as(
            "%s %s %s: %s",
            method, path, r.statusCode(), r.body().substring(0, Math.min(500, r.body().length())))
        .isEmpty();
  }

  private JsonNode resolve(JsonNode schema) {
    while (schema.has("$ref")) {
      String ref = schema.get("$ref").asText();
      assertThat(ref).startsWith("#/components/schemas/");
      schema = doc.get("components").get("schemas").get(ref.substring(ref.lastIndexOf('/') + 1));
      assertThat(schema).as("target of %s", ref).isNotNull();
    }
    return schema;
  }

  private void check(JsonNode v, JsonNode schema, String at, List<String> errors) {
    schema = resolve(schema);
    if (schema.has("oneOf")) {
      int matches = 0;
      for (JsonNode s : schema.get("oneOf")) {
        List<String> e = new ArrayList<>();
        check(v, s, at, e);
        matches += e.isEmpty() ? 1 : 0;
      }
      if (matches != 1) {
        errors.add(at + ": matches " + matches + " of the oneOf alternatives");
      }
      return;
    }
    if (v.isNull()) {
      if (!schema.path("nullable").asBoolean(false)) {
        errors.add(at + ": null, not nullable");
      }
      return;
    }
    String type = schema.path("type").asText("");
    boolean ok =
        switch (type) {
          case "object" -> v.isObject();
          case "array" -> v.isArray();
          case "string" -> v.isTextual();
          case "integer" -> v.isIntegralNumber();
          case "number" -> v.isNumber();
          case "boolean" -> v.isBoolean();
          default -> true;
        };
    if (!ok) {
      errors.add(at + ": " + v.getNodeType() + ", documented " + type);
      return;
    }
    if (schema.has("enum")) {
      boolean found = false;
      for (JsonNode e : schema.get("enum")) {
        found |= e.equals(v) || (e.isNumber() && v.isNumber() && e.asLong() == v.asLong());
      }
      if (!found) {
        errors.add(at + ": " + v + " is not one of " + schema.get("enum"));
      }
    }
    if (schema.has("minimum") && v.isNumber() && v.asDouble() < schema.get("minimum").asDouble()) {
      errors.add(at + ": " + v + " below the minimum " + schema.get("minimum"));
    }
    if (v.isObject()) {
      for (JsonNode req : schema.path("required")) {
        if (!v.has(req.asText())) {
          errors.add(at + ": the required field " + req.asText() + " is missing");
        }
      }
      JsonNode props = schema.path("properties");
      for (Map.Entry<String, JsonNode> f : v.properties()) {
        if (props.has(f.getKey())) {
          check(f.getValue(), props.get(f.getKey()), at + "." + f.getKey(), errors);
        } else if (schema.has("additionalProperties")
            && !schema.get("additionalProperties").asBoolean(true)) {
          errors.add(at + ": the field " + f.getKey() + " is not documented");
        }
      }
    }
    if (v.isArray() && schema.has("items")) {
      for (int i = 0; i < v.size(); i++) {
        check(v.get(i), schema.get("items"), at + "[" + i + "]", errors);
      }
    }
  }

  @Test
  void theDocumentDescribesEveryEndpointAndEveryAnswerMatchesIt(KafkaCluster kafka)
      throws Exception {
    String prefix = kafka.uniqueName("openapi") + ".";
    InetSocketAddress http = start(kafka, prefix);

    HttpResponse<String> served = call(http, "GET", "/openapi.json", null, false);
    assertThat(served.statusCode()).isEqualTo(200);
    doc = JSON.readTree(served.body());
    try (InputStream in = HttpEndpoints.class.getResourceAsStream("openapi.json")) {
      assertThat(doc).as("served from the jar").isEqualTo(JSON.readTree(in));
    }
    assertThat(doc.get("openapi").asText()).startsWith("3.0");
    conforms("/openapi.json", "GET", served);

    Map<String, Set<String>> documented = new TreeMap<>();
    doc.get("paths")
        .properties()
        .forEach(
            e -> {
              Set<String> methods = new TreeSet<>();
              e.getValue()
                  .fieldNames()
                  .forEachRemaining(m -> methods.add(m.toUpperCase(java.util.Locale.ROOT)));
              documented.put(e.getKey(), methods);
            });
    Map<String, Set<String>> server = new TreeMap<>();
    HttpEndpoints.PATHS.forEach((p, m) -> server.put(p, new TreeSet<>(m)));
    assertThat(documented).as("the documented paths are the server's").isEqualTo(server);
    assertThat(call(http, "GET", "/not-documented", null, false).statusCode()).isEqualTo(404);

    // Before the first model.
    HttpResponse<String> noModel = call(http, "GET", "/model", null, false);
    assertThat(noModel.statusCode()).isEqualTo(404);
    conforms("/model", "GET", noModel);
    conforms("/model/export", "GET", call(http, "GET", "/model/export", null, true));

    List<String> values = new ArrayList<>();
    java.util.Random rnd = new java.util.Random(5);
    for (int i = 0; i < 40; i++) {
      boolean a = i % 2 == 0;
      values.add(
          String.format(
              java.util.Locale.ROOT,
              "{\"id\":\"s%d\",\"features\":[%.3f,%.3f,%.3f],\"label\":\"%s\"}",
              i,
              (a ? 2 : 0) + 0.2 * rnd.nextGaussian(),
              1 + 0.2 * rnd.nextGaussian(),
              (a ? 0 : 2) + 0.2 * rnd.nextGaussian(),
              a ? "a" : "b"));
    }
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(prefix + "samples", "s" + i, values.get(i))).get();
      }
    }
    await(http, "/model", r -> r.statusCode() == 200 && r.body().contains("\"version\":2,"));

    for (String path :
        List.of(
            "/health", "/health/ready", "/health/live", "/metrics", "/model", "/model/history")) {
      HttpResponse<String> r = call(http, "GET", path, null, false);
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      conforms(path, "GET", r);
    }
    for (String page :
        List.of(
            "/",
            "/dashboard.js",
            "/webjars/uplot/uPlot.iife.min.js",
            "/webjars/uplot/uPlot.min.css")) {
      HttpResponse<String> r = call(http, "GET", page, null, false);
      assertThat(r.statusCode()).as(page).isEqualTo(200);
      assertThat(r.body()).as(page).isNotBlank();
      if (!page.startsWith("/webjars/")) {
        assertThat(r.body())
            .as("%s loads nothing from elsewhere", page)
            .doesNotContain("http:", "https:");
      }
      conforms(page, "GET", r);
    }
    assertThat(call(http, "GET", "/", null, false).body())
        .contains("/webjars/uplot/uPlot.iife.min.js", "/dashboard.js");
    conforms("/model", "GET", call(http, "GET", "/model?version=1", null, false));
    conforms("/model", "GET", call(http, "GET", "/model?version=99", null, false));
    conforms("/model", "GET", call(http, "GET", "/model?version=x", null, false));
    for (String q : List.of("", "?version=2", "?version=99", "?version=0")) {
      conforms("/model/export", "GET", call(http, "GET", "/model/export" + q, null, true));
    }
    conforms("/model/export", "GET", call(http, "GET", "/model/export", null, false));

    String good = "{\"id\":\"q\",\"features\":[2,1,0.1]}";
    String bad = "{\"id\":\"q\",\"features\":[2,1]}";
    for (String body :
        List.of(
            good,
            bad,
            "[" + good + "," + bad + "]",
            "[]",
            "nonsense",
            "[" + " ".repeat(5000) + "]")) {
      HttpResponse<String> r = call(http, "POST", "/predict", body, true);
      conforms("/predict", "POST", r);
    }
    HttpResponse<String> predicted = call(http, "POST", "/predict", good, true);
    assertThat(predicted.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(predicted.body()).get("prediction").get("modelVersion").asLong())
        .isEqualTo(2);
    conforms("/predict", "POST", call(http, "POST", "/predict", good, false));
  }
}
