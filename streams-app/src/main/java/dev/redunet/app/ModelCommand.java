package dev.redunet.app;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKeys;
import dev.redunet.learn.ModelJson;
import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowStatistics;
import dev.redunet.stream.RedunetTopics;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.stream.learning.ModelTopicSnapshot;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./redunet model}: commands on the model topic. */
@Command(
    name = "model",
    mixinStandardHelpOptions = true,
    description = "Commands on the model topic.",
    subcommands = {ModelCommand.Export.class})
public final class ModelCommand implements Runnable {

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /**
   * {@code ./redunet model export}: reads the model topic ({@link ModelTopicSnapshot}) and writes a
   * version as JSON ({@link ModelJson}, docs/MODEL_FORMAT.md). stdout ends with one JSON line:
   * {@code file}, {@code model}, {@code version}, {@code bytes}. Exit code 1 when the version is
   * not in the topic (no longer retained, or not built yet: the message names those kept), 2 for
   * bad arguments.
   */
  @Command(
      name = "export",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a model version from the model topic as JSON (docs/MODEL_FORMAT.md): the"
            + " projection, every layer's operators, the MICL class statistics, the novelty"
            + " threshold, class names, version and provenance."
      })
  static final class Export implements Callable<Integer> {

    private static final String NAME = "model export";

    @Mixin ConfigOptions options;

    @Option(
        names = "--version",
        paramLabel = "N",
        description = "the version (default: the newest in the topic)")
    Long version;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "the JSON file")
    Path out;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "60",
        description = "how long reading the topic may take (default 60)")
    long timeoutSeconds;

    private final PrintStream stdout;
    private final PrintStream err;

    Export() {
      this(System.out, System.err);
    }

    Export(PrintStream stdout, PrintStream err) {
      this.stdout = stdout;
      this.err = err;
    }

    @Override
    public Integer call() {
      AppConfig config;
      Map<String, Object> client;
      try {
        config = options.load(Map.of());
        client = CommandSupport.clientSettings(config);
      } catch (ConfigException e) {
        return CommandSupport.usageError(err, NAME, e.getMessage());
      }
      if (version != null && version < 1) {
        return CommandSupport.usageError(err, NAME, "--version must be ≥ 1, got " + version);
      }
      String topic = RedunetTopics.of(config).model();
      String name = config.text(ConfigKeys.MODEL_NAME);
      ModelTopicSnapshot snapshot;
      try {
        snapshot = ModelTopicSnapshot.read(client, topic, name, Duration.ofSeconds(timeoutSeconds));
      } catch (RuntimeException e) {
        err.println("redunet " + NAME + ": cannot read " + topic + ": " + e.getMessage());
        return 1;
      }
      List<Long> kept = snapshot.versions();
      long v = version != null ? version : kept.isEmpty() ? 0 : kept.get(kept.size() - 1);
      Optional<LearningPlugin.Loaded> loaded = v > 0 ? snapshot.version(v) : Optional.empty();
      if (loaded.isEmpty()) {
        err.println(
            "redunet "
                + NAME
                + ": "
                + (kept.isEmpty()
                    ? "topic " + topic + " holds no version of model " + name + " yet"
                    : "version "
                        + v
                        + " of model "
                        + name
                        + " is not in "
                        + topic
                        + (v < kept.get(0)
                            ? ": it is no longer retained (redunet.model.retained.versions)"
                            : ": it has not been built yet")
                        + "; the topic holds versions "
                        + kept.get(0)
                        + " to "
                        + kept.get(kept.size() - 1)));
        return 1;
      }
      StreamingModel model = loaded.get().model();
      try {
        ModelJson.checkExportable(model);
      } catch (IllegalArgumentException e) {
        err.println("redunet " + NAME + ": " + e.getMessage());
        return 1;
      }
      Optional<WindowStatistics> statistics = snapshot.statistics(model);
      long bytes;
      try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
        ModelJson.write(file, name, model, loaded.get().build(), statistics);
        file.flush();
        bytes = Files.size(out);
      } catch (IOException e) {
        err.println("redunet " + NAME + ": cannot write " + out + ": " + e);
        return 1;
      }
      Map<String, Object> result = new LinkedHashMap<>();
      result.put("file", out.toString());
      result.put("model", name);
      result.put("version", v);
      result.put("bytes", bytes);
      stdout.println(CommandSupport.json(result));
      stdout.flush();
      return 0;
    }
  }
}
