package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redunet.data.SensorSignals;
import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.learn.LearnerSettings.Network;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.signal.SignalShape;
import dev.redunet.testing.SystemTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * schemas/model-export.schema.json (JSON Schema 2020-12, checked by Debian's python3-jsonschema)
 * accepts the exports {@link ModelJson} writes — a vector model with a projection and its learning
 * statistics, a 1D spectral model with a lifting and a 2D one without — and rejects exports that
 * break the format: a spectral model without its {@code spectral} input, with a vector layer or
 * with a vector MICL, and a vector model that claims to be spectral.
 */
class ModelExportSchemaTest {

  private static final Path SCHEMA = Path.of("..", "schemas", "model-export.schema.json");

  /**
   * Prints, per document file, "ok" or its first ten validation errors (instance path: message).
   */
  private static final String VALIDATE =
      String.join(
          "\n",
          "import json, sys",
          "import jsonschema",
          "schema = json.load(open(sys.argv[1]))",
          "jsonschema.Draft202012Validator.check_schema(schema)",
          "validator = jsonschema.Draft202012Validator(schema)",
          "for path in sys.argv[2:]:",
          "    errors = sorted(validator.iter_errors(json.load(open(path))), key=str)",
          "    print('ok' if not errors else ' | '.join(",
          "        '/'.join(str(p) for p in e.absolute_path) + ': ' + e.message[:200]",
          "        for e in errors[:10]))");

  @TempDir Path tmp;

  private static LearnerSettings settings(int window, ProjectionMode projection) {
    LearnerSettings s = LearnerSettings.defaults();
    return new LearnerSettings(
        2,
        s.epsSq(),
        s.eta(),
        50,
        TrainingMembership.SOFTMAX,
        window,
        0,
        Combination.CUMULATIVE,
        0.9,
        2,
        projection,
        8,
        s.miclEpsSq(),
        Construction.STATISTICS,
        s.noveltyQuantile());
  }

  /** The first version the samples build, with the builder's statistics after it. */
  private static ObjectNode export(LearnerSettings settings, double[][] x, int[] y) {
    WindowedLearner learner = WindowedLearner.start(settings, 0);
    for (int i = 0; i < x.length; i++) {
      learner.add(new WindowedLearner.Sample(i, x[i], "c" + y[i]));
      Optional<WindowedLearner.Job> job = learner.nextJob();
      if (job.isPresent()) {
        WindowedLearner.Built b = job.get().compute();
        return ModelJson.toJson(
            "m",
            b.model(),
            new ModelCodec.BuildInfo(1_700_000_000_000L, 0.25),
            Optional.of(WindowStatistics.of(b.windows())));
      }
    }
    throw new AssertionError("no window closed");
  }

  /** The verdict of the schema on every document, in order. */
  private List<String> validate(List<ObjectNode> docs) throws Exception {
    Path python = SystemTools.requirePythonModule("jsonschema", "python3-jsonschema");
    List<String> args = new ArrayList<>(List.of(python.toString(), "-c", VALIDATE));
    args.add(SCHEMA.toString());
    for (int i = 0; i < docs.size(); i++) {
      Path file = tmp.resolve("export-" + i + ".json");
      Files.writeString(file, docs.get(i).toString());
      args.add(file.toString());
    }
    Process p = new ProcessBuilder(args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    List<String> out;
    try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
      out = reader.lines().toList();
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out).hasSize(docs.size());
    return out;
  }

  @Test
  void theSchemaAcceptsVectorAndSpectralExportsAndRejectsBrokenOnes() throws Exception {
    SubspaceStream subspaces = new SubspaceStream(200, 20, 3, 11L);
    ObjectNode vector =
        export(settings(100, ProjectionMode.ON), subspaces.samples, subspaces.labels);
    assertThat(vector.get("network").asText()).isEqualTo("vector");
    assertThat(vector.get("projection").isObject()).isTrue();
    assertThat(vector.get("learning").isObject()).isTrue();

    SensorSignals.Dataset sensors = SensorSignals.generate(3, 3, 32, 20, 0.3, 4);
    ObjectNode spectral1d =
        export(
            settings(60, ProjectionMode.OFF)
                .withNetwork(
                    Network.SPECTRAL,
                    Optional.of(SignalShape.of1d(3, 32)),
                    Optional.of(new LiftingSettings(6, 3, 9))),
            sensors.samples(),
            sensors.labels());
    assertThat(spectral1d.get("network").asText()).isEqualTo("spectral");
    assertThat(spectral1d.get("spectral").get("layerShape").toString()).isEqualTo("[6,32]");
    assertThat(spectral1d.get("spectral").get("bins")).hasSize(17);
    assertThat(spectral1d.get("learning").isNull()).isTrue();
    assertThatThrownBy(() -> ModelJson.read(spectral1d.toString()))
        .as("a spectral export is for scoring outside the JVM")
        .hasMessageContaining("network \"spectral\": only vector models can be read back");

    Random rnd = new Random(5);
    double[][] images = new double[40][2 * 6 * 6];
    int[] labels = new int[40];
    for (int i = 0; i < images.length; i++) {
      labels[i] = i % 2;
      for (int p = 0; p < images[i].length; p++) {
        images[i][p] = labels[i] + rnd.nextGaussian();
      }
    }
    ObjectNode spectral2d =
        export(
            settings(40, ProjectionMode.OFF)
                .withNetwork(
                    Network.SPECTRAL, Optional.of(SignalShape.of2d(2, 6, 6)), Optional.empty()),
            images,
            labels);
    assertThat(spectral2d.get("spectral").get("lifting").isNull()).isTrue();
    assertThat(spectral2d.get("spectral").get("inputShape").toString()).isEqualTo("[2,6,6]");
    // 6 × 6: the bins (h, w) with 1 ≤ w ≤ 2, and h ≤ 3 in the columns w = 0 and w = 3
    assertThat(spectral2d.get("spectral").get("bins")).hasSize(2 * 6 + 2 * 4);

    ObjectNode noInput = spectral1d.deepCopy();
    noInput.remove("spectral");
    ObjectNode vectorLayerInSpectral = spectral1d.deepCopy();
    ((ObjectNode) vectorLayerInSpectral.get("layers").get(0)).put("type", "vector");
    ObjectNode vectorMicl = spectral1d.deepCopy();
    vectorMicl.set("micl", vector.get("micl").deepCopy());
    ObjectNode claimsSpectral = vector.deepCopy();
    claimsSpectral.put("network", "spectral");
    ObjectNode complexWithoutIm = spectral2d.deepCopy();
    ((ObjectNode) complexWithoutIm.get("layers").get(1).get("E")).remove("im");
    ObjectNode badBinWeight = spectral2d.deepCopy();
    ((ArrayNode) badBinWeight.get("spectral").get("binWeights")).set(0, 3);

    List<String> verdicts =
        validate(
            List.of(
                vector,
                spectral1d,
                spectral2d,
                noInput,
                vectorLayerInSpectral,
                vectorMicl,
                claimsSpectral,
                complexWithoutIm,
                badBinWeight));

    assertThat(verdicts.subList(0, 3)).containsOnly("ok");
    assertThat(verdicts.get(3)).contains("'spectral' is a required property");
    assertThat(verdicts.get(4)).contains("layers/0/type");
    assertThat(verdicts.get(5)).contains("micl/classes/0");
    assertThat(verdicts.get(6)).contains("'spectral' is a required property");
    assertThat(verdicts.get(7)).contains("layers/1/E").contains("'im' is a required property");
    assertThat(verdicts.get(8)).contains("spectral/binWeights/0");
  }
}
