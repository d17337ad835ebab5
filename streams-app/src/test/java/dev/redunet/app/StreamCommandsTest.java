package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Argument and configuration errors of produce, consume and run; none of these reaches Kafka. */
class StreamCommandsTest {

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
  private final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);

  private int run(Callable<Integer> command, String... args) {
    CommandLine cmd = new CommandLine(command);
    cmd.setErr(new PrintWriter(errStream, true, StandardCharsets.UTF_8));
    return cmd.execute(args);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private ProduceCommand produce() {
    return new ProduceCommand(outStream, errStream);
  }

  private ConsumeCommand consume() {
    return new ConsumeCommand(outStream, errStream);
  }

  @Test
  void produceNeedsAnInput() {
    assertThat(run(produce(), "--bootstrap-servers", "localhost:1")).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "redunet produce: give the input with --jsonl FILE, --images FILE [--labels FILE],"
                + " --data FILE or --dataset mnist10k"
                + System.lineSeparator());
    assertThat(out.size()).isZero();
  }

  @Test
  void produceTakesExactlyOneInputAndLabelsOnlyWithImages() throws Exception {
    Path f = Files.writeString(tmp.resolve("s.jsonl"), "{}\n");
    assertThat(run(produce(), "--jsonl", f.toString(), "--data", f.toString())).isEqualTo(2);
    assertThat(err()).contains("give only one of --jsonl, --images, --data and --dataset");
    assertThat(run(produce(), "--data", f.toString(), "--labels", f.toString())).isEqualTo(2);
    assertThat(err()).contains("--labels needs --images");
    Path missing = tmp.resolve("labels.idx");
    assertThat(run(produce(), "--images", f.toString(), "--labels", missing.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("file not found: " + missing + " (check the --labels path)");
  }

  @Test
  void theDefaultIdPrefixIsTheFileNameUpToItsFirstDot() {
    assertThat(ProduceCommand.defaultPrefix(Path.of("/d/train-images-idx3-ubyte.gz")))
        .isEqualTo("train-images-idx3-ubyte-");
    assertThat(ProduceCommand.defaultPrefix(Path.of("data"))).isEqualTo("data-");
  }

  @Test
  void produceSaysWhichFileIsMissing() {
    Path missing = tmp.resolve("nope.jsonl");
    assertThat(run(produce(), "--bootstrap-servers", "h:1", "--jsonl", missing.toString()))
        .isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "redunet produce: file not found: "
                + missing
                + " (check the --jsonl path)"
                + System.lineSeparator());
  }

  @Test
  void produceKnowsOnlyTheShippedDataSet() {
    assertThat(run(produce(), "--dataset", "cifar10", "--bootstrap-servers", "h:1")).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "redunet produce: unknown --dataset cifar10; the shipped data set is mnist10k"
                + System.lineSeparator());
    assertThat(out.size()).isZero();
  }

  @Test
  void produceRefusesAnUnknownFormatAndABadRate() throws Exception {
    Path f = Files.writeString(tmp.resolve("s.jsonl"), "{}\n");
    assertThat(run(produce(), "--jsonl", f.toString(), "--format", "xml")).isEqualTo(2);
    assertThat(err()).contains("--format must be avro or json, got xml");
    assertThat(run(produce(), "--jsonl", f.toString(), "--rate", "-3")).isEqualTo(2);
    assertThat(err()).contains("--rate must be a positive number, got -3.0");
  }

  @Test
  void produceWithoutBootstrapServersNamesTheSettingToGive() throws Exception {
    Path f = Files.writeString(tmp.resolve("s.jsonl"), "{}\n");
    assertThat(run(produce(), "--jsonl", f.toString())).isEqualTo(2);
    assertThat(err())
        .startsWith("redunet produce: missing required setting redunet.bootstrap.servers")
        .contains("REDUNET_BOOTSTRAP_SERVERS");
  }

  @Test
  void aMissingConfigFileAndAnUnknownKeyAreUsageErrors() throws Exception {
    Path f = Files.writeString(tmp.resolve("s.jsonl"), "{}\n");
    Path config = tmp.resolve("app.properties");
    assertThat(run(produce(), "--jsonl", f.toString(), "--config", config.toString())).isEqualTo(2);
    assertThat(err()).contains("configuration file not found: " + config);
    assertThat(run(consume(), "--topic", "t", "-D", "redunet.partitons=2")).isEqualTo(2);
    assertThat(err()).contains("unknown configuration key 'redunet.partitons'");
    assertThat(err()).contains("did you mean redunet.partitions?");
  }

  @Test
  void consumeNeedsATopicAndAPositiveTimeout() {
    assertThat(run(consume(), "--bootstrap-servers", "h:1")).isEqualTo(2);
    assertThat(err()).contains("Missing required option: '--topic=T'");
    assertThat(run(consume(), "--bootstrap-servers", "h:1", "--topic", "t", "--timeout", "0"))
        .isEqualTo(2);
    assertThat(err()).contains("--timeout must be a positive number of seconds, got 0.0");
  }

  @Test
  void runRefusesAnInvalidModelFlagNamingTheKey() {
    RunCommand run = new RunCommand(outStream, errStream, new CountDownLatch(0), false);
    assertThat(run(run, "--bootstrap-servers", "h:1", "--construction", "magic")).isEqualTo(2);
    assertThat(err())
        .startsWith("redunet run: invalid value 'magic' for redunet.construction")
        .contains("statistics, replay");
    assertThat(out.size()).isZero();
  }

  @Test
  void theCommandsAreRegisteredInMain() {
    CommandLine main = new CommandLine(new Main());
    assertThat(main.getSubcommands()).containsKeys("produce", "consume", "run", "broker");
  }
}
