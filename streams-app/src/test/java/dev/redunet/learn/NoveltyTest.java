package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.data.LabelledDataset;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.linalg.Matrix;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Novelty: ν = min_j δL(z_L, j) / d in bits per dimension, and the threshold each version records
 * (the q-quantile of its window's labelled samples' own ν under the version before).
 */
class NoveltyTest {

  @Test
  void theQuantileIsTheNearestRankOfTheFiniteValues() {
    double[] bits = {5, Double.NaN, 1, 4, Double.POSITIVE_INFINITY, 2, 3};
    assertThat(StreamingModel.noveltyQuantile(bits, 0.8)).isEqualTo(4.0); // ⌈0.8·5⌉ = 4th of 1…5
    assertThat(StreamingModel.noveltyQuantile(bits, 1.0)).isEqualTo(5.0);
    assertThat(StreamingModel.noveltyQuantile(bits, 0.01)).isEqualTo(1.0);
    assertThat(StreamingModel.noveltyQuantile(new double[] {Double.NaN}, 0.95)).isNaN();
  }

  @Test
  void aVersionRecordsItsWindowsQuantileAndTheHeaderKeepsIt() throws IOException {
    LabelledDataset mnist = ShippedDatasets.mnist10k();
    WindowedLearner core = WindowedLearner.start(LearnerSettings.defaults(), 0);
    WindowedLearner.Built last = null;
    for (int i = 0; i < 1500; i++) {
      if (core.add(new WindowedLearner.Sample(i, mnist.sample(i), mnist.label(i)))
          == WindowedLearner.Added.CLOSED) {
        last = core.nextJob().orElseThrow().compute();
        if (last.model().version() == 1) {
          assertThat(last.model().noveltyThreshold())
              .as("v1: its window was scored by no model")
              .isEmpty();
        }
        core.install(last);
      }
    }
    assertThat(last).isNotNull();
    StreamingModel v3 = last.model();
    assertThat(v3.version()).isEqualTo(3);
    assertThat(v3.noveltyThreshold())
        .hasValue(StreamingModel.noveltyQuantile(last.noveltyBits(), 0.95));
    long flagged = java.util.Arrays.stream(last.noveltyBits()).filter(b -> b > 0).count();
    assertThat(flagged).as("every sample of window 3 was scored by v2").isEqualTo(500);
    StreamingModel back = ModelCodec.assemble(ModelCodec.parts(v3, 0, 0));
    assertThat(back.noveltyThreshold()).isEqualTo(v3.noveltyThreshold());
  }

  /**
   * The acceptance: after digits 0–7 are learned with the default settings, unseen 8s and
   * 9s stand out from unseen 0–7s. NumPy's MICL on raw pixels gives an AUC of 0.815.
   */
  @Test
  void unseenDigitsStandOutFromKnownOnes() throws IOException {
    LabelledDataset mnist = ShippedDatasets.mnist10k();
    WindowedLearner core = WindowedLearner.start(LearnerSettings.defaults(), 0);
    int learned = 0;
    int i = 0;
    for (; learned < 4000; i++) {
      if (unknown(mnist.label(i))) {
        continue;
      }
      if (core.add(new WindowedLearner.Sample(i, mnist.sample(i), mnist.label(i)))
          == WindowedLearner.Added.CLOSED) {
        core.install(core.nextJob().orElseThrow().compute());
      }
      learned++;
    }
    StreamingModel model = core.model().orElseThrow();
    assertThat(model.classNames()).hasSize(8);
    List<double[]> test = new ArrayList<>();
    List<Boolean> isUnknown = new ArrayList<>();
    for (int t = i; t < i + 3000; t++) {
      test.add(mnist.sample(t));
      isUnknown.add(unknown(mnist.label(t)));
    }
    StreamingModel.Scores scores = model.score(Matrix.fromColumns(test.toArray(double[][]::new)));
    double[] bits = new double[test.size()];
    for (int t = 0; t < bits.length; t++) {
      bits[t] = model.noveltyBits(scores.deltaL()[t]);
      assertThat(bits[t]).isFinite();
    }
    double wins = 0;
    long pairs = 0;
    int unknowns = 0;
    int caught = 0;
    int knowns = 0;
    int falseAlarms = 0;
    for (int a = 0; a < bits.length; a++) {
      if (isUnknown.get(a)) {
        unknowns++;
        caught += model.novel(bits[a]) ? 1 : 0;
        for (int b = 0; b < bits.length; b++) {
          if (!isUnknown.get(b)) {
            pairs++;
            wins += bits[a] > bits[b] ? 1 : bits[a] == bits[b] ? 0.5 : 0;
          }
        }
      } else {
        knowns++;
        falseAlarms += model.novel(bits[a]) ? 1 : 0;
      }
    }
    double auc = wins / pairs;
    double recall = caught / (double) unknowns;
    double falseRate = falseAlarms / (double) knowns;
    System.out.printf(
        "novelty on MNIST after 0-7 (v%d, threshold %.4f bits/dim): AUC %.4f, 8/9 flagged %.3f"
            + " (%d), 0-7 flagged %.3f (%d)%n",
        model.version(),
        model.noveltyThreshold().orElseThrow(),
        auc,
        recall,
        unknowns,
        falseRate,
        knowns);
    assertThat(auc).isGreaterThanOrEqualTo(0.80);
    assertThat(recall).isGreaterThanOrEqualTo(0.35);
    assertThat(falseRate).isLessThanOrEqualTo(0.15);
    // q = 0.95 of the window's own novelty: about 5 % of known samples, and never none of them (a
    // threshold that flags nothing known is broken)
    assertThat(falseRate).as("about 1 − q of the known").isCloseTo(0.05, within(0.03));
  }

  private static boolean unknown(String label) {
    return label.equals("8") || label.equals("9");
  }
}
