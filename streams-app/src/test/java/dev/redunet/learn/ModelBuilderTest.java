package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.learn.LearnerSettings.ProjectionMode;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction;
import dev.redunet.redunet.ForwardConstruction.RateEvaluation;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.ReduNet;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ModelBuilderTest {

  private static final List<String> NAMES = List.of("a", "b", "c");

  private static LearnerSettings settings(int window, TrainingMembership membership) {
    LearnerSettings d = LearnerSettings.defaults();
    return new LearnerSettings(
        3,
        0.5,
        0.5,
        10,
        membership,
        window,
        0,
        d.combination(),
        d.decay(),
        d.slidingWindows(),
        ProjectionMode.OFF,
        d.projectionDimension(),
        0.5,
        d.construction(),
        d.noveltyQuantile());
  }

  private static Matrix columns(double[][] rows) {
    return Matrix.fromColumns(rows);
  }

  @ParameterizedTest
  @EnumSource(TrainingMembership.class)
  void theFirstModelIsTheBatchForwardConstructionOnTheWindow(TrainingMembership membership) {
    SubspaceStream data = new SubspaceStream(90, 8, 3, 11);
    SubspaceStream test = new SubspaceStream(20, 8, 3, 12);
    LearnerSettings s = settings(90, membership);

    StreamingModel model =
        new ModelBuilder(s)
            .construct(1, columns(data.samples), data.labels, NAMES, Optional.empty())
            .model();
    ReduNet batch =
        ForwardConstruction.with(
                new ForwardConstruction.Parameters(
                    3, 0.5, 0.5, 10, membership, RateEvaluation.TRUE_LABELS))
            .fit(columns(data.samples), data.labels)
            .network();

    Matrix x = columns(test.samples);
    Matrix ours = model.score(x).features();
    assertThat(ours.maxAbsDifference(batch.transform(x))).isLessThan(1e-10);
    for (int l = 0; l < 3; l++) {
      assertThat(model.layerRates().get(l).deltaR())
          .isCloseTo(batch.layerRates().get(l).deltaR(), within(1e-10));
    }
  }

  @Test
  void rebuildingFromTheWindowsOwnStatisticsGivesTheSameModel() {
    SubspaceStream data = new SubspaceStream(60, 6, 3, 21);
    ModelBuilder builder = new ModelBuilder(settings(60, TrainingMembership.SOFTMAX));
    ModelBuilder.Built built =
        builder.construct(1, columns(data.samples), data.labels, NAMES, Optional.empty());
    StreamingModel rebuilt =
        builder.fromStatistics(2, 6, Optional.empty(), built.statistics(), NAMES);

    Matrix x = columns(new SubspaceStream(15, 6, 3, 22).samples);
    StreamingModel.Scores a = built.model().score(x);
    StreamingModel.Scores b = rebuilt.score(x);
    assertThat(b.features().maxAbsDifference(a.features())).isLessThan(1e-12);
    for (int i = 0; i < x.cols(); i++) {
      assertThat(b.deltaL()[i]).containsExactly(a.deltaL()[i], within(1e-9));
    }
  }

  @Test
  void statisticsAreRescaledToTheReferenceSizeSoDoublingTheDataChangesNoOperator() {
    SubspaceStream data = new SubspaceStream(60, 6, 3, 31);
    ModelBuilder builder = new ModelBuilder(settings(60, TrainingMembership.SOFTMAX));
    ModelStatistics once =
        builder
            .construct(1, columns(data.samples), data.labels, NAMES, Optional.empty())
            .statistics();
    StreamingModel single = builder.fromStatistics(2, 6, Optional.empty(), once, NAMES);
    StreamingModel doubled =
        builder.fromStatistics(2, 6, Optional.empty(), once.merge(once), NAMES);

    Matrix x = columns(new SubspaceStream(10, 6, 3, 32).samples);
    assertThat(doubled.score(x).features().maxAbsDifference(single.score(x).features()))
        .isLessThan(1e-12);
  }

  @Test
  void aClassWithoutSamplesIsLeftOutOfTheOperatorsTheMembershipAndMicl() {
    SubspaceStream data = new SubspaceStream(80, 6, 3, 41);
    int[] labels = Arrays.stream(data.labels).map(j -> j == 1 ? 2 : j).toArray();
    StreamingModel model =
        new ModelBuilder(settings(80, TrainingMembership.SOFTMAX))
            .construct(1, columns(data.samples), labels, NAMES, Optional.empty())
            .model();

    StreamingModel.Scores scores = model.score(columns(data.samples));
    for (int i = 0; i < labels.length; i++) {
      assertThat(scores.deltaL()[i][1]).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(scores.membership().orElseThrow()[i][1]).isZero();
      assertThat(scores.membership().orElseThrow()[i][0] + scores.membership().orElseThrow()[i][2])
          .isCloseTo(1.0, within(1e-12));
      assertThat(scores.predicted()[i]).isNotEqualTo(1).isBetween(0, 2);
    }
  }

  @Test
  void aProjectionIsFittedAboveTheThresholdAndReducesTheDimension() {
    SubspaceStream data = new SubspaceStream(200, 150, 3, 51);
    LearnerSettings d = LearnerSettings.defaults();
    LearnerSettings s =
        new LearnerSettings(
            1,
            0.5,
            0.5,
            500,
            TrainingMembership.SOFTMAX,
            200,
            0,
            d.combination(),
            d.decay(),
            d.slidingWindows(),
            ProjectionMode.AUTO,
            16,
            0.5,
            d.construction(),
            d.noveltyQuantile());
    StreamingModel model =
        new ModelBuilder(s)
            .construct(1, columns(data.samples), data.labels, NAMES, Optional.empty())
            .model();

    assertThat(model.projection()).isPresent();
    assertThat(model.featureDimension()).isEqualTo(16);
    int correct = 0;
    int[] predicted = model.score(columns(data.samples)).predicted();
    for (int i = 0; i < predicted.length; i++) {
      correct += predicted[i] == data.labels[i] ? 1 : 0;
    }
    assertThat(correct / 200.0).isGreaterThan(0.95);
  }

  /**
   * Under the labels rule a batch with a class the version does not know gives, sample by sample,
   * what one-sample batches give: the known ones by their label, the unknown one by π̂.
   */
  @Test
  void statisticsOfABatchAreTheSumOfItsSamplesEvenWithAnUnknownClass() {
    SubspaceStream data = new SubspaceStream(60, 6, 3, 63);
    StreamingModel model =
        new ModelBuilder(settings(60, TrainingMembership.LABELS))
            .construct(1, columns(data.samples), data.labels, NAMES, Optional.empty())
            .model();
    SubspaceStream more = new SubspaceStream(8, 6, 3, 64);
    int[] labels = more.labels.clone();
    labels[2] = 3; // a fourth class, unknown to this version
    labels[5] = 3;
    ModelStatistics batch =
        model.statistics(columns(more.samples), labels, TrainingMembership.LABELS);
    ModelStatistics one = ModelStatistics.empty(6, 3);
    for (int i = 0; i < labels.length; i++) {
      one =
          one.merge(
              model.statistics(
                  columns(new double[][] {more.samples[i]}),
                  new int[] {labels[i]},
                  TrainingMembership.LABELS));
    }
    for (int l = 0; l <= 3; l++) {
      assertThat(batch.depth(l).labels()).containsExactly(one.depth(l).labels()).contains(3);
      assertThat(batch.depth(l).maxAbsDifference(one.depth(l))).as("depth %d", l).isLessThan(1e-12);
    }
    // π̂ for the unknown class differs from the one-hot rule: the rule is really per sample.
    ModelStatistics softmax =
        model.statistics(columns(more.samples), labels, TrainingMembership.SOFTMAX);
    assertThat(batch.depth(3).maxAbsDifference(softmax.depth(3))).isGreaterThan(1e-6);
  }
}
