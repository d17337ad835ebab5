package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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
 * {@code redunet.model.initial} through a real broker. Application A learns three windows and its
 * v3 is exported ({@code GET /model/export}); application B starts from that file. Then:
 *
 * <ul>
 *   <li>B's model in force is v3 before it has seen a sample, and {@code POST /predict} on B gives
 *       A's answers to the bit (the same JSON);
 *   <li>the same further samples sent to both: every one B scores before its first window closes is
 *       owed v3 and gets A's prediction (the predictions topics agree record by record);
 *   <li>the window those samples close builds, in A and in B, the same v4 (the exports agree in
 *       every operator, the MICL statistics, the novelty threshold and the learning statistics).
 * </ul>
 */
@ExtendWith(KafkaBrokerExtension.class)
class InitialModelIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration PATIENCE = Duration.ofMinutes(3);
  private static final int WINDOW = 20;

  @TempDir Path tmp;

  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final List<CountDownLatch> stops = new ArrayList<>();

  @AfterEach
  void stopEverything() throws Exception {
    stops.forEach(CountDownLatch::countDown);
    executor.shutdown();
    assertThat(executor.awaitTermination(90, TimeUnit.SECONDS)).isTrue();
  }

  private InetSocketAddress start(KafkaCluster kafka, String prefix, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--bootstrap-servers", kafka.bootstrapServers(),
                "--application-id", kafka.uniqueName("initial-" + prefix.replace(".", "")),
                "--state-dir", tmp.resolve("state-" + prefix).toString(),
                "--http-port", "0",
                "--window", Integer.toString(WINDOW),
                "--layers", "2",
                "-D", "redunet.topic.prefix=" + prefix,
                "-D", "redunet.partitions=1",
                "-D", "redunet.labels=a,b",
                "-D", "redunet.output.format=json",
                "-D", "redunet.idle.timeout.ms=300",
                "-D", "kafka.commit.interval.ms=100"));
    args.addAll(List.of(extra));
    CountDownLatch stop = new CountDownLatch(1);
    stops.add(stop);
    RunCommand run =
        new RunCommand(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            System.err,
            stop,
            false);
    Future<Integer> unused =
        executor.submit(() -> new CommandLine(run).execute(args.toArray(String[]::new)));
    return run.httpAddress.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
  }

  private static HttpResponse<String> get(InetSocketAddress http, String path) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + path))
            .timeout(Duration.ofSeconds(30))
            .GET()
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode predict(InetSocketAddress http, String body) throws Exception {
    HttpResponse<String> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.getPort() + "/predict"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  /** The export of the model in force once it is {@code version}. */
  private static JsonNode exportAt(InetSocketAddress http, long version) throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      HttpResponse<String> r = get(http, "/model/export");
      if (r.statusCode() == 200) {
        JsonNode e = JSON.readTree(r.body());
        if (e.get("version").asLong() == version) {
          return e;
        }
        assertThat(e.get("version").asLong()).isLessThan(version);
      }
      assertThat(System.nanoTime())
          .as("v%d exported; last answer %s", version, r.statusCode())
          .isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** A sample of class a (near e1 + e2/3) or b (near e3/3 + e4), seeded. */
  private static String sample(String id, boolean a, String label, Random rnd) {
    double[] centre = a ? new double[] {3, 1, 0, 0} : new double[] {0, 0, 1, 3};
    StringBuilder f = new StringBuilder();
    for (int i = 0; i < 4; i++) {
      f.append(i == 0 ? "" : ",")
          .append(String.format(Locale.ROOT, "%.4f", centre[i] + 0.6 * rnd.nextGaussian()));
    }
    return "{\"id\":\""
        + id
        + "\",\"features\":["
        + f
        + "]"
        + (label == null ? "" : ",\"label\":\"" + label + "\"")
        + "}";
  }

  private static void send(KafkaCluster kafka, String topic, List<String> values) throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), new StringSerializer())) {
      for (String v : values) {
        producer.send(new ProducerRecord<>(topic, JSON.readTree(v).get("id").asText(), v)).get();
      }
    }
  }

  /** The predictions of a one-partition topic by sample id, once {@code done}. */
  private static Map<String, JsonNode> predictions(
      KafkaCluster kafka, String topic, Predicate<Map<String, JsonNode>> done) throws Exception {
    Map<String, JsonNode> all = new LinkedHashMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(
            kafka.consumerConfig("initial-it"),
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
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          JsonNode p = JSON.readTree(r.value());
          all.put(p.get("sampleId").asText(), p);
        }
      }
    }
    return all;
  }

  @Test
  void anApplicationStartedFromAnExportScoresAndLearnsAsTheOriginal(KafkaCluster kafka)
      throws Exception {
    Random rnd = new Random(15);
    List<String> first = new ArrayList<>();
    for (int i = 0; i < 3 * WINDOW; i++) {
      boolean a = rnd.nextBoolean();
      first.add(sample("s" + i, a, a ? "a" : "b", rnd));
    }
    InetSocketAddress httpA = start(kafka, "a.");
    send(kafka, "a.samples", first);
    JsonNode v3 = exportAt(httpA, 3);
    assertThat(v3.get("formatVersion").asInt()).isEqualTo(2);
    assertThat(v3.get("learning").get("total").get("labelled").asLong()).isEqualTo(3 * WINDOW);
    Path file = tmp.resolve("v3.json");
    Files.writeString(file, v3.toString());

    InetSocketAddress httpB = start(kafka, "b.", "-D", "redunet.model.initial=" + file);
    JsonNode restored = exportAt(httpB, 3);
    for (String field : List.of("projection", "layers", "micl", "noveltyThreshold", "learning")) {
      assertThat(restored.get(field)).as(field).isEqualTo(v3.get(field));
    }

    // /predict: the same answers, to the bit
    StringBuilder probe = new StringBuilder("[");
    for (int i = 0; i < 40; i++) {
      probe.append(i == 0 ? "" : ",").append(sample("p" + i, i % 2 == 0, null, rnd));
    }
    String body = probe.append("]").toString();
    JsonNode fromA = predict(httpA, body);
    JsonNode fromB = predict(httpB, body);
    assertThat(fromB.get("results")).hasSize(40);
    assertThat(fromB.get("results").get(0).get("prediction").get("modelVersion").asLong())
        .isEqualTo(3);
    assertThat(fromB).isEqualTo(fromA);

    // The same further samples to both: 10 unlabelled, then the 20 labelled that close window 4.
    List<String> next = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      next.add(sample("u" + i, i % 2 == 0, null, rnd));
    }
    for (int i = 0; i < WINDOW; i++) {
      boolean a = rnd.nextBoolean();
      next.add(sample("n" + i, a, a ? "a" : "b", rnd));
    }
    send(kafka, "a.samples", next);
    send(kafka, "b.samples", next);
    JsonNode v4a = exportAt(httpA, 4);
    JsonNode v4b = exportAt(httpB, 4);
    for (String field :
        List.of(
            "classes", "projection", "layers", "micl", "noveltyThreshold", "rates", "learning")) {
      assertThat(v4b.get(field)).as(field).isEqualTo(v4a.get(field));
    }
    assertThat(v4b.get("learning").get("total").get("labelled").asLong()).isEqualTo(4 * WINDOW);

    Predicate<Map<String, JsonNode>> allNext =
        m -> next.stream().allMatch(v -> m.containsKey(id(v)));
    Map<String, JsonNode> predictedA = predictions(kafka, "a.predictions", allNext);
    Map<String, JsonNode> predictedB = predictions(kafka, "b.predictions", allNext);
    assertThat(predictedB).hasSize(next.size());
    for (String v : next) {
      JsonNode b = predictedB.get(id(v));
      assertThat(b.get("modelVersion").asLong()).as(id(v)).isEqualTo(3);
      assertThat(b.get("stale").asBoolean()).as(id(v)).isFalse();
      assertThat(b).as(id(v)).isEqualTo(predictedA.get(id(v)));
    }
    assertThat(predict(httpB, body)).isEqualTo(predict(httpA, body));
  }

  private static String id(String sample) {
    try {
      return JSON.readTree(sample).get("id").asText();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
