package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingMode;
import dev.redunet.micl.MiclModel;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.Layer;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralConstruction;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.signal.SignalShape;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same model, to the bit, on 1 thread and on 4 (ARCHITECTURE.md §3.1): every parallel kernel
 * writes disjoint outputs or sums fixed blocks in order. The sizes are chosen so that every kernel
 * does split its work (batches past the vector layer's parallel threshold, several MICL scoring
 * blocks, more bins than reduction blocks).
 */
class ThreadCountTest {

  @AutoClose private final MathExecutor four = MathExecutor.create(4, "test-math");
  private final MathExecutor one = MathExecutor.sequential();

  private static LearnerSettings settings(Construction construction, ProjectionMode projection) {
    return new LearnerSettings(
        3,
        0.5,
        0.5,
        500,
        TrainingMembership.SOFTMAX,
        300,
        0,
        Combination.CUMULATIVE,
        0.9,
        10,
        projection,
        40,
        0.5,
        construction,
        LearnerSettings.defaults().noveltyQuantile());
  }

  @ParameterizedTest
  @EnumSource(Construction.class)
  void theVectorNetworkItsOperatorsAndItsPredictionsAreTheSameOnOneAndFourThreads(
      Construction construction) {
    // D = 160 > 128: the projection (to p = 40) is fitted on the first window and frozen.
    SubspaceStream data = new SubspaceStream(4 * 300 + 200, 160, 6, 31);
    List<StreamingModel> seq = new ArrayList<>();
    List<StreamingModel> par = new ArrayList<>();
    OnlineLearner a =
        new OnlineLearner(160, settings(construction, ProjectionMode.AUTO), one, seq::add);
    OnlineLearner b =
        new OnlineLearner(160, settings(construction, ProjectionMode.AUTO), four, par::add);
    for (int i = 0; i < 4 * 300; i++) {
      int[] pa = a.predict(new double[][] {data.samples[i]});
      int[] pb = b.predict(new double[][] {data.samples[i]});
      assertThat(pb).isEqualTo(pa);
      a.learn(data.samples[i], data.labels[i]);
      b.learn(data.samples[i], data.labels[i]);
    }
    assertThat(seq).hasSize(4);
    assertThat(par).hasSize(4);
    assertThat(seq.get(0).projection()).isPresent();
    for (int v = 0; v < 4; v++) {
      assertSameBits(seq.get(v), par.get(v));
    }
    // A batch of unseen samples scored with the last version: features, δL, π̂, predictions.
    double[][] test = new double[200][];
    System.arraycopy(data.samples, 4 * 300, test, 0, 200);
    StreamingModel.Scores s1 = seq.get(3).score(Matrix.fromColumns(test), one);
    StreamingModel.Scores s4 = par.get(3).score(Matrix.fromColumns(test), four);
    assertThat(s4.features()).isEqualTo(s1.features());
    assertThat(s4.deltaL()).isDeepEqualTo(s1.deltaL());
    assertThat(s4.membership().orElseThrow()).isDeepEqualTo(s1.membership().orElseThrow());
    assertThat(s4.predicted()).isEqualTo(s1.predicted());
    assertThat(b.predict(test)).isEqualTo(a.predict(test));
  }

  @Test
  void theWindowedLearnersJobsComputeTheSameVersionsOnOneAndFourThreads() {
    SubspaceStream data = new SubspaceStream(3 * 300, 48, 5, 32);
    LearnerSettings s = settings(Construction.STATISTICS, ProjectionMode.OFF);
    WindowedLearner a = WindowedLearner.start(s, 0, one);
    WindowedLearner b = WindowedLearner.start(s, 0, four);
    for (int i = 0; i < data.samples.length; i++) {
      WindowedLearner.Sample sample =
          new WindowedLearner.Sample(i, data.samples[i], Integer.toString(data.labels[i]));
      if (a.add(sample) == WindowedLearner.Added.CLOSED) {
        assertThat(b.add(sample)).isEqualTo(WindowedLearner.Added.CLOSED);
        WindowedLearner.Built ba = a.nextJob().orElseThrow().compute();
        WindowedLearner.Built bb = b.nextJob().orElseThrow().compute();
        assertSameBits(ba.model(), bb.model());
        assertThat(bb.predicted()).isEqualTo(ba.predicted());
        assertThat(bb.windows().total()).isEqualTo(ba.windows().total());
        a.install(ba);
        b.install(bb);
      } else {
        b.add(sample);
      }
    }
    assertThat(a.lastVersion()).isEqualTo(3);
  }

