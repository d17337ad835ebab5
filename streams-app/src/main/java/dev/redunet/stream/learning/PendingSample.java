package dev.redunet.stream.learning;

import dev.redunet.learn.ModelStatistics;
import dev.redunet.linalg.Matrix;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One labelled sample's contribution to the statistics, as a scoring task keeps it in its pending
 * store and as a factored delta ({@link LearningRecord.Samples}) carries it to the builder: its
 * features z₀ … z_L on the training path, its output features at inference, its class index, and
 * the label the task predicted (empty when it scored with no model). A transient value.
 *
 * @param index the class index of the label in the model that scored the sample (class indices are
 *     the builder's, stable across versions)
 * @param predicted the predicted label, "" when none
 * @param label the true label
 * @param depths z₀ … z_L, L + 1 vectors of dimension d
 * @param output z_L at inference, dimension d (the last depth with softmax membership)
 */
@SuppressWarnings("ArrayRecordComponent") // a transient message
record PendingSample(
    int index, String predicted, String label, List<double[]> depths, double[] output) {

  PendingSample {
    depths = List.copyOf(depths);
  }

  /** Encodes the sample; the output is written once when it equals the last depth. */
  byte[] encode() {
    int d = output.length;
    boolean outputIsLast = Arrays.equals(output, depths.get(depths.size() - 1));
    byte[] p = predicted.getBytes(StandardCharsets.UTF_8);
    byte[] l = label.getBytes(StandardCharsets.UTF_8);
    int doubles = d * (depths.size() + (outputIsLast ? 0 : 1));
    ByteBuffer b = ByteBuffer.allocate(4 + 4 + p.length + 4 + l.length + 4 + 4 + 1 + 8 * doubles);
    b.putInt(index).putInt(p.length).put(p).putInt(l.length).put(l);
    b.putInt(depths.size()).putInt(d).put((byte) (outputIsLast ? 1 : 0));
    DoubleBuffer v = b.asDoubleBuffer();
    for (double[] z : depths) {
      v.put(z);
    }
    if (!outputIsLast) {
      v.put(output);
    }
    return b.array();
  }

  /**
   * The (true, predicted) outcome key of an encoded sample, without decoding its features; empty
   * when the sample was not predicted.
   *
   * @throws IllegalArgumentException on corrupt bytes
   */
  static Optional<String> outcome(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      b.getInt();
      String predicted = string(b);
      String label = string(b);
      return predicted.isEmpty()
          ? Optional.empty()
          : Optional.of(LearningRecord.outcome(label, predicted));
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("corrupt pending sample: " + e.getMessage(), e);
    }
  }

  private static String string(ByteBuffer b) {
    int n = b.getInt();
    if (n < 0 || n > b.remaining()) {
      throw new IllegalArgumentException("bad string length " + n);
    }
    byte[] s = new byte[n];
    b.get(s);
    return new String(s, StandardCharsets.UTF_8);
  }

  /**
   * Decodes {@link #encode()}.
   *
   * @throws IllegalArgumentException on corrupt bytes
   */
  static PendingSample decode(byte[] bytes) {
    try {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      int index = b.getInt();
      String predicted = string(b);
      String label = string(b);
      int count = b.getInt();
      int d = b.getInt();
      boolean outputIsLast = b.get() != 0;
      long doubles = (long) d * (count + (outputIsLast ? 0 : 1));
      if (count < 1 || d < 1 || 8 * doubles != b.remaining()) {
        throw new IllegalArgumentException(
            count + " depths of dimension " + d + " in " + b.remaining() + " B");
      }
      DoubleBuffer v = b.asDoubleBuffer();
      double[][] depths = new double[count][d];
      for (double[] z : depths) {
        v.get(z);
      }
      double[] output = depths[count - 1];
      if (!outputIsLast) {
        output = new double[d];
        v.get(output);
      }
      return new PendingSample(index, predicted, label, List.of(depths), output);
    } catch (BufferUnderflowException | IllegalArgumentException e) {
      throw new IllegalArgumentException("corrupt pending sample: " + e.getMessage(), e);
    }
  }

  /**
   * The statistics of a batch of samples (a factored delta multiplied out): at every depth ℓ the
   * per-class counts and scatters Σ_{i∈j} z_ℓ,i z_ℓ,iᵀ, the output statistics per class, and the
   * number of samples as the labelled count.
   *
   * @param samples at least one, all with the same number of depths and dimension
   */
  static ModelStatistics statistics(List<PendingSample> samples) {
    PendingSample first = samples.get(0);
    int count = first.depths.size();
    int d = first.output.length;
    int m = samples.size();
    int[] labels = new int[m];
    double[][] out = new double[m][];
    double[][][] byDepth = new double[count][m][];
    for (int i = 0; i < m; i++) {
      PendingSample s = samples.get(i);
      if (s.depths.size() != count || s.output.length != d) {
        throw new IllegalArgumentException(
            "a delta mixes samples of "
                + count
                + " depths × d="
                + d
                + " and "
                + s.depths.size()
                + " × d="
                + s.output.length);
      }
      labels[i] = s.index;
      out[i] = s.output;
      for (int l = 0; l < count; l++) {
        byDepth[l][i] = s.depths.get(l);
      }
    }
    List<Matrix> depths = new ArrayList<>(count);
    for (double[][] z : byDepth) {
      depths.add(Matrix.fromColumns(z));
    }
    return ModelStatistics.of(depths, Matrix.fromColumns(out), labels);
  }
}
