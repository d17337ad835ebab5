package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class EvaluateCommandTest {

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cmd = new CommandLine(new Main());
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  @Test
  void evaluatesACsvStreamAndEndsWithOneJsonLine() throws IOException {
    Path csv = dir.resolve("two-blobs.csv");
    StringBuilder sb = new StringBuilder("label,x,y,z\n");
    Random rnd = new Random(61);
    for (int i = 0; i < 300; i++) {
      String label = i % 2 == 0 ? "left" : "right";
      double c = i % 2 == 0 ? -1.0 : 1.0;
      sb.append(label);
      for (int j = 0; j < 3; j++) {
        sb.append(',').append(c + 0.2 * rnd.nextGaussian());
      }
      sb.append('\n');
    }
    Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);

    int code =
        run(
            "evaluate",
            "--data",
            csv.toString(),
            "--window",
            "50",
            "--eps-sq",
            "0.5",
            "--no-parallel");

    assertThat(code).as(err.toString()).isZero();
    String text = out.toString().strip();
    JsonNode json = new ObjectMapper().readTree(text.substring(text.lastIndexOf('\n') + 1));
    assertThat(json.get("samples").asLong()).isEqualTo(250);
    assertThat(json.get("unscored").asLong()).isEqualTo(50);
    assertThat(json.get("accuracy").asDouble()).isGreaterThan(0.95);
    assertThat(json.get("kappa").asDouble()).isGreaterThan(0.9);
    assertThat(json.get("window").asInt()).isEqualTo(50);
    assertThat(json.get("classes").asInt()).isEqualTo(2);
    assertThat(err.toString()).contains("300 samples, d=3, 2 classes");
  }

  /** The learner's window and MICL ε² come from --config unless the flags give them. */
  @Test
  void redunetMiclTakesTheWindowFromTheConfigFileUnlessAFlagGivesIt() throws IOException {
    Path props = dir.resolve("learner.properties");
    Files.writeString(props, "redunet.window=200\nredunet.micl.eps.sq=0.25\nredunet.layers=1\n");
    String[] common = {
      "evaluate",
      "--dataset",
      "mnist10k",
      "--limit",
      "600",
      "--classifier",
      "redunet-micl",
      "--config",
      props.toString()
    };
    assertThat(run(common)).as(err.toString()).isZero();
    JsonNode fromFile = lastJson();
    assertThat(fromFile.get("window").asInt()).isEqualTo(200);
    assertThat(fromFile.get("unscored").asInt()).isEqualTo(200);
    assertThat(fromFile.get("eps_sq").asDouble()).isEqualTo(0.25);

    String[] withFlag = Arrays.copyOf(common, common.length + 2);
    withFlag[common.length] = "--window";
    withFlag[common.length + 1] = "300";
    out.getBuffer().setLength(0);
    assertThat(run(withFlag)).as(err.toString()).isZero();
    JsonNode fromFlag = lastJson();
    assertThat(fromFlag.get("window").asInt()).isEqualTo(300);
    assertThat(fromFlag.get("unscored").asInt()).isEqualTo(300);
    assertThat(fromFlag.get("eps_sq").asDouble()).isEqualTo(0.25);
  }

  private JsonNode lastJson() throws IOException {
    String text = out.toString().strip();
    return new ObjectMapper().readTree(text.substring(text.lastIndexOf('\n') + 1));
  }

  @Test
  void missingFilesAndBadArgumentsExitWithCodeTwoAndOneLine() {
    assertThat(run("evaluate", "--data", dir.resolve("nope.csv").toString())).isEqualTo(2);
    assertThat(err.toString().strip()).startsWith("evaluate: file not found:").doesNotContain("\n");

    err.getBuffer().setLength(0);
    assertThat(run("evaluate", "--images", "a.gz")).isEqualTo(2);
    assertThat(err.toString()).contains("--images and --labels go together");

    err.getBuffer().setLength(0);
    assertThat(run("evaluate", "--dataset", "mnist10k", "--window", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--window must be ≥ 1");

    err.getBuffer().setLength(0);
    assertThat(run("evaluate")).isEqualTo(2);
    assertThat(err.toString()).contains("no data");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void aMalformedCsvIsReportedWithFileLineAndColumn() throws IOException {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "a,1,2\nb,3,x\n", StandardCharsets.UTF_8);
    assertThat(run("evaluate", "--data", csv.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("bad.csv:2:3: expected a number, found 'x'");
  }

  @Test
  void theHelpNamesTheShippedMnistFiles() {
    assertThat(run("evaluate", "--help")).isZero();
    assertThat(out.toString())
        .contains("streams-app/src/main/resources/datasets/mnist10k/mnist10k-images-idx3-ubyte.gz");
  }
}
