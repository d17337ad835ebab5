package dev.redunet.redunet.backprop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.LayerStatistics;
import dev.redunet.redunet.VectorLayer;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The back-propagation loop on a small vector ReduNet: the loss falls, and threads don't matter.
 */
class FineTuningTest {

  private static final int D = 6;
  private static final int CLASSES = 3;

  @SuppressWarnings("ArrayRecordComponent") // fixed test data
  private record Data(double[][] re, double[][] im, int[] labels) {}

  /** Three noisy classes on the unit sphere of R^6, 20 samples each. */
  private static Data data(long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    int m = 60;
    double[][] re = new double[m][D];
    int[] labels = new int[m];
    for (int i = 0; i < m; i++) {
      labels[i] = i % CLASSES;
      double n = 0;
      for (int a = 0; a < D; a++) {
        re[i][a] = r.nextGaussian() + (a == labels[i] ? 1.5 : 0);
        n += re[i][a] * re[i][a];
      }
      for (int a = 0; a < D; a++) {
        re[i][a] /= Math.sqrt(n);
      }
    }
    return new Data(re, new double[m][D], labels);
  }

  /** Two constructed vector layers (λ = 10) as a trainable network. */
  private static Network network(Data d) {
    List<LayerMap.Constants> constants = new ArrayList<>();
    List<Operators> operators = new ArrayList<>();
    Matrix z = Matrix.fromColumns(d.re());
    for (int l = 0; l < 2; l++) {
      VectorLayer layer =
          VectorLayer.fromStatistics(LayerStatistics.of(z, d.labels()), 0.5, 0.5, 10.0);
      constants.add(LayerMap.Constants.of(layer));
      operators.add(Operators.of(layer));
      z = layer.forward(z).features();
    }
    return new Network(constants, operators, new double[] {1.0}, D, CLASSES);
  }

  @Test
  void theTrainingLossFallsAndTheResultDoesNotDependOnTheThreadCount() {
    Data d = data(4);
    FineTuning.Settings settings =
        new FineTuning.Settings(15, 16, 0.02, 7, FineTuning.Optimizer.ADAM);
    Network one = network(d);
    FineTuning.Result a =
        FineTuning.train(
            one, d.re(), d.im(), d.labels(), settings, MathExecutor.sequential(), line -> {});
    Network two = network(d);
    FineTuning.Result b;
    try (MathExecutor math = MathExecutor.create(3, "fine-tuning-test")) {
      b = FineTuning.train(two, d.re(), d.im(), d.labels(), settings, math, line -> {});
      assertThat(FineTuning.predict(two, d.re(), d.im(), math))
          .containsExactly(FineTuning.predict(one, d.re(), d.im(), MathExecutor.sequential()));
    }
    double[] loss = a.epochLoss();
    assertThat(loss[0]).isCloseTo(Math.log(CLASSES), org.assertj.core.api.Assertions.within(0.05));
    for (int e = 1; e < loss.length; e++) {
      assertThat(loss[e]).as("epoch %d", e + 1).isLessThan(loss[e - 1]);
    }
    assertThat(loss[loss.length - 1]).isLessThan(0.8 * loss[0]);
    assertThat(b.epochLoss()).containsExactly(a.epochLoss());
    for (int l = 0; l < 2; l++) {
      assertThat(two.operators(l).re[0]).containsExactly(one.operators(l).re[0]);
    }
    // The operators moved: back-propagation reached the layers, not only the head.
    Network fresh = network(d);
    double moved = 0;
    for (int q = 0; q < fresh.operators(0).re[1].length; q++) {
      moved = Math.max(moved, Math.abs(fresh.operators(0).re[1][q] - one.operators(0).re[1][q]));
    }
    assertThat(moved).isGreaterThan(1e-3);
  }
}
