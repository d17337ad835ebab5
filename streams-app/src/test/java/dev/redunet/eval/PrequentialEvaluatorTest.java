package dev.redunet.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrequentialEvaluatorTest {

  /** Predicts the label of the most recent sample learned before the last "refresh". */
  private static final class LastLabel implements StreamingClassifier {
    final int window;
    final List<String> calls = new ArrayList<>();
    int pending;
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
}
