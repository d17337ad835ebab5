package dev.redunet.app.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.stream.IngressMetrics;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Our meters, as the learning code feeds them and as Prometheus reads them. */
class AppMetricsTest {

  private final AppMetrics metrics = new AppMetrics(new IngressMetrics());

  @AfterEach
  void close() {
    metrics.close();
  }

  private double gauge(String name, String... tags) {
    return metrics.registry().get(name).tags(tags).gauge().value();
  }

  @Test
  void beforeAnyModelTheVersionIsMinusOneAndTheAccuraciesAreNaN() {
    assertThat(gauge("redunet.model.version")).isEqualTo(-1.0);
    assertThat(gauge("redunet.prequential.accuracy")).isNaN();
    assertThat(gauge("redunet.model.rebuild.last")).isNaN();
    assertThat(metrics.registry().find("redunet.model.layer.delta.r").gauges()).isEmpty();
  }

  @Test
  void aBuiltModelSetsTheVersionRebuildTimeAndOneDeltaRGaugePerLayer() {
    metrics.modelBuilt(4, 1.5, List.of(10.0, 12.5, 13.0));
    assertThat(gauge("redunet.model.version")).isEqualTo(4.0);
    assertThat(gauge("redunet.model.rebuild.last")).isCloseTo(1.5, within(1e-9));
    assertThat(gauge("redunet.model.layer.delta.r", "layer", "3")).isEqualTo(13.0);
    assertThat(metrics.registry().get("redunet.model.rebuild").timer().count()).isEqualTo(1);

    metrics.modelBuilt(HttpEndpointsTest.model(5));
    assertThat(gauge("redunet.model.version")).isEqualTo(5.0);
    assertThat(gauge("redunet.model.layer.delta.r", "layer", "2")).isEqualTo(12.5);
    assertThat(gauge("redunet.model.layer.delta.r", "layer", "3"))
        .as("a layer the new model does not have")
        .isNaN();
    assertThat(metrics.registry().get("redunet.model.rebuild").timer().count()).isEqualTo(2);
  }

  @Test
  void aLoadedModelSetsTheVersionWithoutCountingARebuild() {
    metrics.modelLoaded(9, List.of(1.0));
    assertThat(gauge("redunet.model.version")).isEqualTo(9.0);
    assertThat(gauge("redunet.model.layer.delta.r", "layer", "1")).isEqualTo(1.0);
    assertThat(metrics.registry().get("redunet.model.rebuild").timer().count()).isZero();
  }

  @Test
  void prequentialAccuracyIsCorrectOverScoredSinceTheStart() {
    assertThat(gauge("redunet.prequential.accuracy")).isNaN();
    metrics.prediction(true);
    metrics.prediction(false);
    metrics.prediction(true);
    assertThat(gauge("redunet.prequential.accuracy")).isEqualTo(2.0 / 3.0);
    assertThat(metrics.registry().get("redunet.prequential.scored").functionCounter().count())
        .isEqualTo(3.0);
    assertThat(metrics.registry().get("redunet.prequential.correct").functionCounter().count())
        .isEqualTo(2.0);
  }

  @Test
  void impossibleReportsAreRefused() {
    assertThatThrownBy(() -> metrics.modelBuilt(1, Double.NaN, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> metrics.modelLoaded(-2, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void thePrometheusNamesAreTheDocumentedOnes() {
    metrics.modelBuilt(2, 0.5, List.of(3.0));
    metrics.prediction(true);
    metrics.prediction(false);
    String text = metrics.scrape();
    assertThat(text)
        .contains("redunet_ingress_accepted_total 0.0")
        .contains("redunet_ingress_rejected_total{reason=\"NON_FINITE\"} 0.0")
        .contains("redunet_ingress_handler_events_total{handler=\"processing\"} 0.0")
        .contains("redunet_model_version 2.0")
        .contains("redunet_model_rebuild_last_seconds 0.5")
        .contains("redunet_model_rebuild_seconds_count 1")
        .contains("redunet_model_layer_delta_r{layer=\"1\"} 3.0")
        .contains("redunet_prequential_accuracy 0.5")
        .contains("redunet_prequential_scored_total 2.0")
        .contains("redunet_prequential_correct_total 1.0");
  }

  @Test
  void theClosedWindowsAreReadFromTheBoundSourceAtEveryScrape() {
    assertThat(gauge("redunet.model.windows.closed")).isNaN();
    java.util.concurrent.atomic.AtomicLong windows = new java.util.concurrent.atomic.AtomicLong(3);
    metrics.bindWindowsClosed(windows::get);
    assertThat(metrics.scrape()).contains("redunet_model_windows_closed 3.0");
    windows.set(5);
    assertThat(gauge("redunet.model.windows.closed")).isEqualTo(5.0);
  }
}
