package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.learn.LearnerSettings.Combination;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The model export read back ({@link ModelJson#read}): the restored version scores every sample as
 * the exported one to the bit, and a learner restored from the export's statistics builds, from the
 * samples that follow, the very versions the original learner builds (the determinism {@code
 * redunet.model.initial} relies on).
 */
class ModelJsonRestoreTest {

  private static final int D = 30;
  private static final int WINDOW = 100;

  private static LearnerSettings settings(
      Combination combination, Construction construction, ProjectionMode projection) {
    LearnerSettings s = LearnerSettings.defaults();
    return new LearnerSettings(
        2,
        s.epsSq(),
        s.eta(),
        s.lambda(),
        TrainingMembership.SOFTMAX,
        WINDOW,
        0,
        combination,
        0.7,
        3,
        projection,
        12,
        s.miclEpsSq(),
        construction,
        s.noveltyQuantile());
  }

  /** Feeds samples [from, to) and computes and installs every version they close. */
  private static List<WindowedLearner.Built> feed(
      WindowedLearner learner, SubspaceStream data, int from, int to) {
    List<WindowedLearner.Built> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      learner.add(new WindowedLearner.Sample(i, data.samples[i], "c" + data.labels[i]));
      Optional<WindowedLearner.Job> job = learner.nextJob();
      if (job.isPresent()) {
        WindowedLearner.Built b = job.get().compute();
        learner.install(b);
        out.add(b);
      }
    }
    return out;
  }

  private static Matrix all(SubspaceStream data) {
    return Matrix.fromColumns(data.samples);
  }

  /** Same predicted labels, δL and membership to the bit. */
  private static void assertSameScores(StreamingModel a, StreamingModel b, Matrix x) {
    StreamingModel.Scores sa = a.score(x);
    StreamingModel.Scores sb = b.score(x);
    assertThat(sb.predicted()).isEqualTo(sa.predicted());
    for (int i = 0; i < x.cols(); i++) {
      assertThat(sb.deltaL()[i]).as("δL of sample %d", i).isEqualTo(sa.deltaL()[i]);
    }
    assertThat(b.noveltyThreshold()).isEqualTo(a.noveltyThreshold());
    assertThat(b.classNames()).isEqualTo(a.classNames());
  }

  @ParameterizedTest
  @CsvSource({
    "CUMULATIVE, STATISTICS, ON",
    "DECAYED, STATISTICS, OFF",
    "SLIDING, STATISTICS, ON",
    "CUMULATIVE, REPLAY, OFF"
  })
  void aRestoredModelScoresAndContinuesAsTheOriginal(
      Combination combination, Construction construction, ProjectionMode projection) {
    LearnerSettings settings = settings(combination, construction, projection);
    SubspaceStream data = new SubspaceStream(1200, D, 3, 20261207L);
    WindowedLearner original = WindowedLearner.start(settings, 0);
    List<WindowedLearner.Built> first = feed(original, data, 0, 650);
    assertThat(first).hasSize(6);
    WindowedLearner.Built v6 = first.get(5);
    String json =
        ModelJson.toJson(
                "m",
                v6.model(),
                new ModelCodec.BuildInfo(1_700_000_000_000L, 0.25),
                Optional.of(WindowStatistics.of(v6.windows())))
            .toString();

    ModelJson.Restored r = ModelJson.read(json);

    assertThat(r.modelName()).isEqualTo("m");
    assertThat(r.model().version()).isEqualTo(6);
    assertThat(r.model().projection().isPresent()).isEqualTo(projection == ProjectionMode.ON);
    assertThat(r.settings()).isEqualTo(settings.asMap());
    assertThat(r.build()).isEqualTo(new ModelCodec.BuildInfo(1_700_000_000_000L, 0.25));
    assertSameScores(v6.model(), r.model(), all(data));
    assertThat(r.model().network().provenance()).isEqualTo(v6.model().network().provenance());
    assertThat(r.model().network().inputRates()).isEqualTo(v6.model().network().inputRates());
    WindowStatistics saved = r.statistics().orElseThrow();
    assertThat(saved.total()).isEqualTo(v6.windows().total());
    assertThat(saved.recent()).isEqualTo(v6.windows().recent());
    assertThat(saved.recent()).hasSize(combination == Combination.SLIDING ? 3 : 0);

    // The samples after v6's window (from 600 on; 600..649 are already in the open window of the
    // original): both learners build v7 … v12 from them.
    WindowedLearner restored =
        WindowedLearner.restore(
            settings, 0, r.model(), saved.restore(settings), r.model().classNames());
    List<WindowedLearner.Built> continued = feed(restored, data, 600, 1200);
    List<WindowedLearner.Built> rest = feed(original, data, 650, 1200);
    assertThat(continued).hasSize(6);
    assertThat(rest).hasSize(6);
    for (int i = 0; i < 6; i++) {
      assertThat(continued.get(i).model().version()).isEqualTo(7 + i);
      assertThat(continued.get(i).predicted()).isEqualTo(rest.get(i).predicted());
      assertSameScores(rest.get(i).model(), continued.get(i).model(), all(data));
      assertThat(continued.get(i).windows().total()).isEqualTo(rest.get(i).windows().total());
    }
  }

  @Test
  void anExportWithoutLearningStatisticsReadsAsAModelOnly() {
    LearnerSettings settings =
        settings(Combination.CUMULATIVE, Construction.STATISTICS, ProjectionMode.OFF);
    SubspaceStream data = new SubspaceStream(200, D, 3, 7L);
    WindowedLearner learner = WindowedLearner.start(settings, 0);
    WindowedLearner.Built v1 = feed(learner, data, 0, 100).get(0);
    String json = ModelJson.toJson("m", v1.model(), new ModelCodec.BuildInfo(0, 0)).toString();
    assertThat(json).contains("\"formatVersion\":2").contains("\"learning\":null");
    ModelJson.Restored r = ModelJson.read(json);
    assertThat(r.statistics()).isEmpty();
    assertSameScores(v1.model(), r.model(), all(data));
  }

  @Test
  void badExportsNameWhatIsWrong() {
    assertThatThrownBy(() -> ModelJson.read("{\"format\": \"redunet-model\""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("not JSON");
    assertThatThrownBy(() -> ModelJson.read("{\"format\": \"other\"}"))
        .hasMessageContaining("format is \"other\"");
    assertThatThrownBy(
            () -> ModelJson.read("{\"format\": \"redunet-model\", \"formatVersion\": 3}"))
        .hasMessageContaining("formatVersion 3");
    assertThatThrownBy(
            () ->
                ModelJson.read(
                    "{\"format\": \"redunet-model\", \"formatVersion\": 2, \"network\":"
                        + " \"spectral\"}"))
        .hasMessageContaining("network \"spectral\"");
    LearnerSettings settings =
        settings(Combination.CUMULATIVE, Construction.STATISTICS, ProjectionMode.OFF);
    SubspaceStream data = new SubspaceStream(100, D, 3, 7L);
    WindowedLearner.Built v1 = feed(WindowedLearner.start(settings, 0), data, 0, 100).get(0);
    String json = ModelJson.toJson("m", v1.model(), new ModelCodec.BuildInfo(0, 0)).toString();
    // E of layer 0 with one row too few
    String cut = json.replaceFirst("\"E\":\\[\\[[^\\]]*\\],", "\"E\":[");
    assertThat(cut).isNotEqualTo(json);
    assertThatThrownBy(() -> ModelJson.read(cut))
        .hasMessageContaining("layers[0].E must have " + D + " rows, has " + (D - 1));
  }
}
