package dev.redunet.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.testing.SystemTools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deployment as far as it runs without Docker or Kubernetes: the image's layout (its entrypoint
 * deploy/bin/redunet, the packaged jar and its libraries) is rebuilt in a temporary directory, and
 * the application is started through that entrypoint under dash (the image's /bin/sh) with the
 * environment a pod of deploy/k8s gets — the Dockerfile's ENV, the ConfigMap, the container's env,
 * and every variable Kubernetes would inject for the Services of deploy/k8s — on the in-process
 * broker. Only what cannot be the same here is changed: the bootstrap servers, the replication
 * factor (one broker), the state directory, a free HTTP port, and a topic prefix and application id
 * of its own.
 *
 * <p>Then: the application serves /health/ready, its JVM got REDUNET_JAVA_OPTS, its logs are JSON
 * (REDUNET_LOG_FORMAT in the ConfigMap), every metric the alert rules and the dashboard use is on
 * its /metrics, the healthcheck of every compose service that runs the application's image passes
 * under dash, and fails once the application is stopped (by SIGTERM, which reaches the JVM through
 * the entrypoint's exec).
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeploymentIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final Duration PATIENCE = Duration.ofMinutes(3);

  private Path dash;
  private Path app;
  private Path work;
  private int port;
  private String prefix;
  private Process running;
  private Path stdout;
  private Path stderr;

  @BeforeAll
  void startTheApplicationAsAPodWould(KafkaCluster kafka, @TempDir Path tmp) throws Exception {
    dash = SystemTools.require("/bin/dash", "dash");
    work = tmp;
    app = imageLayout(tmp.resolve("app"));
    port = freePort();
    prefix = kafka.uniqueName("deploy") + ".";

    List<Map<String, Object>> docs = DeployFiles.kustomize("deploy/k8s");
    Map<String, String> env =
        new TreeMap<>(KubernetesManifestsTest.podEnvironment(docs, "127.0.0.1"));
    Map<String, String> links = KubernetesManifestsTest.serviceLinks(docs);
    assertThat(links).isNotEmpty();
    env.putAll(links);
    env.put("REDUNET_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    env.put("REDUNET_REPLICATION_FACTOR", "1");
    env.put("REDUNET_STATE_DIR", tmp.resolve("state").toString());
    env.put("REDUNET_HTTP_PORT", Integer.toString(port));
    env.put("REDUNET_APPLICATION_ID", kafka.uniqueName("deploy-app"));
    env.put("REDUNET_TOPIC_PREFIX", prefix);
    stdout = tmp.resolve("run.out");
    stderr = tmp.resolve("run.err");
    running =
        process(List.of(dash.toString(), app.resolve("bin/redunet").toString(), "run"), env)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    awaitReady();

    // The demo producer of docker-compose.yml, through the same entrypoint: 600 digits, more
    // than the window of the ConfigMap (500), so that version 1 is built.
    Map<String, Object> producer =
        DeployFiles.map(
            DeployFiles.map(DeployFiles.yamlFile("docker-compose.yml").get("services"))
                .get("producer"));
    List<String> produce = new ArrayList<>(DeployFiles.strings(producer.get("command")));
    assertThat(produce.subList(0, 3)).containsExactly("produce", "--dataset", "mnist10k");
    produce.removeIf(a -> a.equals("--rate") || a.equals("50"));
    produce.addAll(List.of("--max-samples", "600"));
    Map<String, String> producerEnv = containerEnv(producer);
    producerEnv.put("REDUNET_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
    producerEnv.put("REDUNET_TOPIC_PREFIX", prefix);
    List<String> command =
        new ArrayList<>(List.of(dash.toString(), app.resolve("bin/redunet").toString()));
    command.addAll(produce);
    Process p =
        process(command, producerEnv)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("produce.out").toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(tmp.resolve("produce.out"))).isZero();
  }

  @AfterAll
  void stopTheApplication() throws InterruptedException, IOException {
    if (running != null && running.isAlive()) {
      running.destroyForcibly();
      running.waitFor(30, TimeUnit.SECONDS);
    }
    if (app != null) { // the links into target/, before JUnit deletes the temporary directory
      Files.deleteIfExists(app.resolve("lib"));
      Files.deleteIfExists(app.resolve("redunet-streams.jar"));
    }
  }

  /** The image's /app: bin/redunet (a copy), redunet-streams.jar and lib/ (links to target/). */
  private static Path imageLayout(Path root) throws IOException {
    Path target = DeployFiles.ROOT.resolve("streams-app/target");
    Path jar = target.resolve("redunet-streams.jar");
    assertThat(jar)
        .as("the packaged application (the package phase runs before the integration tests)")
        .isRegularFile();
    assertThat(target.resolve("lib")).isDirectory();
    Files.createDirectories(root.resolve("bin"));
    Files.copy(
        DeployFiles.ROOT.resolve("deploy/bin/redunet"),
        root.resolve("bin/redunet"),
        StandardCopyOption.COPY_ATTRIBUTES);
    Files.createSymbolicLink(root.resolve("redunet-streams.jar"), jar);
    Files.createSymbolicLink(root.resolve("lib"), target.resolve("lib"));
    return root;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * A process with exactly {@code env}, plus what this machine needs to find programs: the image's
   * PATH ({@code /app/bin:$PATH}) maps to the layout's bin and this machine's PATH.
   */
  private ProcessBuilder process(List<String> command, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(work.toFile());
    Map<String, String> e = pb.environment();
    String hostPath = System.getenv("PATH");
    String javaHome = System.getProperty("java.home");
    e.clear();
    e.putAll(env);
    e.put(
        "PATH",
        env.getOrDefault("PATH", "$PATH")
            .replace("/app/bin", app.resolve("bin").toString())
            .replace("$PATH", javaHome + "/bin:" + hostPath));
    e.put("JAVA_HOME", javaHome);
    e.put("HOME", work.toString());
    return pb;
  }

  /** The environment of a container of a compose service: the image's ENV, then the service's. */
  private static Map<String, String> containerEnv(Map<String, Object> service) {
    Map<String, String> env = new LinkedHashMap<>(DeployFiles.dockerfileEnv("deploy/Dockerfile"));
    env.putAll(DeployFiles.composeEnvironment(service));
    return env;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private String log() throws IOException {
    return "stdout:\n" + Files.readString(stdout) + "\nstderr:\n" + tail(Files.readString(stderr));
  }

  private static String tail(String s) {
    return s.length() <= 6000 ? s : "..." + s.substring(s.length() - 6000);
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    while (true) {
      assertThat(running.isAlive()).as("the application runs; %s", log()).isTrue();
      try {
        if (get("/health/ready").statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not serving yet
      }
      assertThat(System.nanoTime()).as("ready within %s; %s", PATIENCE, log()).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  /** The samples of /metrics: name → values of its series. */
  private static Map<String, List<String>> samples(String text) {
    Map<String, List<String>> out = new TreeMap<>();
    for (String line : text.lines().toList()) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int brace = line.indexOf('{');
      int space = line.lastIndexOf(' ');
      String name = line.substring(0, brace >= 0 ? brace : line.indexOf(' '));
      out.computeIfAbsent(name, k -> new ArrayList<>()).add(line.substring(space + 1));
    }
    return out;
  }

  private static double value(String metrics, String seriesPrefix) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(seriesPrefix))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no series " + seriesPrefix + " on /metrics"));
  }

  @Test
  @Order(1)
  void theApplicationRunsAsAPodWithItsJavaOptionsAndJsonLogs() throws Exception {
    HttpResponse<String> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(JSON.readTree(ready.body()).get("state").asText()).isEqualTo("RUNNING");

    String metrics = get("/metrics").body();
    // REDUNET_JAVA_OPTS of the ConfigMap reached the JVM through the entrypoint.
    assertThat(value(metrics, "jvm_memory_max_bytes{area=\"nonheap\",id=\"Metaspace\"}"))
        .isEqualTo(192.0 * 1024 * 1024);
    assertThat(value(metrics, "jvm_threads_peak_threads"))
        .as("the threads SCALING.md budgets stacks for")
        .isLessThanOrEqualTo(MemoryBudget.THREADS);
    System.out.printf(
        "DeploymentIT: %.0f threads at the peak, metaspace %.1f MiB used%n",
        value(metrics, "jvm_threads_peak_threads"),
        value(metrics, "jvm_memory_used_bytes{area=\"nonheap\",id=\"Metaspace\"}") / (1 << 20));

    // REDUNET_LOG_FORMAT=json: every line on stderr is one JSON log event.
    List<String> lines = Files.readAllLines(stderr);
    assertThat(lines).isNotEmpty();
    List<String> messages = new ArrayList<>();
    for (String line : lines) {
      JsonNode event = JSON.readTree(line);
      assertThat(event.isObject()).as(line).isTrue();
      assertThat(event.get("level").asText())
          .as(line)
          .isIn("TRACE", "DEBUG", "INFO", "WARN", "ERROR");
      assertThat(event.get("loggerName").asText()).as(line).isNotBlank();
      assertThat(event.get("timestamp").asLong()).as(line).isPositive();
      messages.add(event.get("formattedMessage").asText());
    }
    assertThat(messages).contains("Kafka Streams state REBALANCING -> RUNNING");
  }

  @Test
  @Order(2)
  void everyMetricOfTheAlertRulesAndTheDashboardIsOnMetrics() throws Exception {
    Set<String> wanted = OperatorKit.metricNames();
    assertThat(wanted).hasSizeGreaterThan(20);
    long deadline = System.nanoTime() + PATIENCE.toNanos();
    Set<String> missing;
    String metrics;
    while (true) {
      metrics = get("/metrics").body();
      Map<String, List<String>> samples = samples(metrics);
      missing = new TreeSet<>(wanted);
      missing.removeAll(samples.keySet());
      boolean built =
          samples.containsKey("redunet_model_version")
              && value(metrics, "redunet_model_version ") >= 1;
      if (missing.isEmpty() && built) {
        break;
      }
      assertThat(System.nanoTime())
          .as("on /metrics within %s: %s, and a model version (%s)", PATIENCE, missing, log())
          .isLessThan(deadline);
      Thread.sleep(1000);
    }
    assertThat(missing).isEmpty();
    double version = value(metrics, "redunet_model_version ");
    double windows = value(metrics, "redunet_model_windows_closed ");
    assertThat(windows)
        .as("windows closed, from the builder's progress")
        .isGreaterThanOrEqualTo(version);
    assertThat(windows - version).isBetween(0.0, 2.0);
  }

  /** The compose services that run the application's image, by name. */
  private static Map<String, Map<String, Object>> applicationServices() {
    Map<String, Object> services =
        DeployFiles.map(DeployFiles.yamlFile("docker-compose.yml").get("services"));
    String image = DeployFiles.applicationImage(services);
    Map<String, Map<String, Object>> out = new TreeMap<>();
    services.forEach(
        (name, s) -> {
          if (image.equals(String.valueOf(DeployFiles.map(s).get("image")))) {
            out.put(name, DeployFiles.map(s));
          }
        });
    return out;
  }

  /** Runs the healthcheck of a compose service as Docker would, under dash; its exit and output. */
  private Map.Entry<Integer, String> healthcheck(
      Map<String, Object> service, Map<String, String> extra) throws Exception {
    List<String> test =
        DeployFiles.strings(DeployFiles.map(service.get("healthcheck")).get("test"));
    List<String> command = new ArrayList<>();
    switch (test.get(0)) {
      case "CMD-SHELL" -> command.addAll(List.of(dash.toString(), "-c", test.get(1)));
      case "CMD" -> command.addAll(test.subList(1, test.size()));
      default -> throw new AssertionError("a healthcheck test of kind " + test.get(0));
    }
    Map<String, String> env = containerEnv(service);
    // Inside the container the application listens on 8080; here, on the port it was given.
    assertThat(env).containsEntry("REDUNET_HTTP_PORT", "8080");
    env.put("REDUNET_HTTP_PORT", Integer.toString(port));
    env.putAll(extra);
    Process p = process(command, env).redirectErrorStream(true).start();
    Duration timeout =
        Duration.ofSeconds(
            Long.parseLong(
                String.valueOf(DeployFiles.map(service.get("healthcheck")).get("timeout"))
                    .replace("s", "")));
    boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(done).as("the healthcheck ends within its timeout %s: %s", timeout, out).isTrue();
    return Map.entry(p.exitValue(), out);
  }

  @Test
  @Order(3)
  void theHealthcheckOfEveryServiceOfTheImagePassesUnderDash() throws Exception {
    Map<String, Map<String, Object>> services = applicationServices();
    assertThat(services.keySet()).containsExactly("predictions", "producer", "redunet");
    List<String> checked = new ArrayList<>();
    for (Map.Entry<String, Map<String, Object>> s : services.entrySet()) {
      if (!s.getValue().containsKey("healthcheck")) {
        continue; // the image declares none (DeploymentFilesTest), so neither has one
      }
      Map.Entry<Integer, String> r = healthcheck(s.getValue(), Map.of());
      assertThat(r.getKey()).as("%s: %s", s.getKey(), r.getValue()).isZero();
      String last = r.getValue().strip().lines().reduce((a, b) -> b).orElseThrow();
      JsonNode result = JSON.readTree(last);
      assertThat(result.get("healthy").asBoolean()).isTrue();
      assertThat(result.get("url").asText())
          .isEqualTo("http://127.0.0.1:" + port + "/health/ready");
      // The probe's JVM takes none of the application's options (a bad one would stop it).
      Map.Entry<Integer, String> withBadOpts =
          healthcheck(s.getValue(), Map.of("REDUNET_JAVA_OPTS", "-XX:+NoSuchJvmOption"));
      assertThat(withBadOpts.getKey()).as(withBadOpts.getValue()).isZero();
      checked.add(s.getKey());
    }
    assertThat(checked).containsExactly("redunet");
  }

  @Test
  @Order(4)
  void onceTheApplicationStopsTheHealthcheckFails() throws Exception {
    running.destroy(); // SIGTERM to dash's exec: the JVM itself
    assertThat(running.waitFor(90, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
    assertThat(running.exitValue())
        .as("the JVM's status after SIGTERM, 128 + 15; %s", log())
        .isEqualTo(143);
    // run closed Kafka Streams and printed its summary: the signal reached the JVM.
    String summary = Files.readString(stdout).strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(JSON.readTree(summary).get("state").asText()).isEqualTo("NOT_RUNNING");
    assertThat(JSON.readTree(summary).get("accepted").asLong()).isEqualTo(600);
    Map.Entry<Integer, String> r = healthcheck(applicationServices().get("redunet"), Map.of());
    assertThat(r.getKey()).as(r.getValue()).isEqualTo(1);
    assertThat(r.getValue().toLowerCase(Locale.ROOT)).contains("cannot connect");
  }
}
