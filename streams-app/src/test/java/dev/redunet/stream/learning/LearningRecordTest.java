package dev.redunet.stream.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LearningRecordTest {

  @Test
  void everyKindRoundTripsExactly() {
    double[] x = {0.5, -3.25, 255, 1e-3f};
    LearningRecord.Raw raw =
        (LearningRecord.Raw)
            LearningRecord.decode(
                LearningRecord.encode(new LearningRecord.Raw("seven", x, Optional.of("one"))));
    assertThat(raw.label()).isEqualTo("seven");
    assertThat(raw.features()).containsExactly(x);
    assertThat(raw.predicted()).contains("one");

    byte[] bytes = {1, 2, 3};
    LearningRecord.Part part =
        (LearningRecord.Part)
            LearningRecord.decode(
                LearningRecord.encode(new LearningRecord.Part("depth/0/1", bytes)));
    assertThat(part.name()).isEqualTo("depth/0/1");
    assertThat(part.bytes()).containsExactly(bytes);

    LearningRecord.End end =
        (LearningRecord.End)
            LearningRecord.decode(
                LearningRecord.encode(
                    new LearningRecord.End(50, Map.of(LearningRecord.outcome("a", "b"), 3L))));
    assertThat(end.labelled()).isEqualTo(50);
    assertThat(end.outcomes()).containsEntry("a\u0000b", 3L);

    LearningRecord.Delta delta =
        (LearningRecord.Delta)
            LearningRecord.decode(
                LearningRecord.encode(
                    new LearningRecord.Delta(
                        Map.of("depth/0/1", bytes, "output/1", new byte[] {9}),
                        new LearningRecord.End(7, Map.of()))));
    assertThat(delta.parts()).containsOnlyKeys("depth/0/1", "output/1");
    assertThat(delta.parts().get("depth/0/1")).containsExactly(bytes);
    assertThat(delta.end().labelled()).isEqualTo(7);

    LearningRecord.Raws raws =
        (LearningRecord.Raws)
            LearningRecord.decode(
                LearningRecord.encode(
                    new LearningRecord.Raws(
                        List.of(
                            new LearningRecord.Raw("a", x, Optional.empty()),
                            new LearningRecord.Raw("b", new double[0], Optional.of("a"))))));
    assertThat(raws.samples()).hasSize(2);
    assertThat(raws.samples().get(0).label()).isEqualTo("a");
    assertThat(raws.samples().get(0).features()).containsExactly(x);
    assertThat(raws.samples().get(0).predicted()).isEmpty();
    assertThat(raws.samples().get(1).features()).isEmpty();
    assertThat(raws.samples().get(1).predicted()).contains("a");
  }

  @Test
  void rawSamplesAreChunkedInOrderUnderTheLimit() {
    List<LearningRecord.Raw> raws = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      raws.add(new LearningRecord.Raw("label" + i, new double[10 + i], Optional.of("p")));
    }
    raws.add(new LearningRecord.Raw("huge", new double[2000], Optional.empty()));
    raws.add(new LearningRecord.Raw("after", new double[3], Optional.empty()));
    long max = 4096;
    List<LearningRecord.Raws> chunks = LearningRecord.Raws.chunked(raws, max);
    assertThat(chunks.stream().flatMap(c -> c.samples().stream()).toList()).isEqualTo(raws);
    for (LearningRecord.Raws c : chunks) {
      int bytes = LearningRecord.encode(c).length;
      if (c.samples().stream().anyMatch(r -> r.label().equals("huge"))) {
        assertThat(c.samples()).as("alone when larger than the limit").hasSize(1);
      } else {
        assertThat(bytes).isLessThanOrEqualTo((int) max);
      }
    }
    assertThat(chunks.size()).isGreaterThan(5);
    assertThat(LearningRecord.Raws.chunked(List.of(), max)).isEmpty();
  }

  @Test
  void truncatedOrUnknownBytesAreRefusedWithAClearError() {
    byte[] full =
        LearningRecord.encode(new LearningRecord.Raw("a", new double[] {1, 2}, Optional.empty()));
    for (int len = 0; len < full.length; len++) {
      byte[] cut = Arrays.copyOf(full, len);
      assertThatThrownBy(() -> LearningRecord.decode(cut))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("corrupt learning record");
    }
    byte[] samples =
        LearningRecord.encode(
            new LearningRecord.Raws(
                List.of(new LearningRecord.Raw("a", new double[] {1, 2}, Optional.of("b")))));
    for (int len = 1; len < samples.length; len++) {
      byte[] cut = Arrays.copyOf(samples, len);
      assertThatThrownBy(() -> LearningRecord.decode(cut))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("corrupt learning record");
    }
    assertThatThrownBy(() -> LearningRecord.decode(new byte[] {'X'}))
        .hasMessageContaining("unknown learning record kind");
  }
}
