package dev.redunet.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The model summary validates and copies. */
class ModelSummaryTest {

  @Test
  void layersMustBeNumberedFromOneInOrder() {
    List<ModelSummary.LayerRates> layers = List.of(new ModelSummary.LayerRates(2, 1, 1, 0));
    assertThatThrownBy(() -> new ModelSummary("m", 1, List.of(), layers, Instant.EPOCH, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("numbered 1..1");
  }

  @Test
  void nonFiniteRatesNegativeCountsAndVersionsAreRefused() {
    assertThatThrownBy(() -> new ModelSummary.LayerRates(1, Double.NaN, 1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("layer 1");
    assertThatThrownBy(() -> new ModelSummary.ClassCount("a", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("class a");
    assertThatThrownBy(() -> new ModelSummary("m", -1, List.of(), List.of(), Instant.EPOCH, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theListsAreCopied() {
    List<ModelSummary.ClassCount> classes = new ArrayList<>();
    classes.add(new ModelSummary.ClassCount("a", 1));
    ModelSummary s = new ModelSummary("m", 0, classes, List.of(), Instant.EPOCH, 0);
    classes.clear();
    assertThat(s.classes()).hasSize(1);
    assertThat(ModelSummarySource.none().current()).isEmpty();
  }
}
