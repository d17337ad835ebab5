package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The rotation, translation and sensors experiments on small settings (the real runs are long). */
class SpectralExperimentCommandsTest {

  private record Run(int code, String out, String err) {
    JsonNode json() throws Exception {
      List<String> l = out.strip().lines().toList();
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
  void rotationOnTheShippedDigitsEndsWithTheJsonSummaryOfEveryClassifier() throws Exception {
    Run r =
        run(
            "experiment",
            "rotation",
            "--classes",
            "0,1",
            "--train-per-class",
            "20",
            "--test-per-class",
            "10",
            "--polar-channels",
            "3",
            "--timesteps",
            "16",
            "--channels",
            "3",
            "--kernel",
            "3",
            "--layers",
            "3",
            "--report-at",
            "0",
            "--threads",
            "2");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = r.json();
    assertThat(json.get("experiment").asText()).isEqualTo("rotation");
    // Seeded: the figures of this run, give or take one test sample (20) or two shifted ones
    // (320) flipped by rounding (the forward's addition order depends on free memory).
    double[][] expected = {{0.95, 1.0, 0.95}, {0.79375, 0.7375, 0.771875}};
    double[] slack = {1.0 / 20, 2.0 / 320};
    String[] keys = {"test_accuracy", "all_shifts_accuracy"};
    String[] classifiers = {"nearest_subspace", "knn", "linear"};
    for (int k = 0; k < 2; k++) {
      for (int c = 0; c < 3; c++) {
        assertThat(json.get(keys[k]).get(classifiers[c]).asDouble())
            .as(keys[k] + " " + classifiers[c])
            .isCloseTo(expected[k][c], within(slack[k] + 1e-12));
      }
    }
    assertThat(json.get("seconds").asDouble()).isPositive();
    assertThat(json.get("shifts_per_sample").asInt()).isEqualTo(16);
    assertThat(json.get("all_shifts_samples").asLong()).isEqualTo(20 * 16);
    assertThat(json.get("equivariance_max_error").asDouble()).isLessThan(1e-10);
    assertThat(json.get("split").asText()).contains("first 20", "next 10");
    assertThat(json.get("filter_seed").asLong()).isEqualTo(10);
    assertThat(json.get("by_depth")).hasSize(2);
    assertThat(json.get("by_depth").get(0).get("layers").asInt()).isZero();
    assertThat(r.err()).contains("experiment rotation");
  }

  @Test
  void translationScoresEveryCyclicTranslationOfEveryTestImage() throws Exception {
    Run r =
        run(
            "experiment",
            "translation",
            "--classes",
            "3,7",
            "--train-per-class",
            "12",
            "--test-per-class",
            "3",
            "--channels",
            "2",
            "--kernel",
            "3",
            "--layers",
            "2");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = r.json();
    assertThat(json.get("shifts_per_sample").asInt()).isEqualTo(784);
    assertThat(json.get("all_shifts_samples").asLong()).isEqualTo(6 * 784);
    assertThat(json.get("classes").toString()).isEqualTo("[3,7]");
    assertThat(json.get("equivariance_max_error").asDouble()).isLessThan(1e-10);
    // Seeded (2 layers on 6 test digits × 784 translations): this run's figure, ± 2 shifts.
    assertThat(json.get("all_shifts_accuracy").get("nearest_subspace").asDouble())
        .isCloseTo(2644.0 / 4704, within(2.0 / 4704 + 1e-12));
  }

  @Test
  void translationWithRandomOffsetsTestsEveryOtherImageOfTheDigits() throws Exception {
    Run r =
        run(
            "experiment",
            "translation",
            "--classes",
            "3,7",
            "--train-per-class",
            "12",
            "--test-rest",
            "--translate-seed",
            "5",
            "--max-shift",
            "2",
            "--channels",
            "2",
            "--kernel",
            "3",
            "--layers",
            "1",
            "--no-all-shifts");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = r.json();
    // mnist10k holds 1,032 threes and 1,070 sevens (its PROVENANCE.md).
    assertThat(json.get("test_samples").asInt()).isEqualTo(1032 + 1070 - 24);
    assertThat(json.get("train_samples").asInt()).isEqualTo(24);
    assertThat(json.get("translate_seed").asLong()).isEqualTo(5);
    assertThat(json.get("all_shifts_accuracy").isNull()).isTrue();
    assertThat(json.get("split").asText()).contains("all the others (2078)");
    assertThat(json.get("max_shift").asInt()).isEqualTo(2);
    // Two digits on 12 images each, moved by at most 2 pixels: well above chance.
    assertThat(json.get("test_accuracy").get("nearest_subspace").asDouble()).isBetween(0.8, 1.0);
    Run both =
        run("experiment", "translation", "--test-rest", "--test-per-class", "3", "--layers", "1");
    assertThat(both.code()).isEqualTo(2);
    assertThat(both.err()).contains("--test-per-class or --test-rest");
  }

  @Test
  void sensorsClassifiesTheSyntheticSignals() throws Exception {
    Run r =
        run(
            "experiment",
            "sensors",
            "--kinds",
            "3",
            "--sensors",
            "2",
            "--length",
            "32",
            "--train-per-class",
            "15",
            "--test-per-class",
            "5",
            "--noise",
            "0.3",
            "--layers",
            "3",
            "--channels",
            "4",
            "--kernel",
            "3");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = r.json();
    assertThat(json.get("test_accuracy").get("nearest_subspace").asDouble()).isGreaterThan(0.9);
    assertThat(json.get("all_shifts_accuracy").get("knn").asDouble()).isGreaterThan(0.9);
  }

  @Test
  void badArgumentsAreOneLineErrorsWithExitCodeTwo() {
    Run oneClass = run("experiment", "rotation", "--classes", "4");
    assertThat(oneClass.code()).isEqualTo(2);
    assertThat(oneClass.err().strip()).contains("--classes").doesNotContain("\n");
    Run missing =
        run("experiment", "translation", "--images", "/no/such/file", "--labels", "/no/such");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.err()).contains("file not found: /no/such/file");
    Run tooMany = run("experiment", "translation", "--train-per-class", "2000");
    assertThat(tooMany.code()).isEqualTo(2);
    assertThat(tooMany.err()).contains("fewer than --train-per-class + --test-per-class");
    Run depth = run("experiment", "sensors", "--layers", "5", "--report-at", "7");
    assertThat(depth.code()).isEqualTo(2);
    assertThat(depth.err()).contains("--report-at");
  }
}
