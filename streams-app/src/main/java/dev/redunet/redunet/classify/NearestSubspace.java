package dev.redunet.redunet.classify;

import dev.redunet.linalg.Gemm;
import dev.redunet.linalg.Kernels;
import dev.redunet.linalg.Matrix;
import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;

/**
 * The nearest-subspace classifier of the paper's evaluation (REDUNET_SPEC §6): for every class j,
 * the span V_j of the top r right singular vectors of its (unit-normalized, uncentred) training
 * features — the reference uses {@code TruncatedSVD}, which does not centre; a sample z
 * (normalized) is given the class that minimizes ‖(I − V_j V_jᵀ) z‖₂, ties to the smallest label.
 *
 * <p>The right singular vectors of the m_j × d sample matrix X_j are the eigenvectors of its
 * scatter X_jᵀX_j = Z_j Z_jᵀ (d × d); EJML's SVD of that scatter gives them at a cost independent
 * of m_j. If r ≥ d, r = d − 1 is used, as the reference does.
 */
public final class NearestSubspace {

  private final int d;
  private final int components;
  private final int[] labels;

  /** Per class, the basis V_j as a row-major r × d array (rows are the basis vectors). */
  private final double[][] bases;

  private NearestSubspace(int d, int components, int[] labels, double[][] bases) {
    this.d = d;
    this.components = components;
    this.labels = labels;
    this.bases = bases;
  }

  /**
   * Fits the per-class subspaces.
   *
   * @param features d × m training features (normalized here)
   * @param labels one label per column
   * @param components r ≥ 1 (reduced to d − 1 if r ≥ d, and at least 1)
   * @throws IllegalArgumentException on mismatched shapes or r &lt; 1
   */
  public static NearestSubspace fit(Matrix features, int[] labels, int components) {
    if (labels.length != features.cols()) {
      throw new IllegalArgumentException(
          labels.length + " labels for a " + features.shape() + " batch");
    }
    if (components < 1) {
      throw new IllegalArgumentException("components must be ≥ 1, got " + components);
    }
    int d = features.rows();
    int r = components >= d ? Math.max(1, d - 1) : components;
    int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
    double[] z = features.normalizeColumns().toColumnMajor();
    double[][] bases = new double[classes.length][];
    for (int j = 0; j < classes.length; j++) {
      int label = classes[j];
      int n = (int) Arrays.stream(labels).filter(y -> y == label).count();
      double[] rows = new double[n * d];
      int c = 0;
      for (int i = 0; i < labels.length; i++) {
        if (labels[i] == label) {
          System.arraycopy(z, i * d, rows, c * d, d);
          c++;
        }
      }
      double[] s = new double[d * d];
      Gemm.syrkUpper(rows, 0, d, n, d, s, 0, d, false);
      Kernels.mirrorUpper(s, d);
      bases[j] = topSingularVectors(s, d, r);
    }
    return new NearestSubspace(d, r, classes, bases);
  }

  private static double[] topSingularVectors(double[] scatter, int d, int r) {
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(d, d, false, true, false);
    if (!svd.decompose(DMatrixRMaj.wrap(d, d, scatter.clone()))) {
      throw new ArithmeticException("the SVD of a class scatter did not converge");
    }
    DMatrixRMaj v = svd.getV(null, true);
    DMatrixRMaj w = svd.getW(null);
    SingularOps_DDRM.descendingOrder(null, false, w, v, true);
    double[] basis = new double[r * d];
    System.arraycopy(v.data, 0, basis, 0, r * d);
    return basis;
  }

  /** The number r of components per class actually used. */
  public int components() {
    return components;
  }

  /** The class labels, increasing. */
  public int[] classLabels() {
    return labels.clone();
  }

  /**
   * The residual ‖(I − V_j V_jᵀ) z‖ of every class for every sample (normalized first).
   *
   * @return k × m
   */
  public Matrix residuals(Matrix z) {
    checkDimension(z);
    int m = z.cols();
    int k = labels.length;
    double[] x = z.normalizeColumns().toColumnMajor();
    double[] out = new double[k * m];
    for (int i = 0; i < m; i++) {
      double norm2 = Kernels.dot(x, i * d, x, i * d, d);
      for (int j = 0; j < k; j++) {
        double proj = 0;
        for (int q = 0; q < components; q++) {
          double p = Kernels.dot(bases[j], q * d, x, i * d, d);
          proj += p * p;
        }
        out[i * k + j] = Math.sqrt(Math.max(0, norm2 - proj));
      }
    }
    return Matrix.ofColumnMajor(k, m, out);
  }

  /**
   * The predicted label of every column: the class of the smallest residual, ties to the smallest
   * label.
   */
  public int[] predict(Matrix z) {
    Matrix res = residuals(z);
    int[] out = new int[z.cols()];
    for (int i = 0; i < out.length; i++) {
      int best = 0;
      for (int j = 1; j < labels.length; j++) {
        if (res.get(j, i) < res.get(best, i)) {
          best = j;
        }
      }
      out[i] = labels[best];
    }
    return out;
  }

  /** The fraction of columns whose prediction equals the label. */
  public double accuracy(Matrix z, int[] trueLabels) {
    return Accuracy.of(predict(z), trueLabels);
  }

  private void checkDimension(Matrix z) {
    if (z.rows() != d) {
      throw new IllegalArgumentException(
          "a " + z.shape() + " batch does not fit a classifier of dimension " + d);
    }
  }
}
