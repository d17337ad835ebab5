package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import dev.redunet.stream.TopicProvisioner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;

/**
 * The deployment files (docker-compose.yml, deploy/Dockerfile, deploy/k8s/*.yaml) cannot be run
 * here (no Docker, no cluster), so this test reads them: every {@code REDUNET_*} variable they set
 * is a configuration key with a valid value, every image is pinned, every command they run parses
 * as a command of {@link Main}, and the compose topics are those {@code run} would create.
 */
class DeploymentFilesTest {

  private static final Pattern VARIABLE = Pattern.compile("REDUNET_[A-Z0-9_]+");
  private static final Pattern ASSIGNMENT = Pattern.compile("^(REDUNET_[A-Z0-9_]+)=(.*)$");
  private static final Path ROOT = repositoryRoot();

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  private static Map<String, Object> compose() throws IOException {
    return map(yaml().load(Files.readString(ROOT.resolve("docker-compose.yml"))));
  }

  /** Every YAML document under deploy/k8s (the base, the components, the overlays). */
  private static List<Map<String, Object>> manifests() throws IOException {
    List<Map<String, Object>> docs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(ROOT.resolve("deploy/k8s"))) {
      for (Path f : files.filter(p -> p.toString().matches(".*\\.ya?ml")).sorted().toList()) {
        for (Object doc : yaml().loadAll(Files.readString(f, StandardCharsets.UTF_8))) {
          if (doc != null) {
            docs.add(map(doc));
          }
        }
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).as("a YAML mapping").isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertThat(o).as("a YAML sequence").isInstanceOf(List.class);
    return (List<Object>) o;
  }

  private static List<String> strings(Object o) {
    return list(o).stream().map(String::valueOf).toList();
  }

  /** Every REDUNET_* variable set in a YAML tree: mapping keys, env {@code name}s, K=V items. */
  static List<String> variables(Object node) {
    List<String> found = new ArrayList<>();
    collect(node, found);
    return found;
  }

  private static void collect(Object node, List<String> found) {
    if (node instanceof Map<?, ?> m) {
      m.forEach(
          (k, v) -> {
            String key = String.valueOf(k);
            if (VARIABLE.matcher(key).matches()) {
              found.add(key);
            }
            if (key.equals("name") && v instanceof String s && VARIABLE.matcher(s).matches()) {
              found.add(s);
            }
            collect(v, found);
          });
    } else if (node instanceof List<?> l) {
      for (Object item : l) {
        if (item instanceof String s) {
          Matcher a = ASSIGNMENT.matcher(s);
          if (a.matches()) {
            found.add(a.group(1));
          }
        }
        collect(item, found);
      }
    }
  }

  /** Whether the application knows {@code variable}: a key, the pass-through, or a launcher one. */
  static boolean known(String variable) {
    return ConfigKeys.byEnvironmentVariable(variable).isPresent()
        || variable.startsWith("REDUNET_KAFKA_")
        || AppConfig.LAUNCHER_VARIABLES.contains(variable);
  }

  /** Whether an image reference has an explicit tag other than latest, or a digest. */
  static boolean pinned(String image) {
    if (image.contains("@sha256:")) {
      return true;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon <= slash) {
      return false;
    }
    String tag = image.substring(colon + 1);
    return !tag.isEmpty() && !tag.equals("latest") && !tag.contains("$");
  }

