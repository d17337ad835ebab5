package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeGuardTest {

  private final Map<String, InputShape> store = new HashMap<>();

  private static InputShape shape(String id, Integer... dims) {
    return new InputShape(List.of(dims), id, "samples", 0, 0, Instant.EPOCH);
  }

  @Test
  void aConfiguredShapeIsExpectedAndCannotBeProposed() {
    ShapeGuard g = new ShapeGuard(List.of(5, 200), "m", store::get);
    store.put("m", shape("x", 3));
    assertThat(g.expected())
        .hasValueSatisfying(
            e -> {
              assertThat(e.shape()).containsExactly(5, 200);
              assertThat(e.size()).isEqualTo(1000);
              assertThat(e.origin()).isEqualTo("redunet.feature.shape");
            });
    assertThatThrownBy(() -> g.propose(shape("y", 3))).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void withoutAnyShapeNothingIsExpectedUntilTheTaskProposesOne() {
    ShapeGuard g = new ShapeGuard(List.of(), "m", store::get);
    assertThat(g.expected()).isEmpty();
    g.propose(shape("s-1", 4));
    assertThat(g.expected())
        .hasValueSatisfying(
            e -> {
              assertThat(e.shape()).containsExactly(4);
              assertThat(e.origin()).contains("sample s-1").endsWith("unconfirmed");
            });
  }

  @Test
  void theAgreedShapeReplacesADifferentProposalOfThisTask() {
    ShapeGuard g = new ShapeGuard(List.of(), "m", store::get);
    g.propose(shape("mine", 4));
    store.put("m", shape("theirs", 7));
    assertThat(g.expected()).hasValueSatisfying(e -> assertThat(e.shape()).containsExactly(7));
    store.clear();
    assertThat(g.expected()).as("the proposal was dropped once the winner was seen").isEmpty();
  }

  @Test
  void theStoreIsReadByModelName() {
    ShapeGuard g = new ShapeGuard(List.of(), "other", store::get);
    store.put("m", shape("x", 3));
    assertThat(g.expected()).isEmpty();
    assertThat(g.modelName()).isEqualTo("other");
  }

  @Test
  void anInputShapeRoundTripsThroughJsonAndRejectsGarbage() {
    InputShape s =
        new InputShape(List.of(2, 3), "s-9", "redunet.samples", 2, 41, Instant.ofEpochMilli(5));
    assertThat(InputShape.fromJson(s.toJson())).isEqualTo(s);
    assertThat(s.size()).isEqualTo(6);
    assertThat(s.provenance()).isEqualTo("sample s-9 (redunet.samples-2@41)");
    assertThatThrownBy(
            () -> InputShape.fromJson("{\"shape\":[0]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> InputShape.fromJson("[1".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
