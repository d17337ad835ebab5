package dev.redunet.cluster;

import java.util.Arrays;

/**
 * A binary min-heap of candidate merges on primitive arrays (no object per candidate), ordered by
 * the gain {@code Δ}, then the smaller key, then the larger key. Each entry also carries the two
 * slots, the versions of their groups when it was priced, and the union's coding length. Not
 * thread-safe.
 */
final class CandidateHeap {

  private double[] delta = new double[16];
  private double[] union = new double[16];
  private int[] keyLo = new int[16];
  private int[] keyHi = new int[16];
  private int[] slotA = new int[16];
  private int[] slotB = new int[16];
  private int[] versionA = new int[16];
  private int[] versionB = new int[16];
  private int size;

  /** The entry popped last by {@link #pop}. */
  double topDelta;

  double topUnion;
  int topKeyLo;
  int topKeyHi;
  int topSlotA;
  int topSlotB;
  int topVersionA;
  int topVersionB;

  int size() {
    return size;
  }

  /** Adds a candidate. */
  void add(double d, double u, int lo, int hi, int sa, int sb, int va, int vb) {
    if (size == delta.length) {
      int cap = delta.length * 2;
      delta = Arrays.copyOf(delta, cap);
      union = Arrays.copyOf(union, cap);
      keyLo = Arrays.copyOf(keyLo, cap);
      keyHi = Arrays.copyOf(keyHi, cap);
      slotA = Arrays.copyOf(slotA, cap);
      slotB = Arrays.copyOf(slotB, cap);
      versionA = Arrays.copyOf(versionA, cap);
      versionB = Arrays.copyOf(versionB, cap);
    }
    int i = size++;
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!less(d, lo, hi, parent)) {
        break;
      }
      move(parent, i);
      i = parent;
    }
    set(i, d, u, lo, hi, sa, sb, va, vb);
  }

  /** Removes the smallest entry into the {@code top*} fields; false if the heap is empty. */
  boolean pop() {
    if (size == 0) {
      return false;
    }
    topDelta = delta[0];
    topUnion = union[0];
    topKeyLo = keyLo[0];
    topKeyHi = keyHi[0];
    topSlotA = slotA[0];
    topSlotB = slotB[0];
    topVersionA = versionA[0];
    topVersionB = versionB[0];
    int last = --size;
    if (last == 0) {
      return true;
    }
    double d = delta[last];
    int lo = keyLo[last];
    int hi = keyHi[last];
    double u = union[last];
    int sa = slotA[last];
    int sb = slotB[last];
    int va = versionA[last];
    int vb = versionB[last];
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= last) {
        break;
      }
      int right = child + 1;
      if (right < last && less(delta[right], keyLo[right], keyHi[right], child)) {
        child = right;
      }
      if (!less(delta[child], keyLo[child], keyHi[child], d, lo, hi)) {
        break;
      }
      move(child, i);
      i = child;
    }
    set(i, d, u, lo, hi, sa, sb, va, vb);
    return true;
  }

  private boolean less(double d, int lo, int hi, int j) {
    return less(d, lo, hi, delta[j], keyLo[j], keyHi[j]);
  }

  private static boolean less(double d1, int lo1, int hi1, double d2, int lo2, int hi2) {
    int c = Double.compare(d1, d2);
    if (c != 0) {
      return c < 0;
    }
    if (lo1 != lo2) {
      return lo1 < lo2;
    }
    return hi1 < hi2;
  }

  private void move(int from, int to) {
    delta[to] = delta[from];
    union[to] = union[from];
    keyLo[to] = keyLo[from];
    keyHi[to] = keyHi[from];
    slotA[to] = slotA[from];
    slotB[to] = slotB[from];
    versionA[to] = versionA[from];
    versionB[to] = versionB[from];
  }

  private void set(int i, double d, double u, int lo, int hi, int sa, int sb, int va, int vb) {
    delta[i] = d;
    union[i] = u;
    keyLo[i] = lo;
    keyHi[i] = hi;
    slotA[i] = sa;
    slotB[i] = sb;
    versionA[i] = va;
    versionB[i] = vb;
  }
}
