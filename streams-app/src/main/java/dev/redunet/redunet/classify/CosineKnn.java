package dev.redunet.redunet.classify;

import dev.redunet.linalg.Gemm;
import dev.redunet.linalg.Matrix;
import java.util.Arrays;

/**
 * The k-nearest-neighbour classifier of the paper's evaluation (REDUNET_SPEC §6): features are
 * unit-normalized, the similarity is the cosine z_trainᵀ z, the k most similar training samples
 * vote, and the most frequent label wins with ties to the smallest label ({@code torch.mode}).
 * Equal similarities are ranked by training order. Classifying the training set itself includes
 * each sample among its own neighbours, as the reference does.
 */
public final class CosineKnn {

  /** The reference's number of neighbours. */
  public static final int DEFAULT_K = 5;

  private static final int BLOCK = 256;

  private final int d;
  private final int m;
  private final int k;
  private final double[] train;
  private final int[] trainLabels;
  private final int[] classes;

  private CosineKnn(int d, int m, int k, double[] train, int[] trainLabels, int[] classes) {
    this.d = d;
    this.m = m;
    this.k = k;
    this.train = train;
    this.trainLabels = trainLabels;
    this.classes = classes;
  }

  /**
   * Stores the (normalized) training features.
   *
   * @param features d × m, columns are samples
   * @param labels one label per column
   * @param k the number of neighbours, 1 ≤ k ≤ m
   */
  public static CosineKnn fit(Matrix features, int[] labels, int k) {
    if (labels.length != features.cols()) {
      throw new IllegalArgumentException(
          labels.length + " labels for a " + features.shape() + " batch");
    }
    if (k < 1 || k > features.cols()) {
      throw new IllegalArgumentException(
          "k must be between 1 and the " + features.cols() + " training samples, got " + k);
    }
    int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
    return new CosineKnn(
        features.rows(),
        features.cols(),
        k,
        features.normalizeColumns().toColumnMajor(),
        labels.clone(),
        classes);
  }

  /** The predicted label of every column of z. */
  public int[] predict(Matrix z) {
    if (z.rows() != d) {
      throw new IllegalArgumentException(
          "a " + z.shape() + " batch does not fit a classifier of dimension " + d);
    }
    int n = z.cols();
    double[] x = z.normalizeColumns().toColumnMajor();
    int[] out = new int[n];
    double[] sims = new double[BLOCK * m];
    int[] top = new int[k];
    int[] votes = new int[classes.length];
    for (int b0 = 0; b0 < n; b0 += BLOCK) {
      int nb = Math.min(BLOCK, n - b0);
      // sims (nb × m) = X_blockᵀ (nb × d) · Z_train (d × m); both are row-major sample arrays.
      Gemm.gemm(false, true, nb, m, d, x, b0 * d, d, train, 0, d, sims, 0, m, false);
      for (int r = 0; r < nb; r++) {
        topK(sims, r * m, top);
        Arrays.fill(votes, 0);
        for (int t : top) {
          votes[Arrays.binarySearch(classes, trainLabels[t])]++;
        }
        int best = 0;
        for (int c = 1; c < classes.length; c++) {
          if (votes[c] > votes[best]) {
            best = c;
          }
        }
        out[b0 + r] = classes[best];
      }
    }
    return out;
  }

  /** The fraction of columns whose prediction equals the label. */
  public double accuracy(Matrix z, int[] trueLabels) {
    return Accuracy.of(predict(z), trueLabels);
  }

  /** Indices of the k largest of s[off … off+m), larger first, earlier index first on ties. */
  private void topK(double[] s, int off, int[] top) {
    int filled = 0;
    for (int i = 0; i < m; i++) {
      double v = s[off + i];
      if (filled == k && v <= s[off + top[k - 1]]) {
        continue;
      }
      int pos = filled == k ? k - 1 : filled++;
      while (pos > 0 && s[off + top[pos - 1]] < v) {
        top[pos] = top[pos - 1];
        pos--;
      }
      top[pos] = i;
    }
  }
}
