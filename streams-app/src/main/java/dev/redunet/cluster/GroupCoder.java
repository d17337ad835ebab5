package dev.redunet.cluster;

/** Prices and performs merges of {@link Group}s for {@link GreedyMerge}. */
interface GroupCoder {

  /**
   * {@code L(A ∪ B)} in bits, the coding length of the union. Called from several threads at once.
   */
  double unionLength(Group a, Group b);

  /** The union of {@code a} and {@code b}, whose length {@link #unionLength} gave. One thread. */
  Group merge(Group a, Group b, double unionLength);
}
