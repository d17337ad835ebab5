package dev.redunet.linalg;

import java.util.Arrays;

/**
 * An immutable dense real matrix stored column-major.
 *
 * <p>In this project a batch of m samples of dimension d is the paper's d × m matrix Z whose
 * <em>columns are samples</em> (REDUNET_SPEC §1). Column-major storage keeps every sample
 * contiguous: sample j is {@code data[j·d, (j+1)·d)}. Seen as a row-major array, the same storage
 * is the m × d matrix Zᵀ that the reference code uses.
 *
 * <p>Constructors and accessors copy: a {@code Matrix} never shares its array with a caller.
 */
public final class Matrix {

  private final int rows;
  private final int cols;
  private final double[] data;

  private Matrix(int rows, int cols, double[] data) {
    this.rows = rows;
    this.cols = cols;
    this.data = data;
  }

  /**
   * A rows × cols matrix from a column-major array (entry (i, j) at {@code data[j·rows + i]}).
   *
   * @param data column-major entries, length rows·cols; not modified, copied
   * @throws IllegalArgumentException if the length does not match the shape or an entry is not
   *     finite
   */
  public static Matrix ofColumnMajor(int rows, int cols, double[] data) {
    checkShape(rows, cols);
    if (data.length != (long) rows * cols) {
      throw new IllegalArgumentException(
          "column-major data of length "
              + data.length
              + " does not fit a "
              + rows
              + "×"
              + cols
              + " matrix");
    }
    double[] copy = data.clone();
    checkFinite(copy, rows);
    return new Matrix(rows, cols, copy);
  }

  /**
   * A matrix from its rows: {@code rowArrays[i][j]} is entry (i, j). This is the layout of the
   * golden JSON files ({@code Z[i][j]} = coordinate i of sample j).
   *
   * @throws IllegalArgumentException if the rows are ragged, empty or hold a non-finite entry
   */
  public static Matrix fromRows(double[][] rowArrays) {
    int r = rowArrays.length;
    int c = r == 0 ? 0 : rowArrays[0].length;
    checkShape(r, c);
    double[] d = new double[r * c];
    for (int i = 0; i < r; i++) {
      if (rowArrays[i].length != c) {
        throw new IllegalArgumentException(
            "ragged rows: row 0 has " + c + " entries, row " + i + " has " + rowArrays[i].length);
      }
      for (int j = 0; j < c; j++) {
        d[j * r + i] = rowArrays[i][j];
      }
    }
    checkFinite(d, r);
    return new Matrix(r, c, d);
  }

  /**
   * A d × m matrix whose column j is {@code samples[j]} (one sample per array).
   *
   * @throws IllegalArgumentException if the samples differ in length, there are none, or an entry
   *     is not finite
   */
  public static Matrix fromColumns(double[][] samples) {
    int c = samples.length;
    int r = c == 0 ? 0 : samples[0].length;
    checkShape(r, c);
    double[] d = new double[r * c];
    for (int j = 0; j < c; j++) {
      if (samples[j].length != r) {
        throw new IllegalArgumentException(
            "samples differ in dimension: sample 0 has "
                + r
                + " entries, sample "
                + j
                + " has "
                + samples[j].length);
      }
      System.arraycopy(samples[j], 0, d, j * r, r);
    }
    checkFinite(d, r);
    return new Matrix(r, c, d);
  }

  /** The n × n identity. */
  public static Matrix identity(int n) {
    checkShape(n, n);
    double[] d = new double[n * n];
    for (int i = 0; i < n; i++) {
      d[i * n + i] = 1.0;
    }
    return new Matrix(n, n, d);
  }

  /**
   * Wraps an array the caller gives up: the caller must not keep or modify it afterwards. Used by
   * kernels that have just allocated the result.
   */
  static Matrix adopt(int rows, int cols, double[] data) {
    return new Matrix(rows, cols, data);
  }

  /** Number of rows (the dimension d of a sample batch). */
  public int rows() {
    return rows;
  }

  /** Number of columns (the number of samples m of a sample batch). */
  public int cols() {
    return cols;
  }

  /** Entry (i, j). */
  public double get(int i, int j) {
    if (i < 0 || i >= rows || j < 0 || j >= cols) {
      throw new IndexOutOfBoundsException(
          "entry (" + i + ", " + j + ") outside a " + rows + "×" + cols + " matrix");
    }
    return data[j * rows + i];
  }

  /** A copy of column j (sample j). */
  public double[] column(int j) {
    if (j < 0 || j >= cols) {
      throw new IndexOutOfBoundsException("column " + j + " outside a " + shape() + " matrix");
    }
    return Arrays.copyOfRange(data, j * rows, (j + 1) * rows);
  }

  /** A copy of the entries, column-major. */
  public double[] toColumnMajor() {
    return data.clone();
  }

  /** The entries as rows: {@code result[i][j]} is entry (i, j). */
  public double[][] toRows() {
    double[][] out = new double[rows][cols];
    for (int j = 0; j < cols; j++) {
      for (int i = 0; i < rows; i++) {
        out[i][j] = data[j * rows + i];
      }
    }
    return out;
  }

  /** The transpose. */
  public Matrix transpose() {
    double[] t = new double[data.length];
    for (int j = 0; j < cols; j++) {
      for (int i = 0; i < rows; i++) {
        t[i * cols + j] = data[j * rows + i];
      }
    }
    return new Matrix(cols, rows, t);
  }

  /** The columns with the given indices, in that order. */
  public Matrix selectColumns(int[] indices) {
    double[] d = new double[indices.length * rows];
    for (int c = 0; c < indices.length; c++) {
      int j = indices[c];
      if (j < 0 || j >= cols) {
        throw new IndexOutOfBoundsException("column " + j + " outside a " + shape() + " matrix");
      }
      System.arraycopy(data, j * rows, d, c * rows, rows);
    }
    return new Matrix(rows, indices.length, d);
  }

  /**
   * Every column divided by {@code max(‖column‖₂, 1e-8)}: the reference code's {@code normalize}
   * (REDUNET_SPEC §1).
   */
  public Matrix normalizeColumns() {
    double[] d = data.clone();
    Kernels.normalizeColumns(d, rows, cols);
    return new Matrix(rows, cols, d);
  }

  /** Largest absolute entry-wise difference to {@code other} (same shape required). */
  public double maxAbsDifference(Matrix other) {
    if (other.rows != rows || other.cols != cols) {
      throw new IllegalArgumentException("shapes differ: " + shape() + " versus " + other.shape());
    }
    double m = 0;
    for (int i = 0; i < data.length; i++) {
      m = Math.max(m, Math.abs(data[i] - other.data[i]));
    }
    return m;
  }

  /** The shape as {@code rows×cols}. */
  public String shape() {
    return rows + "×" + cols;
  }

  /** Direct access for the kernels of this package. */
  double[] data() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Matrix
        && ((Matrix) o).rows == rows
        && ((Matrix) o).cols == cols
        && Arrays.equals(((Matrix) o).data, data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * rows + cols) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "Matrix[" + shape() + "]";
  }

  private static void checkShape(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException(
          "a matrix needs at least one row and one column, got " + rows + "×" + cols);
    }
  }

  private static void checkFinite(double[] d, int rows) {
    for (int i = 0; i < d.length; i++) {
      if (!Double.isFinite(d[i])) {
        throw new IllegalArgumentException(
            "entry (" + (i % rows) + ", " + (i / rows) + ") is not finite: " + d[i]);
      }
    }
  }
}
