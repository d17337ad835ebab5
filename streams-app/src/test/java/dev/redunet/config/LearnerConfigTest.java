package dev.redunet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.learn.LearnerSettings.Network;
import dev.redunet.signal.SignalShape;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** redunet.network, redunet.feature.shape and the lifting keys map onto the learner's settings. */
class LearnerConfigTest {

  @Test
  void theDefaultIsTheVectorNetwork() {
    LearnerSettings s = LearnerConfig.settings(AppConfig.of(Map.of()));
    assertThat(s.network()).isEqualTo(Network.VECTOR);
    assertThat(s.featureShape()).isEmpty();
    assertThat(s.lifting()).isEmpty();
  }

  @Test
  void spectralTakesTheShapeAndALiftingSeededByRedunetSeedUnlessSet() {
    LearnerSettings s =
        LearnerConfig.settings(
            AppConfig.of(
                Map.of(
                    "redunet.network", "spectral",
                    "redunet.feature.shape", "3,64",
                    "redunet.lifting.channels", "8",
                    "redunet.lifting.kernel", "5",
                    "redunet.seed", "42")));
    assertThat(s.network()).isEqualTo(Network.SPECTRAL);
    assertThat(s.featureShape()).contains(SignalShape.of1d(3, 64));
    assertThat(s.lifting()).contains(new LiftingSettings(8, 5, 42));
    assertThat(s.layerShape()).isEqualTo(SignalShape.of1d(8, 64));
    assertThat(s.projects(192)).isFalse();
    assertThat(s.asMap()).containsEntry("lifting_seed", "42").containsEntry("network", "spectral");

    LearnerSettings image =
        LearnerConfig.settings(
            AppConfig.of(
                Map.of(
                    "redunet.network", "spectral",
                    "redunet.feature.shape", "1,28,28",
                    "redunet.lifting.channels", "5",
                    "redunet.lifting.seed", "7",
                    "redunet.seed", "42")));
    assertThat(image.featureShape()).contains(SignalShape.of2d(1, 28, 28));
    assertThat(image.lifting()).contains(new LiftingSettings(5, 5, 7));
  }

  @Test
  void spectralWithoutShapeOrWithAProjectionIsAConfigurationError() {
    assertThatThrownBy(
            () -> LearnerConfig.settings(AppConfig.of(Map.of("redunet.network", "spectral"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redunet.feature.shape");
    assertThatThrownBy(
            () ->
                LearnerConfig.settings(
                    AppConfig.of(
                        Map.of(
                            "redunet.network", "spectral",
                            "redunet.feature.shape", "3,64",
                            "redunet.projection", "on"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redunet.projection")
        .hasMessageContaining("shift");
    assertThatThrownBy(
            () ->
                LearnerConfig.settings(
                    AppConfig.of(
                        Map.of(
                            "redunet.network", "spectral",
                            "redunet.feature.shape", "3,8",
                            "redunet.lifting.channels", "4",
                            "redunet.lifting.kernel", "9"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kernel 9");
    assertThat(
            LearnerConfig.settings(
                    AppConfig.of(
                        Map.of("redunet.network", "spectral", "redunet.feature.shape", "3,64")))
                .lifting())
        .isEqualTo(Optional.empty());
  }
}
