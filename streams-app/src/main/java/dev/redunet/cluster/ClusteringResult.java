package dev.redunet.cluster;

import java.util.List;

/**
 * The outcome of {@link CompressionClustering}: the partition and the coding length after every
 * merge.
 *
 * <p>Groups are numbered {@code 0, 1, …} in the order of their smallest member (original index).
 * Immutable: accessors copy.
 */
public final class ClusteringResult {

  private final int[] assignment;
  private final int[][] groups;
  private final double[] groupLengths;
  private final double initialLength;
  private final List<MergeStep> steps;
  private final int overSegments;

  ClusteringResult(
      int[] assignment,
      int[][] groups,
      double[] groupLengths,
      double initialLength,
      List<MergeStep> steps,
      int overSegments) {
    this.assignment = assignment;
    this.groups = groups;
    this.groupLengths = groupLengths;
    this.initialLength = initialLength;
    this.steps = List.copyOf(steps);
    this.overSegments = overSegments;
  }

  /** The group of every original element (point or initial group). */
  public int[] assignment() {
    return assignment.clone();
  }

  /** Number of groups. */
  public int numGroups() {
    return groups.length;
  }

  /** The members (original indices, ascending) of group {@code g}. */
  public int[] members(int g) {
    return groups[g].clone();
  }

  /** {@code L(W_g)} in bits: the coding length of group {@code g} without its membership cost. */
  public double groupLength(int g) {
    return groupLengths[g];
  }

  /** {@code L^c} of the initial partition (before any merge), in bits. */
  public double initialLength() {
    return initialLength;
  }

  /** {@code L^c} of the final partition, in bits. */
  public double finalLength() {
    return steps.isEmpty() ? initialLength : steps.get(steps.size() - 1).totalLength();
  }

  /** The merges in order. */
  public List<MergeStep> steps() {
    return steps;
  }

  /**
   * The number of groups the over-segmentation left for the exact merge; 0 when the exact merge ran
   * on the elements themselves.
   */
  public int overSegments() {
    return overSegments;
  }
}
