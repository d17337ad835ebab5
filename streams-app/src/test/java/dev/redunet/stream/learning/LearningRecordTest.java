package dev.redunet.stream.learning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    LearningRecord.Samples samples =
        (LearningRecord.Samples)
            LearningRecord.decode(
                LearningRecord.encode(
                    new LearningRecord.Samples(List.of(bytes, new byte[0], new byte[] {7}))));
    assertThat(samples.samples()).hasSize(3);
    assertThat(samples.samples().get(0)).containsExactly(bytes);
    assertThat(samples.samples().get(1)).isEmpty();
    assertThat(samples.samples().get(2)).containsExactly(7);
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
        LearningRecord.encode(new LearningRecord.Samples(List.of(new byte[] {1, 2, 3, 4})));
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
