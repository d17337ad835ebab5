package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

  /** --network spectral --shape C,T reads every CSV row as a multichannel signal. */
  @Test
  void theSpectralNetworkReadsCsvRowsAsSignalsOfTheGivenShape() throws IOException {
    dev.redunet.data.SensorSignals.Dataset data =
        dev.redunet.data.SensorSignals.driftingEvents(4, 3, 32, 600, 150, 1, 0.5, 21);
    Path csv = dir.resolve("events.csv");
    StringBuilder sb = new StringBuilder();
    double[][] x = data.samples();
    int[] y = data.labels();
    for (int i = 0; i < x.length; i++) {
      sb.append("event").append(y[i]);
      for (double v : x[i]) {
        sb.append(',').append(v);
      }
      sb.append('\n');
    }
    Files.writeString(csv, sb.toString(), StandardCharsets.UTF_8);
    String[] spectral = {
      "evaluate",
      "--data",
      csv.toString(),
      "--classifier",
      "redunet-micl",
      "--window",
      "150",
      "--network",
      "spectral",
      "--shape",
      "3,32",
      "--channels",
      "6",
      "--kernel",
      "3"
    };
    assertThat(run(spectral)).as(err.toString()).isZero();
    JsonNode json = lastJson();
    assertThat(json.get("samples").asInt()).isEqualTo(450);
    assertThat(json.get("learner").get("network").asText()).isEqualTo("spectral");
    assertThat(json.get("learner").get("feature_shape").asText()).isEqualTo("3,32");
    assertThat(json.get("learner").get("lifting_channels").asText()).isEqualTo("6");
    assertThat(json.get("accuracy").asDouble()).isGreaterThanOrEqualTo(0.93);

    // a shape that does not fit the rows: every row is skipped, and the command says so
    String[] wrong = spectral.clone();
    wrong[10] = "3,31";
    out.getBuffer().setLength(0);
    assertThat(run(wrong)).isNotZero();
    assertThat(err.toString()).contains("no valid sample");
    // spectral without a shape is a configuration error that names the key
    err.getBuffer().setLength(0);
    assertThat(
            run(
                "evaluate",
                "--data",
                csv.toString(),
                "--classifier",
                "redunet-micl",
                "--network",
                "spectral"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("redunet.feature.shape");
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

  /**
   * The same samples with the label in a named, quoted column in the middle (RFC 4180) give exactly
   * the result of the label-first file: --label-column picks the label, the rest are the features.
   */
  @Test
  void aNamedLabelColumnGivesTheSameResultAsTheLabelFirst() throws IOException {
    Random rnd = new Random(7);
    StringBuilder first = new StringBuilder("label,x,y,z\n");
    StringBuilder named = new StringBuilder("x,\"the class\",y,z\n");
    for (int i = 0; i < 120; i++) {
      String label = i % 2 == 0 ? "left, far" : "right \"near\"";
      String quoted = "\"" + label.replace("\"", "\"\"") + "\"";
      double c = i % 2 == 0 ? -1.0 : 1.0;
      double[] v = {c + 0.2 * rnd.nextGaussian(), c + 0.2 * rnd.nextGaussian(), c};
      first.append(quoted).append(',').append(v[0]).append(',').append(v[1]);
      first.append(',').append(v[2]).append('\n');
      named.append(v[0]).append(',').append(quoted).append(',').append(v[1]);
      named.append(',').append(v[2]).append('\n');
    }
    Path a = dir.resolve("first.csv");
    Path b = dir.resolve("named.csv");
    Files.writeString(a, first.toString(), StandardCharsets.UTF_8);
    Files.writeString(b, named.toString(), StandardCharsets.UTF_8);
    Path pa = dir.resolve("first.predictions");
    Path pb = dir.resolve("named.predictions");
    JsonNode ra =
        runForJson(
            "evaluate",
            "--data",
            a.toString(),
            "--id-prefix",
            "s",
            "--window",
            "30",
            "--predictions",
            pa.toString());
    JsonNode rb =
        runForJson(
            "evaluate",
            "--data",
            b.toString(),
            "--label-column",
            "the class",
            "--id-prefix",
            "s",
            "--window",
            "30",
            "--predictions",
            pb.toString());
    assertThat(ra.get("classes").asInt()).isEqualTo(2);
    assertThat(rb.get("samples").asLong()).isEqualTo(ra.get("samples").asLong()).isEqualTo(90);
    assertThat(rb.get("accuracy").asDouble()).isEqualTo(ra.get("accuracy").asDouble());
    assertThat(lines(pb)).isEqualTo(lines(pa));
    assertThat(lines(pa).get(0)).contains("\"trueLabel\":\"left, far\"");

    err.getBuffer().setLength(0);
    assertThat(run("evaluate", "--data", b.toString(), "--label-column", "class")).isEqualTo(2);
    assertThat(err.toString())
        .contains("named.csv:1:1: the header has no column named 'class' (the label column)");
    err.getBuffer().setLength(0);
    assertThat(run("evaluate", "--dataset", "mnist10k", "--label-column", "y")).isEqualTo(2);
    assertThat(err.toString()).contains("--label-column NAME goes with --data FILE");
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

  /** A seeded two-blob stream, values on a 1/1024 grid (exact as 32-bit floats and in text). */
  private static double[][] blobs(int n, long seed) {
    Random rnd = new Random(seed);
    double[][] rows = new double[n][3];
    for (int i = 0; i < n; i++) {
      double c = i % 2 == 0 ? -1.0 : 1.0;
      for (int j = 0; j < 3; j++) {
        rows[i][j] = Math.round((c + 0.3 * rnd.nextGaussian()) * 1024) / 1024.0;
      }
    }
    return rows;
  }

  private static String blobLabel(int i) {
    return i % 2 == 0 ? "left" : "right";
  }

  private static String jsonSample(String id, double[] x, String label) {
    StringBuilder sb = new StringBuilder("{\"id\":\"").append(id).append("\",\"features\":[");
    for (int j = 0; j < x.length; j++) {
      sb.append(j == 0 ? "" : ",").append(x[j]);
    }
    sb.append(']');
    if (label != null) {
      sb.append(",\"label\":\"").append(label).append('"');
    }
    return sb.append("}\n").toString();
  }

  private Path blobsCsv(String name, double[][] rows) throws IOException {
    StringBuilder sb = new StringBuilder("label,x,y,z\n");
    for (int i = 0; i < rows.length; i++) {
      sb.append(blobLabel(i));
      for (double v : rows[i]) {
        sb.append(',').append(v);
      }
      sb.append('\n');
    }
    return Files.writeString(dir.resolve(name), sb.toString(), StandardCharsets.UTF_8);
  }

  private JsonNode runForJson(String... args) throws IOException {
    out.getBuffer().setLength(0);
    assertThat(run(args)).as(err.toString()).isZero();
    return lastJson();
  }

  private static List<String> lines(Path file) throws IOException {
    return Files.readAllLines(file, StandardCharsets.UTF_8);
  }

  /**
   * Bad lines of every kind are skipped and counted by the stream's reason codes, the first ten
   * named on stderr; the good lines give exactly the CSV's result and predictions.
   */
  @Test
  void jsonLinesWithBadLinesMixedInScoreTheGoodOnesExactlyAsTheCsv() throws IOException {
    double[][] rows = blobs(300, 61);
    Path csv = blobsCsv("two-blobs.csv", rows);
    List<String> bad =
        List.of(
            "{\"id\":\"x1\",\"features\":[1,2]}\n", // WRONG_DIMENSION (3 fixed by the first)
            "not json\n", // UNPARSABLE
            "{\"features\":[1,2,3],\"label\":\"left\"}\n", // MISSING_FIELD
            "{\"id\":\"e1\",\"features\":[],\"label\":\"left\"}\n", // EMPTY_VECTOR
            "{\"id\":\"n1\",\"features\":[1,NaN,3],\"label\":\"left\"}\n", // NON_FINITE
            "{\"id\":\"z1\",\"features\":[0,0,-0.0],\"label\":\"left\"}\n", // EMPTY_VECTOR
            "{\"id\":\"l1\",\"features\":[1,2,3],\"label\":\"\"}\n", // UNPARSABLE
            "{\"id\":\"u1\",\"features\":[1,2,3],\"lable\":\"left\"}\n", // UNPARSABLE
            "[1,2,3]\n", // UNPARSABLE
            "{\"id\":\"s1\",\"features\":[1,2,3],\"shape\":[2,2]}\n", // WRONG_DIMENSION
            "{\"id\":\"t1\",\"features\":[1e39,1,1]}\n", // NON_FINITE
            "{\"id\":\"\",\"features\":[1,2,3]}\n"); // MISSING_FIELD
    StringBuilder jsonl = new StringBuilder();
    for (int i = 0; i < rows.length; i++) {
      if (i > 0 && i % 20 == 0 && i / 20 <= bad.size()) {
        jsonl.append(bad.get(i / 20 - 1));
      }
      if (i == 7) {
        jsonl.append("\n"); // blank: no record, but counts as a line of the file
      }
      jsonl.append(jsonSample("two-blobs-" + i, rows[i], blobLabel(i)));
    }
    Path file = Files.writeString(dir.resolve("two-blobs.jsonl"), jsonl, StandardCharsets.UTF_8);
    Path fromCsv = dir.resolve("csv.predictions");
    Path fromJsonl = dir.resolve("jsonl.predictions");
    String[] settings = {"--window", "50", "--eps-sq", "0.5", "--no-parallel"};

    JsonNode csvResult =
        runForJson(
            concat(
                "evaluate",
                "--data",
                csv.toString(),
                "--predictions",
                fromCsv.toString(),
                settings));
    err.getBuffer().setLength(0);
    JsonNode jsonResult =
        runForJson(
            concat(
                "evaluate",
                "--jsonl",
                file.toString(),
                "--predictions",
                fromJsonl.toString(),
                settings));

    assertThat(jsonResult.get("skipped").asLong()).isEqualTo(12);
    assertThat(jsonResult.get("skipped_reasons").toString())
        .isEqualTo(
            "{\"UNPARSABLE\":4,\"MISSING_FIELD\":2,\"EMPTY_VECTOR\":2,\"WRONG_DIMENSION\":2,"
                + "\"NON_FINITE\":2}");
    assertThat(csvResult.get("skipped").asLong()).isZero();
    assertThat(csvResult.get("skipped_reasons").size()).isZero();
    for (String field :
        new String[] {"samples", "unscored", "unlabelled", "processed", "classes", "dimension"}) {
      assertThat(jsonResult.get(field).asLong()).as(field).isEqualTo(csvResult.get(field).asLong());
    }
    assertThat(jsonResult.get("samples").asLong()).isEqualTo(250);
    assertThat(jsonResult.get("accuracy").asDouble())
        .isEqualTo(csvResult.get("accuracy").asDouble())
        .isGreaterThan(0.95);
    assertThat(jsonResult.get("kappa").asDouble()).isEqualTo(csvResult.get("kappa").asDouble());
    assertThat(lines(fromJsonl))
        .hasSize(300)
        .isEqualTo(lines(fromCsv))
        .allMatch(l -> l.startsWith("{\"sampleId\":\"two-blobs-") && l.endsWith("}"));

    // The first ten skipped lines are named with their line number, the others counted.
    String log = err.toString();
    assertThat(log.split("evaluate: skipped line ", -1)).hasSize(11);
    assertThat(log)
        .contains("evaluate: skipped line 22: WRONG_DIMENSION: features: 2 values, expected 3")
        .contains("evaluate: skipped line 43: UNPARSABLE: document: invalid JSON")
        .contains("evaluate: skipped line 64: MISSING_FIELD: id: missing (required)")
        .contains("evaluate: skipped 2 more input record(s) (not shown)");
  }

  private static String[] concat(String a, String b, String c, String d, String e, String[] rest) {
    String[] all = Arrays.copyOf(new String[] {a, b, c, d, e}, 5 + rest.length);
    System.arraycopy(rest, 0, all, 5, rest.length);
    return all;
  }

  /**
   * Unlabelled lines are predicted with the model in force, never learned, never counted: the
   * labelled samples get exactly the predictions they get without them.
   */
  @Test
  void unlabelledLinesArePredictedButNotLearned() throws IOException {
    double[][] rows = blobs(200, 7);
    StringBuilder mixed = new StringBuilder();
    StringBuilder labelledOnly = new StringBuilder();
    int unlabelled = 0;
    for (int i = 0; i < rows.length; i++) {
      boolean labelled = i % 3 != 2;
      String line = jsonSample("b-" + i, rows[i], labelled ? blobLabel(i) : null);
      mixed.append(line);
      if (labelled) {
        labelledOnly.append(line);
      } else {
        unlabelled++;
      }
    }
    Path mixedFile = Files.writeString(dir.resolve("mixed.jsonl"), mixed);
    Path labelledFile = Files.writeString(dir.resolve("labelled.jsonl"), labelledOnly);
    Path mixedOut = dir.resolve("mixed.out");
    Path labelledOut = dir.resolve("labelled.out");

    JsonNode r =
        runForJson(
            "evaluate",
            "--jsonl",
            mixedFile.toString(),
            "--window",
            "40",
            "--predictions",
            mixedOut.toString());
    JsonNode reference =
        runForJson(
            "evaluate",
            "--jsonl",
            labelledFile.toString(),
            "--window",
            "40",
            "--predictions",
            labelledOut.toString());

    assertThat(unlabelled).isEqualTo(66);
    assertThat(r.get("unlabelled").asLong()).isEqualTo(66);
    assertThat(r.get("processed").asLong()).isEqualTo(200);
    assertThat(r.get("unscored").asLong()).isEqualTo(40);
    assertThat(r.get("samples").asLong()).isEqualTo(134 - 40);
    assertThat(r.get("skipped").asLong()).isZero();
    assertThat(r.get("accuracy").asDouble()).isEqualTo(reference.get("accuracy").asDouble());

    ObjectMapper mapper = new ObjectMapper();
    List<String> mixedLines = lines(mixedOut);
    assertThat(mixedLines).hasSize(200);
    List<String> labelledLines = new ArrayList<>();
    int learned = 0;
    for (int i = 0; i < rows.length; i++) {
      JsonNode p = mapper.readTree(mixedLines.get(i));
      assertThat(p.get("sampleId").asText()).isEqualTo("b-" + i);
      // micl: the version is the number of refreshes, one every 40 labelled samples.
      assertThat(p.get("modelVersion").asLong()).as("sample %d", i).isEqualTo(learned / 40);
      assertThat(p.get("predictedLabel").isNull()).isEqualTo(learned < 40);
      if (i % 3 == 2) {
        assertThat(p.get("trueLabel").isNull()).isTrue();
        assertThat(p.has("trueLabel")).isTrue();
      } else {
        assertThat(p.get("trueLabel").asText()).isEqualTo(blobLabel(i));
        labelledLines.add(mixedLines.get(i));
        learned++;
      }
    }
    assertThat(labelledLines).isEqualTo(lines(labelledOut));
    assertThat(mixedLines.get(0))
        .isEqualTo(
            "{\"sampleId\":\"b-0\",\"modelVersion\":0,\"predictedLabel\":null,"
                + "\"trueLabel\":\"left\"}");
    assertThat(mixedLines.get(2))
        .isEqualTo(
            "{\"sampleId\":\"b-2\",\"modelVersion\":0,\"predictedLabel\":null,"
                + "\"trueLabel\":null}");
  }

  /** The streaming learner's predictions name the model version that made them. */
  @Test
  void predictionsOfTheStreamingLearnerNameTheModelVersion() throws IOException {
    Path file = dir.resolve("mnist.predictions");
    JsonNode r =
        runForJson(
            "evaluate",
            "--dataset",
            "mnist10k",
            "--limit",
            "600",
            "--classifier",
            "redunet-micl",
            "--window",
            "200",
            "--layers",
            "1",
            "--predictions",
            file.toString());
    assertThat(r.get("processed").asLong()).isEqualTo(600);
    ObjectMapper mapper = new ObjectMapper();
    List<String> lines = lines(file);
    assertThat(lines).hasSize(600);
    long correct = 0;
    for (int i = 0; i < lines.size(); i++) {
      JsonNode p = mapper.readTree(lines.get(i));
      assertThat(p.get("sampleId").asText()).isEqualTo("mnist10k-" + i);
      assertThat(p.get("modelVersion").asLong()).as("sample %d", i).isEqualTo(i / 200);
      assertThat(p.get("predictedLabel").isNull()).isEqualTo(i < 200);
      assertThat(p.get("trueLabel").asText()).matches("[0-9]");
      if (p.get("predictedLabel").asText().equals(p.get("trueLabel").asText())) {
        correct++;
      }
    }
    assertThat((double) correct / 400).isEqualTo(r.get("accuracy").asDouble());
  }

  /** evaluate gives IDX, CSV and shipped samples the ids produce gives them. */
  @Test
  void idsAreTheIdsProduceGives() throws Exception {
    Path csv = blobsCsv("blobs.v2.csv", blobs(60, 3));
    Path images = dir.resolve("tiny-images.idx");
    Path labels = dir.resolve("tiny-labels.idx");
    ByteBuffer im = ByteBuffer.allocate(4 + 12 + 60 * 4);
    im.putInt(0x0803).putInt(60).putInt(2).putInt(2);
    ByteBuffer lb = ByteBuffer.allocate(8 + 60);
    lb.putInt(0x0801).putInt(60);
    for (int i = 0; i < 60; i++) {
      for (int j = 0; j < 4; j++) {
        im.put((byte) (i % 2 == 0 ? 10 + j : 200 - j * (i % 7)));
      }
      lb.put((byte) (i % 2));
    }
    Files.write(images, im.array());
    Files.write(labels, lb.array());

    Map<String, String[]> inputs = new LinkedHashMap<>();
    inputs.put("csv", new String[] {"--data", csv.toString()});
    inputs.put("csv, prefix", new String[] {"--data", csv.toString(), "--id-prefix", "p/"});
    inputs.put("idx", new String[] {"--images", images.toString(), "--labels", labels.toString()});
    inputs.put("mnist10k", new String[] {"--dataset", "mnist10k", "--limit", "60"});
    ObjectMapper mapper = new ObjectMapper();
    for (Map.Entry<String, String[]> input : inputs.entrySet()) {
      String[] args = input.getValue();
      Path file = dir.resolve("ids.predictions");
      String[] evaluate =
          Arrays.copyOf(
              new String[] {"evaluate", "--window", "20", "--predictions", file.toString()},
              5 + args.length);
      System.arraycopy(args, 0, evaluate, 5, args.length);
      runForJson(evaluate);
      List<String> ids = new ArrayList<>();
      for (String line : lines(file)) {
        ids.add(mapper.readTree(line).get("sampleId").asText());
      }

      String prefix = args.length > 2 && args[2].equals("--id-prefix") ? args[3] : null;
      DatasetInput produced =
          args[0].equals("--data")
              ? DatasetInput.csv(csv, null, prefix)
              : args[0].equals("--images")
                  ? DatasetInput.idx(images, labels, prefix)
                  : DatasetInput.mnist10k(prefix);
      List<String> keys = new ArrayList<>();
      try (ProduceCommand.DatasetSource source =
          new ProduceCommand.DatasetSource(produced, ProduceCommand.Format.JSON, 0L)) {
        ProduceCommand.Outgoing next;
        while (keys.size() < 60 && (next = source.next()) != null) {
          keys.add(new String(next.key(), StandardCharsets.UTF_8));
        }
      }
      assertThat(ids).as(input.getKey()).hasSize(60).isEqualTo(keys);
    }
    assertThat(SampleIds.prefix(null, images)).isEqualTo("tiny-images-");
  }

  @Test
  void jsonlArgumentErrorsAndAFileWithoutAValidSample() throws IOException {
    Path f = Files.writeString(dir.resolve("bad.jsonl"), "nope\n{\"id\":\"a\"}\n");
    assertThat(run("evaluate", "--jsonl", f.toString(), "--data", f.toString())).isEqualTo(2);
    assertThat(err.toString()).contains("give only one of --jsonl, --images/--labels");

    err.getBuffer().setLength(0);
    assertThat(run("evaluate", "--jsonl", f.toString(), "--id-prefix", "p")).isEqualTo(2);
    assertThat(err.toString()).contains("--id-prefix is for IDX, CSV and the shipped set");

    err.getBuffer().setLength(0);
    assertThat(run("evaluate", "--jsonl", f.toString())).isEqualTo(2);
    assertThat(err.toString())
        .contains("evaluate: skipped line 1: UNPARSABLE")
        .contains("evaluate: skipped line 2: MISSING_FIELD: features: missing (required)")
        .contains("no valid sample in " + f + " (2 input record(s) skipped)");
    assertThat(out.toString()).isEmpty();
  }
}
