package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import dev.redunet.config.ConfigTable;
import java.io.ByteArrayOutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./redunet config}, one-line usage errors, and run's advertised HTTP host. */
class ConfigCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int config(String... args) {
    ConfigCommand command =
        new ConfigCommand(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new CommandLine(command).execute(args);
  }

  private List<String> outLines() {
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void itPrintsTheEffectiveConfigurationAsOneJsonLineWithSecretsHidden() throws Exception {
    assertThat(
            config(
                "-D",
                "redunet.http.port=0",
                "-D",
                "kafka.sasl.jaas.config=secret-stuff",
                "-D",
                "kafka.security.protocol=SASL_SSL",
                "--bootstrap-servers",
                "b:9092"))
        .isZero();
    assertThat(outLines()).hasSize(1);
    JsonNode r = JSON.readTree(outLines().get(0));
    assertThat(r.get("settings").get("redunet.http.port").asLong()).isZero();
    assertThat(r.get("settings").get("redunet.bootstrap.servers").asText()).isEqualTo("b:9092");
    assertThat(r.get("settings").get("redunet.eps.sq").asDouble()).isEqualTo(0.5);
    assertThat(r.get("settings").get("redunet.labels").isArray()).isTrue();
    assertThat(r.get("settings").has("redunet.state.dir")).as("unset key left out").isFalse();
    assertThat(r.get("kafka").get("sasl.jaas.config").asText()).isEqualTo("***");
    assertThat(r.get("kafka").get("security.protocol").asText()).isEqualTo("SASL_SSL");
  }

  @Test
  void anInvalidValueIsAOneLineUsageError() {
    assertThat(config("-D", "redunet.http.enabled=maybe")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "redunet config: invalid value 'maybe' for redunet.http.enabled: expected one of"
                + " true, false (from command line)"
                + System.lineSeparator());
    assertThat(out.size()).isZero();
  }

  @Test
  void markdownPrintsTheTableThenTheKeyCount() throws Exception {
    assertThat(config("--markdown")).isZero();
    List<String> lines = outLines();
    assertThat(String.join("\n", lines.subList(0, lines.size() - 1)) + "\n")
        .isEqualTo(ConfigTable.markdown());
    assertThat(JSON.readTree(lines.get(lines.size() - 1)).get("keys").asInt())
        .isEqualTo(ConfigKeys.ALL.size());
  }

  @Test
  void writeReadmeReplacesTheGeneratedSectionOnlyWhenItChanged() throws Exception {
    Path readme =
        Files.writeString(
            tmp.resolve("README.md"),
            "a\n" + ConfigTable.BEGIN + "\nSTALE-ROW\n" + ConfigTable.END + "\n");
    assertThat(config("--write-readme", readme.toString())).isZero();
    assertThat(JSON.readTree(outLines().get(0)).get("changed").asBoolean()).isTrue();
    assertThat(Files.readString(readme))
        .contains(ConfigTable.markdown())
        .doesNotContain("STALE-ROW");
    out.reset();
    assertThat(config("--write-readme", readme.toString())).isZero();
    assertThat(JSON.readTree(outLines().get(0)).get("changed").asBoolean()).isFalse();
  }

  @Test
  void writeReadmeNeedsAnExistingFileWithTheMarkers() throws Exception {
    Path missing = tmp.resolve("nope.md");
    assertThat(config("--write-readme", missing.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("file not found: " + missing + " (check the --write-readme path)");
    Path plain = Files.writeString(tmp.resolve("plain.md"), "no markers\n");
    assertThat(config("--write-readme", plain.toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("add the lines");
    assertThat(Files.readString(plain)).isEqualTo("no markers\n");
  }

  @Test
  void aBadArgumentOfAnyCommandIsOneLineThatSaysWhereHelpIs() {
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true));
    assertThat(cl.execute("run", "--layer", "3")).isEqualTo(2);
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .startsWith("redunet run: Unknown option")
        .contains("did you mean --layers")
        .endsWith("see ./redunet run --help");
    err.reset();
    assertThat(cl.execute("consume")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().toList())
        .containsExactly(
            "redunet consume: Missing required option: '--topic=T'; see ./redunet consume --help");
  }

  @Test
  void theAdvertisedHttpHostIsTheConfiguredOneElseTheBindAddressElseTheHostName() {
    AppConfig loopback = AppConfig.of(Map.of("redunet.http.host", "127.0.0.1"));
    assertThat(
            RunCommand.advertisedHost(
                loopback, new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080)))
        .isEqualTo("127.0.0.1");
    AppConfig wildcard = AppConfig.of(Map.of("redunet.http.host", "0.0.0.0"));
    assertThat(RunCommand.advertisedHost(wildcard, new InetSocketAddress(8080)))
        .isNotBlank()
        .isNotEqualTo("0.0.0.0");
    AppConfig advertised =
        wildcard.with(ConfigKeys.HTTP_ADVERTISED_HOST, "redunet-0.redunet-headless");
    assertThat(RunCommand.advertisedHost(advertised, new InetSocketAddress(8080)))
        .isEqualTo("redunet-0.redunet-headless");
  }
}
