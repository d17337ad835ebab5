package dev.redunet.linalg;

/**
 * Small dense kernels on raw arrays. Samples are contiguous: a batch of m samples of dimension d is
 * a column-major d × m array (sample j at {@code [j·d, (j+1)·d)}).
 */
public final class Kernels {

  /** The floor of the reference code's {@code normalize}: z / max(‖z‖, 1e-8). */
  public static final double NORM_FLOOR = 1e-8;

  private Kernels() {}

  /**
   * Normalizes every sample: z ← z / max(‖z‖₂, 1e-8) (REDUNET_SPEC §1).
   *
   * @param z column-major d × m; modified
   */
  public static void normalizeColumns(double[] z, int d, int m) {
    for (int j = 0; j < m; j++) {
      normalize(z, j * d, d);
    }
  }

  /**
   * Normalizes one vector in place: x ← x / max(‖x‖₂, 1e-8).
   *
   * @param x the array; entries {@code [offset, offset+n)} modified
   */
  public static void normalize(double[] x, int offset, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) {
      double v = x[offset + i];
      s += v * v;
    }
    double inv = 1.0 / Math.max(Math.sqrt(s), NORM_FLOOR);
    for (int i = 0; i < n; i++) {
      x[offset + i] *= inv;
    }
  }

  /** Dot product Σ_i a[ao+i]·b[bo+i], with four partial sums. */
  public static double dot(double[] a, int ao, double[] b, int bo, int n) {
    double s0 = 0;
    double s1 = 0;
    double s2 = 0;
    double s3 = 0;
    int i = 0;
    for (; i + 3 < n; i += 4) {
      s0 += a[ao + i] * b[bo + i];
      s1 += a[ao + i + 1] * b[bo + i + 1];
      s2 += a[ao + i + 2] * b[bo + i + 2];
      s3 += a[ao + i + 3] * b[bo + i + 3];
    }
    for (; i < n; i++) {
      s0 += a[ao + i] * b[bo + i];
    }
    return (s0 + s1) + (s2 + s3);
  }

  /** y[yo+i] += a·x[xo+i] for i in [0, n). */
  public static void axpy(double a, double[] x, int xo, double[] y, int yo, int n) {
    for (int i = 0; i < n; i++) {
      y[yo + i] += a * x[xo + i];
    }
  }

  /**
   * Copies the upper triangle of a row-major n × n matrix onto its lower triangle, making it
   * exactly symmetric.
   *
   * @param a row-major n × n; lower triangle modified
   */
  public static void mirrorUpper(double[] a, int n) {
    for (int i = 0; i < n; i++) {
      for (int j = i + 1; j < n; j++) {
        a[j * n + i] = a[i * n + j];
      }
    }
  }

  /**
   * The upper triangle of a row-major n × n matrix, packed row by row: (0,0), (0,1), …, (0,n−1),
   * (1,1), …, length n(n+1)/2.
   */
  public static double[] packUpper(double[] a, int n) {
    double[] p = new double[n * (n + 1) / 2];
    int k = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(a, i * n + i, p, k, n - i);
      k += n - i;
    }
    return p;
  }

  /**
   * The full symmetric row-major n × n matrix from its packed upper triangle (see {@link
   * #packUpper}).
   *
   * @throws IllegalArgumentException if the length is not n(n+1)/2
   */
  public static double[] unpackUpper(double[] packed, int n) {
    if (packed.length != n * (n + 1) / 2) {
      throw new IllegalArgumentException(
          "a packed upper triangle of order "
              + n
              + " has "
              + (n * (n + 1) / 2)
              + " entries, got "
              + packed.length);
    }
    double[] a = new double[n * n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      System.arraycopy(packed, k, a, i * n + i, n - i);
      k += n - i;
    }
    mirrorUpper(a, n);
    return a;
  }
}
