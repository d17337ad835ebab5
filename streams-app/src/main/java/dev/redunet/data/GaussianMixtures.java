package dev.redunet.data;

import dev.redunet.linalg.Matrix;
import java.util.SplittableRandom;

/**
 * The Gaussian mixtures of the paper's first experiment (REDUNET_SPEC §5, Fig. 2): in d = 2 or 3
 * dimensions, class j is centred on the unit vector e_{j+1}; a sample is center + N(0, σ² I) with σ
 * = 0.1, then normalized to the unit sphere. The training set is shuffled; the test set is drawn
 * separately (same size, class by class, not shuffled). Every draw is seeded: the reference scripts
 * used the unseeded NumPy generator, so only the distribution, not the values, matches.
 */
public final class GaussianMixtures {

  /** The noise level σ of the reference experiment. */
  public static final double SIGMA = 0.1;

  /** A labelled batch: d × m features (columns are samples) and one label per column. */
  public static final class Draw {
    private final Matrix features;
    private final int[] labels;

    Draw(Matrix features, int[] labels) {
      this.features = features;
      this.labels = labels;
    }

    /** The d × m unit-norm samples. */
    public Matrix features() {
      return features;
    }

    /** The class label (0 … d−1) of every column. */
    public int[] labels() {
      return labels.clone();
    }
  }

  /** A training and a test draw. */
  public record Split(Draw train, Draw test) {}

  private GaussianMixtures() {}

  /**
   * The training and test sets of the d-dimensional mixture: {@code perClass} samples per class in
   * each, σ = 0.1.
   *
   * @param dims 2 or 3 (also the number of classes)
   * @param perClass samples per class ≥ 1
   * @param seed the seed of both draws (the test set uses an independent split of the generator)
   * @throws IllegalArgumentException on other dimensions or a non-positive size
   */
  public static Split trainTest(int dims, int perClass, long seed) {
    if (dims != 2 && dims != 3) {
      throw new IllegalArgumentException("the mixtures are 2- or 3-dimensional, got " + dims);
    }
    if (perClass < 1) {
      throw new IllegalArgumentException("samples per class must be ≥ 1, got " + perClass);
    }
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom trainRandom = root.split();
    SplittableRandom testRandom = root.split();
    return new Split(
        draw(dims, perClass, SIGMA, trainRandom, true),
        draw(dims, perClass, SIGMA, testRandom, false));
  }

  /**
   * One draw of the mixture: for every class j (in order) {@code perClass} samples e_{j+1} + σ·N(0,
   * I), normalized; optionally shuffled (Fisher–Yates with the same generator).
   */
  public static Draw draw(
      int dims, int perClass, double sigma, SplittableRandom random, boolean shuffle) {
    int m = dims * perClass;
    double[] z = new double[dims * m];
    int[] labels = new int[m];
    for (int j = 0; j < dims; j++) {
      for (int s = 0; s < perClass; s++) {
        int i = j * perClass + s;
        labels[i] = j;
        for (int r = 0; r < dims; r++) {
          z[i * dims + r] = (r == j ? 1.0 : 0.0) + sigma * random.nextGaussian();
        }
      }
    }
    if (shuffle) {
      for (int i = m - 1; i > 0; i--) {
        int t = random.nextInt(i + 1);
        int y = labels[i];
        labels[i] = labels[t];
        labels[t] = y;
        for (int r = 0; r < dims; r++) {
          double v = z[i * dims + r];
          z[i * dims + r] = z[t * dims + r];
          z[t * dims + r] = v;
        }
      }
    }
    return new Draw(Matrix.ofColumnMajor(dims, m, z).normalizeColumns(), labels);
  }
}
