package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.Sample;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.SampleDecoder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
            "redunet produce: no data: give --jsonl FILE, --data FILE, --images FILE [--labels"
                + " FILE], or --dataset mnist10k"
                + System.lineSeparator());
    assertThat(out.size()).isZero();
  }

  @Test
  void produceTakesExactlyOneInputAndLabelsOnlyWithImages() throws Exception {
    Path f = Files.writeString(tmp.resolve("s.jsonl"), "{}\n");
    assertThat(run(produce(), "--jsonl", f.toString(), "--data", f.toString())).isEqualTo(2);
    assertThat(err()).contains("give only one of --jsonl, --images/--labels, --data, --dataset");
    assertThat(run(produce(), "--data", f.toString(), "--labels", f.toString())).isEqualTo(2);
    assertThat(err()).contains("--labels needs --images");
    assertThat(run(produce(), "--jsonl", f.toString(), "--label-column", "y")).isEqualTo(2);
    assertThat(err()).contains("--label-column NAME goes with --data FILE (CSV)");
    Path missing = tmp.resolve("labels.idx");
    assertThat(run(produce(), "--images", f.toString(), "--labels", missing.toString()))
        .isEqualTo(2);
    assertThat(err()).contains("file not found: " + missing + " (check the --labels path)");
  }

  @Test
  void theDefaultIdPrefixIsTheFileNameUpToItsFirstDot() {
    assertThat(SampleIds.prefix(null, Path.of("/d/train-images-idx3-ubyte.gz")))
        .isEqualTo("train-images-idx3-ubyte-");
    assertThat(SampleIds.prefix(null, Path.of("data"))).isEqualTo("data-");
    assertThat(SampleIds.prefix("p", Path.of("data.csv"))).isEqualTo("p");
    assertThat(SampleIds.datasetPrefix(null, "mnist10k")).isEqualTo("mnist10k-");
    assertThat(SampleIds.id("train-", 17)).isEqualTo("train-17");
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

  /**
   * The broker deletes records by their timestamps: produce warns when it stamps records older than
   * half the topic's retention.ms (a replay of 2023 data into a 7-day topic lost all of it).
   */
  @Test
  void produceWarnsWhenItsTimestampsAreOlderThanTheTopicKeepsRecords() {
    long day = 86_400_000L;
    long now = 1_800_000_000_000L;
    assertThat(ProduceCommand.oldTimestampWarning(now - 4 * day, now, 7 * day, "s"))
        .get()
        .asString()
        .contains("4.0 days ago, and topic s deletes records older than 7.0 days");
    assertThat(ProduceCommand.oldTimestampWarning(1_700_000_000_000L, now, 7 * day, "samples"))
        .get()
        .asString()
        .contains("1157.4 days ago, and topic samples deletes records older than 7.0 days")
        .contains("retention.ms=604800000")
        .contains("--start-time");
    assertThat(ProduceCommand.oldTimestampWarning(now - 3 * day, now, 7 * day, "s")).isEmpty();
    assertThat(ProduceCommand.oldTimestampWarning(now, now, 7 * day, "s")).isEmpty();
    assertThat(ProduceCommand.oldTimestampWarning(0, now, -1, "s")).isEmpty();
  }

  @Test
  void produceKnowsOnlyTheShippedDataSet() {
    assertThat(run(produce(), "--dataset", "cifar10", "--bootstrap-servers", "h:1")).isEqualTo(2);
    assertThat(err())
        .isEqualTo(
            "redunet produce: unknown --dataset 'cifar10': the shipped data set is mnist10k"
                + System.lineSeparator());
    assertThat(out.size()).isZero();
  }

  @Test
  void produceRefusesAnUnknownFormatAndABadRate() throws Exception {
    Path f = Files.writeString(tmp.resolve("s.jsonl"), "{}\n");
    assertThat(run(produce(), "--jsonl", f.toString(), "--format", "xml")).isEqualTo(2);
    assertThat(err()).contains("--format must be avro, json or confluent-avro, got xml");
    assertThat(
            run(
                produce(),
                "--jsonl",
                f.toString(),
                "--format",
                "confluent-avro",
                "--bootstrap-servers",
                "h:1"))
        .isEqualTo(2);
    assertThat(err())
        .contains(
            "--format confluent-avro needs a schema registry: --schema-registry-url URL (or"
                + " redunet.schema.registry.url)");
    assertThat(run(produce(), "--jsonl", f.toString(), "--rate", "-3")).isEqualTo(2);
    assertThat(err()).contains("--rate must be a positive number, got -3.0");
    assertThat(run(produce(), "--jsonl", f.toString(), "--start-time", "-1")).isEqualTo(2);
    assertThat(err()).contains("--start-time must be epoch milliseconds >= 0, got -1");
  }

  /**
   * Record i of a JSON-lines file (blank lines not counted) is stamped start + i: its Kafka record
   * timestamp, and its event time unless it carries one, in Avro as in JSON (where the stream takes
   * the record timestamp as the default event time).
   */
  @Test
  void jsonLinesWithoutTimestampGetStrictlyIncreasingTimesStartPlusTheirIndex() throws Exception {
    Path f =
        Files.writeString(
            tmp.resolve("times.jsonl"),
            "{\"id\":\"a\",\"features\":[1,2]}\n"
                + "\n"
                + "{\"id\":\"b\",\"features\":[3,4],\"timestamp\":5}\r\n"
                + "not json\n"
                + "{\"id\":\"c\",\"features\":[5,6],\"label\":\"x\"}\n"
                + "{\"id\":\"d\",\"features\":[7,8]}");
    long start = 1_700_000_000_000L;
    AvroCodec<Sample> avro = AvroCodec.of(Sample.class);
    SampleDecoder stream = SampleDecoder.create();
    for (ProduceCommand.Format format : ProduceCommand.Format.values()) {
      List<Long> recordTimes = new ArrayList<>();
      List<String> keys = new ArrayList<>();
      List<Long> eventTimes = new ArrayList<>();
      try (ProduceCommand.JsonLinesSource source =
          new ProduceCommand.JsonLinesSource(f, format, start)) {
        ProduceCommand.Outgoing next;
        while ((next = source.next()) != null) {
          recordTimes.add(next.timestamp());
          keys.add(next.key() == null ? null : new String(next.key(), StandardCharsets.UTF_8));
          if (next.valid()) {
            Sample s =
                format == ProduceCommand.Format.AVRO
                    ? avro.decode(next.value())
                    : stream.decode(next.value(), Instant.ofEpochMilli(next.timestamp()));
            eventTimes.add(s.getEventTime().toEpochMilli());
          } else {
            assertThat(new String(next.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
          }
        }
      }
      assertThat(recordTimes)
          .as(format.name())
          .containsExactly(start, start + 1, start + 2, start + 3, start + 4);
      assertThat(keys).as(format.name()).containsExactly("a", "b", null, "c", "d");
      assertThat(eventTimes).as(format.name()).containsExactly(start, 5L, start + 3, start + 4);
    }
  }

  @Test
  void dataSetSamplesGetTheSharedIdsAndTimesStartPlusTheirIndex() throws Exception {
    Path csv = Files.writeString(tmp.resolve("blobs.v1.csv"), "label,x,y\na,1,2\nb,3,4\na,5,6\n");
    AvroCodec<Sample> avro = AvroCodec.of(Sample.class);
    List<String> ids = new ArrayList<>();
    List<Long> times = new ArrayList<>();
    try (ProduceCommand.DatasetSource source =
        new ProduceCommand.DatasetSource(
            DatasetInput.csv(csv, null, null), ProduceCommand.Format.AVRO, 42L)) {
      ProduceCommand.Outgoing next;
      while ((next = source.next()) != null) {
        Sample s = avro.decode(next.value());
        assertThat(new String(next.key(), StandardCharsets.UTF_8)).isEqualTo(s.getId());
        assertThat(next.timestamp()).isEqualTo(s.getEventTime().toEpochMilli());
        ids.add(s.getId());
        times.add(next.timestamp());
      }
    }
    assertThat(ids).containsExactly("blobs-0", "blobs-1", "blobs-2");
    assertThat(times).containsExactly(42L, 43L, 44L);
  }

  @Test
  void aCsvWithANamedLabelColumnSendsTheOtherColumnsAsFeatures() throws Exception {
    Path csv =
        Files.writeString(tmp.resolve("named.csv"), "x,kind,y\n1,\"cat, tabby\",2\n3,dog,4\n");
    AvroCodec<Sample> avro = AvroCodec.of(Sample.class);
    List<Sample> sent = new ArrayList<>();
    try (ProduceCommand.DatasetSource source =
        new ProduceCommand.DatasetSource(
            DatasetInput.csv(csv, "kind", null), ProduceCommand.Format.AVRO, 0L)) {
      ProduceCommand.Outgoing next;
      while ((next = source.next()) != null) {
        sent.add(avro.decode(next.value()));
      }
    }
    assertThat(sent).hasSize(2);
    assertThat(sent.get(0).getLabel()).isEqualTo("cat, tabby");
    assertThat(sent.get(0).getFeatures()).containsExactly(1f, 2f);
    assertThat(sent.get(1).getLabel()).isEqualTo("dog");
    assertThat(sent.get(1).getFeatures()).containsExactly(3f, 4f);
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
  void runRefusesAMissingInitialModelNamingTheKey() {
    RunCommand run = new RunCommand(outStream, errStream, new CountDownLatch(0), false);
    assertThat(
            run(
                run,
                "--bootstrap-servers",
                "h:1",
                "-D",
                "redunet.model.initial=/no/such/model.json"))
        .isEqualTo(2);
    assertThat(err())
        .startsWith(
            "redunet run: redunet.model.initial=/no/such/model.json: cannot read the file (no such"
                + " file)");
    assertThat(out.size()).isZero();
  }

  @Test
  void theCommandsAreRegisteredInMain() {
    assertThat(Main.developmentBrokerPresent())
        .as("the tests have the development broker")
        .isTrue();
    CommandLine main = Main.commandLine();
    assertThat(main.getSubcommands()).containsKeys("produce", "consume", "run", "broker", "demo");
    assertThat(main.getSubcommands().get("broker").<Object>getCommand())
        .isInstanceOf(BrokerCommand.class);
    assertThat(main.getSubcommands().get("demo").<Object>getCommand())
        .isInstanceOf(DemoCommand.class);
  }

  @Test
  void withoutTheDevelopmentBrokerBrokerAndDemoSayWhereTheyAre() {
    for (String name : List.of("broker", "demo")) {
      CommandLine main = Main.commandLine(false);
      java.io.StringWriter text = new java.io.StringWriter();
      main.setErr(new java.io.PrintWriter(text, true));
      assertThat(main.getSubcommands().get(name).<Object>getCommand())
          .isInstanceOf(Main.DevelopmentOnly.class);
      assertThat(main.execute(name, "--port", "0", "--max-samples", "5")).isEqualTo(2);
      assertThat(text.toString())
          .startsWith("redunet " + name + ": not in this build: ")
          .contains("development broker")
          .contains("run ./redunet " + name + " from a checkout of the repository");
    }
    assertThat(Main.commandLine(false).getSubcommands()).containsKeys("run", "produce", "consume");
  }
}
