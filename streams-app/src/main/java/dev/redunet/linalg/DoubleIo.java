package dev.redunet.linalg;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Arrays of doubles in the byte format of {@link DataOutput#writeDouble} (8 bytes each,
 * big-endian), written and read in bulk: the same bytes as a loop of {@code writeDouble}, without a
 * stream call per value (which dominated serializing d × d operators).
 */
public final class DoubleIo {

  private static final int CHUNK = 4096;

  private DoubleIo() {}

  /** Writes {@code a[0 … n)} as {@code n} big-endian doubles. */
  public static void write(DataOutput out, double[] a) throws IOException {
    ByteBuffer b = ByteBuffer.allocate(8 * Math.min(CHUNK, Math.max(1, a.length)));
    for (int from = 0; from < a.length; from += CHUNK) {
      int n = Math.min(CHUNK, a.length - from);
      b.clear();
      b.asDoubleBuffer().put(a, from, n);
      out.write(b.array(), 0, 8 * n);
    }
  }

  /**
   * Reads {@code n} big-endian doubles.
   *
   * @throws java.io.EOFException if the input ends first
   */
  public static double[] read(DataInput in, int n) throws IOException {
    double[] a = new double[n];
    byte[] bytes = new byte[8 * Math.min(CHUNK, Math.max(1, n))];
    ByteBuffer b = ByteBuffer.wrap(bytes);
    for (int from = 0; from < n; from += CHUNK) {
      int m = Math.min(CHUNK, n - from);
      in.readFully(bytes, 0, 8 * m);
      b.clear();
      b.asDoubleBuffer().get(a, from, m);
    }
    return a;
  }
}
