package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The registry client and the Confluent framing against a small fake of the Confluent REST API (the
 * real-registry test is {@code SchemaRegistryIT}, against Apicurio).
 */
class SchemaRegistryClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2024-05-01T00:00:00Z");

  private HttpServer server;
  private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
  private final Map<String, Integer> subjects = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextId = new AtomicInteger(41);
  private volatile int failWith;
  private String url;

  @BeforeEach
  void startTheFakeRegistry() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/ccompat/v7/", this::handle);
    server.start();
    url = "http://127.0.0.1:" + server.getAddress().getPort() + "/ccompat/v7/";
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getPath().substring("/ccompat/v7".length());
    requests.add(ex.getRequestMethod() + " " + path);
    String auth = ex.getRequestHeaders().getFirst("Authorization");
    authorizations.add(auth == null ? "" : auth);
    int status;
    String body;
    if (failWith != 0) {
      status = failWith;
      body = "{\"error_code\":" + failWith + ",\"message\":\"no\"}";
    } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
      String schema = schemas.get(Integer.parseInt(path.substring("/schemas/ids/".length())));
      status = schema == null ? 404 : 200;
      body =
          schema == null
              ? "{\"error_code\":40403,\"message\":\"Schema not found\"}"
              : JSON.writeValueAsString(Map.of("schema", schema));
    } else if (ex.getRequestMethod().equals("POST") && path.endsWith("/versions")) {
      JsonNode request = JSON.readTree(ex.getRequestBody());
      String subject = path.substring("/subjects/".length(), path.length() - "/versions".length());
      int id = nextId.incrementAndGet();
      schemas.put(id, request.get("schema").asText());
      subjects.put(subject, id);
      status = 200;
      body = "{\"id\":" + id + "}";
    } else {
      status = 404;
      body = "{}";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private SchemaRegistryClient client() {
    return new SchemaRegistryClient(url, Optional.of("alice:s3cret"), Optional.empty());
  }

  private static Sample sample() {
    return Sample.newBuilder()
        .setId("s-1")
        .setEventTime(NOW)
        .setFeatures(List.of(1f, 2f, 3f))
        .setLabel("a")
        .build();
  }

  @Test
  void aSampleRoundTripsThroughTheConfluentFramingAndTheRegistryIsAskedOnce() {
    ConfluentAvro<Sample> codec = new ConfluentAvro<>(Sample.class, client());
    byte[] bytes = codec.encode("in", sample());
    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(subjects.get("in-value"));
    assertThat(SampleDecoder.detect(bytes)).contains(SampleDecoder.Format.CONFLUENT_AVRO);

    SampleDecoder decoder = SampleDecoder.create().withRegistry(Optional.of(client()));
    assertThat(decoder.decode(bytes, NOW)).isEqualTo(sample());
    assertThat(decoder.decode(bytes, NOW)).isEqualTo(sample());
    codec.encode("in", sample());
    assertThat(requests).containsExactly("POST /subjects/in-value/versions", "GET /schemas/ids/42");
    assertThat(authorizations)
        .containsOnly(
            "Basic "
                + java.util.Base64.getEncoder()
                    .encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void anUnknownIdOrNoRegistryIsUnknownSchema() {
    byte[] bytes = new ConfluentAvro<>(Sample.class, client()).encode("in", sample());
    bytes[4] = 99; // another id
    WireFormatException unknown =
        catchWire(
            () -> SampleDecoder.create().withRegistry(Optional.of(client())).decode(bytes, NOW));
    assertThat(unknown.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
    assertThat(unknown.getMessage()).contains("schema id 99", "does not know");

    WireFormatException none = catchWire(() -> SampleDecoder.create().decode(bytes, NOW));
    assertThat(none.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
    assertThat(none.getMessage()).contains("no schema registry is configured");
  }

  @Test
  void aWriterSchemaThatIsNotASampleIsUnknownSchema() {
    SchemaRegistryClient registry = client();
    byte[] prediction =
        new ConfluentAvro<>(Prediction.class, registry)
            .encode(
                "out",
                Prediction.newBuilder()
                    .setSampleId("s")
                    .setModelVersion(1)
                    .setPredictedLabel(null)
                    .setScores(List.of())
                    .build());
    WireFormatException e =
        catchWire(
            () ->
                SampleDecoder.create().withRegistry(Optional.of(registry)).decode(prediction, NOW));
    assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
    assertThat(e.getMessage()).contains("cannot be read as dev.redunet.avro.Sample");
  }

  @Test
  void anOutputSerdeWithARegistryWritesTheConfluentFramingUnderTheTopicsSubject() {
    OutputSerde<Sample> serde =
        new OutputSerde<>(AvroCodec.of(Sample.class), OutputFormat.JSON)
            .withRegistry(client(), "default-topic");
    byte[] viaKafka = serde.serialize("p", sample());
    byte[] viaDefault = serde.encode(sample());
    assertThat(viaKafka[0]).isZero();
    assertThat(subjects).containsOnlyKeys("p-value", "default-topic-value");
    assertThat(serde.deserialize("p", viaKafka)).isEqualTo(sample());
    assertThat(serde.decode(viaDefault)).isEqualTo(sample());
    // A serde without a registry reads the other formats and rejects this one clearly.
    OutputSerde<Sample> plain = new OutputSerde<>(AvroCodec.of(Sample.class), OutputFormat.AVRO);
    assertThat(catchWire(() -> plain.decode(viaKafka)).reason())
        .isEqualTo(RejectReason.UNKNOWN_SCHEMA);
  }

  @Test
  void registryErrorsAreClearAndNotRejections() {
    failWith = 401;
    assertThatThrownBy(() -> client().register("x-value", Sample.getClassSchema()))
        .isInstanceOf(SchemaRegistryClient.SchemaRegistryException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("redunet.schema.registry.basic.auth.user.info");
    server.stop(0);
    assertThatThrownBy(() -> client().schemaById(1))
        .isInstanceOf(SchemaRegistryClient.SchemaRegistryException.class)
        .hasMessageContaining("unreachable");
    assertThatThrownBy(
            () -> new SchemaRegistryClient("ftp://x", Optional.empty(), Optional.empty()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected http:// or https://");
  }

  private static WireFormatException catchWire(Runnable r) {
    try {
      r.run();
    } catch (WireFormatException e) {
      return e;
    }
    throw new AssertionError("no WireFormatException");
  }
}
