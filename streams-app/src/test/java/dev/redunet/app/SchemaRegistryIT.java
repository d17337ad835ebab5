package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.Sample;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Schema-registry interop (issue 16 item 4) against a real registry: Apicurio Registry 3.0.9,
 * in-memory storage, started here as a child process from the distribution that the {@code
 * test-registry} module unpacks; the application talks to its Confluent-compatible API ({@code
 * /apis/ccompat/v7}). The input is framed by hand (magic byte 0, 4-byte schema id from the
 * registry's REST API, Avro binary) and by {@code produce --format confluent-avro}; the outputs are
 * decoded with plain Avro after fetching the writer schema by id from the registry.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SchemaRegistryIT {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaRegistryIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PATIENCE = Duration.ofSeconds(90);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final int HAND_FRAMED = 60;
  private static final int PRODUCED = 12;
  private static final int UNKNOWN_ID = 987_654;

  @TempDir static Path tmp;

  private static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor();
  private static final CountDownLatch STOP = new CountDownLatch(1);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Process registry;
  private static String ccompat;
  private static Future<Integer> exit;
  private static String bootstrap;
  private static String prefix;

  @BeforeAll
  static void startTheRegistryAndTheApplication(KafkaCluster kafka) throws Exception {
    startRegistry();
    bootstrap = kafka.bootstrapServers();
    prefix = kafka.uniqueName("sr") + ".";
    RunCommand run =
        new RunCommand(
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            System.err,
            STOP,
            false);
    String[] args = {
      "--bootstrap-servers", bootstrap,
      "--application-id", kafka.uniqueName("sr-app"),
      "--state-dir", tmp.resolve("state").toString(),
      "--http-port", "0",
      "--window", "20",
      "-D", "redunet.topic.prefix=" + prefix,
      "-D", "redunet.schema.registry.url=" + ccompat,
      "-D", "redunet.output.format=json", // the registry takes precedence
      "-D", "redunet.idle.timeout.ms=1000",
      "-D", "redunet.replication.factor=1",
      "-D", "kafka.commit.interval.ms=100"
    };
    exit = EXECUTOR.submit(() -> new CommandLine(run).execute(args));
    InetSocketAddress http = run.httpAddress.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
    URI ready = URI.create("http://127.0.0.1:" + http.getPort() + "/health/ready");
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (HTTP.send(
                HttpRequest.newBuilder(ready).GET().build(), HttpResponse.BodyHandlers.discarding())
            .statusCode()
        != 200) {
      assertThat(System.nanoTime()).as("/health/ready within %s", PATIENCE).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  /** Apicurio from test-registry/target/apicurio, on a free port, until its API answers. */
  private static void startRegistry() throws Exception {
    // Absolute: the registry runs in its own directory.
    Path home =
        Path.of(System.getProperty("apicurio.home", "../test-registry/target/apicurio"))
            .toAbsolutePath()
            .normalize();
    Path jar = home.resolve("apicurio-registry-app-3.0.9-runner.jar");
    assertThat(jar).as("Apicurio unpacked by the test-registry module").isRegularFile();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // Kept after the test (target/), for a registry that does not start.
    Path log = Files.createDirectories(Path.of("target")).resolve("apicurio-" + port + ".log");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    registry =
        new ProcessBuilder(
                java,
                "-Xmx384m",
                "-Dquarkus.http.host=127.0.0.1",
                "-Dquarkus.http.port=" + port,
                "-jar",
                jar.toString())
            .directory(home.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    ccompat = "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    long t0 = System.nanoTime();
    long deadline = t0 + PATIENCE.toNanos();
    while (true) {
      if (!registry.isAlive()) {
        throw new AssertionError(
            "Apicurio exited with code "
                + registry.exitValue()
                + "; its log ("
                + log.toAbsolutePath()
                + "):\n"
                + Files.readString(log));
      }
      assertThat(System.nanoTime())
          .as("Apicurio answering within %s; its log: %s", PATIENCE, log)
          .isLessThan(deadline);
      try {
        if (get("/subjects").statusCode() == 200) {
          break;
        }
      } catch (java.io.IOException e) {
        // not listening yet
      }
      Thread.sleep(250);
    }
    LOG.info("Apicurio answers at {} after {} ms", ccompat, (System.nanoTime() - t0) / 1_000_000);
  }

  @AfterAll
  static void stopEverything() throws Exception {
    try {
      STOP.countDown();
      if (exit != null) {
        assertThat(exit.get(90, TimeUnit.SECONDS)).as("exit code of run").isZero();
      }
      EXECUTOR.shutdown();
    } finally {
      if (registry != null) {
        registry.destroy();
        if (!registry.waitFor(20, TimeUnit.SECONDS)) {
          registry.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create(ccompat + path)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Registers a schema through the registry's REST API and returns its id. */
  private static int register(String subject, Schema schema) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(ccompat + "/subjects/" + subject + "/versions"))
                .header("Content-Type", CONTENT_TYPE)
                .POST(
                    HttpRequest.BodyPublishers.ofString(
                        JSON.writeValueAsString(Map.of("schema", schema.toString()))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body()).get("id").asInt();
  }

  /** Magic byte 0, the schema id big-endian, the Avro binary body: by hand. */
  private static byte[] frame(int schemaId, Sample s) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new SpecificDatumWriter<Sample>(Sample.getClassSchema()).write(s, enc);
    enc.flush();
    return out.toByteArray();
  }

  private static Sample sample(String id, int cls, int i, long time) {
    List<Float> x = new ArrayList<>();
    for (int d = 0; d < 4; d++) {
      x.add((d == cls ? 5f : 0f) + 0.1f * ((i * 7 + d * 3) % 5));
    }
    return Sample.newBuilder()
        .setId(id)
        .setEventTime(Instant.ofEpochMilli(time))
        .setFeatures(x)
        .setLabel("c" + cls)
        .build();
  }

  /** A Confluent-framed record decoded with plain Avro, the writer schema fetched by its id. */
  private static GenericRecord decodeWithPlainAvro(byte[] v, Map<Integer, Schema> schemas)
      throws Exception {
    assertThat(v[0]).as("Confluent magic byte").isZero();
    int id = ByteBuffer.wrap(v, 1, 4).getInt();
    Schema writer = schemas.get(id);
    if (writer == null) {
      HttpResponse<String> r = get("/schemas/ids/" + id);
      assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
      writer = new Schema.Parser().parse(JSON.readTree(r.body()).get("schema").asText());
      schemas.put(id, writer);
    }
    return new GenericDatumReader<GenericRecord>(writer)
        .read(null, DecoderFactory.get().binaryDecoder(v, 5, v.length - 5, null));
  }

  private static List<ConsumerRecord<byte[], byte[]>> readUntil(
      String topic, java.util.function.Predicate<List<ConsumerRecord<byte[], byte[]>>> done)
      throws Exception {
    Map<String, Object> c = new HashMap<>();
    c.put("bootstrap.servers", bootstrap);
    c.put("isolation.level", "read_committed");
    c.put("enable.auto.commit", false);
    List<ConsumerRecord<byte[], byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts =
          consumer.partitionsFor(topic).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
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

  @Test
  void confluentFramedSamplesGoThroughAndComeOutConfluentFramed() throws Exception {
    String samplesTopic = prefix + "samples";
    int sampleId = register(samplesTopic + "-value", Sample.getClassSchema());
    long t0 = 1_700_000_000_000L;
    Set<String> expected = new HashSet<>();
    byte[] unknown = frame(UNKNOWN_ID, sample("unknown-id", 0, 0, t0));
    Map<String, Object> p = new HashMap<>();
    p.put("bootstrap.servers", bootstrap);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < HAND_FRAMED; i++) {
        String id = "hand-" + i;
        expected.add(id);
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    samplesTopic,
                    null,
                    t0 + i,
                    id.getBytes(StandardCharsets.UTF_8),
                    frame(sampleId, sample(id, i % 3, i, t0 + i)))));
      }
      sent.add(
          producer.send(
              new ProducerRecord<>(
                  samplesTopic,
                  null,
                  t0 + HAND_FRAMED,
                  "unknown-id".getBytes(StandardCharsets.UTF_8),
                  unknown)));
      producer.flush();
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }

    // produce --format confluent-avro --schema-registry-url
    Path jsonl = tmp.resolve("more.jsonl");
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < PRODUCED; i++) {
      String id = "cli-" + i;
      expected.add(id);
      Sample s = sample(id, i % 3, i, 0);
      lines
          .append("{\"id\":\"")
          .append(id)
          .append("\",\"label\":\"")
          .append(s.getLabel())
          .append("\",\"features\":")
          .append(s.getFeatures())
          .append("}\n");
    }
    Files.writeString(jsonl, lines.toString());
    ByteArrayOutputStream produceOut = new ByteArrayOutputStream();
    int produced =
        new CommandLine(
                new ProduceCommand(
                    new PrintStream(produceOut, true, StandardCharsets.UTF_8), System.err))
            .execute(
                "--bootstrap-servers",
                bootstrap,
                "-D",
                "redunet.topic.prefix=" + prefix,
                "-D",
                "redunet.replication.factor=1",
                "--jsonl",
                jsonl.toString(),
                "--format",
                "confluent-avro",
                "--schema-registry-url",
                ccompat,
                "--start-time",
                Long.toString(t0 + 1000));
    assertThat(produced).as(produceOut.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode produceResult = lastJsonLine(produceOut);
    assertThat(produceResult.get("format").asText()).isEqualTo("confluent-avro");
    assertThat(produceResult.get("sent").asLong()).isEqualTo(PRODUCED);

    // The predictions: Confluent-framed, decoded with plain Avro.
    Map<Integer, Schema> schemas = new HashMap<>();
    List<ConsumerRecord<byte[], byte[]>> predictions =
        readUntil(prefix + "predictions", all -> all.size() >= expected.size());
    Set<String> seen = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : predictions) {
      GenericRecord g = decodeWithPlainAvro(r.value(), schemas);
      assertThat(g.getSchema().getFullName()).isEqualTo("dev.redunet.avro.Prediction");
      seen.add(g.get("sampleId").toString());
      assertThat(new String(r.key(), StandardCharsets.UTF_8))
          .isEqualTo(g.get("sampleId").toString());
    }
    assertThat(seen).isEqualTo(expected);

    // The unknown schema id: rejected as UNKNOWN_SCHEMA with its bytes, also Confluent-framed.
    List<ConsumerRecord<byte[], byte[]>> rejected =
        readUntil(prefix + "rejected", all -> !all.isEmpty());
    assertThat(rejected).hasSize(1);
    GenericRecord bad = decodeWithPlainAvro(rejected.get(0).value(), schemas);
    assertThat(bad.get("reason").toString()).isEqualTo("UNKNOWN_SCHEMA");
    assertThat(bad.get("message").toString()).contains(Integer.toString(UNKNOWN_ID));
    ByteBuffer original = (ByteBuffer) bad.get("originalValue");
    byte[] originalBytes = new byte[original.remaining()];
    original.get(originalBytes);
    assertThat(originalBytes).isEqualTo(unknown);

    // The registry holds the subjects of the TopicNameStrategy.
    JsonNode subjects = JSON.readTree(get("/subjects").body());
    List<String> names = new ArrayList<>();
    subjects.forEach(n -> names.add(n.asText()));
    assertThat(names)
        .contains(
            prefix + "samples-value", prefix + "predictions-value", prefix + "rejected-value");

    // consume --schema-registry-url decodes them.
    ByteArrayOutputStream consumeOut = new ByteArrayOutputStream();
    int consumed =
        new CommandLine(
                new ConsumeCommand(
                    new PrintStream(consumeOut, true, StandardCharsets.UTF_8), System.err))
            .execute(
                "--bootstrap-servers",
                bootstrap,
                "--topic",
                prefix + "predictions",
                "--schema-registry-url",
                ccompat,
                "--max",
                Integer.toString(expected.size()),
                "--timeout",
                "30");
    assertThat(consumed).isZero();
    List<String> printed = consumeOut.toString(StandardCharsets.UTF_8).strip().lines().toList();
    assertThat(printed).hasSize(expected.size() + 1);
    Set<String> consumedIds = new HashSet<>();
    for (int i = 0; i < expected.size(); i++) {
      JsonNode line = JSON.readTree(printed.get(i));
      assertThat(line.has("_error")).as(printed.get(i)).isFalse();
      assertThat(line.get("modelVersion").isIntegralNumber()).as(printed.get(i)).isTrue();
      consumedIds.add(line.get("sampleId").asText());
    }
    assertThat(consumedIds).isEqualTo(expected);
    assertThat(lastJsonLine(consumeOut).get("undecodable").asLong()).isZero();
  }

  private static JsonNode lastJsonLine(ByteArrayOutputStream out) throws Exception {
    List<String> lines = out.toString(StandardCharsets.UTF_8).strip().lines().toList();
    return JSON.readTree(lines.get(lines.size() - 1));
  }
}