  /** The environment of a compose service as a map (mapping or K=V list form). */
  private static Map<String, String> environment(Map<String, Object> service) {
    Map<String, String> env = new TreeMap<>();
    Object e = service.get("environment");
    if (e instanceof Map<?, ?> m) {
      m.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
    } else if (e instanceof List<?> l) {
      for (Object item : l) {
        String s = String.valueOf(item);
        int eq = s.indexOf('=');
        env.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? "" : s.substring(eq + 1));
      }
    }
    return env;
  }

  private static Map<String, Object> services() throws IOException {
    return map(compose().get("services"));
  }

  /** The image the compose file builds from deploy/Dockerfile (one service builds it). */
  static String applicationImage(Map<String, Object> services) {
    return dev.redunet.deploy.DeployFiles.applicationImage(services);
  }

  private static boolean runsTheApplication(Map<String, Object> service, String image) {
    return image.equals(String.valueOf(service.get("image")));
  }

  /** Parses {@code args} as Main would, throwing on unknown commands or options. */
  private static void parses(List<String> args) {
    new CommandLine(new Main()).parseArgs(args.toArray(String[]::new));
  }

  @Test
  void theVariableCollectorFindsMappingsEnvListsAndAssignments() {
    Object tree =
        yaml()
            .load(
                "a:\n  REDUNET_ONE: x\nenv:\n  - name: REDUNET_TWO\n    value: y\n"
                    + "environment:\n  - REDUNET_THREE=z\n  - OTHER=1\n");
    assertThat(variables(tree)).containsExactly("REDUNET_ONE", "REDUNET_TWO", "REDUNET_THREE");
    assertThat(known("REDUNET_HTTP_PORT")).isTrue();
    assertThat(known("REDUNET_KAFKA_NUM_STANDBY_REPLICAS")).isTrue();
    assertThat(known("REDUNET_JAVA_OPTS")).isTrue();
    assertThat(known("REDUNET_HTTP_PROT")).isFalse();
    assertThat(known("REDUNET_TWO")).isFalse();
  }

  @Test
  void anImageIsPinnedOnlyByAnExplicitTagOtherThanLatestOrByADigest() {
    assertThat(pinned("apache/kafka:4.4.0")).isTrue();
    assertThat(pinned("registry.example.com:5000/team/app:1.2")).isTrue();
    assertThat(pinned("eclipse-temurin@sha256:0123abcd")).isTrue();
    assertThat(pinned("apache/kafka")).isFalse();
    assertThat(pinned("apache/kafka:latest")).isFalse();
    assertThat(pinned("registry.example.com:5000/team/app")).isFalse();
    assertThat(pinned("app:${TAG}")).isFalse();
  }

  @Test
  void everyRedunetVariableOfTheComposeFileIsAKeyWithAValidValue() throws IOException {
    Map<String, Object> services = services();
    List<String> all = variables(compose());
    assertThat(all).as("the compose file configures the application").isNotEmpty();
    assertThat(all)
        .allSatisfy(v -> assertThat(known(v)).as("%s is a configuration key", v).isTrue());
    for (Map.Entry<String, Object> s : services.entrySet()) {
      Map<String, String> env = environment(map(s.getValue()));
      if (env.keySet().stream().anyMatch(k -> k.startsWith("REDUNET_"))) {
        AppConfig config = AppConfig.load(Optional.empty(), env, Map.of());
        assertThat(config.text(ConfigKeys.BOOTSTRAP_SERVERS))
            .as("service %s reaches the broker", s.getKey())
            .isEqualTo("kafka:9092");
      }
    }
  }

  @Test
  void everyImageOfTheComposeFileIsPinned() throws IOException {
    List<String> images = new ArrayList<>();
    services().forEach((name, s) -> images.add(String.valueOf(map(s).get("image"))));
    assertThat(images).doesNotContain("null").contains("apache/kafka:4.4.0");
    assertThat(images).allSatisfy(i -> assertThat(pinned(i)).as("%s is pinned", i).isTrue());
  }

  @Test
  void theComposeFileRunsTheBrokerTopicsApplicationProducerAndAConsumer() throws IOException {
    Map<String, Object> services = services();
    assertThat(services).containsKeys("kafka", "topics", "redunet", "producer", "predictions");
    assertThat(map(services.get("kafka"))).containsKey("healthcheck");
    assertThat(map(services.get("redunet"))).containsKey("healthcheck");
    assertThat(environment(map(services.get("kafka"))))
        .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller");
    List<String> commands = new ArrayList<>();
    String image = applicationImage(services);
    services.forEach(
        (name, raw) -> {
          Map<String, Object> s = map(raw);
          if (runsTheApplication(s, image)) {
            List<String> args = strings(s.get("command"));
            parses(args);
            commands.add(args.get(0));
          }
        });
    assertThat(commands).containsExactlyInAnyOrder("run", "produce", "consume");
    Map<String, String> app = environment(map(services.get("redunet")));
    assertThat(app).containsEntry("REDUNET_HTTP_HOST", "0.0.0.0");
  }

  @Test
  void aCommandWithAnUnknownOptionDoesNotParse() {
    assertThatThrownBy(() -> parses(List.of("run", "--no-such-option")))
        .isInstanceOf(CommandLine.ParameterException.class);
    assertThatThrownBy(() -> parses(List.of("serve")))
        .isInstanceOf(CommandLine.ParameterException.class);
  }

  /** One {@code --topic NAME --partitions N [--config k=v]...} line of the topics service. */
  private record Created(int partitions, Map<String, String> configs) {}

  private static Map<String, Created> createdTopics(String script) {
    Map<String, Created> out = new LinkedHashMap<>();
    for (String line : script.lines().toList()) {
      List<String> words = List.of(line.trim().split("\\s+"));
      int t = words.indexOf("--topic");
      if (!line.trim().startsWith("create ") || t < 0) {
        continue;
      }
      int partitions = Integer.parseInt(words.get(words.indexOf("--partitions") + 1));
      Map<String, String> configs = new TreeMap<>();
      for (int i = 0; i < words.size() - 1; i++) {
        if (words.get(i).equals("--config")) {
          String[] kv = words.get(i + 1).split("=", 2);
          configs.put(kv[0], kv[1]);
        }
      }
      out.put(words.get(t + 1), new Created(partitions, configs));
    }
    return out;
  }

  @Test
  void theTopicsServiceCreatesTheTopicsRunWouldCreate() throws IOException {
    Map<String, Object> services = services();
    AppConfig config =
        AppConfig.load(Optional.empty(), environment(map(services.get("redunet"))), Map.of());
    Map<String, Object> topics = map(services.get("topics"));
    assertThat(String.valueOf(topics.get("image"))).isEqualTo("apache/kafka:4.4.0");
    Map<String, Created> created = createdTopics(String.join("\n", strings(topics.get("command"))));
    Map<String, Created> expected = new LinkedHashMap<>();
    for (TopicProvisioner.TopicSpec spec : TopicProvisioner.plan(config)) {
      expected.put(spec.name(), new Created(spec.partitions(), new TreeMap<>(spec.configs())));
    }
    assertThat(created).isEqualTo(expected);
  }

  @Test
  void everyRedunetVariableOfTheKubernetesManifestsIsAKeyWithAValidValue() throws IOException {
    List<Map<String, Object>> docs = manifests();
    List<String> all = new ArrayList<>();
    docs.forEach(d -> all.addAll(variables(d)));
    assertThat(all).contains("REDUNET_BOOTSTRAP_SERVERS", "REDUNET_HTTP_ADVERTISED_HOST");
    assertThat(all)
        .allSatisfy(v -> assertThat(known(v)).as("%s is a configuration key", v).isTrue());
    Map<String, Object> configMap = kind(docs, "ConfigMap");
    Map<String, String> env = new TreeMap<>();
    map(configMap.get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    AppConfig config = AppConfig.load(Optional.empty(), env, Map.of());
    assertThat(config.text(ConfigKeys.HTTP_HOST)).isEqualTo("0.0.0.0");
    assertThat(config.kafkaProperties()).containsEntry("num.standby.replicas", "1");
  }

  private static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
    return docs.stream()
        .filter(d -> kind.equals(d.get("kind")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " in deploy/k8s"));
  }

  @Test
  void theStatefulSetKeepsItsStateOnAVolumeProbesHealthAndRunsAPinnedImage() throws IOException {
    List<Map<String, Object>> docs = manifests();
    Map<String, Object> configData = map(kind(docs, "ConfigMap").get("data"));
    Map<String, Object> spec = map(kind(docs, "StatefulSet").get("spec"));
    String headless = String.valueOf(spec.get("serviceName"));
    Map<String, Object> pod = map(map(spec.get("template")).get("spec"));
    List<Object> containers = list(pod.get("containers"));
    assertThat(containers).hasSize(1);
    Map<String, Object> c = map(containers.get(0));
    assertThat(pinned(String.valueOf(c.get("image")))).as("image %s", c.get("image")).isTrue();
    parses(strings(c.get("args")));
    assertThat(map(map(c.get("readinessProbe")).get("httpGet")))
        .containsEntry("path", "/health/ready");
    assertThat(map(map(c.get("livenessProbe")).get("httpGet")))
        .containsEntry("path", "/health/live");
    assertThat(map(c.get("resources"))).containsKeys("requests", "limits");
    String claim =
        String.valueOf(
            map(map(list(spec.get("volumeClaimTemplates")).get(0)).get("metadata")).get("name"));
    assertThat(list(c.get("volumeMounts")))
        .anySatisfy(
            m -> {
              assertThat(map(m)).containsEntry("name", claim);
              assertThat(map(m)).containsEntry("mountPath", configData.get("REDUNET_STATE_DIR"));
            });
    List<Map<String, Object>> services =
        docs.stream().filter(d -> "Service".equals(d.get("kind"))).toList();
    assertThat(services)
        .anySatisfy(
            s -> {
              assertThat(map(s.get("metadata"))).containsEntry("name", headless);
              assertThat(map(s.get("spec"))).containsEntry("clusterIP", "None");
            });
    assertThat(services)
        .anySatisfy(s -> assertThat(map(s.get("spec"))).doesNotContainKey("clusterIP"));
  }

  @Test
  void theDockerfileUsesPinnedBaseImagesKnownVariablesAndARealCommand() throws IOException {
    List<String> lines = Files.readAllLines(ROOT.resolve("deploy/Dockerfile"));
    List<String> stages = new ArrayList<>();
    List<String> bases = new ArrayList<>();
    for (String line : lines) {
      List<String> w = List.of(line.trim().split("\\s+", -1));
      if (w.get(0).equalsIgnoreCase("FROM")) {
        if (!stages.contains(w.get(1))) {
          bases.add(w.get(1));
        }
        if (w.size() >= 4 && w.get(2).equalsIgnoreCase("AS")) {
          stages.add(w.get(3));
        }
      }
    }
    assertThat(bases).hasSize(2);
    assertThat(bases.get(0)).startsWith("eclipse-temurin:17").contains("-jdk");
    assertThat(bases.get(1)).startsWith("eclipse-temurin:17").contains("-jre");
    assertThat(bases).allSatisfy(b -> assertThat(pinned(b)).as("%s is pinned", b).isTrue());
    Matcher vars = VARIABLE.matcher(String.join("\n", lines));
    List<String> used = new ArrayList<>();
    while (vars.find()) {
      used.add(vars.group());
    }
    assertThat(used).isNotEmpty();
    assertThat(used)
        .allSatisfy(v -> assertThat(known(v)).as("%s is a configuration key", v).isTrue());
    String cmd =
        lines.stream().filter(l -> l.startsWith("CMD ")).findFirst().orElseThrow().substring(4);
    parses(strings(yaml().load(cmd)));
    assertThat(lines).anyMatch(l -> l.startsWith("USER ") && !l.contains("root"));
    // The entrypoint is deploy/bin/redunet, copied to /app/bin (on the PATH), which runs the jar
    // with REDUNET_JAVA_OPTS (DeploymentIT runs it under dash).
    assertThat(lines).contains("ENTRYPOINT [\"/app/bin/redunet\"]");
    assertThat(lines).contains("COPY --chmod=0755 deploy/bin/redunet /app/bin/redunet");
    assertThat(lines)
        .contains(
            "COPY --from=build /src/streams-app/target/redunet-streams.jar"
                + " /app/redunet-streams.jar");
    assertThat(String.join("\n", lines)).contains("ENV PATH=/app/bin:$PATH");
    assertThat(lines).noneMatch(l -> l.startsWith("HEALTHCHECK"));
    String script = Files.readString(ROOT.resolve("deploy/bin/redunet"));
    assertThat(script)
        .startsWith("#!/bin/sh\n")
        .contains("${REDUNET_JAVA_OPTS:-}")
        .contains("-jar \"$jar\"");
    assertThat(Files.isExecutable(ROOT.resolve("deploy/bin/redunet"))).isTrue();
  }

  /**
   * The application's image is built once (by the redunet service) and run by the producer and the
   * consumer as it is; the broker keeps its data in a named volume; the application's health check
   * is `redunet health` (DeploymentIT runs it under dash against a running application).
   */
  @Test
  void theImageIsBuiltOnceTheBrokerDataIsAVolumeAndTheHealthCheckIsRedunetHealth()
      throws IOException {
    Map<String, Object> compose = compose();
    Map<String, Object> services = map(compose.get("services"));
    String image = applicationImage(services);
    assertThat(image).isEqualTo("redunet-streams:0.1.0");
    Map<String, Object> app = map(services.get("redunet"));
    assertThat(app).containsEntry("image", image).containsEntry("pull_policy", "build");
    for (String name : List.of("producer", "predictions")) {
      Map<String, Object> s = map(services.get(name));
      assertThat(s).as(name).doesNotContainKey("build");
      assertThat(s).as(name).containsEntry("image", image).containsEntry("pull_policy", "never");
      assertThat(map(map(s.get("depends_on")).get("redunet")))
          .containsEntry("condition", "service_healthy");
    }
    Map<String, Object> kafka = map(services.get("kafka"));
    String dataDir = environment(kafka).get("KAFKA_LOG_DIRS");
    assertThat(dataDir).isEqualTo("/var/lib/kafka/data");
    assertThat(strings(kafka.get("volumes"))).contains("kafka-data:" + dataDir);
    assertThat(map(compose.get("volumes"))).containsKeys("kafka-data", "redunet-state");
    List<String> test = strings(map(app.get("healthcheck")).get("test"));
    assertThat(test.get(0)).isEqualTo("CMD-SHELL");
    assertThat(test.get(1)).startsWith("redunet health ");
    String probe = test.get(1).substring(0, test.get(1).indexOf(" || exit 1"));
    parses(List.of(probe.substring("redunet ".length()).split(" ", -1)));
    assertThat(environment(app)).containsKey("REDUNET_JAVA_OPTS");
  }
}
