package dev.redunet.cluster;

/**
 * One merge of the greedy compression clustering.
 *
 * @param keyA key (smallest original index) of the first merged group, {@code keyA < keyB}
 * @param keyB key of the second merged group
 * @param delta change of the total coding length {@code ΔL^c} in bits (negative: a saving)
 * @param groups number of groups after the merge
 * @param totalLength total coding length {@code L^c} after the merge, in bits
 */
public record MergeStep(int keyA, int keyB, double delta, int groups, double totalLength) {}
