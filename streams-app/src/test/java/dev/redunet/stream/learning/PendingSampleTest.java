package dev.redunet.stream.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.learn.ModelStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PendingSampleTest {

  private static double[] random(SplittableRandom r, int d) {
    double[] v = new double[d];
    for (int a = 0; a < d; a++) {
      v[a] = r.nextGaussian();
    }
    return v;
  }

  private static PendingSample sample(SplittableRandom r, int index, int depths, int d) {
    List<double[]> z = new ArrayList<>();
    for (int l = 0; l < depths; l++) {
      z.add(random(r, d));
    }
    return new PendingSample(index, "p" + index, "t" + index, z, z.get(depths - 1).clone());
  }

  @Test
  void roundTripsExactlyWithAndWithoutASeparateOutput() {
    SplittableRandom r = new SplittableRandom(1);
    PendingSample same = sample(r, 2, 3, 5);
    PendingSample other =
        new PendingSample(0, "", "ü label", same.depths(), random(r, 5)); // labels-mode training
    for (PendingSample p : List.of(same, other)) {
      byte[] bytes = p.encode();
      PendingSample back = PendingSample.decode(bytes);
      assertThat(back.index()).isEqualTo(p.index());
      assertThat(back.predicted()).isEqualTo(p.predicted());
      assertThat(back.label()).isEqualTo(p.label());
      assertThat(back.depths()).hasSize(3);
      for (int l = 0; l < 3; l++) {
        assertThat(back.depths().get(l)).containsExactly(p.depths().get(l));
      }
      assertThat(back.output()).containsExactly(p.output());
    }
    // The output is written once when it is the last depth.
    PendingSample separate =
        new PendingSample(
            same.index(), same.predicted(), same.label(), same.depths(), random(r, 5));
    assertThat(separate.encode().length - same.encode().length).isEqualTo(8 * 5);
  }

  @Test
  void theOutcomeIsReadWithoutTheFeatures() {
    SplittableRandom r = new SplittableRandom(5);
    PendingSample predicted = sample(r, 1, 2, 3);
    assertThat(PendingSample.outcome(predicted.encode()))
        .contains(LearningRecord.outcome("t1", "p1"));
    PendingSample unscored = new PendingSample(1, "", "t1", predicted.depths(), predicted.output());
    assertThat(PendingSample.outcome(unscored.encode())).isEmpty();
    assertThatThrownBy(() -> PendingSample.outcome(new byte[] {0, 0, 0, 1, 0, 0, 0, 9}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt pending sample");
  }

  @Test
  void corruptBytesAreRefusedWithAClearError() {
    byte[] full = sample(new SplittableRandom(2), 1, 2, 4).encode();
    for (int len = 0; len < full.length; len++) {
      byte[] cut = Arrays.copyOf(full, len);
      assertThatThrownBy(() -> PendingSample.decode(cut))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("corrupt pending sample");
    }
  }

  @Test
  void theFactoredDeltaMultipliesOutToTheSampleBySampleStatistics() {
    SplittableRandom r = new SplittableRandom(3);
    int d = 7;
    int depths = 3;
    List<PendingSample> samples = new ArrayList<>();
    ModelStatistics expected = ModelStatistics.empty(d, depths - 1);
    for (int i = 0; i < 40; i++) {
      int index = i % 5 == 0 ? 4 : r.nextInt(3); // class 3 never appears
      PendingSample p = sample(r, index, depths, d);
      samples.add(p);
      expected = expected.add(p.depths(), p.output(), index);
    }
    ModelStatistics factored = PendingSample.statistics(samples);
    assertThat(factored.labelled()).isEqualTo(40);
    for (int l = 0; l < depths; l++) {
      assertThat(factored.depth(l).labels()).containsExactly(0, 1, 2, 4);
      assertThat(factored.depth(l).maxAbsDifference(expected.depth(l))).isLessThan(1e-12);
    }
    assertThat(factored.output()).hasSize(5);
    assertThat(factored.output().get(3).isEmpty()).isTrue();
    for (int j = 0; j < 5; j++) {
      double[] a = factored.output().get(j).toArray();
      double[] b = expected.output().get(j).toArray();
      assertThat(a).hasSameSizeAs(b);
      for (int t = 0; t < a.length; t++) {
        assertThat(a[t]).as("output %d[%d]", j, t).isCloseTo(b[t], within(1e-12));
      }
    }
  }

  @Test
  void aDeltaOfMixedShapesIsRefused() {
    SplittableRandom r = new SplittableRandom(4);
    List<PendingSample> mixed = List.of(sample(r, 0, 2, 3), sample(r, 0, 3, 3));
    assertThatThrownBy(() -> PendingSample.statistics(mixed))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mixes samples");
  }
}
