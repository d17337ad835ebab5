package dev.redunet.stream.learning;

import dev.redunet.learn.ModelStatistics;
import dev.redunet.linalg.Matrix;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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

  /** The encoded size in bytes of a sample of L + 1 depths of dimension d (labels aside). */
  static long encodedBytes(int depths, int d) {
    return 8L * d * (depths + 1) + 17;
  }

  /** Encodes the sample; the output is written once when it equals the last depth. */
  byte[] encode() {
    int d = output.length;
    boolean outputIsLast = Arrays.equals(output, depths.get(depths.size() - 1));
    ByteArrayOutputStream buf =
        new ByteArrayOutputStream((int) encodedBytes(depths.size(), d) + 4 * label.length() + 8);
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.writeInt(index);
      out.writeUTF(predicted);
      out.writeUTF(label);
      out.writeInt(depths.size());
      out.writeInt(d);
      out.writeBoolean(outputIsLast);
      for (double[] z : depths) {
        writeDoubles(out, z);
      }
      if (!outputIsLast) {
        writeDoubles(out, output);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static void writeDoubles(DataOutputStream out, double[] v) throws IOException {
    for (double x : v) {
      out.writeDouble(x);
    }
  }

  /**
   * Decodes {@link #encode()}.
   *
   * @throws IllegalArgumentException on corrupt bytes
   */
  static PendingSample decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int index = in.readInt();
      String predicted = in.readUTF();
      String label = in.readUTF();
      int count = in.readInt();
      int d = in.readInt();
      if (count < 1 || d < 1 || (long) count * d * 8 > bytes.length) {
        throw new IOException(count + " depths of dimension " + d + " in " + bytes.length + " B");
      }
      boolean outputIsLast = in.readBoolean();
      double[][] depths = new double[count][];
      for (int l = 0; l < count; l++) {
        depths[l] = readDoubles(in, d);
      }
      double[] output = outputIsLast ? depths[count - 1] : readDoubles(in, d);
      return new PendingSample(index, predicted, label, List.of(depths), output);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt pending sample: " + e.getMessage(), e);
    }
  }

  private static double[] readDoubles(DataInputStream in, int d) throws IOException {
    double[] v = new double[d];
    for (int a = 0; a < d; a++) {
      v[a] = in.readDouble();
    }
    return v;
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
