package dev.redunet.redunet.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.linalg.Matrix;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.SingularOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.SingularValueDecomposition_F64;
import org.junit.jupiter.api.Test;

/** The basis of a class with fewer samples than dimensions comes from its Gram matrix. */
class NearestSubspaceGramTest {

  @Test
  void withFewerSamplesThanDimensionsTheBasisIsTheTopSingularSubspaceOfTheClass() {
    int d = 40;
    int n = 12;
    int r = 5;
    SplittableRandom rnd = new SplittableRandom(4);
    double[][] samples = new double[2 * n][d];
    int[] labels = new int[2 * n];
    for (int i = 0; i < 2 * n; i++) {
      labels[i] = i % 2;
      for (int q = 0; q < d; q++) {
        // a few dominant directions per class, then noise
        samples[i][q] = (q % 7 == labels[i] ? 3 : 0) * rnd.nextGaussian() + rnd.nextGaussian();
      }
    }
    Matrix z = Matrix.fromColumns(samples).normalizeColumns();
    NearestSubspace ns = NearestSubspace.fit(z, labels, r);
    for (int j = 0; j < 2; j++) {
      double[][] basis = ns.basis(j);
      assertThat(basis).hasNumberOfRows(r);
      for (int a = 0; a < r; a++) {
        for (int b = 0; b < r; b++) {
          assertThat(dot(basis[a], basis[b])).isCloseTo(a == b ? 1 : 0, within(1e-10));
        }
      }
      double[][] expected = topRightSingularVectors(z, labels, j, r);
      // same subspace: equal projectors V Vᵀ
      for (int p = 0; p < d; p++) {
        for (int q = 0; q < d; q++) {
          double got = 0;
          double want = 0;
          for (int a = 0; a < r; a++) {
            got += basis[a][p] * basis[a][q];
            want += expected[a][p] * expected[a][q];
          }
          assertThat(got).isCloseTo(want, within(1e-9));
        }
      }
    }
  }

  /** Rows: the top r right singular vectors of the class's m_j × d sample matrix (EJML SVD). */
  private static double[][] topRightSingularVectors(Matrix z, int[] labels, int j, int r) {
    int d = z.rows();
    int n = 0;
    for (int y : labels) {
      n += y == j ? 1 : 0;
    }
    DMatrixRMaj x = new DMatrixRMaj(n, d);
    int row = 0;
    for (int i = 0; i < labels.length; i++) {
      if (labels[i] == j) {
        double[] c = z.column(i);
        for (int q = 0; q < d; q++) {
          x.set(row, q, c[q]);
        }
        row++;
      }
    }
    SingularValueDecomposition_F64<DMatrixRMaj> svd =
        DecompositionFactory_DDRM.svd(n, d, false, true, false);
    assertThat(svd.decompose(x)).isTrue();
    DMatrixRMaj v = svd.getV(null, true);
    DMatrixRMaj w = svd.getW(null);
    SingularOps_DDRM.descendingOrder(null, false, w, v, true);
    double[][] out = new double[r][d];
    for (int a = 0; a < r; a++) {
      for (int q = 0; q < d; q++) {
        out[a][q] = v.get(a, q);
      }
    }
    return out;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += a[i] * b[i];
    }
    return s;
  }
}
