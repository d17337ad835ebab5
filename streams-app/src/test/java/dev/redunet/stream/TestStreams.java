package dev.redunet.stream;

import dev.redunet.config.AppConfig;
import dev.redunet.testing.KafkaCluster;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;

/** An integration test's application: its settings, started and closed as {@code run} does. */
final class TestStreams {

  private TestStreams() {}

  /**
   * The settings of an application on the test broker, its topics under {@code prefix}, one replica
   * (a mutable map: a test adds its own).
   */
  static Map<String, String> settings(
      KafkaCluster kafka, String prefix, String appId, Path stateDir) {
    Map<String, String> s = new HashMap<>();
    s.put("redunet.bootstrap.servers", kafka.bootstrapServers());
    s.put("redunet.application.id", appId);
    s.put("redunet.topic.prefix", prefix);
    s.put("redunet.state.dir", stateDir.toString());
    s.put("redunet.replication.factor", "1");
    return s;
  }

  /** A started {@link KafkaStreams} of the application's topology with {@code plugin}. */
  static KafkaStreams start(AppConfig config, ScoringPlugin plugin) {
    IngressMetrics metrics = new IngressMetrics();
    KafkaStreams streams =
        new KafkaStreams(
            RedunetTopology.build(config, plugin, metrics), StreamsProperties.of(config, metrics));
    streams.start();
    return streams;
  }

  /** Waits up to {@code seconds} for {@code streams} to be in state {@code want}. */
  static void awaitState(KafkaStreams streams, KafkaStreams.State want, int seconds)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (streams.state() != want) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not " + want + " within " + seconds + " s: " + streams.state());
      }
      Thread.sleep(50);
    }
  }

  /**
   * Closes {@code streams} with the application's {@link StreamsProperties#closeOptions} within 30
   * s; if it does not finish, fails with the stack of every live thread (what a stream thread was
   * waiting for is what explains a slow close).
   */
  static void closeWithin30s(KafkaStreams streams, AppConfig config) {
    if (!streams.close(StreamsProperties.closeOptions(config, Duration.ofSeconds(30)))) {
      StringBuilder dump = new StringBuilder("KafkaStreams.close did not finish within 30 s\n");
      for (ThreadInfo t : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
        dump.append('"').append(t.getThreadName()).append("\" ").append(t.getThreadState());
        dump.append('\n');
        for (StackTraceElement e : t.getStackTrace()) {
          dump.append("    at ").append(e).append('\n');
        }
      }
      throw new AssertionError(dump.toString());
    }
  }
}
