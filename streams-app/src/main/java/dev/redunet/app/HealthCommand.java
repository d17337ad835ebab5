package dev.redunet.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKeys;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./redunet health}: asks a running instance's HTTP endpoint whether it is ready (or live),
 * for container health checks that have no HTTP client (the image's {@code /bin/sh} is dash, which
 * has no {@code /dev/tcp}). The address is the instance's own configuration, {@code
 * redunet.http.host}:{@code redunet.http.port} (a wildcard bind address means this machine,
 * 127.0.0.1), or {@code --url}.
 *
 * <p>Exit code 0 when the endpoint answers 200, 1 when it answers anything else or cannot be
 * reached in time (the codes Docker's {@code HEALTHCHECK} expects), 2 for bad arguments or
 * configuration. stdout gets one JSON line: {@code url}, {@code healthy}, {@code status} (the HTTP
 * status, null when there was no answer), {@code state} (the Kafka Streams state the endpoint
 * reported, null if none) and, when unhealthy, {@code error}.
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a running instance's /health/ready (or /health/live) over HTTP: exit code 0 when it"
          + " answers 200, 1 otherwise. For container health checks.",
      "The address is redunet.http.host:redunet.http.port of the configuration (REDUNET_HTTP_PORT,"
          + " ...; 0.0.0.0 means 127.0.0.1), or --url."
    })
public final class HealthCommand implements Callable<Integer> {

  private static final String NAME = "health";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> WILDCARDS = Set.of("0.0.0.0", "::", "[::]", "*");

  @Mixin ConfigOptions options;

  @Option(
      names = "--live",
      description = "Check /health/live (not failed) instead of /health/ready (RUNNING).")
  boolean live;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The endpoint to check, e.g. http://10.0.0.7:8080/health/ready.")
  String url;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description = "Give up after this long (default ${DEFAULT-VALUE} s).")
  double timeoutSeconds;

  private final PrintStream out;
  private final PrintStream err;

  /** The command as run from the command line. */
  public HealthCommand() {
    this(System.out, System.err);
  }

  HealthCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** The endpoint the configuration points at: its HTTP host (a wildcard: 127.0.0.1) and port. */
  static URI endpoint(AppConfig config, boolean live) {
    String host = config.text(ConfigKeys.HTTP_HOST);
    if (WILDCARDS.contains(host)) {
      host = "127.0.0.1";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    int port = config.integer(ConfigKeys.HTTP_PORT);
    if (port == 0) {
      throw new ConfigException(
          "redunet.http.port is 0 (any free port): the instance's port is not known here; give"
              + " --url");
    }
    return URI.create("http://" + host + ":" + port + (live ? "/health/live" : "/health/ready"));
  }

  @Override
  public Integer call() {
    if (!(timeoutSeconds > 0) || !Double.isFinite(timeoutSeconds)) {
      return CommandSupport.usageError(
          err, NAME, "--timeout must be a positive number of seconds, got " + timeoutSeconds);
    }
    URI target;
    try {
      target = url != null ? URI.create(url) : endpoint(options.load(Map.of()), live);
      if (!"http".equals(target.getScheme()) && !"https".equals(target.getScheme())) {
        return CommandSupport.usageError(err, NAME, "--url must be an http(s) URL, got " + url);
      }
    } catch (ConfigException | IllegalArgumentException e) {
      return CommandSupport.usageError(err, NAME, e.getMessage());
    }
    Duration timeout = Duration.ofMillis(Math.max(1, Math.round(timeoutSeconds * 1000)));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("url", target.toString());
    Integer status = null;
    String state = null;
    String error = null;
    try {
      HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      status = response.statusCode();
      state = state(response.body());
      if (status != 200) {
        error = "answered " + status + (state == null ? "" : " (Kafka Streams " + state + ")");
      }
    } catch (ConnectException e) {
      error = "cannot connect (is the application running and serving HTTP there?)";
    } catch (HttpTimeoutException e) {
      error = "no answer within " + timeoutSeconds + " s";
    } catch (IOException e) {
      error = "request failed: " + e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      error = "interrupted";
    }
    boolean healthy = error == null;
    result.put("healthy", healthy);
    result.put("status", status);
    result.put("state", state);
    if (!healthy) {
      result.put("error", error);
      err.println("redunet health: " + target + ": " + error);
      err.flush();
    }
    out.println(CommandSupport.json(result));
    out.flush();
    return healthy ? 0 : 1;
  }

  /** The {@code state} field of a health answer, null if the body is not such JSON. */
  private static String state(String body) {
    try {
      JsonNode json = JSON.readTree(body);
      JsonNode s = json == null ? null : json.get("state");
      return s == null || !s.isTextual() ? null : s.asText();
    } catch (IOException e) {
      return null;
    }
  }
}
