package dev.redunet.cluster;

import dev.redunet.micl.ClassStatistics;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * A group during the greedy merge: its elements, size and coding length, and what its coder keeps
 * to price merges quickly. Immutable, except for a small cache of factorizations (thread-safe).
 */
final class Group {

  /** Factorizations kept per group: the scales of the last few union sizes. */
  private static final int CACHED_FACTORS = 4;

  /** The smallest element index: the group's name in merge steps and its tie-breaking order. */
  final int key;

  /** Element indices (points or initial groups), in the order of {@link #gram}; not sorted. */
  final int[] members;

  /** Number of samples {@code n} (the statistics' count). */
  final double count;

  /** {@code L(W)} in bits. */
  final double length;

  /** The group's statistics ({@link StatisticsCoder}), or null. */
  final ClassStatistics stats;

  /** The group's moments ({@link PointCoder}, groups of more than {@code D/2} points), or null. */
  final Moments moments;

  /** Row-major {@code n×n} raw Gram matrix of the members (linear coding, small groups) or null. */
  final double[] gram;

  private final Map<Integer, Spd> factors =
      new LinkedHashMap<>(8, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Spd> eldest) {
          return size() > CACHED_FACTORS;
        }
      };

  Group(
      int key,
      int[] members,
      double count,
      double length,
      ClassStatistics stats,
      Moments moments,
      double[] gram) {
    this.key = key;
    this.members = members;
    this.count = count;
    this.length = length;
    this.stats = stats;
    this.moments = moments;
    this.gram = gram;
  }

  /** The factorization cached under {@code tag}, computed once by {@code compute}. */
  synchronized Spd factor(int tag, IntFunction<Spd> compute) {
    return factors.computeIfAbsent(tag, compute::apply);
  }
}
