package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.linalg.Matrix;
import dev.redunet.micl.ClassStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Self-training ({@code redunet.unlabelled=self}): a window's unlabelled samples that the version
 * they are owed (v−1) predicts with a MICL margin of at least the threshold are learned as their
 * predicted class; the others never are, and none counts toward the window size.
 */
class SelfTrainingTest {

  private static final int D = 8;
  private static final int W = 60;

  private static LearnerSettings ignoring() {
    return TestSettings.vector(2, W);
  }

  /** Unlabelled samples per labelled one in window 2. */
  private static final int PER = 4;

  /** The data: 3 classes near random subspaces; the samples from index 2W on are the unlabelled. */
  private final SubspaceStream data = new SubspaceStream(2 * W + PER * W, D, 3, 5);

  /**
   * Feeds window 1 (W labelled), then window 2: W labelled samples with the PER·W unlabelled ones
   * interleaved, and computes version 2.
   */
  private WindowedLearner.Built versionTwo(LearnerSettings settings) {
    WindowedLearner core = WindowedLearner.start(settings, 0);
    boolean keeps = settings.keepsUnlabelled();
    for (int i = 0; i < W; i++) {
      core.addUnlabelled("early-" + i, data.samples[2 * W + i]); // before any model: never learned
      assertThat(core.add(sample(i))).isNotNull();
    }
    core.install(core.nextJob().orElseThrow().compute());
    for (int i = W; i < 2 * W; i++) {
      for (int u = 0; u < PER; u++) {
        int index = 2 * W + (i - W) * PER + u;
        assertThat(core.addUnlabelled("u" + index, data.samples[index]))
            .as("kept only when the settings use unlabelled samples")
            .isEqualTo(keeps);
      }
      WindowedLearner.Added added = core.add(sample(i));
      assertThat(added)
          .as("unlabelled samples do not count toward W")
          .isEqualTo(i == 2 * W - 1 ? WindowedLearner.Added.CLOSED : WindowedLearner.Added.ADDED);
    }
    return core.nextJob().orElseThrow().compute();
  }

  private WindowedLearner.Sample sample(int i) {
    return new WindowedLearner.Sample(i, data.samples[i], Integer.toString(data.labels[i]));
  }

  @Test
  void confidentUnlabelledSamplesAreLearnedAsTheirPredictedClassAndNoOthers() {
    // The margins under v1 of the window's unlabelled samples, to put the threshold between them.
    WindowedLearner probe = WindowedLearner.start(ignoring(), 0);
    for (int i = 0; i < W; i++) {
      probe.add(sample(i));
    }
    StreamingModel v1 = probe.nextJob().orElseThrow().compute().model();
    List<double[]> unlabelled = new ArrayList<>();
    for (int index = 2 * W; index < data.samples.length; index++) {
      unlabelled.add(data.samples[index]);
    }
    StreamingModel.Scores scores =
        v1.score(Matrix.fromColumns(unlabelled.toArray(double[][]::new)));
    double[] margins = new double[unlabelled.size()];
    for (int i = 0; i < margins.length; i++) {
      margins[i] = v1.marginBits(scores.deltaL()[i]);
      assertThat(margins[i]).isFinite().isGreaterThanOrEqualTo(0);
    }
    double threshold = sorted(margins)[margins.length / 2]; // about half are confident
    int[] expectedPerClass = new int[3];
    int confident = 0;
    for (int i = 0; i < margins.length; i++) {
      if (margins[i] >= threshold) {
        confident++;
        expectedPerClass[Integer.parseInt(v1.classNames().get(scores.predicted()[i]))]++;
      }
    }
    assertThat(confident).isBetween(1, margins.length - 1);

    WindowedLearner.Built self = versionTwo(ignoring().withSelfTraining(threshold));
    WindowedLearner.Built ignored = versionTwo(ignoring());

    assertThat(self.selfLearned()).isEqualTo(confident);
    assertThat(ignored.selfLearned()).isZero();
    // The statistics of windows 1 and 2 hold their labelled samples plus exactly the confident
    // unlabelled ones of window 2, each in the class v1 predicted for it.
    List<String> names = self.window().classNames();
    ModelStatistics withSelf = self.windows().total().orElseThrow();
    ModelStatistics labelledOnly = ignored.windows().total().orElseThrow();
    assertThat(withSelf.labelled() - labelledOnly.labelled()).isEqualTo(confident);
    for (int j = 0; j < 3; j++) {
      int c = names.indexOf(Integer.toString(j));
      assertThat(count(withSelf.output(), c) - count(labelledOnly.output(), c))
          .as("class %d gains exactly its confident unlabelled samples", j)
          .isEqualTo(expectedPerClass[j]);
    }
    // The window's prequential outcomes and novelty are its labelled samples' only.
    assertThat(self.predicted()).containsExactly(ignored.predicted());
    assertThat(self.noveltyBits()).containsExactly(ignored.noveltyBits());
  }

  @Test
  void aMarginNoSampleReachesLearnsNothingAndGivesTheLabelledOnlyModel() {
    WindowedLearner.Built self = versionTwo(ignoring().withSelfTraining(1e6));
    WindowedLearner.Built ignored = versionTwo(ignoring());
    assertThat(self.selfLearned()).isZero();
    Matrix test = Matrix.fromColumns(Arrays.copyOfRange(data.samples, 2 * W, 2 * W + 20));
    assertThat(
            self.model()
                .score(test)
                .features()
                .maxAbsDifference(ignored.model().score(test).features()))
        .isZero();
  }

  @Test
  void theMarginIsTheGapBetweenTheTwoSmallestIncrementsPerDimension() {
    WindowedLearner core = WindowedLearner.start(ignoring(), 0);
    for (int i = 0; i < W; i++) {
      core.add(sample(i));
    }
    StreamingModel v1 = core.nextJob().orElseThrow().compute().model();
    double d = v1.featureDimension();
    assertThat(v1.marginBits(new double[] {7.0, 3.0, Double.POSITIVE_INFINITY, 4.5}))
        .isEqualTo(1.5 / d);
    assertThat(v1.marginBits(new double[] {2.0, 2.0})).isZero();
    assertThat(v1.marginBits(new double[] {2.0, Double.POSITIVE_INFINITY})).isNaN();
  }

  private static double count(List<ClassStatistics> output, int c) {
    return c < output.size() ? output.get(c).count() : 0;
  }

  private static double[] sorted(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s;
  }
}
