package dev.redunet.learn;

import dev.redunet.linalg.DoubleIo;
import dev.redunet.linalg.Gemm;
import dev.redunet.linalg.Kernels;
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
 *
 * <p>The products (the Gram or covariance matrix of the fit, P times a batch) run on linalg's
 * blocked {@link Gemm}; the eigen-decomposition of the fit is EJML's symmetric QR algorithm.
 */
public final class Projection {

  private static final double NORM_FLOOR = 1e-8;

  private final int inputDimension;
  private final int outputDimension;
  private final double[] mean;
  private final double[] components;

  /** Pᵀ (D × p) packed for {@link #apply}. */
  private final Gemm.PackedRight transposed;

  private Projection(int inputDimension, int outputDimension, double[] mean, double[] components) {
    this.inputDimension = inputDimension;
    this.outputDimension = outputDimension;
    this.mean = mean;
    this.components = components;
    this.transposed =
        Gemm.packRight(components, 0, inputDimension, true, inputDimension, outputDimension);
  }

  /**
   * Fits the projection: μ = (1/n) Σ x̃_i, Σ = (1/n) Σ (x̃_i − μ)(x̃_i − μ)ᵀ with x̃ = x/‖x‖, P =
   * the top-p eigenvectors of Σ (each signed so that its largest-magnitude entry is positive, for
   * determinism).
   *
   * <p>With fewer samples than dimensions (n < D, p < n) it decomposes the n × n Gram matrix G =
   * (1/n) X_c X_cᵀ instead of the D × D covariance Σ = (1/n) X_cᵀ X_c: both have the same nonzero
   * eigenvalues, and an eigenvector u of G gives the eigenvector X_cᵀu/‖X_cᵀu‖ of Σ. That costs
   * O(n²D + n³) instead of O(nD² + D³): at D = 4096 and n = 500, under a second instead of minutes.
   *
   * @param samples n × D, one sample per row, n ≥ 1; not modified
   * @param p the output dimension, 1 ≤ p ≤ D
   * @throws IllegalArgumentException on bad shapes
   * @throws IllegalStateException if the eigen-decomposition fails
   */
  public static Projection fit(double[][] samples, int p) {
    double[] centred = centred(samples, p);
    int n = samples.length;
    int d = samples[0].length;
    if (n < d && p < n) {
      // G = (1/n) X_c X_cᵀ: the Gram matrix of the rows of X_c, i.e. AᵀA for A = X_cᵀ (D × n).
      double[] transposedRows = new double[d * n];
      for (int i = 0; i < n; i++) {
        for (int a = 0; a < d; a++) {
          transposedRows[a * n + i] = centred[i * d + a];
        }
      }
      double[] gram = new double[n * n];
      Gemm.syrkUpper(transposedRows, 0, n, d, n, gram, 0, n, false);
      Kernels.mirrorUpper(gram, n);
      scale(gram, 1.0 / n);
      Eigen top = Eigen.top(DMatrixRMaj.wrap(n, n, gram), p);
      if (top.values[p - 1] > 1e-10 * top.values[0]) {
        // V = X_cᵀ U (D × p), column r: X_cᵀ u_r
        double[] u = top.vectors.data;
        double[] v = new double[d * p];
        Gemm.gemm(true, false, d, p, n, centred, 0, d, u, 0, p, v, 0, p, false);
        double[] comps = new double[p * d];
        for (int r = 0; r < p; r++) {
          for (int a = 0; a < d; a++) {
            comps[r * d + a] = v[a * p + r];
          }
        }
        return new Projection(d, p, meanOf(samples), signedUnitRows(comps, p, d));
      }
      // Fewer than p independent directions: the null space is filled as the covariance fills it.
    }
    return fitByCovariance(samples, p);
  }

  /**
   * {@link #fit} by the eigen-decomposition of the D × D covariance whatever n (the baseline of
   * {@code ProjectionBenchmark}; the same projection up to rounding when the p-th eigenvalue is
   * separated from the next).
   *
   * @param samples n × D, one sample per row, n ≥ 1; not modified
   * @param p the output dimension, 1 ≤ p ≤ D
   */
  public static Projection fitByCovariance(double[][] samples, int p) {
    double[] centred = centred(samples, p);
    int n = samples.length;
    int d = samples[0].length;
    // Σ = (1/n) X_cᵀ X_c: the scatter of the rows of X_c.
    double[] cov = new double[d * d];
    Gemm.syrkUpper(centred, 0, d, n, d, cov, 0, d, false);
    Kernels.mirrorUpper(cov, d);
    scale(cov, 1.0 / n);
    Eigen top = Eigen.top(DMatrixRMaj.wrap(d, d, cov), p);
    double[] comps = new double[p * d];
    for (int r = 0; r < p; r++) {
      for (int a = 0; a < d; a++) {
        comps[r * d + a] = top.vectors.get(a, r);
      }
    }
    return new Projection(d, p, meanOf(samples), signedUnitRows(comps, p, d));
  }

  private static void scale(double[] a, double s) {
    for (int i = 0; i < a.length; i++) {
      a[i] *= s;
    }
  }

