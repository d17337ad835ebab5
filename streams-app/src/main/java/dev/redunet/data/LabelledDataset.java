package dev.redunet.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A labelled data set in stream order: {@code m} samples of dimension {@code d} and one label per
 * sample.
 *
 * <p>Layout: {@link #sample(int)} is one sample (a vector of length {@code d}); {@link
 * #toColumns()} gives the {@code d × m} matrix whose columns are the samples (the project's matrix
 * convention). Labels are strings; the distinct labels, sorted (numerically if they are all
 * integers, otherwise lexicographically), are the {@link #classes()}, and {@link #classIndex(int)}
 * is a sample's position in that list.
 *
 * <p>Immutable: the constructor validates and copies, accessors copy.
 */
public final class LabelledDataset {

  private final double[][] samples;
  private final String[] labels;
  private final List<String> classes;
  private final int[] classIndex;
  private final String source;

  /**
   * Validates and copies.
   *
   * @param samples {@code m ≥ 1} samples of the same length {@code d ≥ 1}, finite values
   * @param labels {@code m} non-empty labels
   * @param source where the data come from (a path or a name), for messages and provenance
   */
  public LabelledDataset(double[][] samples, String[] labels, String source) {
    this(deepCopy(samples), labels.clone(), source, true);
  }

  private LabelledDataset(double[][] samples, String[] labels, String source, boolean validate) {
    if (validate) {
      validate(samples, labels, source);
    }
    this.samples = samples;
    this.labels = labels;
    this.source = source;
    this.classes = sortedClasses(labels);
    Map<String, Integer> index = new HashMap<>();
    for (int c = 0; c < classes.size(); c++) {
      index.put(classes.get(c), c);
    }
    this.classIndex = new int[labels.length];
    for (int i = 0; i < labels.length; i++) {
      classIndex[i] = index.get(labels[i]);
    }
  }

  /** Takes ownership of arrays that the caller built and will not touch again; validates. */
  static LabelledDataset wrap(double[][] samples, String[] labels, String source) {
    validate(samples, labels, source);
    return new LabelledDataset(samples, labels, source, false);
  }

  /** Number of samples {@code m}. */
  public int size() {
    return samples.length;
  }

  /** Dimension {@code d} of every sample. */
  public int dimension() {
    return samples[0].length;
  }

  /** Where the data come from. */
  public String source() {
    return source;
  }

  /** A copy of sample {@code i}. */
  public double[] sample(int i) {
    return samples[i].clone();
  }

  /** A copy of all samples, {@code m × d} (one row per sample). */
  public double[][] toRows() {
    return deepCopy(samples);
  }

  /** The {@code d × m} matrix whose columns are the samples. */
  public double[][] toColumns() {
    int d = dimension();
    double[][] out = new double[d][samples.length];
    for (int j = 0; j < samples.length; j++) {
      for (int i = 0; i < d; i++) {
        out[i][j] = samples[j][i];
      }
    }
    return out;
  }

  /** The label of sample {@code i}. */
  public String label(int i) {
    return labels[i];
  }

  /** The class index of sample {@code i} (position of its label in {@link #classes()}). */
  public int classIndex(int i) {
    return classIndex[i];
  }

  /** A copy of the class index of every sample. */
  public int[] classIndices() {
    return classIndex.clone();
  }

  /** The distinct labels, sorted (unmodifiable). */
  public List<String> classes() {
    return classes;
  }

  /** Number of distinct labels. */
  public int numClasses() {
    return classes.size();
  }

  /** The first {@code n} samples (all if {@code n ≥ size()}). */
  public LabelledDataset head(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("head needs n ≥ 1, got " + n);
    }
    if (n >= samples.length) {
      return this;
    }
    return new LabelledDataset(
        Arrays.copyOf(samples, n), Arrays.copyOf(labels, n), source + " (first " + n + ")", false);
  }

  /** Every sample scaled to unit Euclidean norm, {@code x / ‖x‖}; an all-zero sample stays zero. */
  public LabelledDataset normalizedToUnitNorm() {
    double[][] out = new double[samples.length][];
    for (int i = 0; i < samples.length; i++) {
      out[i] = unitNorm(samples[i]);
    }
    return new LabelledDataset(out, labels, source + " (unit norm)", false);
  }

  /**
   * {@code x / ‖x‖₂}, a new array of the same length; an all-zero {@code x} gives zeros.
   *
   * @param x a sample, not modified
   */
  public static double[] unitNorm(double[] x) {
    double s = 0.0;
    for (double v : x) {
      s += v * v;
    }
    double inv = s > 0.0 ? 1.0 / Math.sqrt(s) : 0.0;
    double[] y = new double[x.length];
    for (int j = 0; j < x.length; j++) {
      y[j] = x[j] * inv;
    }
    return y;
  }

  @Override
  public String toString() {
    return "LabelledDataset["
        + source
        + ": "
        + samples.length
        + " samples, d="
        + dimension()
        + ", classes="
        + classes
        + "]";
  }

  private static void validate(double[][] samples, String[] labels, String source) {
    if (samples.length == 0) {
      throw new IllegalArgumentException(source + ": no samples");
    }
    if (labels.length != samples.length) {
      throw new IllegalArgumentException(
          source + ": " + samples.length + " samples but " + labels.length + " labels");
    }
    int d = samples[0].length;
    if (d == 0) {
      throw new IllegalArgumentException(source + ": samples have no features");
    }
    for (int i = 0; i < samples.length; i++) {
      if (samples[i].length != d) {
        throw new IllegalArgumentException(
            source + ": sample " + i + " has " + samples[i].length + " features, expected " + d);
      }
      for (int j = 0; j < d; j++) {
        if (!Double.isFinite(samples[i][j])) {
          throw new IllegalArgumentException(
              source + ": sample " + i + " feature " + j + " is " + samples[i][j]);
        }
      }
      if (labels[i] == null || labels[i].isEmpty()) {
        throw new IllegalArgumentException(source + ": sample " + i + " has no label");
      }
    }
  }

  private static List<String> sortedClasses(String[] labels) {
    TreeSet<String> distinct = new TreeSet<>(Arrays.asList(labels));
    List<String> out = new ArrayList<>(distinct);
    boolean numeric = true;
    for (String s : out) {
      if (!isInteger(s)) {
        numeric = false;
        break;
      }
    }
    if (numeric) {
      out.sort((a, b) -> new java.math.BigInteger(a).compareTo(new java.math.BigInteger(b)));
    }
    return Collections.unmodifiableList(out);
  }

  private static boolean isInteger(String s) {
    int start = s.startsWith("-") || s.startsWith("+") ? 1 : 0;
    if (start == s.length()) {
      return false;
    }
    for (int i = start; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static double[][] deepCopy(double[][] a) {
    double[][] out = new double[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }
}
