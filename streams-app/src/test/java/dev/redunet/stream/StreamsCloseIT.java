package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.config.AppConfig;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping while a stream thread is still joining the group. Kafka Streams keeps a stopping thread
 * polling until its rebalance completes, and the rebalance waits for every member of the group to
 * rejoin. With Kafka Streams' default close a stopped thread stays a member until its session times
 * out (45 s), so a joining thread's close waited that long: seen with two stream threads in one
 * instance closed seconds after its start (docs/PERFORMANCE.md §2.6). Here the joining thread is a
 * second instance's (deterministic: the first hears of the rebalance only at its next heartbeat, 10
 * s apart). With {@link StreamsProperties#closeOptions} every thread leaves the group and both
 * close in a moment; with Kafka's default the second did not close within 30 s.
 */
@ExtendWith(KafkaBrokerExtension.class)
class StreamsCloseIT {

  @TempDir Path state;

  @Test
  void instancesStoppedWhileOneIsStillJoiningCloseInSeconds(KafkaCluster kafka) throws Exception {
    String prefix = kafka.uniqueName("close") + ".";
    AppConfig a = config(kafka, prefix, state.resolve("a"));
    AppConfig b = config(kafka, prefix, state.resolve("b"));
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.ensure(admin, a, List.of(), Duration.ofSeconds(60));
    }
    KafkaStreams first = TestStreams.start(a, ScoringPlugin.identity());
    KafkaStreams second = null;
    boolean firstClosed = false;
    boolean secondClosed = false;
    try {
      TestStreams.awaitState(first, KafkaStreams.State.RUNNING, 60);
      second = TestStreams.start(b, ScoringPlugin.identity());
      // The second instance's thread joins; the first hears of the rebalance only at its next
      // heartbeat, so the second is still joining when both stop.
      Thread.sleep(1000);
      assertThat(second.state()).isEqualTo(KafkaStreams.State.REBALANCING);
      assertThat(first.state()).isEqualTo(KafkaStreams.State.RUNNING);

      long t0 = System.nanoTime();
      firstClosed = first.close(StreamsProperties.closeOptions(a, Duration.ofSeconds(30)));
      secondClosed = second.close(StreamsProperties.closeOptions(b, Duration.ofSeconds(30)));
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(firstClosed).as("first closed within 30 s").isTrue();
      assertThat(secondClosed).as("second closed within 30 s").isTrue();
      assertThat(ms).as("both closed in %d ms", ms).isLessThan(10_000);
    } finally {
      if (!firstClosed) {
        first.close(Duration.ZERO);
      }
      if (second != null && !secondClosed) {
        second.close(Duration.ZERO);
      }
    }
  }

  private static AppConfig config(KafkaCluster kafka, String prefix, Path stateDir) {
    Map<String, String> s = TestStreams.settings(kafka, prefix, prefix + "app", stateDir);
    s.put("redunet.partitions", "3");
    s.put("redunet.feature.shape", "4");
    s.put("kafka.num.stream.threads", "1");
    s.put("kafka.main.consumer.heartbeat.interval.ms", "10000");
    return AppConfig.of(s);
  }
}
