package dev.redunet.cluster;

import dev.redunet.micl.CodingMode;

/**
 * How {@link CompressionClustering#segment} clusters points: the coding length, and when and how it
 * accelerates the greedy merge.
 *
 * @param epsSq the allowed distortion {@code ε² > 0} of the coding lengths
 * @param mode affine (mean-coded, eq. 1) or linear (zero-mean, eq. 1') coding
 * @param exactLimit up to this many points the exact greedy merge runs (every pair a candidate);
 *     above it, the over-segmentation first ({@code ≥ 2})
 * @param neighbours {@code k} of the neighbour graph of the over-segmentation: every point's {@code
 *     k} cheapest pair merges ({@code ≥ 1})
 * @param targetGroups about how many groups the over-segmentation leaves for the exact merge
 *     ({@code ≥ 2}): its groups hold at most {@code max(8, 2⌈m/targetGroups⌉)} points
 * @param threads threads that evaluate candidate merges ({@code ≥ 1}); the result does not depend
 *     on it
 */
public record ClusteringSettings(
    double epsSq, CodingMode mode, int exactLimit, int neighbours, int targetGroups, int threads) {

  /** Default {@link #exactLimit}. */
  public static final int DEFAULT_EXACT_LIMIT = 2000;

  /** Default {@link #neighbours}. */
  public static final int DEFAULT_NEIGHBOURS = 10;

  /** Default {@link #targetGroups}. */
  public static final int DEFAULT_TARGET_GROUPS = 256;

  /** Validates every field; the message names the field and the value. */
  public ClusteringSettings {
    if (!(epsSq > 0) || Double.isInfinite(epsSq)) {
      throw new IllegalArgumentException("epsSq (ε²) must be positive and finite, got " + epsSq);
    }
    if (mode == null) {
      throw new IllegalArgumentException("mode (affine or linear coding) is missing");
    }
    if (exactLimit < 2) {
      throw new IllegalArgumentException("exactLimit must be ≥ 2, got " + exactLimit);
    }
    if (neighbours < 1) {
      throw new IllegalArgumentException("neighbours must be ≥ 1, got " + neighbours);
    }
    if (targetGroups < 2) {
      throw new IllegalArgumentException("targetGroups must be ≥ 2, got " + targetGroups);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be ≥ 1, got " + threads);
    }
  }

  /**
   * The defaults: exact up to {@value #DEFAULT_EXACT_LIMIT} points, {@value #DEFAULT_NEIGHBOURS}
   * neighbours, {@value #DEFAULT_TARGET_GROUPS} target groups, one thread per processor.
   */
  public static ClusteringSettings of(double epsSq, CodingMode mode) {
    return new ClusteringSettings(
        epsSq,
        mode,
        DEFAULT_EXACT_LIMIT,
        DEFAULT_NEIGHBOURS,
        DEFAULT_TARGET_GROUPS,
        Runtime.getRuntime().availableProcessors());
  }

  /** The same settings with another {@link #exactLimit}. */
  public ClusteringSettings withExactLimit(int limit) {
    return new ClusteringSettings(epsSq, mode, limit, neighbours, targetGroups, threads);
  }

  /** The same settings with another {@link #threads}. */
  public ClusteringSettings withThreads(int count) {
    return new ClusteringSettings(epsSq, mode, exactLimit, neighbours, targetGroups, count);
  }

  /** The largest group the over-segmentation of {@code m} points builds. */
  int groupCap(int m) {
    long perGroup = ((long) m + targetGroups - 1) / targetGroups;
    return (int) Math.min(Integer.MAX_VALUE, Math.max(8L, 2L * perGroup));
  }
}
