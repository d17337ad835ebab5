package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelBuilder;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.OnlineLearner;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.Matrix;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.stream.learning.ModelTopicKeys;
import java.nio.file.Path;
import java.util.ArrayList;
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
    s.put("redunet.rebuild", "inline"); // the driver runs one record at a time
    s.put("redunet.partitions", "1"); // the driver has one partition per topic
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
    byte[] header = all.get(ModelTopicKeys.part("default", version, ModelCodec.HEADER));
    assertThat(header).as("the header of v" + version).isNotNull();
    assertThat(all.get("default")).as("the newest version's header").isNotNull();
    assertThat(ModelCodec.version(header)).isEqualTo(version);
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put(ModelCodec.HEADER, header);
    for (String part : ModelCodec.listedParts(header)) {
      byte[] b = all.get(ModelTopicKeys.part("default", version, part));
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
      f.settle(2);
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
      f.settle(3); // it waits until the watermark passes it: the scorer reports its progress
      Prediction next = f.predictions.readValue();
      assertThat(next.getStale()).isFalse();
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
      f.settle(3);
      List<String> windows = metrics.readValuesToList();
      assertThat(windows).as("a version at every 30 labelled samples").hasSize(4);
      assertThat(windows.get(windows.size() - 1)).contains("\"deltaR\"").contains("\"accuracy\"");
      List<Prediction> predictions = f.predictions.readValuesToList();
      assertThat(predictions).hasSize(n);
      for (int i = 0; i < n; i++) {
        assertThat(predictions.get(i).getModelVersion())
            .as("sample %d, in window %d, is owed the version of the windows before", i, i / W + 1)
            .isEqualTo(i / W);
        assertThat(predictions.get(i).getStale()).isFalse();
      }
      long correct =
          predictions.subList(2 * W, n).stream()
              .filter(p -> p.getPredictedLabel() != null)
              .filter(p -> p.getPredictedLabel().equals(p.getTrueLabel()))
              .count();
      assertThat(correct / (double) (n - 2 * W)).isGreaterThan(0.9);
    }
  }

  /**
   * The stream computes what the offline learner computes: every sample is scored by the version it
   * is owed, and that version is bit for bit the offline learner's (one core, the same samples in
   * the same order), so the predictions and their scores are identical.
   */
  @ParameterizedTest
  @ValueSource(strings = {"replay", "statistics"})
  void everyPredictionIsTheOfflineLearnersPrediction(String construction) {
    Map<String, String> s = settings(construction);
    int n = 4 * W + 7; // 102 labelled: three windows
    int[] labels = new int[n];
    double[][] x = samples(n, labels, 12);
    AppConfig c = AppConfig.of(s);
    LearnerSettings ls = LearnerConfig.settings(c);
    OnlineLearner offline = new OnlineLearner(D, ls, m -> {});
    List<Long> offlineVersions = new ArrayList<>();
    List<double[]> offlineScores = new ArrayList<>();
    try (TopologyFixture f = new TopologyFixture(s, new LearningPlugin(c, ls), stateDir)) {
      for (int i = 0; i < n; i++) {
        double[] sample = asDouble(floats(x[i]));
        boolean labelled = i % 5 != 4; // some samples have no label: scored, not learned
        offlineVersions.add(offline.version());
        offlineScores.add(
            offline
                .model()
                .map(m -> m.score(Matrix.fromColumns(new double[][] {sample})).deltaL()[0])
                .orElse(new double[0]));
        if (labelled) {
          offline.learn(sample, labels[i]);
        }
        f.pipe(
            "s" + i,
            TopologyFixture.SAMPLES.encode(
                TopologyFixture.sample(
                    "s" + i, floats(x[i]), null, labelled ? Integer.toString(labels[i]) : null)));
      }
      f.settle(3);
      List<Prediction> predictions = f.predictions.readValuesToList();
      assertThat(predictions).hasSize(n);
      for (int i = 0; i < n; i++) {
        Prediction p = predictions.get(i);
        assertThat(p.getSampleId()).isEqualTo("s" + i);
        assertThat(p.getModelVersion()).as("version of s%d", i).isEqualTo(offlineVersions.get(i));
        assertThat(p.getStale()).isFalse();
        double[] expected = offlineScores.get(i);
        assertThat(p.getScores()).hasSize(expected.length);
        for (int j = 0; j < expected.length; j++) {
          assertThat(p.getScores().get(j).getDeltaLBits())
              .as("δL of s%d, class %d", i, j)
              .isEqualTo(expected[j]);
        }
      }
      assertThat(offlineVersions.get(n - 1)).isEqualTo(3);
    }
  }

  /** {@code latest}: every sample is scored at once with the newest version, flagged stale. */
  @Test
  void latestScoringAnswersAtOnceAndFlagsStalePredictions() {
    Map<String, String> s = settings("statistics");
    s.put("redunet.scoring", "latest");
    int n = W + 3;
    int[] labels = new int[n];
    double[][] x = samples(n, labels, 13);
    AppConfig c = AppConfig.of(s);
    try (TopologyFixture f =
        new TopologyFixture(s, new LearningPlugin(c, LearnerConfig.settings(c)), stateDir)) {
      for (int i = 0; i < n; i++) {
        f.pipe(
            "s" + i,
            TopologyFixture.SAMPLES.encode(
                TopologyFixture.sample("s" + i, floats(x[i]), null, LABELS.get(labels[i]))));
        assertThat(f.predictions.readValuesToList()).as("s%d at once", i).hasSize(1);
      }
      f.settle(2); // the builder feeds its core and builds v1
      // u is scored before the watermark passes it: its owed version is not known yet, so stale.
      f.pipe(
          "u",
          TopologyFixture.SAMPLES.encode(TopologyFixture.sample("u", floats(x[0]), null, null)));
      Prediction u = f.predictions.readValue();
      assertThat(u.getModelVersion()).isEqualTo(1);
      assertThat(u.getStale()).isTrue();
    }
  }

  /**
   * Without redunet.feature.shape, the first labelled sample in the stream's order fixes the shape:
   * a sample after it of another shape is rejected when it is scored (and not learned), a sample
   * before it is not.
   */
  @Test
  void theFirstLabelledSampleInTheStreamsOrderFixesTheShape() {
    Map<String, String> s = settings("statistics");
    s.remove("redunet.feature.shape");
    int[] labels = new int[W + 1];
    double[][] x = samples(W + 1, labels, 14);
    AppConfig c = AppConfig.of(s);
    try (TopologyFixture f =
        new TopologyFixture(s, new LearningPlugin(c, LearnerConfig.settings(c)), stateDir)) {
      f.pipe("early", TopologyFixture.avro("early", D + 1, null)); // before it: any shape
      for (int i = 0; i < W; i++) {
        f.pipe(
            "s" + i,
            TopologyFixture.SAMPLES.encode(
                TopologyFixture.sample("s" + i, floats(x[i]), null, LABELS.get(labels[i]))));
        if (i == 3) {
          f.pipe("odd", TopologyFixture.avro("odd", D + 1, "a")); // after it: rejected
        }
      }
      f.pipe(
          "next",
          TopologyFixture.SAMPLES.encode(TopologyFixture.sample("next", floats(x[W]), null, null)));
      f.settle(3);
      Map<String, Prediction> predictions = f.predictions.readKeyValuesToMap();
      assertThat(predictions).doesNotContainKey("odd").containsKeys("early", "s0", "next");
      assertThat(predictions.get("early").getModelVersion()).isZero();
      assertThat(predictions.get("next").getModelVersion()).as("odd was not learned").isEqualTo(1);
      List<RejectedRecord> rejected = f.rejected.readValuesToList();
      assertThat(rejected).hasSize(1);
      assertThat(rejected.get(0).getReason()).isEqualTo(RejectReason.WRONG_DIMENSION);
      assertThat(rejected.get(0).getSourceOffset()).isEqualTo(5); // early, s0..s3, then odd
      assertThat(rejected.get(0).getMessage())
          .contains("expected " + D)
          .contains("fixed by the first labelled sample");
      assertThat(TopologyFixture.SAMPLES.decode(rejected.get(0).getOriginalValue().array()).getId())
          .isEqualTo("odd");
    }
  }

  /** Past redunet.scoring.max.waiting, samples are scored at once and flagged stale. */
  @Test
  void pastTheWaitingBoundSamplesAreScoredAtOnceAndFlaggedStale() {
    Map<String, String> s = settings("statistics");
    s.put("redunet.scoring.max.waiting", "2");
    AppConfig c = AppConfig.of(s);
    try (TopologyFixture f =
        new TopologyFixture(s, new LearningPlugin(c, LearnerConfig.settings(c)), stateDir)) {
      for (int i = 0; i < 5; i++) { // unlabelled: nothing moves the watermark between records
        f.pipe("u" + i, TopologyFixture.avro("u" + i, D, null));
      }
      List<Prediction> atOnce = f.predictions.readValuesToList();
      assertThat(atOnce).extracting(Prediction::getSampleId).containsExactly("u2", "u3", "u4");
      assertThat(atOnce).allSatisfy(p -> assertThat(p.getStale()).isTrue());
      f.settle(3);
      List<Prediction> waited = f.predictions.readValuesToList();
      assertThat(waited).extracting(Prediction::getSampleId).containsExactly("u0", "u1");
      assertThat(waited).allSatisfy(p -> assertThat(p.getStale()).isFalse());
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
      f.settle(3);
      // 60 labelled samples never fill a window of 1000, but a window closes with the first
      // sample 5 s after its first: s5, s11, ..., s59, ten windows of six samples.
      List<String> windows = metrics.readValuesToList();
      assertThat(windows).hasSize(10);
      List<Prediction> predictions = f.predictions.readValuesToList();
      assertThat(predictions).hasSize(n);
      assertThat(predictions.get(n - 1).getModelVersion()).isEqualTo(9);
      assertThat(predictions.get(6).getModelVersion()).isEqualTo(1);
    }
  }
}
