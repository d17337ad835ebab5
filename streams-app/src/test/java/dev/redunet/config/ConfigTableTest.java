package dev.redunet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The configuration table of README.md is generated from {@link ConfigKeys#ALL} and stays so. */
class ConfigTableTest {

  private static Path readme() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("README.md"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
    }
    return dir.resolve("README.md");
  }

  @Test
  void theReadmeTableIsExactlyTheGeneratedOne() throws IOException {
    String readme = Files.readString(readme(), StandardCharsets.UTF_8);
    assertThat(ConfigTable.section(readme))
        .as(
            "README.md's configuration table differs from ConfigKeys; regenerate it with"
                + " ./redunet config --write-readme README.md")
        .isEqualTo(ConfigTable.markdown());
  }

  @Test
  void theTableHasOneRowPerKeyWithItsVariableDefaultAndAllowedValues() {
    List<String> rows = ConfigTable.markdown().lines().toList();
    assertThat(rows).hasSize(ConfigKeys.ALL.size() + 2);
    assertThat(rows)
        .contains(
            "| `redunet.http.port` | `REDUNET_HTTP_PORT` | `8080` | an integer in [0, 65535] |"
                + " Port of the HTTP endpoints (0 = any free port). |");
    assertThat(rows)
        .anyMatch(
            r ->
                r.startsWith(
                    "| `redunet.bootstrap.servers` | `REDUNET_BOOTSTRAP_SERVERS` | — | a non-empty"
                        + " string |"));
    assertThat(rows)
        .anyMatch(
            r -> r.startsWith("| `redunet.feature.shape` | `REDUNET_FEATURE_SHAPE` | (empty) |"));
  }

  @Test
  void aPipeInADescriptionIsEscapedSoTheTableKeepsItsColumns() {
    ConfigKey k =
        new ConfigKey("redunet.x", new ConfigKey.Text(), Optional.of("a"), "either a | b");
    assertThat(ConfigTable.markdown(List.of(k))).contains("either a \\| b");
  }

  @Test
  void replacingTheSectionKeepsTheRestOfTheDocument() {
    String doc = "intro\n" + ConfigTable.BEGIN + "\nstale\n" + ConfigTable.END + "\noutro\n";
    String updated = ConfigTable.replaceSection(doc);
    assertThat(updated)
        .isEqualTo(
            "intro\n"
                + ConfigTable.BEGIN
                + "\n"
                + ConfigTable.markdown()
                + ConfigTable.END
                + "\noutro\n");
    assertThat(ConfigTable.replaceSection(updated)).isEqualTo(updated);
    assertThatThrownBy(() -> ConfigTable.section("no markers"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(ConfigTable.BEGIN);
  }
}
