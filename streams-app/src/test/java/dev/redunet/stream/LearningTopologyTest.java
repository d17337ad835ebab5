package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.app.config.AppConfig;
import dev.redunet.app.config.LearnerConfig;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.Sample;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelBuilder;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelStatistics;
import dev.redunet.learn.StatisticsWindows;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.Matrix;
import dev.redunet.stream.learning.LearningPlugin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LearningTopologyTest {

  @TempDir Path stateDir;

  private static final int D = 6;
  private static final int W = 30;
  private static final List<String> LABELS = List.of("a", "b", "c");

  private static Map<String, String> settings(String construction) {
    Map<String, String> s = new HashMap<>();
    s.put("redunet.feature.shape", Integer.toString(D));
    s.put("redunet.window", Integer.toString(W));
    s.put("redunet.layers", "2");
    s.put("redunet.lambda", "10");
    s.put("redunet.projection", "off");
    s.put("redunet.construction", construction);
    s.put("redunet.rebuild", "inline"); // the driver runs one record at a time, deterministically
    return s;
  }

  /** Class j: a random direction plus small noise, seeded. */
  private static double[][] samples(int n, int[] labels, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] centres = new double[3][D];
    SplittableRandom c = new SplittableRandom(99);
    for (double[] centre : centres) {
      for (int a = 0; a < D; a++) {
        centre[a] = c.nextDouble(-1, 1);
      }
    }
    double[][] x = new double[n][D];
    for (int i = 0; i < n; i++) {
      labels[i] = r.nextInt(3);
      for (int a = 0; a < D; a++) {
        x[i][a] = centres[labels[i]][a] + 0.3 * r.nextDouble(-1, 1);
      }
    }
    return x;
  }

  private static List<Float> floats(double[] x) {
    List<Float> f = new ArrayList<>(x.length);
    for (double v : x) {
      f.add((float) v);
    }
    return f;
  }

  private static double[] asDouble(List<Float> f) {
    double[] x = new double[f.size()];
    for (int a = 0; a < x.length; a++) {
      x[a] = f.get(a);
    }
    return x;
  }

  private static Map<String, byte[]> modelParts(
      TestOutputTopic<String, byte[]> model, long version) {
    Map<String, byte[]> all = new LinkedHashMap<>();
    for (TestRecord<String, byte[]> r : model.readRecordsToList()) {
      all.put(r.key(), r.value());
    }
    byte[] header = all.get("default");
    assertThat(header).as("the header of the current version").isNotNull();
    assertThat(ModelCodec.version(header)).isEqualTo(version);
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put(ModelCodec.HEADER, header);
    for (String part : ModelCodec.listedParts(header)) {
      byte[] b = all.get(LearningPlugin.partKey("default", version, part));
      assertThat(b).as("part " + part).isNotNull();
      parts.put(part, b);
    }
    return parts;
  }

  @ParameterizedTest
  @ValueSource(strings = {"replay", "statistics"})
  void afterOneWindowThePublishedModelIsTheBatchConstructionOnTheSameSamples(String construction) {
    Map<String, String> s = settings(construction);
    int[] labels = new int[W + 5];
    double[][] x = samples(W + 5, labels, 7);
    try (TopologyFixture f =
        new TopologyFixture(
            s,
            new LearningPlugin(AppConfig.of(s), LearnerConfig.settings(AppConfig.of(s))),
            stateDir)) {
      TestOutputTopic<String, byte[]> model =
          f.driver.createOutputTopic(
              f.topics.model(), new StringDeserializer(), new ByteArrayDeserializer());
      // Class names are numbered in order of first appearance, as the builder does.
      List<String> names = new ArrayList<>();
      int[] indices = new int[W];
      for (int i = 0; i < W; i++) {
        String label = LABELS.get(labels[i]);
        if (!names.contains(label)) {
          names.add(label);
        }
        indices[i] = names.indexOf(label);
        f.pipe(
            "s" + i,
            TopologyFixture.SAMPLES.encode(
                TopologyFixture.sample("s" + i, floats(x[i]), null, label)));
      }
      StreamingModel published = ModelCodec.assemble(modelParts(model, 1));

      LearnerSettings ls = LearnerConfig.settings(AppConfig.of(s));
      double[][] asFloats = new double[W][];
      for (int i = 0; i < W; i++) {
        asFloats[i] = asDouble(floats(x[i]));
      }
      StreamingModel batch =
          new ModelBuilder(ls)
              .construct(1, Matrix.fromColumns(asFloats), indices, names, Optional.empty())
              .model();
      Matrix test = Matrix.fromColumns(new double[][] {x[W], x[W + 1], x[W + 2]});
      assertThat(published.score(test).features().maxAbsDifference(batch.score(test).features()))
          .isLessThan(1e-9);
      for (int l = 0; l < 2; l++) {
        assertThat(published.layerRates().get(l).deltaR())
            .isCloseTo(batch.layerRates().get(l).deltaR(), within(1e-9));
      }

      // The samples before the first model were not scored; the next one is, with version 1.
      List<Prediction> before = f.predictions.readValuesToList();
      assertThat(before).hasSize(W).allSatisfy(p -> assertThat(p.getModelVersion()).isZero());
      f.pipe(
          "next",
          TopologyFixture.SAMPLES.encode(TopologyFixture.sample("next", floats(x[W]), null, null)));
      Prediction next = f.predictions.readValue();
      assertThat(next.getModelVersion()).isEqualTo(1);
      int expected =
          published.score(Matrix.fromColumns(new double[][] {asDouble(floats(x[W]))}))
              .predicted()[0];
      assertThat(next.getPredictedLabel()).isEqualTo(names.get(expected));
      assertThat(next.getScores()).hasSize(3);
    }
  }

  @Test
  void theModelKeepsLearningWindowAfterWindowAndPublishesMetrics() {
    Map<String, String> s = settings("statistics");
    int n = 4 * W;
    int[] labels = new int[n];
    double[][] x = samples(n, labels, 8);
    try (TopologyFixture f =
        new TopologyFixture(
            s,
            new LearningPlugin(AppConfig.of(s), LearnerConfig.settings(AppConfig.of(s))),
            stateDir)) {
      TestOutputTopic<String, String> metrics =
          f.driver.createOutputTopic(
              f.topics.metrics(), new StringDeserializer(), new StringDeserializer());
      for (int i = 0; i < n; i++) {
        f.pipe(
            "s" + i,
            TopologyFixture.SAMPLES.encode(
                TopologyFixture.sample("s" + i, floats(x[i]), null, LABELS.get(labels[i]))));
      }
      List<String> windows = metrics.readValuesToList();
      // Inline builds, flushes of W/10 = 3: a version at every 30 labelled samples.
      assertThat(windows).hasSize(4);
      assertThat(windows.get(windows.size() - 1)).contains("\"deltaR\"").contains("\"accuracy\"");
      List<Prediction> predictions = f.predictions.readValuesToList();
      assertThat(predictions).hasSize(n);
      long lastVersion = predictions.get(n - 1).getModelVersion();
      assertThat(lastVersion).as("the last sample is scored before its window closes").isEqualTo(3);
      long correct =
          predictions.subList(2 * W, n).stream()
              .filter(p -> p.getPredictedLabel() != null)
              .filter(p -> p.getPredictedLabel().equals(p.getTrueLabel()))
              .count();
      assertThat(correct / (double) (n - 2 * W)).isGreaterThan(0.9);
    }
  }

  /**
   * With many samples per flush and small d, a task ships the statistics of its samples through the
   * model in force instead of the samples; the next version is then built from exactly those.
   */
  @Test
  void aTaskShipsStatisticsWhenTheyAreSmallerThanItsSamples() {
    int w = 1000; // a flush of w/10 = 100 samples of d = 6 outweighs 3 classes × 3 depths of 6×6
    Map<String, String> s = settings("statistics");
    s.put("redunet.window", Integer.toString(w));
    s.put("redunet.layers", "1");
    int n = 2 * w;
    int[] labels = new int[n];
    double[][] x = samples(n, labels, 10);
    AppConfig c = AppConfig.of(s);
    LearnerSettings ls = LearnerConfig.settings(c);
    try (TopologyFixture f = new TopologyFixture(s, new LearningPlugin(c, ls), stateDir)) {
      TestOutputTopic<String, byte[]> model =
          f.driver.createOutputTopic(
              f.topics.model(), new StringDeserializer(), new ByteArrayDeserializer());
      TestOutputTopic<String, byte[]> learning =
          f.driver.createOutputTopic(
              f.topics.learning(), new StringDeserializer(), new ByteArrayDeserializer());
      List<String> names = new ArrayList<>();
      int[] indices = new int[n];
      double[][] asFloats = new double[n][];
      for (int i = 0; i < n; i++) {
        String label = LABELS.get(labels[i]);
        if (!names.contains(label)) {
          names.add(label);
        }
        indices[i] = names.indexOf(label);
        asFloats[i] = asDouble(floats(x[i]));
        f.pipe(
            "s" + i,
            TopologyFixture.SAMPLES.encode(
                TopologyFixture.sample("s" + i, floats(x[i]), null, label)));
      }
      List<Character> kinds =
          learning.readValuesToList().stream().map(b -> (char) b[0]).distinct().toList();
      assertThat(kinds).as("raw batches, then statistics deltas").containsExactly('B', 'D');
      StreamingModel published = ModelCodec.assemble(modelParts(model, 2));

      ModelBuilder builder = new ModelBuilder(ls);
      ModelBuilder.Built first =
          builder.construct(
              1,
              Matrix.fromColumns(Arrays.copyOfRange(asFloats, 0, w)),
              Arrays.copyOfRange(indices, 0, w),
              names,
              Optional.empty());
      List<Matrix> path =
          first.model().forward(Matrix.fromColumns(Arrays.copyOfRange(asFloats, w, n)), null);
      ModelStatistics second =
          ModelStatistics.of(path, path.get(path.size() - 1), Arrays.copyOfRange(indices, w, n));
      ModelStatistics total =
          StatisticsWindows.start(ls).close(first.statistics()).close(second).total().orElseThrow();
      StreamingModel expected = builder.fromStatistics(2, D, Optional.empty(), total, names);
      Matrix test = Matrix.fromColumns(new double[][] {x[0], x[1], x[2]});
      assertThat(published.score(test).features().maxAbsDifference(expected.score(test).features()))
          .isLessThan(1e-9);
      assertThat(published.layerRates().get(0).deltaR())
          .isCloseTo(expected.layerRates().get(0).deltaR(), within(1e-9));
    }
  }

  @Test
  void windowsAlsoCloseByStreamTime() {
    Map<String, String> s = settings("statistics");
    s.put("redunet.window", "1000");
    s.put("redunet.window.ms", "5000");
    s.put("redunet.layers", "1");
    int n = 60;
    int[] labels = new int[n];
    double[][] x = samples(n, labels, 9);
    AppConfig c = AppConfig.of(s);
    try (TopologyFixture f =
        new TopologyFixture(s, new LearningPlugin(c, LearnerConfig.settings(c)), stateDir)) {
      TestOutputTopic<String, String> metrics =
          f.driver.createOutputTopic(
              f.topics.metrics(), new StringDeserializer(), new StringDeserializer());
      for (int i = 0; i < n; i++) {
        Sample sample = TopologyFixture.sample("s" + i, floats(x[i]), null, LABELS.get(labels[i]));
        sample.setEventTime(TopologyFixture.START.plusSeconds(i));
        f.pipe("s" + i, TopologyFixture.SAMPLES.encode(sample));
      }
      // 60 labelled samples never fill a window of 1000 (by count: 0 versions), but 60 s of
      // stream time close a window every 5 s, give or take the deltas' flushing.
      List<String> windows = metrics.readValuesToList();
      assertThat(windows).hasSizeBetween(5, 12);
      assertThat(f.predictions.readValuesToList().get(n - 1).getModelVersion())
          .isGreaterThanOrEqualTo(5);
    }
  }
}
