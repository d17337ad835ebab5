package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.redunet.config.AppConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code redunet health} against a stand-in HTTP endpoint: 200, 503, nothing listening. */
class HealthCommandTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<String> paths = new ArrayList<>();

  @AfterEach
  void stop() {
    servers.forEach(s -> s.stop(0));
  }

  /** A server on 127.0.0.1 answering every request with {@code status} and a health body. */
  private int serve(AtomicInteger status, String state) throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          synchronized (paths) {
            paths.add(exchange.getRequestURI().getPath());
          }
          byte[] body =
              ("{\"state\":\"" + state + "\",\"ready\":false,\"live\":true}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(status.get(), body.length);
          try (OutputStream o = exchange.getResponseBody()) {
            o.write(body);
          }
        });
    server.start();
    servers.add(server);
    return server.getAddress().getPort();
  }

  private int run(String... args) {
    HealthCommand health =
        new HealthCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandLine(health).execute(args);
  }

  private JsonNode result() throws IOException {
    List<String> lines = out.toString(StandardCharsets.UTF_8).strip().lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void aReadyInstanceIsHealthyAtItsConfiguredPortEvenWhenItBindsEveryAddress() throws Exception {
    int port = serve(new AtomicInteger(200), "RUNNING");
    int code = run("-D", "redunet.http.host=0.0.0.0", "-D", "redunet.http.port=" + port);
    assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isZero();
    JsonNode r = result();
    assertThat(r.get("url").asText()).isEqualTo("http://127.0.0.1:" + port + "/health/ready");
    assertThat(r.get("healthy").asBoolean()).isTrue();
    assertThat(r.get("status").asInt()).isEqualTo(200);
    assertThat(r.get("state").asText()).isEqualTo("RUNNING");
    assertThat(r.has("error")).isFalse();
    assertThat(paths).containsExactly("/health/ready");
  }

  @Test
  void anInstanceThatIsNotReadyIsUnhealthyWithItsState() throws Exception {
    int port = serve(new AtomicInteger(503), "REBALANCING");
    assertThat(run("-D", "redunet.http.port=" + port)).isEqualTo(1);
    JsonNode r = result();
    assertThat(r.get("healthy").asBoolean()).isFalse();
    assertThat(r.get("status").asInt()).isEqualTo(503);
    assertThat(r.get("state").asText()).isEqualTo("REBALANCING");
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("redunet health: http://127.0.0.1:" + port + "/health/ready: answered 503")
        .contains("REBALANCING");
  }

  @Test
  void liveChecksTheLivenessEndpointAndUrlAnyEndpoint() throws Exception {
    int port = serve(new AtomicInteger(200), "REBALANCING");
    assertThat(run("-D", "redunet.http.port=" + port, "--live")).isZero();
    assertThat(run("--url", "http://127.0.0.1:" + port + "/health")).isZero();
    assertThat(paths).containsExactly("/health/live", "/health");
  }

  @Test
  void nothingListeningIsUnhealthy() throws Exception {
    int port = freePort();
    assertThat(run("-D", "redunet.http.port=" + port, "--timeout", "2")).isEqualTo(1);
    JsonNode r = result();
    assertThat(r.get("healthy").asBoolean()).isFalse();
    assertThat(r.get("status").isNull()).isTrue();
    assertThat(r.get("error").asText()).startsWith("cannot connect");
  }

  @Test
  void anUnknownPortOrABadArgumentIsAUsageError() {
    assertThat(run("-D", "redunet.http.port=0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("give --url");
    assertThat(run("--url", "ftp://x/health")).isEqualTo(2);
    assertThat(run("--timeout", "0")).isEqualTo(2);
    assertThat(run("-D", "redunet.http.prot=1")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown configuration key");
  }

  @Test
  void theEndpointOfAnIpv6OrNamedHost() {
    assertThat(
            HealthCommand.endpoint(
                    AppConfig.of(Map.of("redunet.http.host", "::1", "redunet.http.port", "9")),
                    false)
                .toString())
        .isEqualTo("http://[::1]:9/health/ready");
    assertThat(
            HealthCommand.endpoint(
                    AppConfig.of(Map.of("redunet.http.host", "redunet", "redunet.http.port", "80")),
                    true)
                .toString())
        .isEqualTo("http://redunet:80/health/live");
  }
}
