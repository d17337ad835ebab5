package dev.redunet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {

  @TempDir Path dir;

  @Test
  void defaultsApplyWhenNothingIsSet() {
    AppConfig config = AppConfig.of(Map.of());
    assertThat(config.integer(ConfigKeys.LAYERS)).isEqualTo(2);
    assertThat(config.real(ConfigKeys.EPS_SQ)).isEqualTo(0.5);
    assertThat(config.text(ConfigKeys.PROCESSING_GUARANTEE)).isEqualTo("exactly_once_v2");
    assertThat(config.topic(ConfigKeys.TOPIC_SAMPLES)).isEqualTo("redunet.samples");
    assertThat(config.topic(ConfigKeys.TOPIC_MODEL)).isEqualTo("redunet.model");
    assertThat(config.intList(ConfigKeys.FEATURE_SHAPE)).isEmpty();
    assertThat(config.isSet(ConfigKeys.BOOTSTRAP_SERVERS)).isFalse();
  }

  @Test
  void flagsOverrideEnvironmentWhichOverridesTheFile() throws IOException {
    Path file = dir.resolve("app.properties");
    Files.writeString(file, "redunet.layers=5\nredunet.eta=0.1\nredunet.window=100\n");
    AppConfig config =
        AppConfig.load(
            Optional.of(file),
            Map.of("REDUNET_LAYERS", "7", "REDUNET_ETA", "0.2", "PATH", "/bin"),
            Map.of("redunet.layers", "9"));
    assertThat(config.integer(ConfigKeys.LAYERS)).isEqualTo(9);
    assertThat(config.real(ConfigKeys.ETA)).isEqualTo(0.2);
    assertThat(config.integer(ConfigKeys.WINDOW)).isEqualTo(100);
  }

  @Test
  void kafkaSettingsArePassedThroughWithoutThePrefix() {
    AppConfig config =
        AppConfig.load(
            Optional.empty(),
            Map.of("REDUNET_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"),
            Map.of("kafka.sasl.mechanism", "PLAIN"));
    assertThat(config.kafkaProperties())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "PLAIN");
  }

  @Test
  void anInvalidValueNamesTheKeyTheValueAndWhatIsAllowed() {
    assertThatThrownBy(() -> AppConfig.of(Map.of("redunet.construction", "magic")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redunet.construction")
        .hasMessageContaining("magic")
        .hasMessageContaining("statistics, replay");
    assertThatThrownBy(() -> AppConfig.of(Map.of("redunet.eps.sq", "-1")))
        .hasMessageContaining("redunet.eps.sq")
        .hasMessageContaining("a number > 0");
    assertThatThrownBy(() -> AppConfig.of(Map.of("redunet.layers", "two")))
        .hasMessageContaining("redunet.layers")
        .hasMessageContaining("an integer");
  }

  @Test
  void aModelNameCannotBreakTheModelTopicsKeys() {
    assertThat(
            AppConfig.of(Map.of("redunet.model.name", " sensors_v2.a-b "))
                .text(ConfigKeys.MODEL_NAME))
        .isEqualTo("sensors_v2.a-b");
    for (String bad : new String[] {"a/b", "with space", "é"}) {
      assertThatThrownBy(() -> AppConfig.of(Map.of("redunet.model.name", bad)))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("redunet.model.name")
          .hasMessageContaining("letters, digits");
    }
  }

  @Test
  void anInvalidEnvironmentValueSaysWhereItCameFrom() {
    assertThatThrownBy(
            () -> AppConfig.load(Optional.empty(), Map.of("REDUNET_WINDOW", "0"), Map.of()))
        .hasMessageContaining("redunet.window")
        .hasMessageContaining("environment REDUNET_WINDOW");
  }

  @Test
  void anUnknownKeyIsRefusedWithASuggestion() {
    assertThatThrownBy(() -> AppConfig.of(Map.of("redunet.layer", "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("unknown configuration key 'redunet.layer'")
        .hasMessageContaining("did you mean redunet.layers?");
    assertThatThrownBy(
            () -> AppConfig.load(Optional.empty(), Map.of("REDUNET_EPSSQ", "1"), Map.of()))
        .hasMessageContaining("REDUNET_EPSSQ")
        .hasMessageContaining("did you mean REDUNET_EPS_SQ?");
  }

  @Test
  void launcherVariablesAreNotMistakenForTypos() {
    AppConfig config =
        AppConfig.load(
            Optional.empty(),
            Map.of("REDUNET_JAVA_OPTS", "-Xmx1g", "REDUNET_LOG_LEVEL", "DEBUG"),
            Map.of());
    assertThat(config.integer(ConfigKeys.LAYERS)).isEqualTo(2);
  }

  /**
   * A variable Kubernetes injects for a Service named redunet-http is still an error (the fix is in
   * the manifests), but the message says where it comes from.
   */
  @Test
  void aKubernetesServiceLinkVariableFailsWithAHintAndAMisspelledKeyStillFails() {
    for (Map<String, String> env :
        List.of(
            Map.of("REDUNET_HTTP_SERVICE_HOST", "10.96.0.12"),
            Map.of("REDUNET_HTTP_PORT_8080_TCP_ADDR", "10.96.0.12"),
            Map.of("REDUNET_HTTP_PORT", "tcp://10.96.0.12:8080"))) {
      assertThatThrownBy(() -> AppConfig.load(Optional.empty(), env, Map.of()))
          .as("%s", env)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(env.keySet().iterator().next())
          .hasMessageContaining("enableServiceLinks: false");
    }
    assertThatThrownBy(
            () -> AppConfig.load(Optional.empty(), Map.of("REDUNET_HTTP_PROT", "8080"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("did you mean REDUNET_HTTP_PORT?")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("enableServiceLinks"));
    assertThatThrownBy(
            () -> AppConfig.load(Optional.empty(), Map.of("REDUNET_HTTP_PORT", "80a"), Map.of()))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("enableServiceLinks"));
  }

  @Test
  void theLoggingVariablesTakeOnlyTheirValues() {
    AppConfig config =
        AppConfig.load(
            Optional.empty(),
            Map.of("REDUNET_LOG_FORMAT", "json", "REDUNET_LOG_LEVEL", "warn"),
            Map.of());
    assertThat(config.integer(ConfigKeys.LAYERS)).isEqualTo(2);
    assertThatThrownBy(
            () -> AppConfig.load(Optional.empty(), Map.of("REDUNET_LOG_FORMAT", "xml"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "invalid value 'xml' for environment variable REDUNET_LOG_FORMAT: allowed values are"
                + " one of text, json");
    assertThatThrownBy(() -> AppConfig.checkLauncherVariables(Map.of("REDUNET_LOG_LEVEL", "LOUD")))
        .hasMessageContaining("REDUNET_LOG_LEVEL")
        .hasMessageContaining("TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    assertThatThrownBy(() -> AppConfig.checkLauncherVariables(Map.of("REDUNET_LOG_FORMAT", "JSON")))
        .as("the format names logback resources: exact case")
        .hasMessageContaining("REDUNET_LOG_FORMAT");
    AppConfig.checkLauncherVariables(Map.of("REDUNET_VECTOR_API", "false"));
    assertThatThrownBy(() -> AppConfig.checkLauncherVariables(Map.of("REDUNET_VECTOR_API", "no")))
        .hasMessage(
            "invalid value 'no' for environment variable REDUNET_VECTOR_API: allowed values are one"
                + " of true, false");
  }

  @Test
  void aMissingFileIsAOneLineErrorWithThePath() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> AppConfig.load(Optional.of(missing), Map.of(), Map.of()))
        .hasMessageContaining("configuration file not found")
        .hasMessageContaining(missing.toString());
  }

  @Test
  void aMissingRequiredSettingNamesTheKeyAndItsVariable() {
    AppConfig config = AppConfig.of(Map.of());
    assertThatThrownBy(() -> config.text(ConfigKeys.BOOTSTRAP_SERVERS))
        .hasMessageContaining("redunet.bootstrap.servers")
        .hasMessageContaining("REDUNET_BOOTSTRAP_SERVERS");
  }

  @Test
  void everyKeyHasADistinctEnvironmentVariableThatMapsBackToIt() {
    for (ConfigKey key : ConfigKeys.ALL) {
      assertThat(ConfigKeys.byEnvironmentVariable(key.environmentVariable())).contains(key);
      assertThat(key.environmentVariable()).startsWith("REDUNET_").doesNotContain(".");
    }
    assertThat(ConfigKeys.ALL.stream().map(ConfigKey::environmentVariable).distinct())
        .hasSameSizeAs(ConfigKeys.ALL);
  }

  @Test
  void topicNamesFollowThePrefixUnlessSetExplicitly() {
    AppConfig config =
        AppConfig.of(Map.of("redunet.topic.prefix", "lab.", "redunet.topic.rejected", "dlq"));
    assertThat(config.topic(ConfigKeys.TOPIC_SAMPLES)).isEqualTo("lab.samples");
    assertThat(config.topic(ConfigKeys.TOPIC_REJECTED)).isEqualTo("dlq");
  }

  @Test
  void listsAndShapesParseAndRejectBadItems() {
    AppConfig config =
        AppConfig.of(Map.of("redunet.feature.shape", "5, 200", "redunet.labels", "a,b , c"));
    assertThat(config.intList(ConfigKeys.FEATURE_SHAPE)).containsExactly(5, 200);
    assertThat(config.textList(ConfigKeys.LABELS)).containsExactly("a", "b", "c");
    assertThatThrownBy(() -> AppConfig.of(Map.of("redunet.feature.shape", "5,0")))
        .hasMessageContaining("positive integers");
    assertThatThrownBy(() -> AppConfig.of(Map.of("redunet.labels", "a,,b")))
        .hasMessageContaining("non-empty");
  }
}
