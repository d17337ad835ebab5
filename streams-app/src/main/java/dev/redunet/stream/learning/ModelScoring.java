package dev.redunet.stream.learning;

import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.stream.Scored;
import dev.redunet.stream.ValidSample;
import java.util.ArrayList;
import java.util.List;

/**
 * The outputs of samples scored by one model version: the one piece of code that turns {@link
 * StreamingModel#score} into {@link Prediction} and {@link Features} records, for the stream's
 * scorers and for {@code POST /predict} alike. It learns nothing and reports nothing.
 */
public final class ModelScoring {

  private ModelScoring() {}

  /**
   * Scores a batch of samples of the model's input dimension as one matrix (the same numbers,
   * column by column, as one at a time).
   *
   * @param samples the samples, each of dimension {@code m.inputDimension()}
   * @param m the model version
   * @param stale the predictions' {@code stale} flag
   * @param owed the predictions' {@code owedVersion}, or null
   * @param math the threads for the math (the result does not depend on them)
   * @return one output per sample, in order
   */
  public static List<Scored> score(
      List<ValidSample> samples, StreamingModel m, boolean stale, Long owed, MathExecutor math) {
    double[][] columns = new double[samples.size()][];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = samples.get(i).features();
    }
    StreamingModel.Scores scores = m.score(Matrix.fromColumns(columns), math);
    List<Scored> out = new ArrayList<>(samples.size());
    for (int i = 0; i < columns.length; i++) {
      ValidSample sample = samples.get(i);
      int predicted = scores.predicted()[i];
      String predictedName = predicted < 0 ? null : m.classNames().get(predicted);
      List<ClassScore> classScores = new ArrayList<>(m.classNames().size());
      double[] membership = scores.membership().isPresent() ? scores.membership().get()[i] : null;
      for (int j = 0; j < m.classNames().size(); j++) {
        classScores.add(
            ClassScore.newBuilder()
                .setLabel(m.classNames().get(j))
                .setDeltaLBits(scores.deltaL()[i][j])
                .setMembership(membership == null ? null : membership[j])
                .build());
      }
      List<Integer> shape = m.featureShape();
      int d = m.featureDimension();
      List<Float> z = new ArrayList<>(d);
      for (int a = 0; a < d; a++) {
        z.add((float) scores.features().get(a, i));
      }
      double novelty = m.noveltyBits(scores.deltaL()[i]);
      Prediction prediction =
          Prediction.newBuilder()
              .setSampleId(sample.id())
              .setModelVersion(m.version())
              .setPredictedLabel(predictedName)
              .setScores(classScores)
              .setTrueLabel(sample.label().orElse(null))
              .setStale(stale)
              .setOwedVersion(owed)
              .setNoveltyBits(Double.isNaN(novelty) ? null : novelty)
              .setNovel(m.novel(novelty))
              .build();
      Features features =
          Features.newBuilder()
              .setSampleId(sample.id())
              .setModelVersion(m.version())
              .setFeatures(z)
              .setShape(shape)
              .build();
      out.add(new Scored(prediction, features));
    }
    return out;
  }
}
