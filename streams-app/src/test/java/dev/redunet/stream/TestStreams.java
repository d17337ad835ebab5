package dev.redunet.stream;

import dev.redunet.config.AppConfig;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import org.apache.kafka.streams.KafkaStreams;

/** Closing a test's {@link KafkaStreams} as the application does, with the stacks if it hangs. */
final class StreamsClosing {

  private StreamsClosing() {}

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
