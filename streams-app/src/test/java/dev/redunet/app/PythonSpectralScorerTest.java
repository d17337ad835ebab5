package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.data.SensorSignals;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.learn.LearnerSettings.Network;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelJson;
import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowedLearner;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.signal.SignalShape;
import dev.redunet.testing.SystemTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * clients/python/redunet_model.py on exports of spectral models (shift-invariant layers, lifting,
 * the frequency-domain MICL): its predictions equal {@link StreamingModel#score}'s on 100 samples,
 * every δL within 1e-9 relative, every membership and novelty within 1e-6. The two sides differ
 * only by rounding (the FFTs, the exported explicit inverses against the JVM's triangular solves,
 * the log-determinants): measured at most 2.4e-12 relative on δL of 69 to 522 bits, so 1e-9 leaves
 * a margin of 400 and is still far tighter than the 1e-6 the export promises. 1D: the sensors
 * generator at C = 3, T = 64, lifted to 8 channels, L = 2, 4 classes; 2D: shifted 8 × 8 images of 2
 * channels, lifted to 4 channels by 3 × 3 filters, L = 3, 3 classes.
 */
class PythonSpectralScorerTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @AutoClose private final MathExecutor math = MathExecutor.create(2, "test-math");

  private static LearnerSettings settings(
      int layers, int window, SignalShape shape, LiftingSettings lifting) {
    return new LearnerSettings(
            layers,
            0.5,
            0.5,
            50,
            TrainingMembership.SOFTMAX,
            window,
            0,
            Combination.CUMULATIVE,
            0.9,
            2,
            ProjectionMode.AUTO,
            64,
            0.5,
            Construction.STATISTICS,
            0.95)
        .withNetwork(Network.SPECTRAL, Optional.of(shape), Optional.of(lifting));
  }

  /** The model after two windows of the first {@code 2·window} samples. */
  private StreamingModel learn(LearnerSettings settings, double[][] x, int[] y) {
    WindowedLearner learner = WindowedLearner.start(settings, 0, math);
    StreamingModel model = null;
    for (int i = 0; i < 2 * settings.window(); i++) {
      if (learner.add(new WindowedLearner.Sample(i, floats(x[i]), "c" + y[i]))
          == WindowedLearner.Added.CLOSED) {
        WindowedLearner.Built built = learner.nextJob().orElseThrow().compute();
        learner.install(built);
        model = built.model();
      }
    }
    assertThat(model).isNotNull();
    assertThat(model.version()).isEqualTo(2);
    assertThat(model.isSpectral()).isTrue();
    return model;
  }

  /** The values as the samples topic carries them: 32-bit floats, widened. */
  private static double[] floats(double[] x) {
    double[] out = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) x[i];
    }
    return out;
  }

  @Test
  void thePythonScorerGivesTheJvmsPredictionsOnA1dSpectralModel() throws Exception {
    SignalShape shape = SignalShape.of1d(3, 64);
    SensorSignals.Dataset data = SensorSignals.generate(4, 3, 64, 85, 0.3, 15);
    double[][] x = data.samples();
    int[] y = data.labels();
    StreamingModel model = learn(settings(2, 120, shape, new LiftingSettings(8, 5, 7)), x, y);
    assertThat(model.network().depth()).isEqualTo(2);
    assertThat(model.featureShape()).containsExactly(8, 64);
    double[][] test = new double[100][];
    for (int i = 0; i < 100; i++) {
      test[i] = floats(x[240 + i]);
    }
    int[] predicted = compare(model, test, "[3,64]");
    int correct = 0;
    for (int i = 0; i < 100; i++) {
      correct += model.classNames().get(predicted[i]).equals("c" + y[240 + i]) ? 1 : 0;
    }
    assertThat(correct).as("the model has learned the classes").isGreaterThan(60);
  }

  @Test
  void thePythonScorerGivesTheJvmsPredictionsOnA2dSpectralModel() throws Exception {
    SignalShape shape = SignalShape.of2d(2, 8, 8);
    Random rnd = new Random(2026);
    double[][] templates = new double[3][shape.size()];
    for (double[] t : templates) {
      for (int p = 0; p < t.length; p++) {
        t[p] = rnd.nextGaussian();
      }
    }
    int n = 160;
    double[][] x = new double[n][];
    int[] y = new int[n];
    for (int i = 0; i < n; i++) {
      y[i] = rnd.nextInt(3);
      x[i] = shiftedImage(templates[y[i]], shape, rnd.nextInt(8), rnd.nextInt(8), rnd);
    }
    StreamingModel model = learn(settings(3, 30, shape, new LiftingSettings(4, 3, 5)), x, y);
    assertThat(model.featureShape()).containsExactly(4, 8, 8);
    double[][] test = new double[100][];
    for (int i = 0; i < 100; i++) {
      test[i] = floats(x[60 + i]);
    }
    compare(model, test, "[2,8,8]");
  }

  /** The template cyclically shifted by (dh, dw) in every channel, plus N(0, 0.3²) noise. */
  private static double[] shiftedImage(
      double[] template, SignalShape shape, int dh, int dw, Random rnd) {
    int h = shape.height();
    int w = shape.width();
    double[] out = new double[shape.size()];
    for (int c = 0; c < shape.channels(); c++) {
      for (int r = 0; r < h; r++) {
        for (int q = 0; q < w; q++) {
          out[c * h * w + ((r + dh) % h) * w + (q + dw) % w] =
              template[c * h * w + r * w + q] + 0.3 * rnd.nextGaussian();
        }
      }
    }
    return out;
  }

  /**
   * Exports the model, scores the samples with the Python scorer and with {@link
   * StreamingModel#score}, and compares them; a last line of the wrong shape gets an error.
   *
   * @return the JVM's predicted class indices
   */
  private int[] compare(StreamingModel model, double[][] samples, String shape) throws Exception {
    Path python = SystemTools.requirePythonModule("numpy", "python3-numpy");
    Path exported = tmp.resolve("model.json");
    Files.writeString(
        exported,
        ModelJson.toJson("m", model, new ModelCodec.BuildInfo(1_700_000_000_000L, 0.5)).toString());
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < samples.length; i++) {
      double[] s = samples[i];
      String features =
          IntStream.range(0, s.length)
              .mapToObj(a -> Float.toString((float) s[a]))
              .collect(Collectors.joining(","));
      lines.add(
          String.format(
              Locale.ROOT, "{\"id\":\"s%d\",\"features\":[%s],\"shape\":%s}", i, features, shape));
    }
    String wrong =
        IntStream.range(0, samples[0].length)
            .mapToObj(a -> "1")
            .collect(Collectors.joining(",", "[", "]"));
    lines.add(
        "{\"id\":\"bad\",\"features\":" + wrong + ",\"shape\":[1," + samples[0].length + "]}");
    Path in = tmp.resolve("samples.jsonl");
    Files.write(in, lines);
    StreamingModel.Scores jvm = model.score(Matrix.fromColumns(samples));

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
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    assertThat(out).hasSize(samples.length + 1);
    int k = model.classNames().size();
    int[] predictedPerClass = new int[k];
    for (int i = 0; i < samples.length; i++) {
      JsonNode py = JSON.readTree(out.get(i));
      int predicted = jvm.predicted()[i];
      assertThat(py.get("sampleId").asText()).isEqualTo("s" + i);
      assertThat(py.get("modelVersion").asLong()).isEqualTo(model.version());
      assertThat(py.get("predictedLabel").asText())
          .as("s%s", i)
          .isEqualTo(model.classNames().get(predicted));
      predictedPerClass[predicted]++;
      for (int j = 0; j < k; j++) {
        JsonNode score = py.get("scores").get(j);
        double deltaL = jvm.deltaL()[i][j];
        assertThat(Double.isFinite(deltaL)).isTrue();
        assertThat(score.get("deltaLBits").asDouble())
            .as("s%s δL of class %s", i, j)
            .isCloseTo(deltaL, within(1e-9 * Math.abs(deltaL)));
        assertThat(score.get("membership").asDouble())
            .as("s%s membership of class %s", i, j)
            .isCloseTo(jvm.membership().orElseThrow()[i][j], within(1e-6));
      }
      assertThat(py.get("noveltyBits").asDouble())
          .isCloseTo(model.noveltyBits(jvm.deltaL()[i]), within(1e-6));
    }
    for (int j = 0; j < k; j++) {
      assertThat(predictedPerClass[j]).as("class %s is predicted", j).isPositive();
    }
    JsonNode bad = JSON.readTree(out.get(samples.length));
    assertThat(bad.get("sampleId").asText()).isEqualTo("bad");
    assertThat(bad.get("error").asText()).contains("line " + lines.size()).contains("shape");
    return jvm.predicted();
  }
}
