package dev.redunet.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The application's configuration: every key of {@link ConfigKeys}, parsed and validated once.
 *
 * <p>Sources, later ones overriding earlier ones: the defaults, a properties file ({@code
 * --config}), {@code REDUNET_*} environment variables, and command-line flags. Keys starting with
 * {@code kafka.} (or variables starting with {@code REDUNET_KAFKA_}) are passed through to the
 * Kafka clients without the prefix, e.g. {@code kafka.security.protocol=SASL_SSL}. An unknown key
 * or an invalid value fails fast with a message that names the key and the allowed values.
 */
public final class AppConfig {

  /** Prefix of keys passed through to the Kafka clients. */
  public static final String KAFKA_PREFIX = "kafka.";

  /**
   * Environment variables the launcher and logging read, which are not configuration keys but are
   * known (so they are not reported as typos): {@code REDUNET_JAVA_OPTS} (JVM options of the
   * launchers), {@code REDUNET_VECTOR_API} (whether the launchers start the JVM with the Vector API
   * module), {@code REDUNET_LOG_LEVEL} and {@code REDUNET_LOG_FORMAT} (logback.xml).
   */
  public static final List<String> LAUNCHER_VARIABLES =
      List.of("REDUNET_JAVA_OPTS", "REDUNET_VECTOR_API", "REDUNET_LOG_LEVEL", "REDUNET_LOG_FORMAT");

  /** The values logging takes, by variable (upper case; checked ignoring case for the level). */
  private static final Map<String, List<String>> LAUNCHER_VALUES =
      Map.of(
          "REDUNET_LOG_LEVEL", List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF"),
          "REDUNET_LOG_FORMAT", List.of("text", "json"),
          "REDUNET_VECTOR_API", List.of("true", "false"));

  /**
   * Checks the values of the launcher and logging variables ({@code REDUNET_LOG_LEVEL}: a logback
   * level; {@code REDUNET_LOG_FORMAT}: text or json; {@code REDUNET_VECTOR_API}: true or false),
   * which the launchers and logback read before any command runs.
   *
   * @throws ConfigException naming the variable and the allowed values
   */
  public static void checkLauncherVariables(Map<String, String> environment) {
    LAUNCHER_VALUES.forEach(
        (variable, allowed) -> {
          String value = environment.get(variable);
          if (value == null) {
            return;
          }
          boolean ok =
              variable.equals("REDUNET_LOG_LEVEL")
                  ? allowed.contains(value.trim().toUpperCase(Locale.ROOT))
                  : allowed.contains(value);
          if (!ok) {
            throw new ConfigException(
                "invalid value '"
                    + value
                    + "' for environment variable "
                    + variable
                    + ": allowed values are one of "
                    + String.join(", ", allowed));
          }
        });
  }

  private final Map<String, Object> values;
  private final Map<String, String> kafka;

  private AppConfig(Map<String, Object> values, Map<String, String> kafka) {
    this.values = Map.copyOf(values);
    this.kafka = Map.copyOf(kafka);
  }

  /** The defaults with {@code settings} (key → raw value) applied; for tests and embedding. */
  public static AppConfig of(Map<String, String> settings) {
    return load(Optional.empty(), Map.of(), settings);
  }

  /**
   * Loads the configuration from all sources.
   *
   * @param file optional properties file
   * @param environment the process environment (only {@code REDUNET_*} variables are read)
   * @param flags raw values from the command line, by key name
   * @throws ConfigException when a file is missing, a key unknown, or a value invalid
   */
  public static AppConfig load(
      Optional<Path> file, Map<String, String> environment, Map<String, String> flags) {
    checkLauncherVariables(environment);
    Map<String, String> raw = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    for (ConfigKey key : ConfigKeys.ALL) {
      key.defaultValue().ifPresent(v -> raw.put(key.name(), v));
    }
    if (file.isPresent()) {
      readFile(file.get()).forEach((k, v) -> put(raw, origin, k, v, file.get().toString()));
    }
    new TreeMap<>(environment)
        .forEach(
            (variable, value) -> {
              if (variable.startsWith(ConfigKey.ENV_PREFIX)
                  && !LAUNCHER_VARIABLES.contains(variable)) {
                put(raw, origin, keyOfVariable(variable), value, "environment " + variable);
              }
            });
    flags.forEach((k, v) -> put(raw, origin, k, v, "command line"));

    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> kafka = new TreeMap<>();
    raw.forEach(
        (k, v) -> {
          if (k.startsWith(KAFKA_PREFIX)) {
            kafka.put(k.substring(KAFKA_PREFIX.length()), v);
            return;
          }
          ConfigKey key = ConfigKeys.BY_NAME.get(k);
          try {
            values.put(k, key.type().parse(k, v));
          } catch (ConfigException e) {
            String where = origin.get(k);
            throw new ConfigException(
                e.getMessage()
                    + (where == null ? "" : " (from " + where + ")")
                    + (where != null && where.startsWith("environment ")
                        ? serviceLinkHint(where, v)
                        : ""));
          }
        });
    return new AppConfig(values, kafka);
  }

