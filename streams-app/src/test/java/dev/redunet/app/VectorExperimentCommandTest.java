package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.data.GaussianMixtures;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
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
  void experimentWithoutASubCommandIsAUsageError() {
    Run r = run("experiment");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).startsWith("experiment: give an experiment: vector");
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

  /** Writes a Gaussian draw as CSV with text labels a/b/c and a header. */
  private static Path csv(Path file, GaussianMixtures.Draw draw, String... extraRows)
      throws Exception {
    StringBuilder sb = new StringBuilder("label,x,y,z\n");
    int[] y = draw.labels();
    for (int i = 0; i < y.length; i++) {
      double[] v = draw.features().column(i);
      sb.append((char) ('a' + y[i]));
      for (double x : v) {
        sb.append(',').append(x);
      }
      sb.append('\n');
    }
    for (String row : extraRows) {
      sb.append(row).append('\n');
    }
    return Files.writeString(file, sb.toString());
  }

  @Test
  void csvTrainingAndTestFilesGiveTheSameResultAsTheDrawsTheyHold(@TempDir Path dir)
      throws Exception {
    GaussianMixtures.Split split = GaussianMixtures.trainTest(3, 40, 9);
    Path trainCsv = csv(dir.resolve("train.csv"), split.train());
    Path testCsv = csv(dir.resolve("test.csv"), split.test(), "zebra,0,0,1");
    Run fromCsv =
        run(
            "experiment",
            "vector",
            "--train",
            trainCsv.toString(),
            "--test",
            testCsv.toString(),
            "--layers",
            "15",
            "--components",
            "2");
    Run fromDraw =
        run(
            "experiment",
            "vector",
            "--gaussian",
            "3",
            "--per-class",
            "40",
            "--seed",
            "9",
            "--layers",
            "15",
            "--components",
            "2");
    assertThat(fromCsv.code()).as(fromCsv.err()).isZero();
    JsonNode a = fromCsv.json();
    JsonNode b = fromDraw.json();
    assertThat(a.get("deltaR").asDouble()).isCloseTo(b.get("deltaR").asDouble(), within(1e-12));
    assertThat(a.get("train_accuracy").asDouble()).isEqualTo(b.get("train_accuracy").asDouble());
    // The extra test row has a class never seen in training: it can only be misclassified.
    int correct = (int) Math.round(b.get("test_accuracy").asDouble() * 120);
    assertThat(a.get("test_accuracy").asDouble()).isCloseTo(correct / 121.0, within(1e-12));
    assertThat(a.get("test_samples").asInt()).isEqualTo(121);
    assertThat(a.get("source").asText()).isEqualTo("train.csv");
    assertThat(a.get("seed").isNull()).isTrue();
  }

  @Test
  void unreadableOrMismatchedCsvFilesGiveOneLineAndExitCodeTwo(@TempDir Path dir) throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.csv"), "1,0.5,0.25\n2,0.5,oops\n");
    Path two = Files.writeString(dir.resolve("two.csv"), "1,0.5,0.25\n2,0.5,0.5\n");
    Path three = Files.writeString(dir.resolve("three.csv"), "1,0.5,0.25,1\n2,0.5,0.5,1\n");
    Run r1 = run("experiment", "vector", "--train", bad.toString());
    assertThat(r1.code()).isEqualTo(2);
    assertThat(r1.err().strip())
        .startsWith("experiment vector: cannot read the data")
        .contains("bad.csv:2:3");
    Run r2 = run("experiment", "vector", "--train", two.toString(), "--test", three.toString());
    assertThat(r2.code()).isEqualTo(2);
    assertThat(r2.err().strip()).contains("3 features").contains("2;");
    Path named = Files.writeString(dir.resolve("named.csv"), "x,y\n0.5,1\n");
    Run r3 = run("experiment", "vector", "--train", named.toString(), "--label-column", "z");
    assertThat(r3.code()).isEqualTo(2);
    assertThat(r3.err().strip()).contains("named.csv:1:1: the header has no column named 'z'");
    Run r4 = run("experiment", "vector", "--gaussian", "2", "--label-column", "y");
    assertThat(r4.code()).isEqualTo(2);
    assertThat(r4.err().strip()).contains("--label-column NAME goes with --train FILE");
  }
}
