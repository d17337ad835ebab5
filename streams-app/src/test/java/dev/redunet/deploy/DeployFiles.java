package dev.redunet.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The deployment files of the repository (docker-compose.yml, deploy/), read as the tools that use
 * them would: YAML documents, a kustomization tree built the way {@code kubectl apply -k} builds it
 * (resources and components only, which is all deploy/k8s uses), the Dockerfile's {@code ENV}.
 * Nothing here runs Docker or Kubernetes; there are neither on the machines that run the tests.
 */
public final class DeployFiles {

  /** The repository root (the directory holding docker-compose.yml). */
  public static final Path ROOT = repositoryRoot();

  private DeployFiles() {}

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

  /** A YAML parser that builds only plain maps, lists and scalars. */
  public static Yaml yaml() {
    return new Yaml(new SafeConstructor(new LoaderOptions()));
  }

  /** The text of a file of the repository. */
  public static String read(String relative) {
    try {
      return Files.readString(ROOT.resolve(relative), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The one YAML document of a file of the repository, as a mapping. */
  public static Map<String, Object> yamlFile(String relative) {
    return map(yaml().load(read(relative)));
  }

  /** Every non-empty YAML document of a file, as mappings. */
  public static List<Map<String, Object>> yamlDocuments(Path file) {
    List<Map<String, Object>> docs = new ArrayList<>();
    try {
      for (Object doc : yaml().loadAll(Files.readString(file, StandardCharsets.UTF_8))) {
        if (doc != null) {
          docs.add(map(doc));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return docs;
  }

  /** A YAML mapping (or an error naming what it is instead). */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Object o) {
    if (!(o instanceof Map)) {
      throw new AssertionError("expected a YAML mapping, got " + o);
    }
    return (Map<String, Object>) o;
  }

  /** A YAML sequence (or an error naming what it is instead). */
  @SuppressWarnings("unchecked")
  public static List<Object> list(Object o) {
    if (!(o instanceof List)) {
      throw new AssertionError("expected a YAML sequence, got " + o);
    }
    return (List<Object>) o;
  }

  /** A sequence of scalars as strings (an absent key: empty). */
  public static List<String> strings(Object o) {
    return o == null ? List.of() : list(o).stream().map(String::valueOf).toList();
  }

  /** The {@code ENV} instructions of a Dockerfile, in order ({@code ENV A=1 \ B=2} form). */
  public static Map<String, String> dockerfileEnv(String relative) {
    Map<String, String> env = new LinkedHashMap<>();
    String text = read(relative).replace("\\\n", " ");
    for (String line : text.lines().toList()) {
      String t = line.strip();
      if (!t.startsWith("ENV ")) {
        continue;
      }
      for (String word : t.substring(4).trim().split("\\s+", -1)) {
        int eq = word.indexOf('=');
        if (eq <= 0) {
          throw new AssertionError("ENV without KEY=VALUE form in " + relative + ": " + line);
        }
        env.put(word.substring(0, eq), word.substring(eq + 1));
      }
    }
    return env;
  }

  /** The environment of a compose service as a map (mapping or K=V list form). */
  public static Map<String, String> composeEnvironment(Map<String, Object> service) {
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

  /** The image docker-compose.yml builds from deploy/Dockerfile (exactly one service builds it). */
  public static String applicationImage(Map<String, Object> services) {
    List<String> built = new ArrayList<>();
    services.forEach(
        (name, raw) -> {
          Map<String, Object> s = map(raw);
          if (s.get("build") instanceof Map<?, ?> b
              && "deploy/Dockerfile".equals(String.valueOf(b.get("dockerfile")))) {
            built.add(String.valueOf(s.get("image")));
          }
        });
    if (built.size() != 1) {
      throw new AssertionError("one service must build the application's image, found " + built);
    }
    return built.get(0);
  }

  /** The resources of a kustomization directory as {@code kubectl apply -k} would build them. */
  public static List<Map<String, Object>> kustomize(String relativeDir) {
    return kustomize(ROOT.resolve(relativeDir));
  }

  /** The resources of a kustomization directory as {@code kubectl apply -k} would build them. */
  public static List<Map<String, Object>> kustomize(Path dir) {
    List<Map<String, Object>> out = new ArrayList<>();
    build(dir.toAbsolutePath().normalize(), new ArrayList<>(), "Kustomization", out);
    return out;
  }

  private static void build(
      Path dir, List<Path> visiting, String expectedKind, List<Map<String, Object>> out) {
    for (Path v : visiting) {
      if (v.startsWith(dir)) {
        // kustomize refuses this too: "cycle detected: candidate root contains visited root"
        throw new AssertionError(dir + " contains the kustomization root " + v + " loading it");
      }
    }
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new AssertionError("no kustomization.yaml in " + dir);
    }
    Map<String, Object> k = yamlDocuments(file).get(0);
    String kind = String.valueOf(k.get("kind"));
    if (!kind.equals(expectedKind)) {
      throw new AssertionError(file + " is a " + kind + ", expected a " + expectedKind);
    }
    String apiVersion = String.valueOf(k.get("apiVersion"));
    String expectedApi =
        kind.equals("Component")
            ? "kustomize.config.k8s.io/v1alpha1"
            : "kustomize.config.k8s.io/v1beta1";
    if (!apiVersion.equals(expectedApi)) {
      throw new AssertionError(file + ": apiVersion " + apiVersion + ", expected " + expectedApi);
    }
    for (String key : k.keySet()) {
      if (!List.of("apiVersion", "kind", "resources", "components").contains(key)) {
        throw new AssertionError(file + ": this reader does not know the field " + key);
      }
    }
    List<Path> inner = new ArrayList<>(visiting);
    inner.add(dir);
    for (String r : strings(k.get("resources"))) {
      Path p = dir.resolve(r).normalize();
      if (Files.isDirectory(p)) {
        build(p, inner, "Kustomization", out);
      } else if (Files.isRegularFile(p)) {
        out.addAll(yamlDocuments(p));
      } else {
        throw new AssertionError(file + ": resource " + r + " does not exist");
      }
    }
    for (String c : strings(k.get("components"))) {
      Path p = dir.resolve(c).normalize();
      if (!Files.isDirectory(p)) {
        throw new AssertionError(file + ": component " + c + " is not a directory");
      }
      build(p, inner, "Component", out);
    }
  }

  /** The first document of {@code kind} among {@code docs}. */
  public static Map<String, Object> kind(List<Map<String, Object>> docs, String kind) {
    return docs.stream()
        .filter(d -> kind.equals(d.get("kind")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " among the manifests"));
  }

  /** Every document of {@code kind} among {@code docs}. */
  public static List<Map<String, Object>> kinds(List<Map<String, Object>> docs, String kind) {
    return docs.stream().filter(d -> kind.equals(d.get("kind"))).toList();
  }
}
