package dev.redunet.stream.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.Features;
import dev.redunet.data.Shifts;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.learn.LearnerSettings.Network;
import dev.redunet.learn.StreamingModel;
import dev.redunet.learn.WindowedLearner;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.signal.SignalShape;
import dev.redunet.stream.Scored;
import dev.redunet.stream.ValidSample;
import dev.redunet.wire.OutputFormat;
import dev.redunet.wire.OutputSerde;
import dev.redunet.wire.OutputSerdes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Item 4 of the spectral network on the stream: a Features record of a spectral model carries z_L
 * in the signal domain with its shape {@code [C', T]} or {@code [C', H, W]} (C' = the lifted
 * channels), in Avro and in JSON, and a consumer rebuilds the array from the record alone: the
 * rebuilt array is the model's z_L, and the features of a shifted sample are the features shifted
 * (which holds in the signal domain only).
 */
class SpectralFeaturesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A spectral model of version 1 learned from one window of 30 random signals of 3 classes. */
  private static StreamingModel model(SignalShape shape, int liftTo, long seed) {
    LearnerSettings settings =
        LearnerSettings.defaults()
            .withNetwork(
                Network.SPECTRAL,
                Optional.of(shape),
                Optional.of(new LiftingSettings(liftTo, 3, seed)));
    settings = withWindow(settings, 30);
    WindowedLearner learner = WindowedLearner.start(settings, 0);
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; ; i++) {
      if (learner.add(new WindowedLearner.Sample(i, signal(shape, r), "c" + i % 3))
          == WindowedLearner.Added.CLOSED) {
        WindowedLearner.Built built = learner.nextJob().orElseThrow().compute();
        return built.model();
      }
    }
  }

  private static LearnerSettings withWindow(LearnerSettings d, int window) {
    return new LearnerSettings(
            2,
            d.epsSq(),
            d.eta(),
            d.lambda(),
            d.membership(),
            window,
            d.referenceSize(),
            d.combination(),
            d.decay(),
            d.slidingWindows(),
            d.projection(),
            d.projectionDimension(),
            d.miclEpsSq(),
            d.construction(),
            d.noveltyQuantile())
        .withNetwork(d.network(), d.featureShape(), d.lifting());
  }

  private static double[] signal(SignalShape shape, SplittableRandom r) {
    double[] x = new double[shape.size()];
    for (int a = 0; a < x.length; a++) {
      x[a] = (float) r.nextGaussian();
    }
    return x;
  }

  /** The Features record of each sample, through the stream's scoring code. */
  private static List<Features> features(StreamingModel m, SignalShape shape, double[]... xs) {
    List<ValidSample> samples = new ArrayList<>();
    for (int i = 0; i < xs.length; i++) {
      samples.add(
          new ValidSample(
              "s" + i,
              Instant.EPOCH,
              "",
              xs[i],
              List.of(shape.channels(), shape.height(), shape.width()),
              null));
    }
    return ModelScoring.score(samples, m, false, null, MathExecutor.sequential()).stream()
        .map(Scored::features)
        .toList();
  }

  /** What a consumer does: the record's flat values into an array of the record's shape. */
  private static double[][][] rebuild(List<Integer> shape, List<Double> values) {
    int c = shape.get(0);
    int h = shape.size() == 3 ? shape.get(1) : 1;
    int w = shape.get(shape.size() - 1);
    assertThat(values).hasSize(c * h * w);
    double[][][] z = new double[c][h][w];
    int p = 0;
    for (int a = 0; a < c; a++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          z[a][y][x] = values.get(p++);
        }
      }
    }
    return z;
  }

  /** The Features record through the wire format and back, as a consumer reads it. */
  private static Rebuilt roundTrip(Features f, OutputFormat format) throws Exception {
    OutputSerde<Features> serde = OutputSerdes.of(format).features();
    byte[] bytes = serde.encode(f);
    if (format == OutputFormat.JSON) {
      JsonNode node = JSON.readTree(bytes);
      List<Integer> shape = new ArrayList<>();
      node.get("shape").forEach(n -> shape.add(n.intValue()));
      List<Double> values = new ArrayList<>();
      node.get("features").forEach(n -> values.add(n.doubleValue()));
      return new Rebuilt(shape, rebuild(shape, values));
    }
    Features back = serde.decode(bytes);
    List<Double> values = back.getFeatures().stream().map(Float::doubleValue).toList();
    return new Rebuilt(back.getShape(), rebuild(back.getShape(), values));
  }

  @SuppressWarnings("ArrayRecordComponent") // test values, never modified
  private record Rebuilt(List<Integer> shape, double[][][] z) {}

  private static void assertRebuildsZl(
      StreamingModel m, SignalShape input, List<Integer> expectedShape, int dh, int dw)
      throws Exception {
    SignalShape lifted = m.spectralInput().orElseThrow().layerShape();
    double[] x = signal(input, new SplittableRandom(42));
    double[] shifted = Shifts.shift(x, input, dh, dw);
    List<Features> records = features(m, input, x, shifted);
    Matrix zl =
        m.score(Matrix.fromColumns(new double[][] {x}), MathExecutor.sequential()).features();
    for (OutputFormat format : OutputFormat.values()) {
      Rebuilt a = roundTrip(records.get(0), format);
      Rebuilt b = roundTrip(records.get(1), format);
      assertThat(a.shape()).as("%s shape", format).isEqualTo(expectedShape);
      assertThat(b.shape()).isEqualTo(expectedShape);
      double norm = 0;
      for (int c = 0; c < lifted.channels(); c++) {
        for (int y = 0; y < lifted.height(); y++) {
          for (int t = 0; t < lifted.width(); t++) {
            double v = a.z()[c][y][t];
            norm += v * v;
            // the model's z_L, channel-major (float32 on the wire)
            int p = (c * lifted.height() + y) * lifted.width() + t;
            assertThat(v)
                .as("%s z[%d][%d][%d]", format, c, y, t)
                .isCloseTo(zl.get(p, 0), within(1e-6));
            // signal domain: the shifted sample's features are the features shifted
            assertThat(b.z()[c][(y + dh) % lifted.height()][(t + dw) % lifted.width()])
                .isCloseTo(v, within(1e-6));
          }
        }
      }
      assertThat(norm).as("unit norm").isCloseTo(1.0, within(1e-5));
    }
  }

  @Test
  void oneDimensionalFeaturesAreLiftedChannelsByTAndRebuildFromTheRecord() throws Exception {
    SignalShape shape = SignalShape.of1d(2, 16);
    StreamingModel m = model(shape, 5, 3);
    assertThat(m.featureShape()).containsExactly(5, 16);
    assertRebuildsZl(m, shape, List.of(5, 16), 0, 5);
  }

  @Test
  void twoDimensionalFeaturesAreLiftedChannelsByHByWAndRebuildFromTheRecord() throws Exception {
    SignalShape shape = SignalShape.of2d(1, 6, 8);
    StreamingModel m = model(shape, 3, 4);
    assertThat(m.featureShape()).containsExactly(3, 6, 8);
    assertRebuildsZl(m, shape, List.of(3, 6, 8), 2, 3);
  }

  @Test
  void aVectorModelsFeaturesAreAFlatVector() {
    LearnerSettings settings = withWindow(LearnerSettings.defaults(), 30);
    WindowedLearner learner = WindowedLearner.start(settings, 0);
    SplittableRandom r = new SplittableRandom(5);
    StreamingModel m = null;
    for (int i = 0; m == null; i++) {
      if (learner.add(
              new WindowedLearner.Sample(i, signal(SignalShape.of1d(1, 12), r), "c" + i % 3))
          == WindowedLearner.Added.CLOSED) {
        m = learner.nextJob().orElseThrow().compute().model();
      }
    }
    assertThat(m.featureShape()).containsExactly(m.featureDimension());
    Features f = features(m, SignalShape.of1d(1, 12), signal(SignalShape.of1d(1, 12), r)).get(0);
    assertThat(f.getShape()).containsExactly(f.getFeatures().size());
  }
}
