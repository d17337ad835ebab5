package dev.redunet.app;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The configuration options every Kafka command shares (a picocli mixin): {@code --config FILE},
 * {@code --bootstrap-servers}, and {@code -D KEY=VALUE} for any other key. They are loaded with
 * {@link AppConfig#load}: flags override {@code REDUNET_*} environment variables, which override
 * the file, which overrides the defaults. A command's own flags that set configuration keys (e.g.
 * {@code run --layers}) are passed to {@link #load(Map)} and override {@code -D}.
 */
public final class ConfigOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Properties file of redunet.* and kafka.* keys. REDUNET_* environment variables override"
              + " it, flags override both.")
  Path configFile;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT[,...]",
      description = "Kafka bootstrap servers (key redunet.bootstrap.servers).")
  String bootstrapServers;

  @Option(
      names = {"-D", "--set"},
      paramLabel = "KEY=VALUE",
      description =
          "Any configuration key, e.g. -D redunet.partitions=6 or -D kafka.security.protocol=SSL"
              + " (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  /**
   * The configuration from all sources.
   *
   * @param commandFlags keys set by the command's own flags (they win over {@code -D})
   * @throws dev.redunet.config.ConfigException for a missing file, unknown key or bad value
   */
  AppConfig load(Map<String, String> commandFlags) {
    Map<String, String> flags = new LinkedHashMap<>(settings);
    if (bootstrapServers != null) {
      flags.put(ConfigKeys.BOOTSTRAP_SERVERS.name(), bootstrapServers);
    }
    flags.putAll(commandFlags);
    return AppConfig.load(Optional.ofNullable(configFile), System.getenv(), flags);
  }
}