  /** The rows x̃_i − μ, row-major n × D, after checking the arguments. */
  private static double[] centred(double[][] samples, int p) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("cannot fit a projection on no samples");
    }
    int d = samples[0].length;
    if (p < 1 || p > d) {
      throw new IllegalArgumentException("projection dimension " + p + " not in [1, " + d + "]");
    }
    int n = samples.length;
    for (int i = 0; i < n; i++) {
      if (samples[i].length != d) {
        throw new IllegalArgumentException(
            "sample " + i + " has dimension " + samples[i].length + ", expected " + d);
      }
    }
    double[] mean = meanOf(samples);
    double[] c = new double[n * d];
    for (int i = 0; i < n; i++) {
      double[] u = normalized(samples[i]);
      for (int a = 0; a < d; a++) {
        c[i * d + a] = u[a] - mean[a];
      }
    }
    return c;
  }

  /** μ = (1/n) Σ x_i/‖x_i‖. */
  private static double[] meanOf(double[][] samples) {
    int n = samples.length;
    double[] mean = new double[samples[0].length];
    for (double[] x : samples) {
      double[] u = normalized(x);
      for (int a = 0; a < mean.length; a++) {
        mean[a] += u[a] / n;
      }
    }
    return mean;
  }

  /** Each of the p rows of length d scaled to unit norm, its largest-magnitude entry positive. */
  private static double[] signedUnitRows(double[] rows, int p, int d) {
    double[] out = new double[p * d];
    for (int r = 0; r < p; r++) {
      int o = r * d;
      int argmax = 0;
      double norm = 0;
      for (int a = 0; a < d; a++) {
        if (Math.abs(rows[o + a]) > Math.abs(rows[o + argmax])) {
          argmax = a;
        }
        norm += rows[o + a] * rows[o + a];
      }
      double scale = (rows[o + argmax] < 0 ? -1 : 1) / Math.sqrt(norm);
      for (int a = 0; a < d; a++) {
        out[o + a] = rows[o + a] * scale;
      }
    }
    return out;
  }

  /** The p largest eigenvalues of a symmetric matrix, descending, and their eigenvectors. */
  @SuppressWarnings("ArrayRecordComponent") // a transient result
  private record Eigen(double[] values, DMatrixRMaj vectors) {

    static Eigen top(DMatrixRMaj symmetric, int p) {
      int n = symmetric.numRows;
      EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(n, true, true);
      if (!eig.decompose(symmetric)) {
        throw new IllegalStateException(
            "the eigen-decomposition of a " + n + "×" + n + " covariance failed");
      }
      Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
      Arrays.sort(
          order,
          Comparator.comparingDouble((Integer i) -> eig.getEigenvalue(i).getReal()).reversed());
      double[] values = new double[p];
      DMatrixRMaj vectors = new DMatrixRMaj(n, p);
      for (int r = 0; r < p; r++) {
        values[r] = eig.getEigenvalue(order[r]).getReal();
        DMatrixRMaj v = eig.getEigenVector(order[r]);
        for (int a = 0; a < n; a++) {
          vectors.set(a, r, v.data[a]);
        }
      }
      return new Eigen(values, vectors);
    }
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
   * Projects a batch: column i of the result is normalize(P (x_i/‖x_i‖ − μ)), the products of all
   * columns at once by {@link Gemm#multiply} with the packed Pᵀ.
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
    // Column-major D × m is the row-major m × D matrix whose rows are the samples.
    double[] centred = x.toColumnMajor();
    for (int i = 0; i < m; i++) {
      int off = i * inputDimension;
      double norm = 0;
      for (int a = 0; a < inputDimension; a++) {
        norm += centred[off + a] * centred[off + a];
      }
      double inv = 1 / Math.max(Math.sqrt(norm), NORM_FLOOR);
      for (int a = 0; a < inputDimension; a++) {
        centred[off + a] = centred[off + a] * inv - mean[a];
      }
    }
    // Row i of (m × D)·Pᵀ is (P c_i)ᵀ: column-major p × m.
    double[] out = new double[outputDimension * m];
    Gemm.multiply(centred, 0, inputDimension, m, transposed, out, 0, outputDimension, false, null);
    Kernels.normalizeColumns(out, outputDimension, m);
    return Matrix.ofColumnMajor(outputDimension, m, out);
  }

  /**
   * A projection from its mean and components (for example read back from the model export).
   *
   * @param mean μ, D values
   * @param components P, p rows of D values, 1 ≤ p ≤ D
   * @throws IllegalArgumentException on inconsistent shapes or a non-finite value
   */
  public static Projection of(double[] mean, double[][] components) {
    int d = mean.length;
    int p = components.length;
    if (d < 1 || p < 1 || p > d) {
      throw new IllegalArgumentException("projection of D=" + d + " onto p=" + p);
    }
    double[] comps = new double[p * d];
    for (int r = 0; r < p; r++) {
      if (components[r].length != d) {
        throw new IllegalArgumentException(
            "projection component " + r + " has " + components[r].length + " entries, not " + d);
      }
      System.arraycopy(components[r], 0, comps, r * d, d);
    }
    for (double x : comps) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("projection component entry is not finite");
      }
    }
    for (double x : mean) {
      if (!Double.isFinite(x)) {
        throw new IllegalArgumentException("projection mean entry is not finite");
      }
    }
    return new Projection(d, p, mean.clone(), comps);
  }

  /** Writes D, p, μ and P. */
  public void write(DataOutput out) throws IOException {
    out.writeInt(inputDimension);
    out.writeInt(outputDimension);
    DoubleIo.write(out, mean);
    DoubleIo.write(out, components);
  }

  /** Reads what {@link #write} wrote. */
  public static Projection read(DataInput in) throws IOException {
    int d = in.readInt();
    int p = in.readInt();
    if (d < 1 || p < 1 || p > d || (long) d * p > 50_000_000L) {
      throw new IOException("corrupt projection header: D=" + d + ", p=" + p);
    }
    double[] mean = DoubleIo.read(in, d);
    double[] comps = DoubleIo.read(in, p * d);
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