  private static Map<String, String> readFile(Path file) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "configuration file not found: " + file + " (check the --config path)");
    } catch (IOException | IllegalArgumentException e) {
      throw new ConfigException("cannot read configuration file " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new TreeMap<>();
    properties.stringPropertyNames().forEach(k -> out.put(k.trim(), properties.getProperty(k)));
    return out;
  }

  private static String keyOfVariable(String variable) {
    String rest = variable.substring(ConfigKey.ENV_PREFIX.length());
    if (rest.startsWith("KAFKA_")) {
      return KAFKA_PREFIX
          + rest.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }
    return ConfigKeys.byEnvironmentVariable(variable)
        .map(ConfigKey::name)
        .orElseThrow(
            () ->
                new ConfigException(
                    "unknown environment variable "
                        + variable
                        + closest(
                            ConfigKeys.ALL.stream().map(ConfigKey::environmentVariable).toList(),
                            variable)
                        + serviceLinkHint(variable, null)
                        + "; see the configuration table in README.md"));
  }

  /** The suffixes of the variables Kubernetes injects for a Service (docker-link style). */
  private static final Pattern SERVICE_LINK_VARIABLE =
      Pattern.compile(
          "REDUNET_[A-Z0-9_]*_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT"
              + "|PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)");

  /** A value like Kubernetes' {@code <SERVICE>_PORT=tcp://10.0.0.1:8080}. */
  private static final Pattern SERVICE_LINK_VALUE = Pattern.compile("(tcp|udp|sctp)://\\S+:[0-9]+");

  /**
   * A hint when {@code variable} (or its {@code value}) looks like what Kubernetes injects for a
   * Service whose name begins with {@code redunet-}; empty otherwise.
   */
  static String serviceLinkHint(String variable, String value) {
    boolean looksInjected =
        value == null
            ? SERVICE_LINK_VARIABLE.matcher(variable).matches()
            : SERVICE_LINK_VALUE.matcher(value.trim()).matches();
    if (!looksInjected) {
      return "";
    }
    return "; this looks like a variable Kubernetes injects for a Service named redunet-...: set"
        + " enableServiceLinks: false in the pod spec, or give the Service a name that does not"
        + " begin with redunet- (see deploy/k8s)";
  }

  private static void put(
      Map<String, String> raw, Map<String, String> origin, String key, String value, String from) {
    if (!key.startsWith(KAFKA_PREFIX) && !ConfigKeys.BY_NAME.containsKey(key)) {
      throw new ConfigException(
          "unknown configuration key '"
              + key
              + "' (from "
              + from
              + ")"
              + closest(ConfigKeys.ALL.stream().map(ConfigKey::name).toList(), key)
              + "; keys start with redunet. or kafka., see README.md");
    }
    raw.put(key, value);
    origin.put(key, from);
  }

  private static String closest(List<String> candidates, String given) {
    return candidates.stream()
        .min(Comparator.comparingInt(c -> editDistance(c, given)))
        .filter(c -> editDistance(c, given) <= Math.max(3, given.length() / 4))
        .map(c -> "; did you mean " + c + "?")
        .orElse("");
  }

  private static int editDistance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(subst, Math.min(prev[j], cur[j - 1]) + 1);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  /** This configuration with {@code key} set to {@code value} (validated). */
  public AppConfig with(ConfigKey key, String value) {
    Map<String, Object> copy = new LinkedHashMap<>(values);
    copy.put(key.name(), key.type().parse(key.name(), value));
    return new AppConfig(copy, kafka);
  }

  /** Whether the key has a value (a default or a set one). */
  public boolean isSet(ConfigKey key) {
    return values.containsKey(key.name());
  }

  private Object value(ConfigKey key) {
    Object v = values.get(key.name());
    if (v == null) {
      throw new ConfigException(
          "missing required setting "
              + key.name()
              + " (flag, properties file, or environment variable "
              + key.environmentVariable()
              + ")");
    }
    return v;
  }

  /** A text or choice value. */
  public String text(ConfigKey key) {
    return (String) value(key);
  }

  /** An optional text value. */
  public Optional<String> optionalText(ConfigKey key) {
    return Optional.ofNullable((String) values.get(key.name()));
  }

  /** An integer value that fits an {@code int}. */
  public int integer(ConfigKey key) {
    return Math.toIntExact((Long) value(key));
  }

  /** An integer value. */
  public long longValue(ConfigKey key) {
    return (Long) value(key);
  }

  /** A real value. */
  public double real(ConfigKey key) {
    return (Double) value(key);
  }

  /** A list value (empty when unset). */
  @SuppressWarnings("unchecked")
  public List<String> textList(ConfigKey key) {
    return (List<String>) values.getOrDefault(key.name(), List.of());
  }

  /** A list of integers (empty when unset). */
  @SuppressWarnings("unchecked")
  public List<Integer> intList(ConfigKey key) {
    return (List<Integer>) values.getOrDefault(key.name(), List.of());
  }

  /** The name of a topic: its own key if set, else the prefix followed by the default suffix. */
  public String topic(ConfigKey topicKey) {
    if (!topicKey.name().startsWith("redunet.topic.") || topicKey.equals(ConfigKeys.TOPIC_PREFIX)) {
      throw new IllegalArgumentException("not a topic key: " + topicKey.name());
    }
    String suffix = topicKey.name().substring("redunet.topic.".length());
    return optionalText(topicKey).orElse(text(ConfigKeys.TOPIC_PREFIX) + suffix);
  }

  /** The {@code kafka.*} pass-through settings, without the prefix. */
  public Map<String, String> kafkaProperties() {
    return kafka;
  }
}
