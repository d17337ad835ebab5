package dev.redunet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelJson;
import dev.redunet.learn.WindowStatistics;
import dev.redunet.learn.WindowedLearner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code redunet.model.initial}: an export built with the configuration's settings is read; a
 * missing, unreadable or incompatible file is a configuration error that says what is wrong (for a
 * conflicting setting: the key and both values).
 */
class InitialModelConfigTest {

  private static final int D = 20;

  @TempDir Path tmp;
  private Path export;
  private Map<String, String> base;

  @BeforeEach
  void exportAModel() throws Exception {
    base = new HashMap<>(Map.of("redunet.window", "60", "redunet.layers", "2"));
    LearnerSettings settings = LearnerConfig.settings(AppConfig.of(base));
    WindowedLearner learner = WindowedLearner.start(settings, 0);
    Random rnd = new Random(11);
    WindowedLearner.Built built = null;
    for (int i = 0; built == null; i++) {
      double[] x = new double[D];
      int c = i % 2;
      for (int a = 0; a < D; a++) {
        x[a] = (a % 2 == c ? 1 : 0) + 0.3 * rnd.nextGaussian();
      }
      learner.add(new WindowedLearner.Sample(i, x, "c" + c));
      Optional<WindowedLearner.Job> job = learner.nextJob();
      if (job.isPresent()) {
        built = job.get().compute();
      }
    }
    export = tmp.resolve("model.json");
    Files.writeString(
        export,
        ModelJson.toJson(
                "default",
                built.model(),
                new ModelCodec.BuildInfo(0, 0),
                Optional.of(WindowStatistics.of(built.windows())))
            .toString());
  }

  private Optional<ModelJson.Restored> load(Map<String, String> extra) {
    Map<String, String> m = new HashMap<>(base);
    m.putAll(extra);
    AppConfig config = AppConfig.of(m);
    return LearnerConfig.initialModel(config, LearnerConfig.settings(config));
  }

  @Test
  void unsetMeansNoInitialModel() {
    assertThat(load(Map.of())).isEmpty();
  }

  @Test
  void anExportWithTheSameSettingsIsRead() {
    ModelJson.Restored r = load(Map.of("redunet.model.initial", export.toString())).orElseThrow();
    assertThat(r.model().version()).isEqualTo(1);
    assertThat(r.model().inputDimension()).isEqualTo(D);
    assertThat(r.statistics().orElseThrow().total()).isPresent();
    // settings a run may change: window size (with a fixed reference size), decay, quantile
    assertThat(
            load(
                Map.of(
                    "redunet.model.initial",
                    export.toString(),
                    "redunet.window",
                    "80",
                    "redunet.reference.size",
                    "60",
                    "redunet.novelty.quantile",
                    "0.9")))
        .isPresent();
  }

  @Test
  void aConflictingSettingNamesItsKeyAndBothValues() {
    assertThatThrownBy(
            () -> load(Map.of("redunet.model.initial", export.toString(), "redunet.layers", "3")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("redunet.model.initial=" + export)
        .hasMessageContaining("was built with redunet.layers = 2, this configuration has 3");
    assertThatThrownBy(
            () -> load(Map.of("redunet.model.initial", export.toString(), "redunet.eta", "0.3")))
        .hasMessageContaining("redunet.eta = ");
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "redunet.model.initial",
                        export.toString(),
                        "redunet.network",
                        "spectral",
                        "redunet.feature.shape",
                        "1,20")))
        .hasMessageContaining("redunet.network = vector, this configuration has spectral");
  }

  @Test
  void aWrongDimensionIsNamed() {
    assertThatThrownBy(
            () ->
                load(
                    Map.of(
                        "redunet.model.initial", export.toString(), "redunet.feature.shape", "21")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("takes samples of dimension 20, redunet.feature.shape = 21 has 21");
  }

  @Test
  void aMissingOrUnreadableFileIsNamed() throws Exception {
    Path missing = tmp.resolve("nope.json");
    assertThatThrownBy(() -> load(Map.of("redunet.model.initial", missing.toString())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "redunet.model.initial=" + missing + ": cannot read the file (no such file)");
    Path garbage = Files.writeString(tmp.resolve("garbage.json"), "{\"format\": 1");
    assertThatThrownBy(() -> load(Map.of("redunet.model.initial", garbage.toString())))
        .hasMessageContaining("not a model export this release reads: not JSON");
    Path noStats =
        Files.writeString(
            tmp.resolve("old.json"),
            Files.readString(export).replaceFirst("\"learning\":\\{.*\\}$", "\"learning\":null}"));
    assertThatThrownBy(() -> load(Map.of("redunet.model.initial", noStats.toString())))
        .hasMessageContaining("the export has no learning statistics to continue from");
  }
}
