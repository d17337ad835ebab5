package dev.redunet.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code redunet run} in a child JVM ({@code java -cp <this JVM's class path> dev.redunet.app.Main
 * run ...}), restartable on the same state directory and application id. Each launch writes its
 * stdout and stderr to {@code <logDir>/<name>-<launch>.log}.
 */
final class AppProcess implements AutoCloseable {

  /** The exit code of a JVM killed by SIGKILL: 128 + 9. */
  static final int SIGKILL_EXIT = 137;

  private final String name;
  private final List<String> command;
  private final Path logDir;
  private Process process;
  private Path log;
  private int launches;

  /**
   * @param settings configuration keys, passed as {@code -D key=value}
   */
  AppProcess(String name, String bootstrapServers, Map<String, String> settings, Path logDir) {
    this.name = name;
    this.logDir = logDir;
    List<String> c = new ArrayList<>();
    c.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    c.add("-Xmx1g");
    c.add("-XX:+UseParallelGC");
    c.add("-cp");
    c.add(System.getProperty("java.class.path"));
    c.add("dev.redunet.app.Main");
    c.add("run");
    c.add("--bootstrap-servers");
    c.add(bootstrapServers);
    for (Map.Entry<String, String> e : settings.entrySet()) {
      c.add("-D");
      c.add(e.getKey() + "=" + e.getValue());
    }
    this.command = List.copyOf(c);
  }

  /** Starts the application (again); the previous launch must have ended. */
  void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException(name + " is still running (pid " + process.pid() + ")");
    }
    launches++;
    Files.createDirectories(logDir);
    log = logDir.resolve(name + "-" + launches + ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // Only the flags configure the child: no REDUNET_* variable of this environment leaks in.
    pb.environment().keySet().removeIf(k -> k.toUpperCase(Locale.ROOT).startsWith("REDUNET_"));
    process = pb.start();
  }

  boolean isAlive() {
    return process != null && process.isAlive();
  }

  long pid() {
    return process.pid();
  }

  int launches() {
    return launches;
  }

  Path log() {
    return log;
  }

  /** The exit code of the last launch, which must have ended. */
  int exitValue() {
    return process.exitValue();
  }

  /**
   * Kills the running JVM with SIGKILL ({@link Process#destroyForcibly()} is {@code kill(pid,
   * SIGKILL)} on Linux and macOS) and returns its exit code, {@value #SIGKILL_EXIT} when the signal
   * ended it.
   */
  int killNine() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " (pid " + process.pid() + ") survived SIGKILL");
    }
    return process.exitValue();
  }

  /**
   * Stops the application cleanly (SIGTERM: {@code run} closes Kafka Streams), or with SIGKILL
   * after {@code grace}; returns the exit code.
   */
  int stop(Duration grace) throws InterruptedException {
    if (process == null) {
      return -1;
    }
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        return killNine();
      }
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    if (process != null && process.isAlive()) {
      process.destroyForcibly();
    }
  }
}
