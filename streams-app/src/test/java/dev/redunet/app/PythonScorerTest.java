package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelJson;
import dev.redunet.learn.OnlineLearner;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.testing.SystemTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * clients/python/redunet_model.py on an export of a model with a PCA projection, three layers and
 * three classes (one of them unseen by the MICL statistics): its predictions equal {@link
 * StreamingModel#score}'s on 100 samples, every δL, membership and novelty within 1e-6.
 */
class PythonScorerTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int D = 150;

  @TempDir Path tmp;

  /** A seeded sample of class c: a class direction plus noise, as 32-bit floats. */
  private static float[] sample(int c, Random rnd, double[][] centres) {
    float[] x = new float[D];
    for (int i = 0; i < D; i++) {
      x[i] = (float) (centres[c][i] + 0.4 * rnd.nextGaussian());
    }
    return x;
  }

  @Test
  void thePythonScorerGivesTheJvmsPredictionsOnAProjectedModel() throws Exception {
    Path python = SystemTools.requirePythonModule("numpy", "python3-numpy");
    LearnerSettings s = LearnerSettings.defaults();
    LearnerSettings settings =
        new LearnerSettings(
            3,
            s.epsSq(),
            s.eta(),
            s.lambda(),
            TrainingMembership.SOFTMAX,
            100,
            0,
            s.combination(),
            s.decay(),
            s.slidingWindows(),
            LearnerSettings.ProjectionMode.ON,
            12,
            s.miclEpsSq(),
            s.construction(),
            s.noveltyQuantile());
    Random rnd = new Random(2026);
    double[][] centres = new double[3][D];
    for (double[] c : centres) {
      for (int i = 0; i < D; i++) {
        c[i] = rnd.nextGaussian() / 4;
      }
    }
    List<StreamingModel> models = new ArrayList<>();
    OnlineLearner learner = new OnlineLearner(D, settings, models::add);
    for (int i = 0; i < 300; i++) {
      float[] x = sample(i % 2, rnd, centres); // class 2 is never learned
      double[] xd = new double[D];
      for (int a = 0; a < D; a++) {
        xd[a] = x[a];
      }
      learner.learn(xd, i % 2);
    }
    StreamingModel model = learner.model().orElseThrow();
    assertThat(model.projection()).isPresent();
    assertThat(model.version()).isEqualTo(3);
    // Class names: "c0", "c1" and a third that has no statistics.
    StreamingModel named =
        new StreamingModel(
                model.version(),
                model.inputDimension(),
                model.projection(),
                model.network(),
                model.micl(),
                List.of("c0", "c1", "c2"),
                model.layerRates())
            .withNoveltyThreshold(model.noveltyThreshold().orElse(Double.NaN));
    Path exported = tmp.resolve("model.json");
    Files.writeString(
        exported,
        ModelJson.toJson("m", named, new ModelCodec.BuildInfo(1_700_000_000_000L, 0.5)).toString());

    List<String> lines = new ArrayList<>();
    double[][] columns = new double[100][];
    for (int i = 0; i < 100; i++) {
      float[] x = sample(i % 3, rnd, centres);
      columns[i] = new double[D];
      StringBuilder f = new StringBuilder();
      for (int a = 0; a < D; a++) {
        columns[i][a] = x[a];
        f.append(a == 0 ? "" : ",").append(Float.toString(x[a]));
      }
      lines.add(String.format(Locale.ROOT, "{\"id\":\"s%d\",\"features\":[%s]}", i, f));
    }
    Path in = tmp.resolve("samples.jsonl");
    Files.write(in, lines);
    StreamingModel.Scores jvm = named.score(Matrix.fromColumns(columns));

    Process p =
        new ProcessBuilder(
                python.toString(),
                Path.of("..", "clients", "python", "redunet_model.py").toString(),
                exported.toString())
            .redirectInput(in.toFile())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    List<String> out;
    try (var reader = p.inputReader(StandardCharsets.UTF_8)) {
      out = reader.lines().toList();
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out).hasSize(100);
    int[] predictedPerClass = new int[3];
    for (int i = 0; i < 100; i++) {
      JsonNode py = JSON.readTree(out.get(i));
      int predicted = jvm.predicted()[i];
      assertThat(py.get("sampleId").asText()).isEqualTo("s" + i);
      assertThat(py.get("predictedLabel").asText()).isEqualTo("c" + predicted);
      predictedPerClass[predicted]++;
      for (int j = 0; j < 3; j++) {
        JsonNode score = py.get("scores").get(j);
        double deltaL = jvm.deltaL()[i][j];
        if (Double.isInfinite(deltaL)) {
          assertThat(score.get("deltaLBits").isNull()).as("s%s class %s", i, j).isTrue();
        } else {
          assertThat(score.get("deltaLBits").asDouble())
              .as("s%s δL of class %s", i, j)
              .isCloseTo(deltaL, within(1e-6));
        }
        assertThat(score.get("membership").asDouble())
            .isCloseTo(jvm.membership().orElseThrow()[i][j], within(1e-6));
      }
      assertThat(py.get("noveltyBits").asDouble())
          .isCloseTo(named.noveltyBits(jvm.deltaL()[i]), within(1e-6));
    }
    assertThat(predictedPerClass[0]).as("class 0 is predicted").isPositive();
    assertThat(predictedPerClass[1]).as("class 1 is predicted").isPositive();
    assertThat(predictedPerClass[2]).as("a class without statistics never").isZero();
  }
}
