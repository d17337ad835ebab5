package dev.redunet.cluster;

/** Receives the progress of a long clustering run (called from the clustering thread). */
@FunctionalInterface
public interface ClusteringProgress {

  /**
   * Reports where a run is.
   *
   * @param phase {@code "neighbours"} (the neighbour graph: {@code groups} counts the points done),
   *     {@code "over-segmentation"} or {@code "merging"} (the exact greedy merge)
   * @param groups the number of groups left (points done for {@code "neighbours"})
   */
  void update(String phase, int groups);
}
