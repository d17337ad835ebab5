package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VectorExperimentCommandTest {

  /** Exit code, stdout and stderr of one run of {@code ./redunet args}. */
  private record Run(int code, String out, String err) {
    List<String> lines() {
      return out.strip().lines().toList();
    }

    JsonNode json() throws Exception {
      List<String> l = lines();
      return new ObjectMapper().readTree(l.get(l.size() - 1));
    }
  }

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void theGaussianExperimentPrintsOneCsvRowPerLayerThenTheJsonSummary(@TempDir Path dir)
      throws Exception {
    Path png = dir.resolve("rates.png");
    Run r =
        run(
            "experiment",
            "vector",
            "--gaussian",
            "3",
            "--per-class",
            "60",
            "--seed",
            "4",
            "--layers",
            "30",
            "--eps-sq",
            "0.1",
            "--eta",
            "0.5",
            "--lambda",
            "500",
            "--membership",
            "labels",
            "--plot",
            png.toString(),
            "--knn");
    assertThat(r.code()).as(r.err()).isZero();
    List<String> lines = r.lines();
    assertThat(lines).hasSize(32);
    assertThat(lines.get(0)).isEqualTo("layer,R,Rc,deltaR");
    String[] row = lines.get(30).split(",", -1);
    assertThat(row[0]).isEqualTo("30");
    assertThat(Double.parseDouble(row[1]) - Double.parseDouble(row[2]))
        .isCloseTo(Double.parseDouble(row[3]), within(1e-9));
    JsonNode json = r.json();
    assertThat(json.get("layers").asInt()).isEqualTo(30);
    assertThat(json.get("deltaR").asDouble()).isCloseTo(Double.parseDouble(row[3]), within(1e-9));
    assertThat(json.get("deltaR").asDouble())
        .isLessThanOrEqualTo(json.get("closed_form_delta_r").asDouble());
    assertThat(json.get("train_accuracy").asDouble()).isEqualTo(1.0);
    assertThat(json.get("test_accuracy").asDouble()).isGreaterThan(0.95);
    assertThat(json.get("knn_test_accuracy").asDouble()).isGreaterThan(0.95);
    assertThat(json.get("components").asInt()).isEqualTo(2);
    assertThat(json.get("seconds").asDouble()).isPositive();
    assertThat(json.get("membership").asText()).isEqualTo("labels");
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isGreaterThan(100);
  }

  @Test
  void badArgumentsGiveOneLineAndExitCodeTwo() {
    String[][] cases = {
      {"experiment", "vector"},
      {"experiment", "vector", "--gaussian", "4"},
      {"experiment", "vector", "--gaussian", "2", "--membership", "oracle"},
      {"experiment", "vector", "--gaussian", "2", "--eps-sq", "0"},
      {"experiment", "vector", "--train", "/no/such/file.csv"},
      {"experiment", "vector", "--gaussian", "2", "--plot", "rates.jpg"}
    };
    for (String[] args : cases) {
      Run r = run(args);
      assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
      assertThat(r.err().strip()).as(String.join(" ", args)).startsWith("experiment vector: ");
      assertThat(r.err().strip().lines()).hasSize(1);
      assertThat(r.out()).isEmpty();
    }
  }
}
