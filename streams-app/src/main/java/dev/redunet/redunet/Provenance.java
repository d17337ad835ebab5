package dev.redunet.redunet;

import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where a network came from: a description of the training data, the seed of any random choice that
 * produced it, the construction parameters (as named strings, so that every kind of network can
 * record its own), and the class labels with their training counts. Immutable.
 */
public final class Provenance {

  private final String source;
  private final OptionalLong seed;
  private final SortedMap<String, String> parameters;
  private final int[] classLabels;
  private final double[] classCounts;

  /**
   * Creates a provenance record.
   *
   * @param source a free-text description of the training data, e.g. {@code "gaussian2d"}
   * @param seed the seed of the data generation or sampling, if any
   * @param parameters the construction parameters by name; copied
   * @param classLabels the training class labels, increasing
   * @param classCounts the training samples per class, same order
   */
  public Provenance(
      String source,
      OptionalLong seed,
      Map<String, String> parameters,
      int[] classLabels,
      double[] classCounts) {
    this.source = Objects.requireNonNull(source, "source");
    this.seed = Objects.requireNonNull(seed, "seed");
    this.parameters = Collections.unmodifiableSortedMap(new TreeMap<>(parameters));
    if (classLabels.length != classCounts.length) {
      throw new IllegalArgumentException(
          classLabels.length + " class labels but " + classCounts.length + " class counts");
    }
    this.classLabels = classLabels.clone();
    this.classCounts = classCounts.clone();
  }

  /** The description of the training data. */
  public String source() {
    return source;
  }

  /** The seed of the data generation, if any. */
  public OptionalLong seed() {
    return seed;
  }

  /** The construction parameters by name (sorted, unmodifiable). */
  public SortedMap<String, String> parameters() {
    return parameters;
  }

  /** The training class labels, increasing. */
  public int[] classLabels() {
    return classLabels.clone();
  }

  /** The training samples per class, in the order of {@link #classLabels()}. */
  public double[] classCounts() {
    return classCounts.clone();
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Provenance)) {
      return false;
    }
    Provenance p = (Provenance) o;
    return p.source.equals(source)
        && p.seed.equals(seed)
        && p.parameters.equals(parameters)
        && Arrays.equals(p.classLabels, classLabels)
        && Arrays.equals(p.classCounts, classCounts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        source, seed, parameters, Arrays.hashCode(classLabels), Arrays.hashCode(classCounts));
  }

  @Override
  public String toString() {
    return "Provenance[source="
        + source
        + ", seed="
        + seed
        + ", parameters="
        + parameters
        + ", classes="
        + Arrays.toString(classLabels)
        + ", counts="
        + Arrays.toString(classCounts)
        + "]";
  }
}
