package dev.redunet.app;

import dev.redunet.broker.EmbeddedKafkaBroker;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./redunet broker}: runs a local single-node Kafka broker (KRaft, in this JVM) until
 * Ctrl-C.
 *
 * <p>Once the broker answers, stdout gets one JSON line with the keys {@code bootstrap_servers}
 * ({@code localhost:<port>}), {@code port}, {@code controller_port}, {@code cluster_id}, {@code
 * data_dir} and {@code data_dir_temporary} (true when the data is deleted at exit). The command
 * then keeps running; SIGINT or SIGTERM shut the broker down cleanly (exit code 130 resp. 143 from
 * the JVM). Exit code 2: bad arguments, the port is taken, or the data directory is not usable; 1:
 * the broker failed to start.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a local single-node Kafka broker (KRaft) and runs until Ctrl-C.",
      "Prints one JSON line with bootstrap_servers, port, controller_port, cluster_id, data_dir,"
          + " data_dir_temporary once the broker is up."
    })
public final class BrokerCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(BrokerCommand.class);

  @Option(
      names = "--port",
      defaultValue = "9092",
      description = "Client port (0 = any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--data-dir",
      paramLabel = "D",
      description =
          "Keep the broker's data in D (created if missing) and reuse it, with the same ports,"
              + " on the next start. Default: a temporary directory deleted at exit.")
  Path dataDir;

  @Option(
      names = "--message-max-bytes",
      paramLabel = "N",
      description = "Largest record batch the broker accepts. Default: Kafka's (about 1 MiB).")
  Integer messageMaxBytes;

  private final PrintStream out;
  private final PrintStream err;
  private final CountDownLatch stop;

  /** The command as run from the command line: stdout, stderr, runs until the JVM stops. */
  public BrokerCommand() {
    this(System.out, System.err, new CountDownLatch(1));
  }

  /** For tests: other streams, and a latch that stops the broker when counted down. */
  BrokerCommand(PrintStream out, PrintStream err, CountDownLatch stop) {
    this.out = out;
    this.err = err;
    this.stop = stop;
  }

  @Override
  public Integer call() {
    if (port < 0 || port > 65535) {
      return usageError("--port must be between 0 and 65535 (0 picks a free port), got " + port);
    }
    if (dataDir != null && Files.exists(dataDir) && !Files.isDirectory(dataDir)) {
      return usageError("--data-dir " + dataDir + " is a file; give a directory");
    }
    if (messageMaxBytes != null && messageMaxBytes < 1024) {
      return usageError("--message-max-bytes must be at least 1024, got " + messageMaxBytes);
    }
    EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(port);
    if (dataDir != null) {
      builder.dataDir(dataDir);
    }
    if (messageMaxBytes != null) {
      builder.messageMaxBytes(messageMaxBytes);
    }
    EmbeddedKafkaBroker broker;
    try {
      broker = builder.start();
    } catch (IllegalArgumentException e) {
      return usageError(
          e.getMessage() + " (choose another --port, 0 for a free one, or another --data-dir)");
    } catch (RuntimeException e) {
      LOG.error("The broker failed to start", e);
      err.println("redunet broker: the broker failed to start: " + e.getMessage());
      return 1;
    }
    Thread hook =
        new Thread(
            () -> {
              LOG.info("Stopping the broker at {}", broker.bootstrapServers());
              broker.close();
            },
            "redunet-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    out.println(resultJson(broker));
    out.flush();
    LOG.info("Kafka broker running at {}; press Ctrl-C to stop", broker.bootstrapServers());
    try {
      stop.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      broker.close();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // The JVM is already stopping; the hook closes the (already closed) broker again: a no-op.
      }
    }
    return 0;
  }

  private int usageError(String message) {
    err.println("redunet broker: " + message);
    return 2;
  }

  static String resultJson(EmbeddedKafkaBroker broker) {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("bootstrap_servers", broker.bootstrapServers());
    result.put("port", broker.port());
    result.put("controller_port", broker.controllerPort());
    result.put("cluster_id", broker.clusterId());
    result.put("data_dir", broker.dataDir().toString());
    result.put("data_dir_temporary", broker.isDataDirTemporary());
    return CommandSupport.json(result);
  }
}