  @Test
  void aSpectralConstructionIsTheSameOnOneAndFourThreads() throws IOException {
    // 2D, C = 3, 8 × 10: 8·6 = 48 kept bins, more than the forward pass's 32 reduction blocks.
    SignalShape shape = SignalShape.of2d(3, 8, 10);
    int m = 120;
    int classes = 3;
    SplittableRandom r = new SplittableRandom(33);
    double[][] x = new double[m + 40][shape.size()];
    int[] labels = new int[m];
    for (int i = 0; i < x.length; i++) {
      int y = i % classes;
      if (i < m) {
        labels[i] = y;
      }
      for (int p = 0; p < shape.size(); p++) {
        x[i][p] = Math.cos(0.3 * (y + 1) * p) + 0.5 * r.nextGaussian();
      }
    }
    double[][] train = new double[m][];
    double[][] test = new double[40][];
    System.arraycopy(x, 0, train, 0, m);
    System.arraycopy(x, m, test, 0, 40);
    SpectralParameters p = new SpectralParameters(0.5, 0.5, 20);
    SpectralConstruction.Result seq = construct(shape, train, test, labels, p, one);
    SpectralConstruction.Result par = construct(shape, train, test, labels, p, four);
    assertThat(par.layers()).hasSize(3);
    for (int l = 0; l < 3; l++) {
      assertThat(payload(par.layers().get(l))).isEqualTo(payload(seq.layers().get(l)));
    }
    assertThat(par.trainFeatures().maxAbsDifference(seq.trainFeatures())).isZero();
    SpectralBatch pt = par.passengerFeatures().get(0);
    assertThat(pt.maxAbsDifference(seq.passengerFeatures().get(0))).isZero();
    assertThat(par.inputRates()).isEqualTo(seq.inputRates());
    SpectralLayer last = par.layers().get(2);
    assertThat(last.forward(pt, null, four).membership())
        .isDeepEqualTo(last.forward(pt, null, one).membership());
  }

  @Test
  void miclScoresAreTheSameOnOneAndFourThreads() {
    SubspaceStream data = new SubspaceStream(900, 30, 4, 34);
    List<List<double[]>> rows = new ArrayList<>();
    for (int j = 0; j < 4; j++) {
      rows.add(new ArrayList<>());
    }
    for (int i = 0; i < 600; i++) {
      rows.get(data.labels[i]).add(data.samples[i]);
    }
    List<ClassStatistics> classes = new ArrayList<>();
    for (List<double[]> c : rows) {
      classes.add(ClassStatistics.of(c.toArray(double[][]::new)));
    }
    double[][] queries = new double[300][];
    System.arraycopy(data.samples, 600, queries, 0, 300);
    for (CodingMode mode : CodingMode.values()) {
      MiclModel a = MiclModel.build(classes, 0.5, mode, one);
      MiclModel b = MiclModel.build(classes, 0.5, mode, four);
      for (int j = 0; j < 4; j++) {
        assertThat(b.codingLength(j)).isEqualTo(a.codingLength(j));
      }
      assertThat(b.deltaL(queries, four)).isDeepEqualTo(a.deltaL(queries, one));
      assertThat(b.classify(queries, four)).isEqualTo(a.classify(queries, one));
    }
  }

  private static SpectralConstruction.Result construct(
      SignalShape shape,
      double[][] train,
      double[][] test,
      int[] labels,
      SpectralParameters p,
      MathExecutor math) {
    SpectralBatch z = SpectralBatch.fromSignals(shape, train, math).normalized();
    SpectralBatch t = SpectralBatch.fromSignals(shape, test, math).normalized();
    return SpectralConstruction.run(
        z,
        labels,
        new int[] {0, 1, 2},
        3,
        p,
        TrainingMembership.SOFTMAX,
        List.of(t),
        true,
        math,
        null);
  }

  /** Every part of the serialized models (projection, layers' operators, MICL) is the same. */
  private static void assertSameBits(StreamingModel a, StreamingModel b) {
    Map<String, byte[]> pa = ModelCodec.parts(a, 0, 0);
    Map<String, byte[]> pb = ModelCodec.parts(b, 0, 0);
    assertThat(pb.keySet()).containsExactlyElementsOf(pa.keySet());
    for (String part : pa.keySet()) {
      assertThat(pb.get(part)).as("part %s of v%d", part, a.version()).isEqualTo(pa.get(part));
    }
    assertThat(b.layerRates()).isEqualTo(a.layerRates());
  }

  private static byte[] payload(Layer layer) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      layer.writePayload(out);
    }
    return bytes.toByteArray();
  }
}
