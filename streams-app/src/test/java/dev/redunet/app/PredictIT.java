package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code POST /predict} against {@code run} on a real broker: valid samples are answered with the
 * version in force and exactly the prediction the stream makes for the same sample; every kind of
 * bad input is 400 with the reason code the rejected topic gives the same record; it learns
 * nothing; and it needs the bearer token.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PredictIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final String TOKEN = "s3cret-token";
  private static final int WINDOW = 20;
  private static final int LABELLED = 3 * WINDOW;

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
      "--application-id", kafka.uniqueName("predict-app"),
      "--state-dir", tmp.resolve("state").toString(),
      "--http-port", "0",
      "--window", Integer.toString(WINDOW),
      "--layers", "2",
      "-D", "redunet.topic.prefix=" + prefix,
      "-D", "redunet.partitions=1",
      "-D", "redunet.feature.shape=4",
      "-D", "redunet.labels=a,b",
      "-D", "redunet.max.features=16",
      "-D", "redunet.output.format=json",
      "-D", "redunet.idle.timeout.ms=300",
      "-D", "redunet.http.token=" + TOKEN,
      "-D", "redunet.http.max.request.bytes=65536",
      "-D", "redunet.model.retained.versions=2",
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

  private static HttpResponse<String> get(InetSocketAddress http, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(uri(http, path)).timeout(Duration.ofSeconds(10)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> predict(InetSocketAddress http, String body, String token)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(http, "/predict"))
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> await(
      InetSocketAddress http, String path, Predicate<HttpResponse<String>> done) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    HttpResponse<String> last = get(http, path);
    while (!done.test(last)) {
      assertThat(System.nanoTime())
          .as("%s as expected; last answer %s %s", path, last.statusCode(), last.body())
          .isLessThan(deadline);
      Thread.sleep(200);
      last = get(http, path);
    }
    return last;
  }

  /** A sample of class a (near e1 + e2/3) or b (near e3/3 + e4), seeded. */
  private static String sample(String id, boolean a, String label, Random rnd) {
    double[] centre = a ? new double[] {3, 1, 0, 0} : new double[] {0, 0, 1, 3};
    StringBuilder f = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      f.append(i == 0 ? "" : ",")
          .append(String.format(Locale.ROOT, "%.4f", centre[i] + 0.3 * rnd.nextGaussian()));
    }
    return "{\"id\":\""
        + id
        + "\",\"features\":["
        + f
        + "]"
        + (label == null ? "" : ",\"label\":\"" + label + "\"")
        + "}";
  }

  private static void send(KafkaCluster kafka, String topic, List<String> keys, List<String> values)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
      for (int i = 0; i < values.size(); i++) {
        producer.send(new ProducerRecord<>(topic, keys.get(i), values.get(i))).get();
      }
    }
  }

  /** The committed records of a one-partition topic, until {@code done}. */
  private static List<ConsumerRecord<String, String>> read(
      KafkaCluster kafka, String topic, Predicate<List<ConsumerRecord<String, String>>> done) {
    List<ConsumerRecord<String, String>> all = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            kafka.consumerConfig("predict-it"),
            new StringDeserializer(),
            new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      while (!done.test(all)) {
        assertThat(System.nanoTime())
            .as("%s: %s records so far", topic, all.size())
            .isLessThan(deadline);
        consumer.poll(Duration.ofMillis(200)).forEach(all::add);
      }
    }
    return all;
  }

  private static String[] concat(String[] a, String... b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private static double accepted(InetSocketAddress http) throws Exception {
    return get(http, "/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith("redunet_ingress_accepted_total "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void predictAnswersWithTheVersionInForceAsTheStreamDoesAndRejectsBadInputWithItsReason(
      KafkaCluster kafka) throws Exception {
    String prefix = kafka.uniqueName("predict") + ".";
    InetSocketAddress http = start(kafka, prefix);
    await(http, "/health/ready", r -> r.statusCode() == 200);

    Random rnd = new Random(15);
    List<String> keys = new ArrayList<>();
    List<String> labelled = new ArrayList<>();
    for (int i = 0; i < LABELLED; i++) {
      boolean a = i % 2 == 0;
      keys.add("t" + i);
      labelled.add(sample("t" + i, a, a ? "a" : "b", rnd));
    }
    send(kafka, prefix + "samples", keys, labelled);
    JsonNode model =
        JSON.readTree(
            await(
                    http,
                    "/model",
                    r ->
                        r.statusCode() == 200
                            && r.body().contains("\"version\":" + LABELLED / WINDOW + ","))
                .body());
    long version = model.get("model").get("version").asLong();
    assertThat(version).isEqualTo(LABELLED / WINDOW);

    // It needs the token.
    String probeOne = sample("p-one", true, null, rnd);
    assertThat(predict(http, probeOne, null).statusCode()).isEqualTo(401);
    assertThat(predict(http, probeOne, "wrong").statusCode()).isEqualTo(401);

    // It does not learn: labelled samples through /predict change no counter and no version.
    double acceptedBefore = accepted(http);
    List<String> probes = new ArrayList<>();
    List<String> probeKeys = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      probes.add(sample("p" + i, i % 3 != 0, null, rnd));
      probeKeys.add("p" + i);
    }
    List<String> asLabelled = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      asLabelled.add(sample("l" + i, i % 2 == 0, i % 2 == 0 ? "b" : "a", rnd));
    }
    HttpResponse<String> learnt = predict(http, "[" + String.join(",", asLabelled) + "]", TOKEN);
    assertThat(learnt.statusCode()).isEqualTo(200);
    Thread.sleep(1500);
    assertThat(accepted(http)).isEqualTo(acceptedBefore);
    assertThat(JSON.readTree(get(http, "/model").body()).get("model").get("version").asLong())
        .isEqualTo(version);

    // Valid samples: the version in force, the stream's own prediction for the same sample.
    HttpResponse<String> answer = predict(http, "[" + String.join(",", probes) + "]", TOKEN);
    assertThat(answer.statusCode()).isEqualTo(200);
    ArrayNode results = (ArrayNode) JSON.readTree(answer.body()).get("results");
    assertThat(results).hasSize(probes.size());
    send(kafka, prefix + "samples", probeKeys, probes);
    Map<String, JsonNode> streamed = new LinkedHashMap<>();
    read(
        kafka,
        prefix + "predictions",
        all -> {
          for (ConsumerRecord<String, String> r : all) {
            if (r.key().startsWith("p")) {
              try {
                streamed.put(r.key(), JSON.readTree(r.value()));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
          }
          return streamed.size() == probes.size();
        });
    for (int i = 0; i < probes.size(); i++) {
      JsonNode item = results.get(i);
      assertThat(item.get("status").asInt()).isEqualTo(200);
      JsonNode p = item.get("prediction");
      assertThat(p.get("sampleId").asText()).isEqualTo("p" + i);
      assertThat(p.get("modelVersion").asLong()).isEqualTo(version);
      assertThat(p.get("predictedLabel").asText()).isIn("a", "b");
      assertThat(p.get("scores")).hasSize(2);
      assertThat(p)
          .as("/predict and the stream give sample p%s the same prediction, field by field", i)
          .isEqualTo(streamed.get("p" + i));
    }
    HttpResponse<String> single = predict(http, probes.get(0), TOKEN);
    assertThat(single.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(single.body()).get("prediction"))
        .isEqualTo(results.get(0).get("prediction"));

    // Every kind of bad input: 400 and the reason code the rejected topic gives the same record.
    StringBuilder tooMany = new StringBuilder("1");
    for (int i = 1; i < 17; i++) {
      tooMany.append(",1");
    }
    List<String> bad =
        List.of(
            "{\"features\":[1,2,3,4]}",
            "{\"id\":\"u1\",\"features\":\"1,2,3,4\"}",
            "{\"id\":\"u2\",\"features\":[1,2,3,4],\"colour\":\"red\"}",
            "{\"id\":\"u3\",\"features\":[1,2,3,4],\"label\":\"\"}",
            "{\"id\":\"u4\",\"id\":\"u5\",\"features\":[1,2,3,4]}",
            "42",
            "{\"id\":\"e1\",\"features\":[]}",
            "{\"id\":\"e2\",\"features\":[0,0,0,0]}",
            "{\"id\":\"n1\",\"features\":[1,2,3,1e999]}",
            "{\"id\":\"t1\",\"features\":[" + tooMany + "]}",
            "{\"id\":\"w1\",\"features\":[1,2,3]}",
            "{\"id\":\"w2\",\"features\":[1,2,3,4],\"shape\":[2,2]}",
            "{\"id\":\"k1\",\"features\":[1,2,3,4],\"label\":\"c\"}");
    List<String> expected =
        List.of(
            "MISSING_FIELD",
            "UNPARSABLE",
            "UNPARSABLE",
            "UNPARSABLE",
            "UNPARSABLE",
            "UNPARSABLE",
            "EMPTY_VECTOR",
            "EMPTY_VECTOR",
            "NON_FINITE",
            "TOO_LARGE",
            "WRONG_DIMENSION",
            "WRONG_DIMENSION",
            "UNKNOWN_LABEL");
    List<String> nullKeys = new ArrayList<>();
    bad.forEach(b -> nullKeys.add(null));
    send(kafka, prefix + "samples", nullKeys, bad);
    List<ConsumerRecord<String, String>> rejected =
        read(kafka, prefix + "rejected", all -> all.size() >= bad.size());
    List<String> topicReasons =
        rejected.stream()
            .map(
                r -> {
                  try {
                    return JSON.readTree(r.value());
                  } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                })
            .sorted(Comparator.comparingLong(n -> n.get("sourceOffset").asLong()))
            .map(n -> n.get("reason").asText())
            .toList();
    assertThat(topicReasons).as("the rejected topic's reasons").isEqualTo(expected);

    HttpResponse<String> mixed =
        predict(http, "[" + String.join(",", bad) + "," + probes.get(1) + "]", TOKEN);
    assertThat(mixed.statusCode()).isEqualTo(200);
    JsonNode items = JSON.readTree(mixed.body()).get("results");
    assertThat(items).hasSize(bad.size() + 1);
    for (int i = 0; i < bad.size(); i++) {
      assertThat(items.get(i).get("status").asInt())
          .as("item %s: %s", i, bad.get(i))
          .isEqualTo(400);
      assertThat(items.get(i).get("reason").asText())
          .as("item %s: %s", i, bad.get(i))
          .isEqualTo(expected.get(i));
      assertThat(items.get(i).get("message").asText()).isNotBlank();
      HttpResponse<String> alone = predict(http, bad.get(i), TOKEN);
      assertThat(alone.statusCode()).as("alone: %s", bad.get(i)).isEqualTo(400);
      assertThat(JSON.readTree(alone.body()).get("reason").asText()).isEqualTo(expected.get(i));
    }
    assertThat(items.get(bad.size()).get("prediction")).isEqualTo(results.get(1).get("prediction"));

    // Export round trip: the Python scorer on the exported model gives /predict's labels, and
    // scores within 1e-6 bits, on 100 samples.
    Path python = SystemTools.requirePythonModule("numpy", "python3-numpy");
    HttpRequest exportRequest =
        HttpRequest.newBuilder(uri(http, "/model/export"))
            .header("Authorization", "Bearer " + TOKEN)
            .GET()
            .build();
    HttpResponse<String> export = CLIENT.send(exportRequest, HttpResponse.BodyHandlers.ofString());
    assertThat(export.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(export.body()).get("version").asLong()).isEqualTo(version);
    Path modelFile = tmp.resolve("model.json");
    Files.writeString(modelFile, export.body());
    List<String> hundred = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      hundred.add(sample("h" + i, i % 2 == 0, null, rnd));
    }
    JsonNode jvm =
        JSON.readTree(predict(http, "[" + String.join(",", hundred) + "]", TOKEN).body())
            .get("results");
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
    int labelsA = 0;
    for (int i = 0; i < 100; i++) {
      JsonNode py = JSON.readTree(lines.get(i));
      JsonNode java = jvm.get(i).get("prediction");
      assertThat(py.get("sampleId").asText()).isEqualTo("h" + i);
      assertThat(py.get("modelVersion").asLong()).isEqualTo(version);
      assertThat(py.get("predictedLabel").asText())
          .as("sample h%s", i)
          .isEqualTo(java.get("predictedLabel").asText());
      labelsA += java.get("predictedLabel").asText().equals("a") ? 1 : 0;
      for (int j = 0; j < 2; j++) {
        JsonNode ps = py.get("scores").get(j);
        JsonNode js = java.get("scores").get(j);
        assertThat(ps.get("label").asText()).isEqualTo(js.get("label").asText());
        assertThat(ps.get("deltaLBits").asDouble())
            .as("h%s δL of %s", i, js.get("label").asText())
            .isCloseTo(js.get("deltaLBits").asDouble(), within(1e-6));
        assertThat(ps.get("membership").asDouble())
            .isCloseTo(js.get("membership").asDouble(), within(1e-6));
      }
      assertThat(py.get("noveltyBits").asDouble())
          .isCloseTo(java.get("noveltyBits").asDouble(), within(1e-6));
      assertThat(py.get("novel").asBoolean()).isEqualTo(java.get("novel").asBoolean());
    }
    assertThat(labelsA).as("both classes are predicted").isBetween(20, 80);

    // ./redunet model export reads the same version from the model topic; version 1 has left
    // retention (2 kept), version 4 is not built: both are clear errors.
    Path fromTopic = tmp.resolve("from-topic.json");
    ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
    ByteArrayOutputStream cliErr = new ByteArrayOutputStream();
    String[] common = {
      "--bootstrap-servers", kafka.bootstrapServers(), "-D", "redunet.topic.prefix=" + prefix
    };
    int exit =
        new CommandLine(
                new ModelCommand.Export(
                    new PrintStream(cliOut, true, StandardCharsets.UTF_8),
                    new PrintStream(cliErr, true, StandardCharsets.UTF_8)))
            .execute(concat(common, "--out", fromTopic.toString()));
    assertThat(exit).as(cliErr.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(JSON.readTree(Files.readString(fromTopic)))
        .as("the topic's export is the HTTP export")
        .isEqualTo(JSON.readTree(export.body()));
    assertThat(JSON.readTree(Files.readString(fromTopic)).get("learning").get("total").isObject())
        .as("the topic's export carries the builder's statistics (redunet.model.initial)")
        .isTrue();
    JsonNode summary = JSON.readTree(cliOut.toString(StandardCharsets.UTF_8).strip());
    assertThat(summary.get("version").asLong()).isEqualTo(version);
    for (long v : new long[] {1, version + 1}) {
      ByteArrayOutputStream e = new ByteArrayOutputStream();
      int code =
          new CommandLine(
                  new ModelCommand.Export(
                      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                      new PrintStream(e, true, StandardCharsets.UTF_8)))
              .execute(
                  concat(
                      common,
                      "--version",
                      Long.toString(v),
                      "--out",
                      tmp.resolve("v" + v + ".json").toString()));
      assertThat(code).isEqualTo(1);
      assertThat(e.toString(StandardCharsets.UTF_8))
          .contains(v == 1 ? "no longer retained" : "not been built yet")
          .contains("holds versions " + (version - 1) + " to " + version);
    }

    HttpResponse<String> notJson = predict(http, "{\"id\":\"x\",\"features\":[1,2,", TOKEN);
    assertThat(notJson.statusCode()).isEqualTo(400);
    assertThat(JSON.readTree(notJson.body()).get("reason").asText()).isEqualTo("UNPARSABLE");
    HttpResponse<String> tooLarge = predict(http, "[" + " ".repeat(65536) + "]", TOKEN);
    assertThat(tooLarge.statusCode()).isEqualTo(413);
  }
}
