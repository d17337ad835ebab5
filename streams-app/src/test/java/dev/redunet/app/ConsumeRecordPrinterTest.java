package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.wire.OutputFormat;
import dev.redunet.wire.OutputSerdes;
import dev.redunet.wire.SchemaRegistryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** {@code consume} prints a record the same whichever output format it was written in. */
class ConsumeRecordPrinterTest {

  private static final Prediction PREDICTION =
      Prediction.newBuilder()
          .setSampleId("s-1")
          .setModelVersion(4)
          .setPredictedLabel("b")
          .setScores(
              List.of(
                  new ClassScore("a", Double.POSITIVE_INFINITY, 0.0),
                  new ClassScore("b", 1.5, 1.0)))
          .setTrueLabel("a")
          .build();
  private static final Features FEATURES =
      Features.newBuilder()
          .setSampleId("s-1")
          .setModelVersion(4)
          .setFeatures(List.of(0.6f, -0.8f))
          .setShape(List.of(2))
          .build();
  private static final RejectedRecord REJECTED =
      RejectedRecord.newBuilder()
          .setOriginalKey(ByteBuffer.wrap(utf8("k")))
          .setOriginalValue(ByteBuffer.wrap(utf8("{bad")))
          .setSourceTopic("redunet.samples")
          .setSourcePartition(0)
          .setSourceOffset(9)
          .setReason(RejectReason.UNPARSABLE)
          .setMessage("document: invalid JSON")
          .setRejectedAt(Instant.ofEpochMilli(1_700_000_000_000L))
          .build();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ConsumeCommand.RecordPrinter.Line print(byte[] key, byte[] value) {
    return new ConsumeCommand.RecordPrinter().print(new ConsumerRecord<>("t", 0, 5, key, value));
  }

  @Test
  void everyOutputRecordPrintsTheSameLineInEitherFormat() {
    for (OutputFormat format : OutputFormat.values()) {
      OutputSerdes serdes = OutputSerdes.of(format);
      ConsumeCommand.RecordPrinter.Line p =
          print(utf8("s-1"), serdes.predictions().serialize("t", PREDICTION));
      assertThat(p.decoded()).isTrue();
      assertThat(p.json())
          .as(format.configName())
          .isEqualTo(
              "{\"sampleId\":\"s-1\",\"modelVersion\":4,\"predictedLabel\":\"b\",\"scores\":["
                  + "{\"label\":\"a\",\"deltaLBits\":null,\"membership\":0.0},"
                  + "{\"label\":\"b\",\"deltaLBits\":1.5,\"membership\":1.0}],"
                  + "\"trueLabel\":\"a\",\"stale\":false,\"owedVersion\":null,"
                  + "\"noveltyBits\":null,\"novel\":false}");
      ConsumeCommand.RecordPrinter.Line f =
          print(utf8("s-1"), serdes.features().serialize("t", FEATURES));
      assertThat(f.json())
          .isEqualTo(
              "{\"sampleId\":\"s-1\",\"modelVersion\":4,\"features\":[0.6,-0.8],\"shape\":[2]}");
      ConsumeCommand.RecordPrinter.Line r =
          print(utf8("k"), serdes.rejected().serialize("t", REJECTED));
      assertThat(r.json())
          .isEqualTo(
              "{\"originalKey\":\"aw==\",\"originalValue\":\"e2JhZA==\","
                  + "\"sourceTopic\":\"redunet.samples\",\"sourcePartition\":0,\"sourceOffset\":9,"
                  + "\"reason\":\"UNPARSABLE\",\"message\":\"document: invalid JSON\","
                  + "\"rejectedAt\":1700000000000}");
    }
  }

  @Test
  void aJsonSampleWithoutIdPrintsWithItsKeyAsIdAndBadJsonIsUndecodable() {
    ConsumeCommand.RecordPrinter.Line keyed =
        print(utf8("sensor-9"), utf8("{\"features\":[1,2],\"timestamp\":5}"));
    assertThat(keyed.decoded()).isTrue();
    assertThat(keyed.json())
        .isEqualTo(
            "{\"id\":\"sensor-9\",\"timestamp\":\"1970-01-01T00:00:00.005Z\",\"source\":\"\","
                + "\"features\":[1.0,2.0],\"shape\":null,\"label\":null}");
    ConsumeCommand.RecordPrinter.Line unkeyed = print(null, utf8("{\"features\":[1,2]}"));
    assertThat(unkeyed.decoded()).isFalse();
    assertThat(unkeyed.json()).contains("\"_error\":\"MISSING_FIELD: id: missing (required)\"");
    // A JSON prediction with a value of the wrong type is not silently printed.
    ConsumeCommand.RecordPrinter.Line wrong =
        print(utf8("x"), utf8("{\"sampleId\":\"x\",\"modelVersion\":\"4\"}"));
    assertThat(wrong.decoded()).isFalse();
    assertThat(wrong.json())
        .contains("modelVersion: expected a 64-bit integer, got \\\"4\\\"")
        .contains("\"_value_base64\":");
  }

  /** A Confluent-framed value: magic byte 0, schema id 7, an Avro body of two bytes. */
  private static final byte[] CONFLUENT_ID_7 = {0, 0, 0, 0, 7, 2, 65};

  /** A registry that answers every request with {@code status} and the body {@code {}}. */
  private static HttpServer registryAnswering(int status) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] body = utf8("{\"error_code\":" + status + ",\"message\":\"test\"}");
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    return server;
  }

  private static ConsumeCommand.RecordPrinter printerOf(String url) {
    return new ConsumeCommand.RecordPrinter(
        Optional.of(new SchemaRegistryClient(url, Optional.empty(), Optional.empty())));
  }

  @Test
  void anUnreachableOrFailingRegistryIsAnErrorNotAnUnknownSchema() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = s.getLocalPort();
    }
    ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>("t", 0, 5, null, CONFLUENT_ID_7);
    assertThatThrownBy(() -> printerOf("http://127.0.0.1:" + closedPort).print(record))
        .isInstanceOfSatisfying(
            SchemaRegistryClient.SchemaRegistryException.class,
            e -> assertThat(e.registryFailed()).isTrue())
        .hasMessageContaining("schema registry http://127.0.0.1:" + closedPort + " unreachable")
        .hasMessageContaining("/schemas/ids/7");

    HttpServer failing = registryAnswering(500);
    try {
      String url = "http://127.0.0.1:" + failing.getAddress().getPort();
      assertThatThrownBy(() -> printerOf(url).print(record))
          .isInstanceOfSatisfying(
              SchemaRegistryClient.SchemaRegistryException.class,
              e -> assertThat(e.registryFailed()).isTrue())
          .hasMessageContaining("failed with HTTP 500");
    } finally {
      failing.stop(0);
    }

    // A registry that answers but does not know the id: that record is UNKNOWN_SCHEMA.
    HttpServer unknown = registryAnswering(404);
    try {
      ConsumeCommand.RecordPrinter.Line line =
          printerOf("http://127.0.0.1:" + unknown.getAddress().getPort()).print(record);
      assertThat(line.decoded()).isFalse();
      assertThat(line.json())
          .contains("\"_error\":\"UNKNOWN_SCHEMA: ")
          .contains("schema id 7 is not in the schema registry");
    } finally {
      unknown.stop(0);
    }
  }
}
