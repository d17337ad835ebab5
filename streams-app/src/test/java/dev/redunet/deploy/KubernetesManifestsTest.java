package dev.redunet.deploy;

import static dev.redunet.deploy.DeployFiles.kind;
import static dev.redunet.deploy.DeployFiles.kinds;
import static dev.redunet.deploy.DeployFiles.list;
import static dev.redunet.deploy.DeployFiles.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKeys;
import dev.redunet.stream.BoundedRocksDbConfig;
import dev.redunet.stream.IngressMetrics;
import dev.redunet.stream.StreamsProperties;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/k8s, read as {@code kubectl apply -k} would build it (no cluster here): the environment a
 * pod gets, the variables Kubernetes would inject for every Service, the security context, the
 * memory arithmetic and the optional Prometheus Operator component.
 */
class KubernetesManifestsTest {

  /** What {@code kubectl apply -k deploy/k8s} applies. */
  static List<Map<String, Object>> base() {
    return DeployFiles.kustomize("deploy/k8s");
  }

  /** The application's container of the StatefulSet. */
  static Map<String, Object> container(List<Map<String, Object>> docs) {
    List<Object> containers = list(podSpec(docs).get("containers"));
    assertThat(containers).hasSize(1);
    return map(containers.get(0));
  }

  static Map<String, Object> podSpec(List<Map<String, Object>> docs) {
    Map<String, Object> spec = map(kind(docs, "StatefulSet").get("spec"));
    return map(map(spec.get("template")).get("spec"));
  }

