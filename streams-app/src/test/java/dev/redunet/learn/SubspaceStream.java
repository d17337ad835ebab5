package dev.redunet.learn;

import java.util.SplittableRandom;

/**
 * A seeded labelled stream for tests: class j lives near a random 3-dimensional subspace of R^D
 * (plus isotropic noise of standard deviation 0.05), classes interleaved at random.
 */
final class SubspaceStream {
  final double[][] samples;
  final int[] labels;

  SubspaceStream(int n, int dimension, int classes, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[][][] bases = new double[classes][3][dimension];
    for (double[][] basis : bases) {
      for (double[] v : basis) {
        for (int a = 0; a < dimension; a++) {
          v[a] = random.nextDouble(-1, 1);
        }
      }
    }
    samples = new double[n][dimension];
    labels = new int[n];
    for (int i = 0; i < n; i++) {
      int j = random.nextInt(classes);
      labels[i] = j;
      for (double[] v : bases[j]) {
        double c = random.nextDouble(-1, 1);
        for (int a = 0; a < dimension; a++) {
          samples[i][a] += c * v[a];
        }
      }
      for (int a = 0; a < dimension; a++) {
        samples[i][a] += 0.05 * gaussian(random);
      }
    }
  }

  private static double gaussian(SplittableRandom r) {
    double u = r.nextDouble(1e-300, 1);
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}
