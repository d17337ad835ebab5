package dev.redunet.app;

import dev.redunet.avro.RejectReason;
import dev.redunet.data.LabelledDataset;
import dev.redunet.eval.PrequentialEvaluator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stream {@code evaluate} runs over: the accepted samples in input order, with their ids and
 * labels (null = unlabelled), and the count of skipped input records per reason. Classes are
 * numbered in order of first appearance, as the stream's model builder numbers them. Mutable while
 * it is filled; not thread-safe.
 */
final class EvaluationStream {

  private final List<String> ids = new ArrayList<>();
  private final List<double[]> rows = new ArrayList<>();
  private final List<String> labels = new ArrayList<>();
  private final Map<String, Integer> classes = new LinkedHashMap<>();
  private final Map<RejectReason, Long> skipped = new EnumMap<>(RejectReason.class);
  private long records;

  /** Counts one input record (a sample or a non-blank line), accepted or not. */
  void countRecord() {
    records++;
  }

  /** Input records counted so far. */
  long records() {
    return records;
  }

  /**
   * Appends an accepted sample.
   *
   * @param features its values (kept: do not modify)
   * @param label its label, null if it has none
   */
  void accept(String id, double[] features, String label) {
    if (!rows.isEmpty() && features.length != rows.get(0).length) {
      throw new IllegalArgumentException(
          "sample "
              + id
              + " has "
              + features.length
              + " features, the stream "
              + rows.get(0).length);
    }
    ids.add(id);
    rows.add(features);
    labels.add(label);
    if (label != null) {
      classes.putIfAbsent(label, classes.size());
    }
  }

  /** Counts a skipped input record. */
  void skip(RejectReason reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  /** Number of accepted samples. */
  int size() {
    return rows.size();
  }

  /** The dimension of the samples (0 if there is none). */
  int dimension() {
    return rows.isEmpty() ? 0 : rows.get(0).length;
  }

  /** The id of accepted sample {@code i}. */
  String id(int i) {
    return ids.get(i);
  }

  /** The label of accepted sample {@code i}, null if it has none. */
  String label(int i) {
    return labels.get(i);
  }

  /** The samples, one row each (the stream's arrays: do not modify). */
  double[][] rows() {
    return rows.toArray(double[][]::new);
  }

  /** The class index of every sample, {@link PrequentialEvaluator#UNLABELLED} if it has none. */
  int[] classIndices() {
    int[] out = new int[labels.size()];
    for (int i = 0; i < out.length; i++) {
      String label = labels.get(i);
      out[i] = label == null ? PrequentialEvaluator.UNLABELLED : classes.get(label);
    }
    return out;
  }

  /** The class names by index: in order of first appearance. */
  List<String> classNames() {
    return List.copyOf(classes.keySet());
  }

  /** Number of samples without a label. */
  long unlabelled() {
    return labels.stream().filter(l -> l == null).count();
  }

  /** Skipped input records per reason, in the reasons' order (only reasons that occurred). */
  Map<RejectReason, Long> skipped() {
    return Collections.unmodifiableMap(skipped);
  }

  /** Number of skipped input records. */
  long skippedTotal() {
    return skipped.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Scales every sample to unit Euclidean norm, {@code x / ‖x‖} (none is zero: all accepted). */
  void normalizeToUnitNorm() {
    for (int i = 0; i < rows.size(); i++) {
      rows.set(i, LabelledDataset.unitNorm(rows.get(i)));
    }
  }
}
