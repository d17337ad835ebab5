package dev.redunet.app;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKey;
import dev.redunet.config.ConfigKeys;
import dev.redunet.config.ConfigTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./redunet config}: the configuration reference and the effective configuration.
 *
 * <ul>
 *   <li>no option: the configuration every other command would use here (defaults, {@code --config
 *       FILE}, {@code REDUNET_*} variables, {@code -D}), validated, as one JSON line: {@code
 *       settings} (key → value; keys without a value are left out; the values of keys that look
 *       secret, such as {@code redunet.http.token}, replaced by {@code "***"}) and {@code kafka}
 *       (the pass-through settings, values of keys that look secret replaced by {@code "***"});
 *   <li>{@code --markdown}: the Markdown table of every key ({@link ConfigTable}), then the JSON
 *       line {@code {"keys": N}};
 *   <li>{@code --write-readme FILE}: replaces the generated table in FILE (between {@link
 *       ConfigTable#BEGIN} and {@link ConfigTable#END}); JSON line {@code file}, {@code changed},
 *       {@code keys}.
 * </ul>
 *
 * Exit code 0; 2 for an invalid configuration, a missing file or a file without the markers.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the effective configuration as one JSON line (validated: an invalid key or value"
          + " fails here as it would in run), or the reference table of every key.",
      "Sources, later ones win: defaults, --config FILE, REDUNET_* environment variables, -D.",
      "Every key has an environment variable: redunet.http.port -> REDUNET_HTTP_PORT;"
          + " kafka.* keys (REDUNET_KAFKA_*) go to the Kafka clients."
    })
public final class ConfigCommand implements Callable<Integer> {

  private static final String NAME = "config";

  @Mixin ConfigOptions options;

  @Option(
      names = "--markdown",
      description = "Print the Markdown table of every configuration key (as in README.md).")
  boolean markdown;

  @Option(
      names = "--write-readme",
      paramLabel = "FILE",
      description = "Replace the generated configuration table in FILE (e.g. README.md).")
  Path readme;

  private final PrintStream out;
  private final PrintStream err;

  /** The command as run from the command line. */
  public ConfigCommand() {
    this(System.out, System.err);
  }

  ConfigCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (markdown && readme != null) {
      return CommandSupport.usageError(err, NAME, "give either --markdown or --write-readme");
    }
    if (markdown) {
      out.print(ConfigTable.markdown());
      out.println(CommandSupport.json(Map.of("keys", ConfigKeys.ALL.size())));
      out.flush();
      return 0;
    }
    if (readme != null) {
      return writeReadme();
    }
    AppConfig config;
    try {
      config = options.load(Map.of());
    } catch (ConfigException e) {
      return CommandSupport.usageError(err, NAME, e.getMessage());
    }
    Map<String, Object> settings = new LinkedHashMap<>();
    for (ConfigKey key : ConfigKeys.ALL) {
      Object v = value(config, key);
      if (v != null) {
        settings.put(key.name(), secret(key.name()) ? "***" : v);
      }
    }
    Map<String, Object> kafka = new LinkedHashMap<>();
    config.kafkaProperties().entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> kafka.put(e.getKey(), secret(e.getKey()) ? "***" : e.getValue()));
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("settings", settings);
    result.put("kafka", kafka);
    out.println(CommandSupport.json(result));
    out.flush();
    return 0;
  }

  private int writeReadme() {
    if (!Files.isRegularFile(readme)) {
      return CommandSupport.usageError(
          err, NAME, "file not found: " + readme + " (check the --write-readme path)");
    }
    try {
      String before = Files.readString(readme, StandardCharsets.UTF_8);
      String after;
      try {
        after = ConfigTable.replaceSection(before);
      } catch (IllegalArgumentException e) {
        return CommandSupport.usageError(err, NAME, readme + ": " + e.getMessage());
      }
      boolean changed = !after.equals(before);
      if (changed) {
        Files.writeString(readme, after, StandardCharsets.UTF_8);
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file", readme.toString());
      result.put("changed", changed);
      result.put("keys", ConfigKeys.ALL.size());
      out.println(CommandSupport.json(result));
      out.flush();
      return 0;
    } catch (IOException e) {
      return CommandSupport.usageError(err, NAME, "cannot update " + readme + ": " + e);
    }
  }

  /** The parsed value of {@code key}, or null when it has none. */
  static Object value(AppConfig config, ConfigKey key) {
    if (!config.isSet(key)) {
      return null;
    }
    ConfigKey.ValueType type = key.type();
    if (type instanceof ConfigKey.IntRange) {
      return config.longValue(key);
    }
    if (type instanceof ConfigKey.RealRange) {
      return config.real(key);
    }
    if (type instanceof ConfigKey.TextList) {
      return config.textList(key);
    }
    if (type instanceof ConfigKey.IntList) {
      return config.intList(key);
    }
    return config.text(key);
  }

  private static final List<String> SECRET_WORDS =
      List.of("password", "secret", "jaas", "token", "credential");

  /** Whether a pass-through key may hold a secret (its value is not printed). */
  static boolean secret(String kafkaKey) {
    String k = kafkaKey.toLowerCase(Locale.ROOT);
    return SECRET_WORDS.stream().anyMatch(k::contains);
  }
}
