package dev.redunet.cluster;

/**
 * The count {@code n}, mean {@code μ} and scatter {@code M} of a group of points, {@code M} as the
 * coding mode needs it: the centred {@code C = Σ (x−μ)(x−μ)ᵀ} (affine) or the raw {@code S = Σ xxᵀ}
 * (linear), stored as a packed lower triangle, row-major (entry {@code (i, j)}, {@code j ≤ i}, at
 * {@code i(i+1)/2 + j}). Immutable.
 */
final class Moments {

  final double count;
  final double[] mean;
  final double[] scatter;

  private Moments(double count, double[] mean, double[] scatter) {
    this.count = count;
    this.mean = mean;
    this.scatter = scatter;
  }

  /** Index of entry {@code (i, j)}, {@code j ≤ i}, in a packed lower triangle. */
  static int index(int i, int j) {
    return i * (i + 1) / 2 + j;
  }

  /**
   * The moments of the given points, in two passes (the mean, then the centred products).
   *
   * @param points all points; {@code members} index them (at least one)
   * @param centred {@code C} (affine coding) or {@code S} (linear coding)
   */
  static Moments of(double[][] points, int[] members, boolean centred) {
    int d = points[members[0]].length;
    int n = members.length;
    double[] mu = new double[d];
    for (int e : members) {
      double[] x = points[e];
      for (int j = 0; j < d; j++) {
        mu[j] += x[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mu[j] /= n;
    }
    double[] m = new double[d * (d + 1) / 2];
    double[] y = new double[d];
    for (int e : members) {
      double[] x = points[e];
      for (int j = 0; j < d; j++) {
        y[j] = centred ? x[j] - mu[j] : x[j];
      }
      addOuter(m, y, 1.0);
    }
    return new Moments(n, mu, m);
  }

  /**
   * The moments of the union: {@code S = S_A + S_B}, or (Chan, Golub, LeVeque) {@code C = C_A + C_B
   * + (n_A n_B/n) δδᵀ} with {@code δ = μ_B − μ_A}; {@code μ = μ_A + (n_B/n) δ}.
   */
  Moments merge(Moments o, boolean centred) {
    int d = mean.length;
    double n = count + o.count;
    double[] delta = new double[d];
    double[] mu = new double[d];
    for (int j = 0; j < d; j++) {
      delta[j] = o.mean[j] - mean[j];
      mu[j] = mean[j] + (o.count / n) * delta[j];
    }
    double[] m = new double[scatter.length];
    for (int t = 0; t < m.length; t++) {
      m[t] = scatter[t] + o.scatter[t];
    }
    if (centred) {
      addOuter(m, delta, count * o.count / n);
    }
    return new Moments(n, mu, m);
  }

  /** {@code m += w·yyᵀ} on the packed lower triangle. */
  static void addOuter(double[] m, double[] y, double w) {
    int t = 0;
    for (int i = 0; i < y.length; i++) {
      double wy = w * y[i];
      for (int j = 0; j <= i; j++) {
        m[t++] += wy * y[j];
      }
    }
  }
}
