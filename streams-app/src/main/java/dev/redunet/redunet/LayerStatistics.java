package dev.redunet.redunet;

import dev.redunet.linalg.DoubleIo;
import dev.redunet.linalg.Gemm;
import dev.redunet.linalg.Kernels;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.Rates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The per-class sufficient statistics that build one vector ReduNet layer: for every class j the
 * count m_j and the (uncentred) scatter S_j = Σ_{i ∈ j} z_i z_iᵀ (d × d). The total scatter Z Zᵀ is
 * their sum, so it is never accumulated separately (REDUNET_SPEC §2.1).
 *
 * <p>An immutable commutative monoid: {@link #empty}, {@link #add} (one sample), {@link #merge}
 * (sum), and {@link #scale} (exponential forgetting: count and scatter times a factor). Counts are
 * real numbers so that scaled statistics stay statistics. A class whose count is zero is not
 * stored: it does not appear in {@link #labels()} and a layer built from these statistics leaves it
 * out.
 *
 * <p>Serialized form ({@link #write}): magic {@code "RDST"}, version 1, d, the number of classes,
 * then per class its label, its count and the upper triangle of S_j row by row (d(d+1)/2 doubles).
 */
public final class LayerStatistics {

  static final int MAGIC = 0x52445354; // "RDST"
  static final int VERSION = 1;

  /** Samples per scatter chunk; fixed so that results do not depend on the thread count. */
  private static final int CHUNK = 1024;

  private final int dimension;
  private final SortedMap<Integer, ClassStatistics> classes;

  /** One class: its count and its full symmetric d × d scatter, row-major (owned, never shared). */
  static final class ClassStatistics {
    private final double count;
    private final double[] scatter;

    ClassStatistics(double count, double[] scatter) {
      this.count = count;
      this.scatter = scatter;
    }

    double count() {
      return count;
    }

    double[] scatter() {
      return scatter;
    }
  }

  private LayerStatistics(int dimension, SortedMap<Integer, ClassStatistics> classes) {
    this.dimension = dimension;
    this.classes = Collections.unmodifiableSortedMap(classes);
  }

  /** The statistics of no sample, for features of dimension d. */
  public static LayerStatistics empty(int dimension) {
    if (dimension <= 0) {
      throw new IllegalArgumentException("dimension must be positive, got " + dimension);
    }
    return new LayerStatistics(dimension, new TreeMap<>());
  }

  /**
   * The statistics of a labelled batch: m_j = #{i : y_i = j}, S_j = Σ_{y_i = j} z_i z_iᵀ, computed
   * as symmetric rank-k updates (upper triangle, then mirrored), on the calling thread.
   *
   * @param z d × m, columns are samples
   * @param labels one label per column
   */
  public static LayerStatistics of(Matrix z, int[] labels) {
    return of(z, labels, MathExecutor.sequential());
  }

  /**
   * {@link #of(Matrix, int[])} on the executor's threads: one task per fixed chunk of {@value
   * #CHUNK} samples of a class, the chunks' scatters summed in chunk order (the result does not
   * depend on the threads).
   */
  public static LayerStatistics of(Matrix z, int[] labels, MathExecutor math) {
    if (labels.length != z.cols()) {
      throw new IllegalArgumentException(
          labels.length + " labels for a " + z.shape() + " batch (one label per column)");
    }
    int d = z.rows();
    int m = z.cols();
    int[] classLabels = Arrays.stream(labels).distinct().sorted().toArray();
    int k = classLabels.length;
    int[] start = new int[k + 1];
    for (int y : labels) {
      start[Arrays.binarySearch(classLabels, y) + 1]++;
    }
    for (int j = 0; j < k; j++) {
      start[j + 1] += start[j];
    }
    int[] fill = Arrays.copyOf(start, k);
    double[] src = z.toColumnMajor();
    double[] sorted = new double[m * d];
    for (int i = 0; i < m; i++) {
      int pos = fill[Arrays.binarySearch(classLabels, labels[i])]++;
      System.arraycopy(src, i * d, sorted, pos * d, d);
    }
    return ofSorted(sorted, d, classLabels, start, math);
  }

  /**
   * The statistics of samples already grouped by class: class j (label {@code classLabels[j]})
   * holds the samples at positions [start[j], start[j+1]) of the column-major array {@code z}.
   */
  static LayerStatistics ofSorted(
      double[] z, int d, int[] classLabels, int[] start, MathExecutor math) {
    int k = classLabels.length;
    int[] chunkClass = new int[0];
    int[] chunkStart = new int[0];
    int[] chunkEnd = new int[0];
    int chunks = 0;
    for (int j = 0; j < k; j++) {
      for (int s = start[j]; s < start[j + 1]; s += CHUNK) {
        if (chunks == chunkClass.length) {
          int cap = Math.max(8, 2 * chunks);
          chunkClass = Arrays.copyOf(chunkClass, cap);
          chunkStart = Arrays.copyOf(chunkStart, cap);
          chunkEnd = Arrays.copyOf(chunkEnd, cap);
        }
        chunkClass[chunks] = j;
        chunkStart[chunks] = s;
        chunkEnd[chunks] = Math.min(start[j + 1], s + CHUNK);
        chunks++;
      }
    }
    double[][] partial = new double[chunks][];
    int[] cs = chunkStart;
    int[] ce = chunkEnd;
    math.forEach(
        chunks,
        c -> {
          double[] s = new double[d * d];
          Gemm.syrkUpper(z, cs[c] * d, d, ce[c] - cs[c], d, s, 0, d, false);
          partial[c] = s;
        });
    SortedMap<Integer, ClassStatistics> map = new TreeMap<>();
    for (int c = 0; c < chunks; c++) {
      int j = chunkClass[c];
      ClassStatistics prev = map.get(classLabels[j]);
      if (prev == null) {
        map.put(classLabels[j], new ClassStatistics(start[j + 1] - start[j], partial[c]));
      } else {
        double[] s = prev.scatter();
        double[] p = partial[c];
        for (int i = 0; i < s.length; i++) {
          s[i] += p[i];
        }
      }
    }
    for (ClassStatistics cs2 : map.values()) {
      Kernels.mirrorUpper(cs2.scatter(), d);
    }
    return new LayerStatistics(d, map);
  }

  /**
   * These statistics plus one sample: m_y += 1, S_y += z zᵀ.
   *
   * @param z a sample of dimension d; not modified
   * @throws IllegalArgumentException on a wrong dimension or a non-finite entry
   */
  public LayerStatistics add(int label, double[] z) {
    checkSample(z);
    ClassStatistics prev = classes.get(label);
    double[] s = prev == null ? new double[dimension * dimension] : prev.scatter().clone();
    for (int i = 0; i < dimension; i++) {
      double zi = z[i];
      int row = i * dimension;
      for (int j = 0; j < dimension; j++) {
        s[row + j] += zi * z[j];
      }
    }
    TreeMap<Integer, ClassStatistics> map = new TreeMap<>(classes);
    map.put(label, new ClassStatistics((prev == null ? 0 : prev.count()) + 1, s));
    return new LayerStatistics(dimension, map);
  }

  /**
   * The statistics of one class from its count m_j and scatter S_j (for example read back from the
   * model export): S_j's upper triangle is read and mirrored.
   *
   * @param label the class label ≥ 0
   * @param count m_j &gt; 0
   * @param scatter S_j = Σ z zᵀ, d × d (rows); not modified
   * @throws IllegalArgumentException on a bad shape, count or a non-finite entry
   */
  public static LayerStatistics ofClass(int label, double count, double[][] scatter) {
    int d = scatter.length;
    if (d == 0 || label < 0 || !(count > 0) || !Double.isFinite(count)) {
      throw new IllegalArgumentException(
          "class " + label + ": count " + count + ", scatter of " + d + " rows");
    }
    double[] s = new double[d * d];
    for (int i = 0; i < d; i++) {
      if (scatter[i].length != d) {
        throw new IllegalArgumentException(
            "class " + label + ": scatter row " + i + " has " + scatter[i].length + " entries");
      }
      for (int j = i; j < d; j++) {
        double v = scatter[i][j];
        if (!Double.isFinite(v)) {
          throw new IllegalArgumentException("class " + label + ": non-finite scatter entry");
        }
        s[i * d + j] = v;
        s[j * d + i] = v;
      }
    }
    TreeMap<Integer, ClassStatistics> map = new TreeMap<>();
    map.put(label, new ClassStatistics(count, s));
    return new LayerStatistics(d, map);
  }

  /** The sum of both statistics, class by class (the monoid operation). */
  public LayerStatistics merge(LayerStatistics other) {
    if (other.dimension != dimension) {
      throw new IllegalArgumentException(
          "cannot merge statistics of dimension " + dimension + " and " + other.dimension);
    }
    TreeMap<Integer, ClassStatistics> map = new TreeMap<>(classes);
    for (Map.Entry<Integer, ClassStatistics> e : other.classes.entrySet()) {
      ClassStatistics mine = map.get(e.getKey());
      ClassStatistics theirs = e.getValue();
      if (mine == null) {
        map.put(e.getKey(), theirs);
      } else {
        double[] s = mine.scatter().clone();
        double[] t = theirs.scatter();
        for (int i = 0; i < s.length; i++) {
          s[i] += t[i];
        }
        map.put(e.getKey(), new ClassStatistics(mine.count() + theirs.count(), s));
      }
    }
    return new LayerStatistics(dimension, map);
  }

  /**
   * Every count and scatter multiplied by {@code factor} (exponential forgetting with factor in (0,
   * 1); a factor of 0 gives the empty statistics).
   *
   * @throws IllegalArgumentException if the factor is negative or not finite
   */
  public LayerStatistics scale(double factor) {
    if (!(factor >= 0) || !Double.isFinite(factor)) {
      throw new IllegalArgumentException("scale factor must be finite and ≥ 0, got " + factor);
    }
    TreeMap<Integer, ClassStatistics> map = new TreeMap<>();
    if (factor > 0) {
      for (Map.Entry<Integer, ClassStatistics> e : classes.entrySet()) {
        double[] s = e.getValue().scatter().clone();
        for (int i = 0; i < s.length; i++) {
          s[i] *= factor;
        }
        map.put(e.getKey(), new ClassStatistics(e.getValue().count() * factor, s));
      }
    }
    return new LayerStatistics(dimension, map);
  }

  /**
   * The coding rates of the features these statistics describe, with the true labels (REDUNET_SPEC
   * §2.5 with classes = labels): R = ½ log det(I + d/(m ε²) S), R^c = Σ_j (m_j/m) ½ log det(I +
   * d/(m_j ε²) S_j), ΔR = R − R^c, in nats, where m = Σ m_j and S = Σ S_j.
   *
   * @param epsSq ε² &gt; 0
   * @throws IllegalArgumentException if the statistics are empty
   */
  public Rates rates(double epsSq) {
    return rates(epsSq, MathExecutor.sequential());
  }

  /**
   * {@link #rates(double)} with the k + 1 factorizations on the executor's threads (the result does
   * not depend on them).
   */
  public Rates rates(double epsSq, MathExecutor math) {
    return StatisticsFactors.of(this, epsSq, true, math).trueLabelRates();
  }

  /**
   * The statistics of one class alone (empty if the class has none): the unit in which the
   * streaming learner stores and ships statistics, so that no record holds k·d² numbers.
   */
  public LayerStatistics onlyClass(int label) {
    TreeMap<Integer, ClassStatistics> map = new TreeMap<>();
    ClassStatistics c = classes.get(label);
    if (c != null) {
      map.put(label, c);
    }
    return new LayerStatistics(dimension, map);
  }

  /** The dimension d of the samples. */
  public int dimension() {
    return dimension;
  }

  /** The labels of the classes with a positive count, increasing. */
  public int[] labels() {
    return classes.keySet().stream().mapToInt(Integer::intValue).toArray();
  }

  /** Whether no sample has been seen. */
  public boolean isEmpty() {
    return classes.isEmpty();
  }

  /** m_j, or 0 for an unseen class. */
  public double count(int label) {
    ClassStatistics c = classes.get(label);
    return c == null ? 0 : c.count();
  }

  /** m = Σ_j m_j. */
  public double totalCount() {
    double m = 0;
    for (ClassStatistics c : classes.values()) {
      m += c.count();
    }
    return m;
  }

  /** A copy of S_j (row-major d × d), zero for an unseen class. */
  public double[] scatter(int label) {
    ClassStatistics c = classes.get(label);
    return c == null ? new double[dimension * dimension] : c.scatter().clone();
  }

  /** Direct access to the classes for the builders of this package (do not modify). */
  SortedMap<Integer, ClassStatistics> classes() {
    return classes;
  }

  /** Largest absolute difference of counts and scatter entries to {@code other}, class by class. */
  public double maxAbsDifference(LayerStatistics other) {
    if (other.dimension != dimension || !other.classes.keySet().equals(classes.keySet())) {
      return Double.POSITIVE_INFINITY;
    }
    double m = 0;
    for (Map.Entry<Integer, ClassStatistics> e : classes.entrySet()) {
      ClassStatistics o = other.classes.get(e.getKey());
      m = Math.max(m, Math.abs(o.count() - e.getValue().count()));
      double[] a = e.getValue().scatter();
      double[] b = o.scatter();
      for (int i = 0; i < a.length; i++) {
        m = Math.max(m, Math.abs(a[i] - b[i]));
      }
    }
    return m;
  }

  /** Writes the serialized form (see the class comment). */
  public void write(DataOutput out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    out.writeInt(dimension);
    out.writeInt(classes.size());
    for (Map.Entry<Integer, ClassStatistics> e : classes.entrySet()) {
      out.writeInt(e.getKey());
      out.writeDouble(e.getValue().count());
      DoubleIo.write(out, Kernels.packUpper(e.getValue().scatter(), dimension));
    }
  }

  /**
   * Reads the serialized form.
   *
   * @throws IOException on a wrong magic number or version, or on invalid values
   */
  public static LayerStatistics read(DataInput in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException("not layer statistics: magic " + Integer.toHexString(magic));
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unsupported layer statistics version " + version);
    }
    int d = in.readInt();
    int k = in.readInt();
    if (d <= 0 || k < 0) {
      throw new IOException("invalid layer statistics header: d=" + d + ", classes=" + k);
    }
    TreeMap<Integer, ClassStatistics> map = new TreeMap<>();
    for (int j = 0; j < k; j++) {
      int label = in.readInt();
      double count = in.readDouble();
      if (!(count > 0) || !Double.isFinite(count)) {
        throw new IOException("class " + label + " has an invalid count " + count);
      }
      double[] packed = DoubleIo.read(in, d * (d + 1) / 2);
      for (int i = 0; i < packed.length; i++) {
        if (!Double.isFinite(packed[i])) {
          throw new IOException("class " + label + " has a non-finite scatter entry");
        }
      }
      map.put(label, new ClassStatistics(count, Kernels.unpackUpper(packed, d)));
    }
    return new LayerStatistics(d, map);
  }

  /** The serialized form as bytes. */
  public byte[] toBytes() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads statistics from {@link #toBytes()}. */
  public static LayerStatistics fromBytes(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return read(in);
    }
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof LayerStatistics)) {
      return false;
    }
    LayerStatistics other = (LayerStatistics) o;
    if (other.dimension != dimension || !other.classes.keySet().equals(classes.keySet())) {
      return false;
    }
    for (Map.Entry<Integer, ClassStatistics> e : classes.entrySet()) {
      ClassStatistics c = other.classes.get(e.getKey());
      if (Double.compare(c.count(), e.getValue().count()) != 0
          || !Arrays.equals(c.scatter(), e.getValue().scatter())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = dimension;
    for (Map.Entry<Integer, ClassStatistics> e : classes.entrySet()) {
      h = 31 * h + e.getKey();
      h = 31 * h + Double.hashCode(e.getValue().count());
      h = 31 * h + Arrays.hashCode(e.getValue().scatter());
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("LayerStatistics[d=").append(dimension);
    for (Map.Entry<Integer, ClassStatistics> e : classes.entrySet()) {
      sb.append(", ").append(e.getKey()).append(": ").append(e.getValue().count());
    }
    return sb.append(']').toString();
  }

  private void checkSample(double[] z) {
    if (z.length != dimension) {
      throw new IllegalArgumentException(
          "sample of dimension " + z.length + " for statistics of dimension " + dimension);
    }
    for (int i = 0; i < z.length; i++) {
      if (!Double.isFinite(z[i])) {
        throw new IllegalArgumentException("sample entry " + i + " is not finite: " + z[i]);
      }
    }
  }
}
