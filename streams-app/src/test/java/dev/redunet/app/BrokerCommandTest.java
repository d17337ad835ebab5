package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Argument errors of {@code ./redunet broker}; none of these starts a broker. */
class BrokerCommandTest {

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
    CommandLine cmd =
        new CommandLine(
            new BrokerCommand(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                errStream,
                new CountDownLatch(0)));
    cmd.setErr(new PrintWriter(errStream, true, StandardCharsets.UTF_8));
    return cmd.execute(args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aPortOutOfRangeIsAUsageErrorThatSaysHowToFixIt() {
    assertThat(run("--port", "70000")).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "redunet broker: --port must be between 0 and 65535 (0 picks a free port), got 70000"
                + System.lineSeparator());
    assertThat(out.size()).isZero();
  }

  @Test
  void aNonNumericPortIsAUsageError() {
    assertThat(run("--port", "abc")).isEqualTo(2);
    assertThat(err()).contains("Invalid value for option '--port'");
  }

  @Test
  void aDataDirThatIsAFileIsAUsageError() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "x");
    assertThat(run("--port", "0", "--data-dir", file.toString())).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "redunet broker: --data-dir "
                + file
                + " is a file; give a directory"
                + System.lineSeparator());
  }

  @Test
  void aForeignNonEmptyDataDirIsAUsageError() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("foreign"));
    Files.writeString(dir.resolve("x.txt"), "x");
    assertThat(run("--port", "0", "--data-dir", dir.toString())).isEqualTo(2);
    assertThat(err()).startsWith("redunet broker: data directory").contains("is not empty");
  }

  @Test
  void aPortInUseIsAUsageErrorThatNamesThePort() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      assertThat(run("--port", Integer.toString(port), "--data-dir", tmp.resolve("d").toString()))
          .isEqualTo(2);
      assertThat(err())
          .startsWith("redunet broker: the client port " + port + " is already in use")
          .contains("choose another --port, 0 for a free one");
    }
  }
}
