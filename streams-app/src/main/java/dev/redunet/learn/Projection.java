package dev.redunet.learn;

import dev.redunet.linalg.Matrix;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * A frozen PCA projection in front of the layers: z₀ = normalize(P (x/‖x‖ − μ)), where μ ∈ R^D is
 * the mean and the p rows of P ∈ R^{p×D} are the leading eigenvectors of the covariance of the
 * unit-normalized samples it was fitted on (CALIBRATION.md: "PCA fitted on the training set after
 * unit-normalizing, then re-normalized"). Immutable.
 */
public final class Projection {

  private static final double NORM_FLOOR = 1e-8;

  private final int inputDimension;
  private final int outputDimension;
  private final double[] mean;
  private final double[] components;

  private Projection(int inputDimension, int outputDimension, double[] mean, double[] components) {
    this.inputDimension = inputDimension;
    this.outputDimension = outputDimension;
    this.mean = mean;
    this.components = components;
  }

  /**
   * Fits the projection: μ = (1/n) Σ x̃_i, Σ = (1/n) Σ (x̃_i − μ)(x̃_i − μ)ᵀ with x̃ = x/‖x‖, P =
   * the top-p eigenvectors of Σ (each signed so that its largest-magnitude entry is positive, for
   * determinism).
   *
   * @param samples n × D, one sample per row, n ≥ 1; not modified
   * @param p the output dimension, 1 ≤ p ≤ D
   * @throws IllegalArgumentException on bad shapes
   * @throws IllegalStateException if the eigen-decomposition fails
   */
  public static Projection fit(double[][] samples, int p) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("cannot fit a projection on no samples");
    }
    int d = samples[0].length;
    if (p < 1 || p > d) {
      throw new IllegalArgumentException("projection dimension " + p + " not in [1, " + d + "]");
    }
    int n = samples.length;
    double[] mean = new double[d];
    double[][] unit = new double[n][];
    for (int i = 0; i < n; i++) {
      if (samples[i].length != d) {
        throw new IllegalArgumentException(
            "sample " + i + " has dimension " + samples[i].length + ", expected " + d);
      }
      unit[i] = normalized(samples[i]);
      for (int a = 0; a < d; a++) {
        mean[a] += unit[i][a] / n;
      }
    }
    DMatrixRMaj cov = new DMatrixRMaj(d, d);
    double[] c = cov.data;
    double[] centred = new double[d];
    for (int i = 0; i < n; i++) {
      for (int a = 0; a < d; a++) {
        centred[a] = unit[i][a] - mean[a];
      }
      for (int a = 0; a < d; a++) {
        double ca = centred[a] / n;
        if (ca == 0) {
          continue;
        }
        int row = a * d;
        for (int b = a; b < d; b++) {
          c[row + b] += ca * centred[b];
        }
      }
    }
    for (int a = 0; a < d; a++) {
      for (int b = 0; b < a; b++) {
        c[a * d + b] = c[b * d + a];
      }
    }
    EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
    if (!eig.decompose(cov)) {
      throw new IllegalStateException(
          "the eigen-decomposition of the " + d + "×" + d + " covariance failed");
    }
    Integer[] order = IntStream.range(0, d).boxed().toArray(Integer[]::new);
    Arrays.sort(
        order,
        Comparator.comparingDouble((Integer i) -> eig.getEigenvalue(i).getReal()).reversed());
    double[] comps = new double[p * d];
    for (int r = 0; r < p; r++) {
      DMatrixRMaj v = eig.getEigenVector(order[r]);
      int argmax = 0;
      for (int a = 1; a < d; a++) {
        if (Math.abs(v.data[a]) > Math.abs(v.data[argmax])) {
          argmax = a;
        }
      }
      double sign = v.data[argmax] < 0 ? -1 : 1;
      double norm = 0;
      for (int a = 0; a < d; a++) {
        norm += v.data[a] * v.data[a];
      }
      norm = Math.sqrt(norm);
      for (int a = 0; a < d; a++) {
        comps[r * d + a] = sign * v.data[a] / norm;
      }
    }
    return new Projection(d, p, mean, comps);
  }

  /** The input dimension D. */
  public int inputDimension() {
    return inputDimension;
  }

  /** The output dimension p. */
  public int outputDimension() {
    return outputDimension;
  }

  /** The mean μ (a copy). */
  public double[] mean() {
    return mean.clone();
  }

  /** Row r of P (a copy). */
  public double[] component(int r) {
    return Arrays.copyOfRange(components, r * inputDimension, (r + 1) * inputDimension);
  }

  /**
   * Projects a batch: column i of the result is normalize(P (x_i/‖x_i‖ − μ)).
   *
   * @param x D × m, columns are samples; not modified
   * @return p × m, unit-norm columns
   */
  public Matrix apply(Matrix x) {
    if (x.rows() != inputDimension) {
      throw new IllegalArgumentException(
          "projection expects dimension " + inputDimension + ", got a " + x.shape() + " batch");
    }
    int m = x.cols();
    double[] src = x.toColumnMajor();
    double[] out = new double[outputDimension * m];
    double[] centred = new double[inputDimension];
    for (int i = 0; i < m; i++) {
      double norm = 0;
      int off = i * inputDimension;
      for (int a = 0; a < inputDimension; a++) {
        norm += src[off + a] * src[off + a];
      }
      double inv = 1 / Math.max(Math.sqrt(norm), NORM_FLOOR);
      for (int a = 0; a < inputDimension; a++) {
        centred[a] = src[off + a] * inv - mean[a];
      }
      double outNorm = 0;
      for (int r = 0; r < outputDimension; r++) {
        double s = 0;
        int row = r * inputDimension;
        for (int a = 0; a < inputDimension; a++) {
          s += components[row + a] * centred[a];
        }
        out[i * outputDimension + r] = s;
        outNorm += s * s;
      }
      double outInv = 1 / Math.max(Math.sqrt(outNorm), NORM_FLOOR);
      for (int r = 0; r < outputDimension; r++) {
        out[i * outputDimension + r] *= outInv;
      }
    }
    return Matrix.ofColumnMajor(outputDimension, m, out);
  }

  /** Writes D, p, μ and P. */
  public void write(DataOutput out) throws IOException {
    out.writeInt(inputDimension);
    out.writeInt(outputDimension);
    for (double v : mean) {
      out.writeDouble(v);
    }
    for (double v : components) {
      out.writeDouble(v);
    }
  }

  /** Reads what {@link #write} wrote. */
  public static Projection read(DataInput in) throws IOException {
    int d = in.readInt();
    int p = in.readInt();
    if (d < 1 || p < 1 || p > d || (long) d * p > 50_000_000L) {
      throw new IOException("corrupt projection header: D=" + d + ", p=" + p);
    }
    double[] mean = new double[d];
    for (int a = 0; a < d; a++) {
      mean[a] = in.readDouble();
    }
    double[] comps = new double[p * d];
    for (int i = 0; i < comps.length; i++) {
      comps[i] = in.readDouble();
    }
    return new Projection(d, p, mean, comps);
  }

  static double[] normalized(double[] x) {
    double norm = 0;
    for (double v : x) {
      norm += v * v;
    }
    double inv = 1 / Math.max(Math.sqrt(norm), NORM_FLOOR);
    double[] out = new double[x.length];
    for (int a = 0; a < x.length; a++) {
      out[a] = x[a] * inv;
    }
    return out;
  }
}
