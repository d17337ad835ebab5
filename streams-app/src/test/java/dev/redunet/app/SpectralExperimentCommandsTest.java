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

  /** The split and network of the runs on a user's own signals (JSON lines or CSV). */
  private static final String[] USERS_SIGNALS_ARGS = {
    "--train-per-class",
    "15",
    "--test-per-class",
    "5",
    "--layers",
    "3",
    "--channels",
    "4",
    "--kernel",
    "3"
  };

  /** The generated signals of the test above, written as JSON lines with their shape. */
  private static java.nio.file.Path sensorsAsJsonLines(java.nio.file.Path dir, boolean withShape)
      throws Exception {
    dev.redunet.data.SensorSignals.Dataset d =
        dev.redunet.data.SensorSignals.generate(3, 2, 32, 20, 0.3, 1);
    List<String> lines = new java.util.ArrayList<>();
    for (int i = 0; i < d.samples().length; i++) {
      StringBuilder b = new StringBuilder("{\"id\":\"s" + i + "\",\"features\":[");
      double[] x = d.samples()[i];
      for (int a = 0; a < x.length; a++) {
        b.append(a == 0 ? "" : ",").append((float) x[a]);
      }
      b.append(withShape ? "],\"shape\":[2,32]" : "]");
      lines.add(b.append(",\"label\":\"kind-").append(d.labels()[i]).append("\"}").toString());
    }
    java.nio.file.Path file = dir.resolve(withShape ? "shaped.jsonl" : "flat.jsonl");
    java.nio.file.Files.write(file, lines);
    return file;
  }

  @Test
  void sensorsRunsOnTheUsersOwnJsonLines(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    JsonNode first = null;
    for (boolean withShape : new boolean[] {true, false}) {
      List<String> args =
          new java.util.ArrayList<>(
              List.of(
                  "experiment",
                  "sensors",
                  "--jsonl",
                  sensorsAsJsonLines(dir, withShape).toString()));
      if (!withShape) {
        args.addAll(List.of("--shape", "2,32"));
      }
      args.addAll(List.of(USERS_SIGNALS_ARGS));
      Run r = run(args.toArray(String[]::new));
      assertThat(r.code()).as(r.err()).isZero();
      JsonNode json = r.json();
      // The signals of sensorsClassifiesTheSyntheticSignals, as 32-bit floats, classes numbered
      // by first appearance: nearest subspace classifies them and every shift of them.
      assertThat(json.get("test_accuracy").get("nearest_subspace").asDouble()).isGreaterThan(0.9);
      assertThat(json.get("all_shifts_accuracy").get("nearest_subspace").asDouble())
          .isGreaterThan(0.9);
      assertThat(json.toString()).contains("in file order: the first 15 of each class train");
      if (first == null) {
        first = json;
      } else {
        // the shape from the lines or from --shape: the same signals, the same results
        for (String set : List.of("test_accuracy", "all_shifts_accuracy")) {
          assertThat(json.get(set)).as(set).isEqualTo(first.get(set));
        }
      }
    }
  }

  @Test
  void sensorsReadsTheSameSignalsFromCsvAsFromJsonLines(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    dev.redunet.data.SensorSignals.Dataset d =
        dev.redunet.data.SensorSignals.generate(3, 2, 32, 20, 0.3, 1);
    List<String> rows = new java.util.ArrayList<>();
    for (int i = 0; i < d.samples().length; i++) {
      StringBuilder b = new StringBuilder("kind-").append(d.labels()[i]);
      for (double v : d.samples()[i]) {
        b.append(',').append((float) v);
      }
      rows.add(b.toString());
    }
    java.nio.file.Path csv = dir.resolve("signals.csv");
    java.nio.file.Files.write(csv, rows);
    List<String> fromCsv =
        new java.util.ArrayList<>(
            List.of("experiment", "sensors", "--data", csv.toString(), "--shape", "2,32"));
    fromCsv.addAll(List.of(USERS_SIGNALS_ARGS));
    Run c = run(fromCsv.toArray(String[]::new));
    assertThat(c.code()).as(c.err()).isZero();
    List<String> fromJson =
        new java.util.ArrayList<>(
            List.of("experiment", "sensors", "--jsonl", sensorsAsJsonLines(dir, true).toString()));
    fromJson.addAll(List.of(USERS_SIGNALS_ARGS));
    Run j = run(fromJson.toArray(String[]::new));
    assertThat(j.code()).as(j.err()).isZero();
    for (String set : List.of("test_accuracy", "all_shifts_accuracy")) {
      assertThat(c.json().get(set)).as(set).isEqualTo(j.json().get(set));
    }
    Run noShape = run("experiment", "sensors", "--data", csv.toString());
    assertThat(noShape.code()).isEqualTo(2);
    assertThat(noShape.err()).contains("--data needs --shape C,T");
    Run wrongShape = run("experiment", "sensors", "--data", csv.toString(), "--shape", "3,32");
    assertThat(wrongShape.code()).isEqualTo(2);
    assertThat(wrongShape.err()).contains("64 values per row, but --shape 3,32 holds 96");
  }

  @Test
  void sensorsNamesTheLineOfABadSignal(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    java.nio.file.Path file = dir.resolve("bad.jsonl");
    java.nio.file.Files.write(
        file,
        List.of(
            "{\"id\":\"a\",\"features\":[1,2,3,4],\"shape\":[2,2],\"label\":\"x\"}",
            "{\"id\":\"b\",\"features\":[1,2,3],\"shape\":[1,3],\"label\":\"y\"}"));
    Run r = run("experiment", "sensors", "--jsonl", file.toString(), "--kernel", "1");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("line 2").contains("expected [2, 2]");
    Run noShape = run("experiment", "sensors", "--jsonl", file.toString(), "--shape", "2");
    assertThat(noShape.code()).isEqualTo(2);
    assertThat(noShape.err()).contains("--shape takes C,T");
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
