package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.testing.GoldenVectors;
import dev.redunet.testing.SystemTools;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./redunet cluster} end to end: files in, the summary line and the assignments out. */
class ClusterCommandTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private StringWriter out = new StringWriter();
  private StringWriter err = new StringWriter();

  private int run(String... args) {
    out = new StringWriter();
    err = new StringWriter();
    CommandLine cmd = Main.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    return cmd.execute(args);
  }

  private JsonNode summary() throws IOException {
    String text = out.toString().strip();
    return JSON.readTree(text.substring(text.lastIndexOf('\n') + 1));
  }

  /**
   * Done when "subspace mixture": 4 random 3-dimensional subspaces of R^40 with noise (noise norm
   * about 0.1 against samples of norm about 1), as JSON lines; the command finds k = 4 with
   * accuracy ≥ 0.95 under the best matching, exactly and through the over-segmentation; k-means
   * given k = 4 is reported next to it.
   */
  @Test
  void findsFourSubspacesInR40ByItselfAndReportsKMeansBesideIt() throws IOException {
    int m = 400;
    Path file = dir.resolve("subspaces.jsonl");
    StringBuilder sb = new StringBuilder();
    double[][] x = subspaces(m, 40, 3, 4, 0.1, 2024L);
    for (int i = 0; i < m; i++) {
      sb.append("{\"id\":\"s").append(i).append("\",\"features\":[");
      for (int j = 0; j < x[i].length; j++) {
        sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.6f", x[i][j]));
      }
      sb.append("],\"label\":\"subspace-").append(i % 4).append("\"}\n");
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
    Path assignments = dir.resolve("assignments.jsonl");

    int code =
        run(
            "cluster",
            "--jsonl",
            file.toString(),
            "--eps-sq",
            "0.05",
            "--kmeans",
            "--assignments",
            assignments.toString());

    assertThat(code).as(err.toString()).isZero();
    JsonNode s = summary();
    assertThat(s.get("k").asInt()).isEqualTo(4);
    assertThat(s.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
    assertThat(s.get("purity").asDouble()).isGreaterThanOrEqualTo(s.get("accuracy").asDouble());
    assertThat(s.get("algorithm").asText()).isEqualTo("exact");
    assertThat(s.get("samples").asInt()).isEqualTo(m);
    assertThat(s.get("labelled").asInt()).isEqualTo(m);
    assertThat(s.get("final_length_bits").asDouble())
        .isLessThan(s.get("initial_length_bits").asDouble());
    int total = 0;
    for (JsonNode size : s.get("cluster_sizes")) {
      total += size.asInt();
    }
    assertThat(total).isEqualTo(m);
    JsonNode km = s.get("kmeans");
    assertThat(km.get("k").asInt()).isEqualTo(4);
    assertThat(km.get("accuracy").asDouble()).isBetween(0.25, 1.0);
    assertThat(err.toString()).contains("k-means (k=4, best of 10)").contains("accuracy");

    List<String> lines = Files.readAllLines(assignments, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(m);
    int[] perCluster = new int[4];
    for (int i = 0; i < m; i++) {
      JsonNode line = JSON.readTree(lines.get(i));
      assertThat(line.get("sampleId").asText()).isEqualTo("s" + i);
      perCluster[line.get("cluster").asInt()]++;
    }
    for (int g = 0; g < 4; g++) {
      assertThat(perCluster[g]).isEqualTo(s.get("cluster_sizes").get(g).asInt());
    }

    // The same samples through the over-segmentation (forced by a low limit).
    assertThat(
            run(
                "cluster",
                "--jsonl",
                file.toString(),
                "--eps-sq",
                "0.05",
                "--exact-limit",
                "100",
                "--target-groups",
                "16"))
        .as(err.toString())
        .isZero();
    JsonNode fast = summary();
    assertThat(fast.get("algorithm").asText()).isEqualTo("over-segmentation+exact");
    assertThat(fast.get("over_segments").asInt()).isBetween(4, 100);
    assertThat(fast.get("k").asInt()).isEqualTo(4);
    assertThat(fast.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.95);
    assertThat(fast.has("kmeans")).isFalse();
  }

  /**
   * Done when "reference": the golden clustering inputs ({@code cluster_greedy.json}: both runs,
   * linear and affine coding) through the command give the golden assignments and the golden total
   * coding lengths before and after, from CSV (double precision); from JSON lines without labels
   * (32-bit floats) the same assignments.
   */
  @Test
  void theGoldenClusteringRunsGiveTheGoldenAssignmentsEndToEnd() throws IOException {
    JsonNode root = GoldenVectors.load("cluster_greedy.json");
    for (JsonNode goldenRun : root.get("runs")) {
      String name = goldenRun.get("name").asText();
      String coding = goldenRun.get("affine").asBoolean() ? "affine" : "linear";
      String epsSq = Double.toString(goldenRun.get("eps2").asDouble());
      double[][] points = GoldenVectors.rows(goldenRun.get("points"));
      int[] truth = GoldenVectors.ints(goldenRun.get("ground_truth"));
      int[] expected = GoldenVectors.ints(goldenRun.get("result_labels"));

      Path csv = dir.resolve(name + ".csv");
      StringBuilder sb = new StringBuilder("label,x,y,z\n");
      for (int i = 0; i < points.length; i++) {
        sb.append("g").append(truth[i]);
        for (double v : points[i]) {
          sb.append(',').append(v);
        }
        sb.append('\n');
      }
      Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
      Path csvAssignments = dir.resolve(name + "-csv.jsonl");
      assertThat(
              run(
                  "cluster",
                  "--data",
                  csv.toString(),
                  "--coding",
                  coding,
                  "--eps-sq",
                  epsSq,
                  "--assignments",
                  csvAssignments.toString()))
          .as(err.toString())
          .isZero();
      JsonNode s = summary();
      assertThat(clusters(csvAssignments)).as(name).containsExactly(expected);
      assertThat(s.get("k").asInt()).isEqualTo(goldenRun.get("final_groups").size());
      assertThat(s.get("merges").asInt()).isEqualTo(goldenRun.get("n_merges").asInt());
      assertClose(
          s.get("initial_length_bits").asDouble(),
          goldenRun.get("steps").get(0).get("Lc").asDouble(),
          name + " L^c before");
      assertClose(
          s.get("final_length_bits").asDouble(),
          goldenRun.get("final_Lc").asDouble(),
          name + " L^c after");
      assertThat(s.get("accuracy").asDouble()).isEqualTo(1.0);

      Path jsonl = dir.resolve(name + ".jsonl");
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < points.length; i++) {
        lines
            .append("{\"id\":\"p")
            .append(i)
            .append("\",\"features\":")
            .append(JSON.writeValueAsString(points[i]))
            .append("}\n");
      }
      Files.writeString(jsonl, lines.toString(), StandardCharsets.UTF_8);
      Path jsonAssignments = dir.resolve(name + "-json.jsonl");
      assertThat(
              run(
                  "cluster",
                  "--jsonl",
                  jsonl.toString(),
                  "--coding",
                  coding,
                  "--eps-sq",
                  epsSq,
                  "--assignments",
                  jsonAssignments.toString()))
          .as(err.toString())
          .isZero();
      JsonNode unlabelled = summary();
      assertThat(clusters(jsonAssignments)).as(name + " (JSON)").containsExactly(expected);
      assertThat(unlabelled.get("labelled").asInt()).isZero();
      assertThat(unlabelled.get("accuracy").isNull()).isTrue();
      assertThat(unlabelled.get("purity").isNull()).isTrue();
    }
  }

  /**
   * The README's example, as written: its Python generator, then its command line; the figures the
   * README prints (k, the coding length after, the accuracy, k-means' accuracy) come out.
   */
  @Test
  void theReadmesClusterExampleGivesTheFiguresItPrints() throws Exception {
    List<String> readme = Files.readAllLines(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    int from = readme.indexOf("python3 - <<'PY'");
    int to = readme.subList(from, readme.size()).indexOf("PY") + from;
    assertThat(from).as("README.md shows the generator").isPositive();
    String generator = String.join("\n", readme.subList(from + 1, to)) + "\n";
    String commandLine = readme.get(to + 1).strip();
    String printed = readme.get(to + 5).strip();
    assertThat(commandLine).startsWith("./redunet cluster ");
    assertThat(printed).startsWith("# {\"k\":");

    Path python = SystemTools.require("/usr/bin/python3", "python3");
    Process p =
        new ProcessBuilder(python.toString(), "-")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(generator.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String pythonOutput = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(pythonOutput).isZero();

    String[] words = commandLine.split("\\s+", -1);
    List<String> args = new ArrayList<>();
    for (int i = 1; i < words.length; i++) {
      args.add(words[i].endsWith(".jsonl") ? dir.resolve(words[i]).toString() : words[i]);
    }
    assertThat(run(args.toArray(String[]::new))).as(err.toString()).isZero();
    JsonNode s = summary();
    assertThat(s.get("k").asInt()).isEqualTo(number(printed, "\"k\":(\\d+)").intValue());
    assertThat(s.get("final_length_bits").asDouble())
        .isEqualTo(number(printed, "\"final_length_bits\":([0-9.]+)"));
    assertThat(s.get("accuracy").asDouble())
        .isEqualTo(number(printed, "\"accuracy\":([0-9.]+),\"purity\""));
    assertThat(s.get("kmeans").get("accuracy").asDouble())
        .isEqualTo(number(printed, "\"kmeans\":\\{\"k\":\\d+,\"accuracy\":([0-9.]+)"));
    assertThat(Files.readAllLines(dir.resolve("clusters.jsonl"))).hasSize(s.get("samples").asInt());
  }

  private static Double number(String text, String regex) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(text);
    while (m.find()) {
      if (m.group(1) != null) {
        return Double.parseDouble(m.group(1));
      }
    }
    throw new AssertionError("no " + regex + " in " + text);
  }

  /**
   * The sample-file options are shared with produce and evaluate: a CSV whose label is the last
   * column, named by {@code --label-column}, clusters as the same data with the label first, and an
   * unlabelled JSON line of another dimension is skipped as the stream would reject it.
   */
  @Test
  void readsCsvWithANamedLabelColumnAndSkipsAnotherDimension() throws IOException {
    JsonNode goldenRun = GoldenVectors.load("cluster_greedy.json").get("runs").get(0);
    double[][] points = GoldenVectors.rows(goldenRun.get("points"));
    int[] truth = GoldenVectors.ints(goldenRun.get("ground_truth"));
    StringBuilder last = new StringBuilder("x,y,z,kind\n");
    StringBuilder first = new StringBuilder("label,x,y,z\n");
    for (int i = 0; i < points.length; i++) {
      StringBuilder values = new StringBuilder();
      for (double v : points[i]) {
        values.append(values.length() == 0 ? "" : ",").append(v);
      }
      last.append(values).append(",g").append(truth[i]).append('\n');
      first.append('g').append(truth[i]).append(',').append(values).append('\n');
    }
    Path lastCsv = Files.writeString(dir.resolve("last.csv"), last.toString());
    Path firstCsv = Files.writeString(dir.resolve("first.csv"), first.toString());
    String epsSq = Double.toString(goldenRun.get("eps2").asDouble());
    String coding = goldenRun.get("affine").asBoolean() ? "affine" : "linear";
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");
    assertThat(
            run(
                "cluster",
                "--data",
                lastCsv.toString(),
                "--label-column",
                "kind",
                "--eps-sq",
                epsSq,
                "--coding",
                coding,
                "--assignments",
                a.toString()))
        .as(err.toString())
        .isZero();
    JsonNode named = summary();
    assertThat(
            run(
                "cluster",
                "--data",
                firstCsv.toString(),
                "--eps-sq",
                epsSq,
                "--coding",
                coding,
                "--assignments",
                b.toString()))
        .as(err.toString())
        .isZero();
    assertThat(clusters(a)).containsExactly(clusters(b));
    assertThat(named.get("accuracy").asDouble()).isEqualTo(summary().get("accuracy").asDouble());
    assertThat(named.get("labelled").asBoolean()).isTrue();

    Path mixed = dir.resolve("mixed.jsonl");
    Files.writeString(
        mixed,
        "{\"id\":\"a\",\"features\":[1,2]}\n{\"id\":\"b\",\"features\":[2,1,3]}\n"
            + "{\"id\":\"c\",\"features\":[2,1]}\n");
    assertThat(run("cluster", "--jsonl", mixed.toString())).isZero();
    assertThat(err.toString())
        .contains(
            "cluster: skipped line 2: WRONG_DIMENSION: features: 3 values, the first sample (a)");
    assertThat(summary().get("samples").asInt()).isEqualTo(2);
    assertThat(summary().get("skipped_reasons").toString()).isEqualTo("{\"WRONG_DIMENSION\":1}");
  }

  @Test
  void badArgumentsAndDataGetAClearErrorAndExitCodeTwo() throws IOException {
    assertThat(run("cluster")).isEqualTo(2);
    assertThat(err.toString()).contains("cluster: no data");
    Path jsonl = dir.resolve("u.jsonl");
    Files.writeString(
        jsonl, "{\"id\":\"a\",\"features\":[1,2]}\n{\"id\":\"b\",\"features\":[2,1]}\n");
    assertThat(run("cluster", "--jsonl", jsonl.toString(), "--eps-sq", "0")).isEqualTo(2);
    assertThat(err.toString()).contains("--eps-sq must be a positive number, got 0.0");
    assertThat(run("cluster", "--jsonl", jsonl.toString(), "--coding", "cubic")).isEqualTo(2);
    assertThat(err.toString()).contains("unknown --coding 'cubic'");
    assertThat(run("cluster", "--jsonl", jsonl.toString(), "--kmeans")).isEqualTo(2);
    assertThat(err.toString()).contains("the input has none: give --kmeans K");
    assertThat(run("cluster", "--jsonl", dir.resolve("missing.jsonl").toString())).isEqualTo(2);
    assertThat(err.toString()).contains("file not found");
    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(bad, "not json\n");
    assertThat(run("cluster", "--jsonl", bad.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("skipped line 1: UNPARSABLE")
        .contains("no valid sample in " + bad + " (1 input record(s) skipped)");
    assertThat(run("cluster", "--jsonl", jsonl.toString(), "--kmeans", "2")).isZero();
    assertThat(summary().get("kmeans").get("accuracy").isNull()).isTrue();
  }

  private static int[] clusters(Path assignments) throws IOException {
    List<Integer> out = new ArrayList<>();
    for (String line : Files.readAllLines(assignments, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line).get("cluster").asInt());
    }
    return out.stream().mapToInt(Integer::intValue).toArray();
  }

  private static void assertClose(double actual, double expected, String what) {
    assertThat(GoldenVectors.close(actual, expected, 1e-9, 1e-12))
        .as("%s: %s vs %s", what, actual, expected)
        .isTrue();
  }

  /** Points on k random dim-dimensional subspaces of R^d (point i on subspace i mod k), noisy. */
  private static double[][] subspaces(int m, int d, int dim, int k, double noise, long seed) {
    Random rnd = new Random(seed);
    double[][][] bases = new double[k][dim][d];
    for (double[][] basis : bases) {
      for (double[] v : basis) {
        for (int j = 0; j < d; j++) {
          v[j] = rnd.nextGaussian() / Math.sqrt(d);
        }
      }
    }
    double[][] x = new double[m][d];
    for (int i = 0; i < m; i++) {
      for (int c = 0; c < dim; c++) {
        double coef = rnd.nextGaussian() / Math.sqrt(dim);
        for (int j = 0; j < d; j++) {
          x[i][j] += coef * bases[i % k][c][j];
        }
      }
      for (int j = 0; j < d; j++) {
        x[i][j] += noise * rnd.nextGaussian() / Math.sqrt(d);
      }
    }
    return x;
  }
}
