package dev.redunet.cluster;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.Clusterable;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.Well19937c;

/**
 * The k-means baseline, given the number of clusters: Apache Commons Math's {@link
 * KMeansPlusPlusClusterer} (k-means++ seeding, Arthur and Vassilvitskii 2007, then Lloyd iterations
 * under the Euclidean distance), the best of several seeded runs by the sum of squared distances to
 * the centroids ({@link MultiKMeansPlusPlusClusterer}). Deterministic for a seed.
 */
public final class KMeansBaseline {

  /** Lloyd iterations per run at most. */
  public static final int MAX_ITERATIONS = 300;

  private KMeansBaseline() {}

  /**
   * Clusters points into {@code k} groups.
   *
   * @param points {@code m ≥ k} points of length {@code D}; not modified
   * @param k the number of clusters ({@code ≥ 1})
   * @param trials independent k-means++ runs; the one with the smallest within-cluster sum of
   *     squares wins ({@code ≥ 1})
   * @param seed seed of the random generator (Well19937c)
   * @return the cluster of every point, in {@code [0, k)}
   */
  public static int[] cluster(double[][] points, int k, int trials, long seed) {
    if (k < 1 || k > points.length) {
      throw new IllegalArgumentException(
          "k-means needs 1 ≤ k ≤ " + points.length + " (the points), got k = " + k);
    }
    if (trials < 1) {
      throw new IllegalArgumentException("trials must be ≥ 1, got " + trials);
    }
    List<Indexed> data = new ArrayList<>(points.length);
    for (int i = 0; i < points.length; i++) {
      data.add(new Indexed(i, points[i]));
    }
    KMeansPlusPlusClusterer<Indexed> one =
        new KMeansPlusPlusClusterer<>(
            k, MAX_ITERATIONS, new EuclideanDistance(), new Well19937c(seed));
    List<CentroidCluster<Indexed>> clusters =
        new MultiKMeansPlusPlusClusterer<>(one, trials).cluster(data);
    int[] assignment = new int[points.length];
    for (int g = 0; g < clusters.size(); g++) {
      for (Indexed p : clusters.get(g).getPoints()) {
        assignment[p.index] = g;
      }
    }
    return assignment;
  }

  /** A point with its index. */
  private static final class Indexed implements Clusterable {
    final int index;
    final double[] point;

    Indexed(int index, double[] point) {
      this.index = index;
      this.point = point;
    }

    @Override
    public double[] getPoint() {
      return point;
    }
  }
}
