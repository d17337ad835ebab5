package dev.redunet.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialEvaluatorTest {

  /** Predicts the label of the most recent sample learned before the last "refresh". */
  private static final class LastLabel implements StreamingClassifier {
    final int window;
    final List<String> calls = new ArrayList<>();
    int pending;
    int learned;
    int since;
    int model = -1;

    LastLabel(int window) {
      this.window = window;
    }

    @Override
    public int[] predict(double[][] samples) {
      calls.add("predict " + samples.length);
      int[] out = new int[samples.length];
      java.util.Arrays.fill(out, model);
      return out;
    }

    @Override
    public void learn(double[] sample, int label) {
      learned++;
      pending = label;
      if (++since == window) {
        model = pending;
        since = 0;
      }
    }

    @Override
    public int stableHorizon() {
      return window - since;
    }
  }

  @Test
  void batchesNeverCrossARefreshAndUnscoredSamplesAreNotCounted() {
    int[] labels = {0, 1, 1, 1, 0, 0, 1};
    double[][] samples = new double[labels.length][1];
    LastLabel clf = new LastLabel(3);
    List<Long> progress = new ArrayList<>();
    PrequentialResult r =
        new PrequentialEvaluator(2)
            .evaluate(samples, labels, clf, (done, total, m, s) -> progress.add(done));
    // Windows of 3, batches of at most 2: 2+1, 2+1, 1.
    assertThat(clf.calls)
        .containsExactly("predict 2", "predict 1", "predict 2", "predict 1", "predict 1");
    // Samples 0-2 unscored; 3-5 predicted 1 (label of sample 2): 1 of 3 right; 6 predicted 0.
    assertThat(r.unscored()).isEqualTo(3);
    assertThat(r.scored()).isEqualTo(4);
    assertThat(r.accuracy()).isEqualTo(0.25);
    assertThat(r.processed()).isEqualTo(7);
    assertThat(progress).containsExactly(2L, 3L, 5L, 6L, 7L);
  }

  @Test
  void unlabelledSamplesArePredictedButNeitherLearnedNorCountedAndUseNoHorizon() {
    int u = PrequentialEvaluator.UNLABELLED;
    int[] labels = {0, u, 1, u, u, 1, u, 0, 1, 0, u};
    double[][] samples = new double[labels.length][1];
    LastLabel clf = new LastLabel(3);
    List<String> seen = new ArrayList<>();
    PrequentialResult r =
        new PrequentialEvaluator(100)
            .evaluate(
                samples,
                labels,
                clf,
                null,
                (from, predicted) -> seen.add(from + ":" + Arrays.toString(predicted)));
    // Window of 3 labelled samples: the first batch ends with the third labelled sample (index 5),
    // the unlabelled ones in between use no horizon; the unlabelled sample 6 is predicted with the
    // model built after sample 5 (label 1).
    assertThat(clf.calls).containsExactly("predict 6", "predict 4", "predict 1");
    assertThat(seen).containsExactly("0:[-1, -1, -1, -1, -1, -1]", "6:[1, 1, 1, 1]", "10:[0]");
    assertThat(clf.learned).isEqualTo(6);
    // Labelled: 0, 1, 1 unscored; 0, 1, 0 predicted 1: one right.
    assertThat(r.unscored()).isEqualTo(3);
    assertThat(r.scored()).isEqualTo(3);
    assertThat(r.unlabelled()).isEqualTo(5);
    assertThat(r.processed()).isEqualTo(11);
    assertThat(r.accuracy()).isEqualTo(1.0 / 3);
  }

  @Test
  void theBatchLimitAlsoCountsUnlabelledSamples() {
    int u = PrequentialEvaluator.UNLABELLED;
    int[] labels = {u, u, u, 0, 1, u, 1};
    LastLabel clf = new LastLabel(3);
    new PrequentialEvaluator(2).evaluate(new double[labels.length][1], labels, clf, null);
    assertThat(clf.calls).containsExactly("predict 2", "predict 2", "predict 2", "predict 1");
  }

  @Test
  void aLabelBelowMinusOneIsRefused() {
    assertThatThrownBy(
            () ->
                new PrequentialEvaluator(2)
                    .evaluate(new double[1][1], new int[] {-2}, new LastLabel(1), null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sample 0");
  }
}
