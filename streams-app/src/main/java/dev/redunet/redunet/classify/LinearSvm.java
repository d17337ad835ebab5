package dev.redunet.redunet.classify;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A linear support vector classifier that stands in for the reference evaluation's {@code
 * LinearSVC(random_state=10)} with scikit-learn's defaults (REDUNET_SPEC §6): L2-regularised
 * squared hinge loss, C = 1, an intercept fitted as the weight of a constant feature 1 (so it is
 * regularised too, as liblinear's {@code intercept_scaling = 1}), one-vs-rest for more than two
 * classes, solved in the dual by coordinate descent (Hsieh et al. 2008, liblinear's solver for this
 * problem) with tolerance 1e-4 on the projected gradient and at most 1000 passes:
 *
 * <pre>
 *   min_w ½‖w‖² + C Σ_i max(0, 1 − y_i wᵀx̃_i)²,  x̃ = (x, 1),  y_i = ±1
 *   dual: α_i ← max(0, α_i − G_i / (x̃_iᵀx̃_i + 1/(2C))),  G_i = y_i wᵀx̃_i − 1 + α_i/(2C)
 * </pre>
 *
 * The coordinate order is a seeded random permutation per pass; liblinear's random stream cannot be
 * reproduced, so results can differ from scikit-learn's in the last digits of the weights. Two
 * classes are one problem (class 1 against class 0); the prediction is {@code argmax_j w_jᵀx + b_j}
 * with {@code w_0 = 0, b_0 = 0} in the binary case, ties to the smaller class. Immutable.
 */
public final class LinearSvm {

  /** scikit-learn's default regularisation. */
  public static final double DEFAULT_C = 1.0;

  private static final double TOLERANCE = 1e-4;
  private static final int MAX_PASSES = 1000;

  private final int[] classes;
  private final double[][] weights;
  private final double[] bias;
  private final boolean converged;

  private LinearSvm(int[] classes, double[][] weights, double[] bias, boolean converged) {
    this.classes = classes;
    this.weights = weights;
    this.bias = bias;
    this.converged = converged;
  }

  /**
   * Fits the classifier.
   *
   * @param samples m samples of dimension d (one per row), not modified
   * @param labels m labels (at least two distinct values)
   * @param c the regularisation C > 0
   * @param seed seed of the coordinate order
   */
  public static LinearSvm fit(double[][] samples, int[] labels, double c, long seed) {
    int m = samples.length;
    if (labels.length != m || m == 0) {
      throw new IllegalArgumentException(
          labels.length + " labels for " + m + " samples (need the same number, at least one)");
    }
    if (!(c > 0)) {
      throw new IllegalArgumentException("C must be > 0, got " + c);
    }
    int d = samples[0].length;
    for (double[] x : samples) {
      if (x.length != d) {
        throw new IllegalArgumentException(
            "samples of dimensions " + d + " and " + x.length + " cannot be mixed");
      }
    }
    int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
    if (classes.length < 2) {
      throw new IllegalArgumentException("a linear SVM needs at least two classes");
    }
    double[] squaredNorm = new double[m];
    for (int i = 0; i < m; i++) {
      squaredNorm[i] = dot(samples[i], samples[i]) + 1.0;
    }
    int problems = classes.length == 2 ? 1 : classes.length;
    double[][] weights = new double[classes.length][d];
    double[] bias = new double[classes.length];
    boolean converged = true;
    SplittableRandom random = new SplittableRandom(seed);
    for (int p = 0; p < problems; p++) {
      int positive = classes.length == 2 ? classes[1] : classes[p];
      int target = classes.length == 2 ? 1 : p;
      double[] y = new double[m];
      for (int i = 0; i < m; i++) {
        y[i] = labels[i] == positive ? 1 : -1;
      }
      converged &= solve(samples, y, squaredNorm, c, random.split(), weights[target], bias, target);
    }
    return new LinearSvm(classes, weights, bias, converged);
  }

  /** Dual coordinate descent for one binary problem; writes w and b; returns convergence. */
  private static boolean solve(
      double[][] x,
      double[] y,
      double[] squaredNorm,
      double c,
      SplittableRandom random,
      double[] w,
      double[] bias,
      int target) {
    int m = x.length;
    int d = w.length;
    double diag = 1.0 / (2 * c);
    double[] alpha = new double[m];
    double b = 0;
    int[] order = new int[m];
    for (int i = 0; i < m; i++) {
      order[i] = i;
    }
    for (int pass = 0; pass < MAX_PASSES; pass++) {
      for (int i = m - 1; i > 0; i--) {
        int s = random.nextInt(i + 1);
        int t = order[i];
        order[i] = order[s];
        order[s] = t;
      }
      double maxPg = Double.NEGATIVE_INFINITY;
      double minPg = Double.POSITIVE_INFINITY;
      for (int i : order) {
        double[] xi = x[i];
        double g = y[i] * (dot(w, xi) + b) - 1 + diag * alpha[i];
        double pg = alpha[i] == 0 ? Math.min(g, 0) : g;
        maxPg = Math.max(maxPg, pg);
        minPg = Math.min(minPg, pg);
        if (Math.abs(pg) > 1e-12) {
          double old = alpha[i];
          alpha[i] = Math.max(alpha[i] - g / (squaredNorm[i] + diag), 0);
          double step = (alpha[i] - old) * y[i];
          for (int q = 0; q < d; q++) {
            w[q] += step * xi[q];
          }
          b += step;
        }
      }
      if (maxPg - minPg < TOLERANCE) {
        bias[target] = b;
        return true;
      }
    }
    bias[target] = b;
    return false;
  }

  private static double dot(double[] a, double[] b) {
    double s = 0;
    for (int q = 0; q < a.length; q++) {
      s += a[q] * b[q];
    }
    return s;
  }

  /** The class labels, increasing. */
  public int[] classLabels() {
    return classes.clone();
  }

  /** The weight vector of class index j (all zero for class 0 of a binary problem). */
  public double[] weights(int j) {
    return weights[j].clone();
  }

  /** The intercept of class index j. */
  public double bias(int j) {
    return bias[j];
  }

  /** Whether every binary problem met the tolerance within the pass limit. */
  public boolean converged() {
    return converged;
  }

  /** The predicted label of one sample: the class of the largest score, ties to the smaller. */
  public int predict(double[] x) {
    int best = 0;
    double bestScore = dot(weights[0], x) + bias[0];
    for (int j = 1; j < classes.length; j++) {
      double s = dot(weights[j], x) + bias[j];
      if (s > bestScore) {
        best = j;
        bestScore = s;
      }
    }
    return classes[best];
  }

  /** The predicted label of every sample (rows). */
  public int[] predict(double[][] samples) {
    int[] out = new int[samples.length];
    for (int i = 0; i < samples.length; i++) {
      out[i] = predict(samples[i]);
    }
    return out;
  }
}