  /**
   * The environment of the application's container: the Dockerfile's ENV, the ConfigMap (envFrom),
   * then the container's env (a fieldRef to the pod IP becomes {@code podIp}).
   */
  static Map<String, String> podEnvironment(List<Map<String, Object>> docs, String podIp) {
    Map<String, String> env = new LinkedHashMap<>(DeployFiles.dockerfileEnv("deploy/Dockerfile"));
    Map<String, Object> c = container(docs);
    for (Object from : list(c.get("envFrom"))) {
      String name = String.valueOf(map(map(from).get("configMapRef")).get("name"));
      Map<String, Object> configMap =
          kinds(docs, "ConfigMap").stream()
              .filter(m -> name.equals(map(m.get("metadata")).get("name")))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
      map(configMap.get("data")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    }
    for (Object e : list(c.get("env"))) {
      Map<String, Object> var = map(e);
      String name = String.valueOf(var.get("name"));
      if (var.containsKey("value")) {
        env.put(name, String.valueOf(var.get("value")));
      } else {
        Map<String, Object> field = map(map(var.get("valueFrom")).get("fieldRef"));
        assertThat(field.get("fieldPath")).isEqualTo("status.podIP");
        env.put(name, podIp);
      }
    }
    return env;
  }

  /** The variables Kubernetes would inject for every Service of {@code docs}. */
  static Map<String, String> serviceLinks(List<Map<String, Object>> docs) {
    Map<String, String> env = new TreeMap<>();
    int i = 10;
    for (Map<String, Object> service : kinds(docs, "Service")) {
      env.putAll(ServiceLinks.of(service, "10.96.0." + i++));
    }
    return env;
  }

  @Test
  void theServiceLinkVariablesAreThoseKubernetesDocumentsForAService() {
    // The example of the Kubernetes documentation ("Discovering services: environment variables"),
    // with a named port added.
    Map<String, Object> redis =
        DeployFiles.map(
            DeployFiles.yaml()
                .load(
                    "kind: Service\nmetadata: {name: redis-primary}\n"
                        + "spec: {clusterIP: 10.0.0.11, ports: [{name: redis, port: 6379}]}\n"));
    assertThat(ServiceLinks.of(redis, "unused"))
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "REDIS_PRIMARY_SERVICE_HOST", "10.0.0.11",
                "REDIS_PRIMARY_SERVICE_PORT", "6379",
                "REDIS_PRIMARY_SERVICE_PORT_REDIS", "6379",
                "REDIS_PRIMARY_PORT", "tcp://10.0.0.11:6379",
                "REDIS_PRIMARY_PORT_6379_TCP", "tcp://10.0.0.11:6379",
                "REDIS_PRIMARY_PORT_6379_TCP_PROTO", "tcp",
                "REDIS_PRIMARY_PORT_6379_TCP_PORT", "6379",
                "REDIS_PRIMARY_PORT_6379_TCP_ADDR", "10.0.0.11"));
  }

  /**
   * The configuration starts with every variable Kubernetes would inject for the Services of
   * deploy/k8s (the pods set enableServiceLinks: false, so none is injected, but a namespace where
   * it is on must work too): none of them begins with REDUNET_.
   */
  @Test
  void theConfigurationStartsWithTheVariablesOfEveryService() {
    for (String dir : List.of("deploy/k8s", "deploy/k8s/with-prometheus-operator")) {
      List<Map<String, Object>> docs = DeployFiles.kustomize(dir);
      Map<String, String> links = serviceLinks(docs);
      assertThat(kinds(docs, "Service")).hasSize(2);
      assertThat(links).hasSize(2 * 8);
      assertThat(links.keySet())
          .allSatisfy(v -> assertThat(v).as("an injected variable").doesNotStartWith("REDUNET_"));
      Map<String, String> env = new TreeMap<>(podEnvironment(docs, "10.244.1.7"));
      env.putAll(links);
      AppConfig config = AppConfig.load(Optional.empty(), env, Map.of());
      assertThat(config.text(ConfigKeys.HTTP_HOST)).isEqualTo("0.0.0.0");
      assertThat(config.integer(ConfigKeys.HTTP_PORT)).isEqualTo(8080);
      assertThat(config.text(ConfigKeys.HTTP_ADVERTISED_HOST)).isEqualTo("10.244.1.7");
      Properties streams = StreamsProperties.of(config, new IngressMetrics());
      assertThat(streams.get(BoundedRocksDbConfig.MEMORY_CONFIG))
          .isEqualTo(new BoundedRocksDbConfig.Memory(512L << 20, 128L << 20));
      assertThat(streams).containsEntry("num.standby.replicas", "1");
    }
  }

  /** The same check fails for a Service named as before, and a misspelled key still fails. */
  @Test
  void aServiceNamedRedunetHttpOrAMisspelledKeyStopsTheConfiguration() {
    List<Map<String, Object>> docs = base();
    Map<String, String> pod = podEnvironment(docs, "10.244.1.7");
    Map<String, Object> old =
        DeployFiles.map(
            DeployFiles.yaml()
                .load(
                    "kind: Service\nmetadata: {name: redunet-http}\n"
                        + "spec: {ports: [{name: http, port: 8080, targetPort: http}]}\n"));
    Map<String, String> env = new TreeMap<>(pod);
    env.putAll(ServiceLinks.of(old, "10.96.0.99"));
    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), env, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("REDUNET_HTTP")
        .hasMessageContaining("enableServiceLinks: false");

    Map<String, String> typo = new TreeMap<>(pod);
    typo.putAll(serviceLinks(docs));
    typo.put("REDUNET_WINDOWS", "500");
    assertThatThrownBy(() -> AppConfig.load(Optional.empty(), typo, Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown environment variable REDUNET_WINDOWS")
        .hasMessageContaining("did you mean REDUNET_WINDOW?");
  }

  @Test
  void podsGetNoServiceLinksAndRunRestrictedAsANonRootUserOnAReadOnlyRoot() {
    List<Map<String, Object>> docs = base();
    Map<String, Object> pod = podSpec(docs);
    assertThat(pod).containsEntry("enableServiceLinks", false);
    Map<String, Object> podSecurity = map(pod.get("securityContext"));
    assertThat(podSecurity).containsEntry("runAsNonRoot", true);
    assertThat((Integer) podSecurity.get("runAsUser")).isPositive();
    assertThat(map(podSecurity.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");
    assertThat(DeployFiles.read("deploy/Dockerfile"))
        .as("the image's user is the pod's")
        .contains("USER " + podSecurity.get("runAsUser") + ":");

    Map<String, Object> c = container(docs);
    Map<String, Object> security = map(c.get("securityContext"));
    assertThat(security)
        .containsEntry("runAsNonRoot", true)
        .containsEntry("allowPrivilegeEscalation", false)
        .containsEntry("readOnlyRootFilesystem", true);
    assertThat(map(security.get("capabilities")).get("drop")).isEqualTo(List.of("ALL"));
    assertThat(map(security.get("capabilities"))).doesNotContainKey("add");
    assertThat(map(security.get("seccompProfile"))).containsEntry("type", "RuntimeDefault");

    // Everything the application writes is a volume: the state directory and /tmp.
    Map<String, String> env = podEnvironment(docs, "10.244.1.7");
    Map<String, String> mounts = new TreeMap<>();
    for (Object m : list(c.get("volumeMounts"))) {
      mounts.put(String.valueOf(map(m).get("mountPath")), String.valueOf(map(m).get("name")));
    }
    assertThat(mounts).containsKeys(env.get("REDUNET_STATE_DIR"), "/tmp");
    Set<String> emptyDirs = new HashSet<>();
    for (Object v : list(pod.get("volumes"))) {
      if (map(v).containsKey("emptyDir")) {
        emptyDirs.add(String.valueOf(map(v).get("name")));
        assertThat(map(map(v).get("emptyDir")))
            .as("on disk, not in the memory the limit counts")
            .doesNotContainKey("medium");
      }
    }
    assertThat(emptyDirs).contains(mounts.get("/tmp"));
    String claim =
        String.valueOf(
            map(map(list(map(kind(docs, "StatefulSet").get("spec")).get("volumeClaimTemplates"))
                        .get(0))
                    .get("metadata"))
                .get("name"));
    assertThat(mounts.get(env.get("REDUNET_STATE_DIR"))).isEqualTo(claim);
  }

  /**
   * Heap + RocksDB + the JVM's own memory fit the container's limit with at least 10% to spare, and
   * deploy/SCALING.md shows the same sum.
   */
  @Test
  void theHeapRocksDbAndTheJvmFitTheMemoryLimitAsScalingMdAddsThemUp() {
    List<Map<String, Object>> docs = base();
    Map<String, String> env = podEnvironment(docs, "10.244.1.7");
    AppConfig config = AppConfig.load(Optional.empty(), env, Map.of());
    Map<String, Long> items =
        MemoryBudget.items(
            env.get("REDUNET_JAVA_OPTS"), config.longValue(ConfigKeys.ROCKSDB_CACHE_BYTES));
    Map<String, Object> resources = map(container(docs).get("resources"));
    long limit =
        MemoryBudget.kubernetesMib(String.valueOf(map(resources.get("limits")).get("memory")));
    long request =
        MemoryBudget.kubernetesMib(String.valueOf(map(resources.get("requests")).get("memory")));
    long total = items.get("total");
    assertThat(request).as("memory request = limit: the JVM is sized to it").isEqualTo(limit);
    assertThat(total).as("%s", items).isLessThanOrEqualTo(limit * 9 / 10);
    assertThat(items.get("heap (-Xmx)")).isGreaterThanOrEqualTo(1024);

    String scaling = DeployFiles.read("deploy/SCALING.md");
    for (Map.Entry<String, Long> item : items.entrySet()) {
      assertThat(scaling)
          .as("SCALING.md lists %s", item.getKey())
          .contains(
              "| " + item.getKey() + " | " + String.format("%,d", item.getValue()) + " MiB |");
    }
    assertThat(scaling)
        .contains("limit " + String.format("%,d", limit) + " MiB")
        .contains(String.format("%,d", limit - total) + " MiB to spare");
  }

  @Test
  void thePrometheusOperatorComponentIsOptionalAndScrapesEveryPodsHttpPort() throws IOException {
    List<Map<String, Object>> base = base();
    assertThat(base)
        .as("kubectl apply -k deploy/k8s needs no Prometheus Operator CRD")
        .allSatisfy(d -> assertThat(String.valueOf(d.get("apiVersion"))).doesNotContain("coreos"));
    List<Map<String, Object>> with = DeployFiles.kustomize("deploy/k8s/with-prometheus-operator");
    List<Map<String, Object>> monitors = kinds(with, "PodMonitor");
    assertThat(monitors).hasSize(1);
    assertThat(with).hasSize(base.size() + 1);
    Map<String, Object> monitor = monitors.get(0);
    assertThat(monitor.get("apiVersion")).isEqualTo("monitoring.coreos.com/v1");
    Map<String, Object> spec = map(monitor.get("spec"));
    Map<String, Object> podLabels =
        map(
            map(map(map(kind(base, "StatefulSet").get("spec")).get("template")).get("metadata"))
                .get("labels"));
    assertThat(podLabels).containsAllEntriesOf(map(map(spec.get("selector")).get("matchLabels")));
    Set<String> ports = new HashSet<>();
    for (Object p : list(container(base).get("ports"))) {
      ports.add(String.valueOf(map(p).get("name")));
    }
    assertThat(list(spec.get("podMetricsEndpoints")))
        .isNotEmpty()
        .allSatisfy(
            e -> {
              assertThat(ports).contains(String.valueOf(map(e).get("port")));
              assertThat(map(e)).containsEntry("path", "/metrics");
            });

    // Every manifest file is part of one of the two builds; kustomize refuses an ancestor base.
    List<Path> files = new ArrayList<>();
    try (Stream<Path> walk = Files.walk(DeployFiles.ROOT.resolve("deploy/k8s"))) {
      walk.filter(p -> p.toString().endsWith(".yaml"))
          .filter(p -> !p.getFileName().toString().equals("kustomization.yaml"))
          .forEach(files::add);
    }
    int documents = 0;
    for (Path f : files) {
      documents += DeployFiles.yamlDocuments(f).size();
    }
    assertThat(documents).as("no manifest outside the builds").isEqualTo(with.size());
  }

  /** The reader refuses what kustomize refuses: a missing resource, a base above the overlay. */
  @Test
  void theKustomizeReaderRefusesAMissingResourceAndAnAncestorBase(@TempDir Path tmp)
      throws IOException {
    String header = "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n";
    Files.writeString(tmp.resolve("kustomization.yaml"), header + "resources: [app.yaml]\n");
    Files.writeString(tmp.resolve("app.yaml"), "kind: ConfigMap\n");
    assertThat(DeployFiles.kustomize(tmp)).hasSize(1);
    Path overlay = Files.createDirectories(tmp.resolve("overlay"));
    Files.writeString(overlay.resolve("kustomization.yaml"), header + "resources: [../]\n");
    Files.writeString(
        tmp.resolve("kustomization.yaml"), header + "resources: [app.yaml, overlay]\n");
    assertThatThrownBy(() -> DeployFiles.kustomize(tmp))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("contains the kustomization root");
    Files.writeString(tmp.resolve("kustomization.yaml"), header + "resources: [gone.yaml]\n");
    assertThatThrownBy(() -> DeployFiles.kustomize(tmp))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("resource gone.yaml does not exist");
    Files.writeString(tmp.resolve("kustomization.yaml"), header + "components: [overlay]\n");
    assertThatThrownBy(() -> DeployFiles.kustomize(tmp))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("is a Kustomization, expected a Component");
  }
}
