package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.data.SensorSignals;
import dev.redunet.data.Shifts;
import dev.redunet.eval.PrequentialEvaluator;
import dev.redunet.eval.PrequentialResult;
import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.learn.LearnerSettings.Network;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.Layer;
import dev.redunet.redunet.spectral.SpectralConstruction;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The windowed learner with the spectral network (the stream's learner, offline): the layers it
 * builds equal the batch spectral construction (replay) or the construction from the windows'
 * per-frequency statistics, its models survive the codec, score every shift of a signal the same,
 * and beat the vector network when events arrive at random delays.
 */
class SpectralLearnerTest {

  private static final SignalShape SHAPE = SignalShape.of1d(2, 16);
  private static final int WINDOW = 30;

  @AutoClose private final MathExecutor math = MathExecutor.create(2, "test-math");

  private static LearnerSettings spectral(
      Construction construction, Combination combination, TrainingMembership membership) {
    return new LearnerSettings(
            2,
            0.5,
            0.5,
            50,
            membership,
            WINDOW,
            0,
            combination,
            0.5,
            2,
            ProjectionMode.AUTO,
            64,
            0.5,
            construction,
            0.95)
        .withNetwork(
            Network.SPECTRAL, Optional.of(SHAPE), Optional.of(new LiftingSettings(4, 3, 11)));
  }

  /** Feeds two windows of sensor signals and returns the two versions' builds. */
  private List<WindowedLearner.Built> twoVersions(LearnerSettings settings) {
    SensorSignals.Dataset data = SensorSignals.generate(3, 2, 16, 2 * WINDOW, 0.3, 5);
    double[][] x = data.samples();
    int[] y = data.labels();
    WindowedLearner learner = WindowedLearner.start(settings, 0, math);
    List<WindowedLearner.Built> out = new ArrayList<>();
    for (int i = 0; i < 2 * WINDOW; i++) {
      if (learner.add(new WindowedLearner.Sample(i, x[i], "c" + y[i]))
          == WindowedLearner.Added.CLOSED) {
        WindowedLearner.Built built = learner.nextJob().orElseThrow().compute();
        learner.install(built);
        out.add(built);
      }
    }
    assertThat(out).hasSize(2);
    return out;
  }

  /** The batch spectral construction (SpectralConstruction) on a window's samples. */
  private List<SpectralLayer> batchConstruction(
      LearnerSettings settings, WindowedLearner.Window window) {
    SpectralInput input = SpectralInput.of(settings);
    int k = window.classNames().size();
    return SpectralConstruction.run(
            input.prepare(window.samples(), math),
            window.labels(),
            IntStream.range(0, k).toArray(),
            settings.layers(),
            new SpectralParameters(settings.epsSq(), settings.eta(), settings.lambda()),
            settings.membership(),
            List.of(),
            true,
            math,
            null)
        .layers();
  }

  @ParameterizedTest
  @EnumSource(TrainingMembership.class)
  void replayLayersEqualTheBatchSpectralConstructionOnEachWindow(TrainingMembership membership) {
    LearnerSettings settings = spectral(Construction.REPLAY, Combination.CUMULATIVE, membership);
    for (WindowedLearner.Built built : twoVersions(settings)) {
      List<Layer> layers = built.model().network().layers();
      List<SpectralLayer> expected = batchConstruction(settings, built.window());
      assertThat(layers).hasSize(2);
      for (int l = 0; l < layers.size(); l++) {
        assertSameOperators((SpectralLayer) layers.get(l), expected.get(l), 1e-9);
      }
    }
  }

  @Test
  void statisticsConstructionRebuildsTheFirstLayerFromBothWindowsAtTheReferenceSize() {
    LearnerSettings settings =
        spectral(Construction.STATISTICS, Combination.DECAYED, TrainingMembership.SOFTMAX);
    List<WindowedLearner.Built> built = twoVersions(settings);
    SpectralInput input = SpectralInput.of(settings);
    WindowedLearner.Window w1 = built.get(0).window();
    WindowedLearner.Window w2 = built.get(1).window();
    int k = w2.classNames().size();
    SpectralStatistics[] s1 =
        SpectralStatistics.perClass(input.prepare(w1.samples(), math), w1.labels(), k, math);
    SpectralStatistics[] s2 =
        SpectralStatistics.perClass(input.prepare(w2.samples(), math), w2.labels(), k, math);
    // decayed: T = 0.5·S₁ + S₂, rescaled to m = W samples
    double total = 0.5 * WINDOW + WINDOW;
    SpectralStatistics[] combined = new SpectralStatistics[k];
    for (int j = 0; j < k; j++) {
      combined[j] = s1[j].scaled(0.5).plus(s2[j]).scaled(WINDOW / total);
    }
    SpectralLayer expected =
        SpectralLayer.build(
            combined,
            IntStream.range(0, k).toArray(),
            new SpectralParameters(settings.epsSq(), settings.eta(), settings.lambda()),
            math);
    assertSameOperators(
        (SpectralLayer) built.get(1).model().network().layers().get(0), expected, 1e-9);
    // and it is not the first window's layer
    assertThat(
            maxOperatorDifference(
                (SpectralLayer) built.get(1).model().network().layers().get(0),
                (SpectralLayer) built.get(0).model().network().layers().get(0)))
        .isGreaterThan(1e-3);
  }

  @Test
  void aSignalAndEveryOneOfItsShiftsGetTheSameLabelScoresAndShiftedFeatures() {
    StreamingModel model =
        twoVersions(
                spectral(
                    Construction.STATISTICS, Combination.CUMULATIVE, TrainingMembership.SOFTMAX))
            .get(1)
            .model();
    double[][] test = SensorSignals.generate(3, 2, 16, 4, 0.3, 6).samples();
    SignalShape lifted = model.spectralInput().orElseThrow().layerShape();
    for (double[] x : test) {
      double[][] shifts = Shifts.all(x, SHAPE);
      StreamingModel.Scores s = model.score(Matrix.fromColumns(shifts), math);
      for (int t = 0; t < shifts.length; t++) {
        assertThat(s.predicted()[t]).isEqualTo(s.predicted()[0]);
        for (int j = 0; j < s.deltaL()[0].length; j++) {
          assertThat(Math.abs(s.deltaL()[t][j] - s.deltaL()[0][j]))
              .isLessThanOrEqualTo(1e-9 * Math.abs(s.deltaL()[0][j]));
        }
        double[] expected = Shifts.shift1d(s.features().column(0), lifted, t);
        double[] actual = s.features().column(t);
        for (int p = 0; p < expected.length; p++) {
          assertThat(actual[p]).isCloseTo(expected[p], within(1e-9));
        }
      }
    }
  }

  @Test
  void aSpectralModelSurvivesTheCodecAndScoresTheSame() {
    StreamingModel model =
        twoVersions(
                spectral(
                    Construction.STATISTICS, Combination.CUMULATIVE, TrainingMembership.SOFTMAX))
            .get(1)
            .model();
    Map<String, byte[]> parts = ModelCodec.parts(model, 1234L, 0.5);
    StreamingModel back = ModelCodec.assemble(parts);
    assertThat(back.isSpectral()).isTrue();
    SpectralInput in = model.spectralInput().orElseThrow();
    SpectralInput read = back.spectralInput().orElseThrow();
    assertThat(read.shape()).isEqualTo(in.shape());
    assertThat(read.layerShape()).isEqualTo(in.layerShape());
    assertThat(read.lifting().orElseThrow().kernel()).isEqualTo(3);
    assertThat(read.lifting().orElseThrow().seed()).isEqualTo(11);
    assertThat(back.version()).isEqualTo(model.version());
    assertThat(back.classNames()).isEqualTo(model.classNames());
    assertThat(back.network().provenance().parameters()).containsEntry("network", "spectral");
    assertThat(back.network().provenance().parameters()).containsEntry("lifting_channels", "4");
    Matrix test = Matrix.fromColumns(SensorSignals.generate(3, 2, 16, 10, 0.3, 8).samples());
    StreamingModel.Scores a = model.score(test, math);
    StreamingModel.Scores b = back.score(test, math);
    assertThat(b.deltaL()).isDeepEqualTo(a.deltaL());
    assertThat(b.predicted()).isEqualTo(a.predicted());
  }

  @Test
  void theSpectralNetworkRefusesAProjection() {
    assertThatThrownBy(
            () ->
                spectral(
                        Construction.STATISTICS, Combination.CUMULATIVE, TrainingMembership.SOFTMAX)
                    .withNetwork(Network.SPECTRAL, Optional.empty(), Optional.empty()))
        .hasMessageContaining("feature shape");
    LearnerSettings d = LearnerSettings.defaults();
    LearnerSettings on =
        new LearnerSettings(
            d.layers(),
            d.epsSq(),
            d.eta(),
            d.lambda(),
            d.membership(),
            d.window(),
            d.referenceSize(),
            d.combination(),
            d.decay(),
            d.slidingWindows(),
            ProjectionMode.ON,
            d.projectionDimension(),
            d.miclEpsSq(),
            d.construction(),
            d.noveltyQuantile());
    assertThatThrownBy(() -> on.withNetwork(Network.SPECTRAL, Optional.of(SHAPE), Optional.empty()))
        .hasMessageContaining("projection");
  }

  @Test
  void underDriftingDelaysTheSpectralNetworkBeatsTheVectorNetworkByFivePoints() {
    SignalShape shape = SignalShape.of1d(3, 64);
    SensorSignals.Dataset data = SensorSignals.driftingEvents(4, 3, 64, 2000, 500, 2, 0.5, 14);
    LearnerSettings vector = LearnerSettings.defaults();
    LearnerSettings spectral =
        vector.withNetwork(
            Network.SPECTRAL, Optional.of(shape), Optional.of(new LiftingSettings(8, 5, 14)));
    PrequentialResult v = prequential(vector, data);
    PrequentialResult s = prequential(spectral, data);
    System.out.printf(
        "drifting delays: spectral %.4f, vector %.4f (%d scored)%n",
        s.accuracy(), v.accuracy(), s.scored());
    assertThat(s.scored()).isEqualTo(1500);
    assertThat(s.accuracy()).isGreaterThanOrEqualTo(0.93);
    assertThat(s.accuracy() - v.accuracy()).isGreaterThanOrEqualTo(0.05);
  }

  private PrequentialResult prequential(LearnerSettings settings, SensorSignals.Dataset data) {
    OnlineLearner learner = new OnlineLearner(data.shape().size(), settings, math, model -> {});
    return new PrequentialEvaluator(500).evaluate(data.samples(), data.labels(), learner, null);
  }

  private static void assertSameOperators(SpectralLayer a, SpectralLayer b, double tolerance) {
    assertThat(a.classes()).isEqualTo(b.classes());
    assertThat(maxOperatorDifference(a, b)).isLessThanOrEqualTo(tolerance);
  }

  private static double maxOperatorDifference(SpectralLayer a, SpectralLayer b) {
    double max = 0;
    for (int f = 0; f < a.grid().bins(); f++) {
      max = Math.max(max, maxDifference(a.expansionOperator(f), b.expansionOperator(f)));
      for (int j = 0; j < a.classes(); j++) {
        if (a.hasClass(j) || b.hasClass(j)) {
          max =
              Math.max(
                  max, maxDifference(a.compressionOperator(j, f), b.compressionOperator(j, f)));
        }
      }
    }
    return max;
  }

  private static double maxDifference(double[][] a, double[][] b) {
    double max = 0;
    for (int p = 0; p < 2; p++) {
      for (int i = 0; i < a[p].length; i++) {
        max = Math.max(max, Math.abs(a[p][i] - b[p][i]));
      }
    }
    return max;
  }
}
