package dev.redunet.learn;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.redunet.LayerStatistics;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralStatistics;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The sufficient statistics the streaming learner accumulates (ARCHITECTURE.md §3): for every
 * labelled sample, the per-class statistics (count, scatter) of the features z_ℓ at every depth ℓ =
 * 0 … L (z₀ enters layer 1, z_L is the output), and the centred per-class statistics of the output
 * z_L for MICL. An immutable monoid: {@link #empty}, {@link #add}, {@link #merge}, {@link #scale}.
 *
 * <p>For a spectral network ({@link #ofSpectral}) the statistics at every depth are instead, per
 * class, the per-frequency C × C Hermitian statistics {@link SpectralStatistics} of the features in
 * the frequency domain (half spectrum), and those of the output z_L at inference feed the spectral
 * MICL. They merge and scale the same way.
 */
public final class ModelStatistics {

  private final List<LayerStatistics> depths;
  private final List<ClassStatistics> output;
  private final List<List<SpectralStatistics>> spectralDepths;
  private final List<SpectralStatistics> spectralOutput;
  private final long labelled;

  private ModelStatistics(
      List<LayerStatistics> depths, List<ClassStatistics> output, long labelled) {
    this(depths, output, List.of(), List.of(), labelled);
  }

  private ModelStatistics(
      List<LayerStatistics> depths,
      List<ClassStatistics> output,
      List<List<SpectralStatistics>> spectralDepths,
      List<SpectralStatistics> spectralOutput,
      long labelled) {
    this.depths = List.copyOf(depths);
    this.output = List.copyOf(output);
    this.spectralDepths = spectralDepths.stream().map(List::copyOf).toList();
    this.spectralOutput = List.copyOf(spectralOutput);
    this.labelled = labelled;
  }

  /**
   * The statistics of a batch for a spectral network: per depth and class the {@link
   * SpectralStatistics} of the features.
   *
   * @param depths z₀ … z_L of the batch on the training path (frequency domain), L + 1 batches
   * @param output z_L at inference (the last depth with softmax training membership)
   * @param labels class indices, one per sample
   * @param classes the number of class indices k (≥ every label + 1)
   * @param math the threads of the scatter kernels (the result does not depend on them)
   */
  public static ModelStatistics ofSpectral(
      List<SpectralBatch> depths,
      SpectralBatch output,
      int[] labels,
      int classes,
      MathExecutor math) {
    List<List<SpectralStatistics>> stats = new ArrayList<>(depths.size());
    for (SpectralBatch z : depths) {
      stats.add(List.of(SpectralStatistics.perClass(z, labels, classes, math)));
    }
    return new ModelStatistics(
        List.of(),
        List.of(),
        stats,
        List.of(SpectralStatistics.perClass(output, labels, classes, math)),
        labels.length);
  }

  /**
   * No statistics of a spectral network: L + 1 depths without classes, to which {@link
   * #mergeSpectralDepth} and {@link #mergeSpectralOutput} add (restoring statistics from parts).
   *
   * @param layers the number of layers L
   */
  public static ModelStatistics emptySpectral(int layers) {
    List<List<SpectralStatistics>> depths = new ArrayList<>(layers + 1);
    for (int l = 0; l <= layers; l++) {
      depths.add(List.of());
    }
    return new ModelStatistics(List.of(), List.of(), depths, List.of(), 0);
  }

  /**
   * These spectral statistics with {@code s} added to class {@code label} at depth ℓ (classes
   * missing up to it are added empty).
   *
   * @throws IllegalStateException for a vector network's statistics
   */
  public ModelStatistics mergeSpectralDepth(int depth, int label, SpectralStatistics s) {
    checkSpectral();
    List<List<SpectralStatistics>> next = new ArrayList<>(spectralDepths);
    next.set(depth, mergedClass(spectralDepths.get(depth), label, s));
    return new ModelStatistics(List.of(), List.of(), next, spectralOutput, labelled);
  }

  /**
   * These spectral statistics with {@code s} added to the output statistics of class {@code label}
   * (classes missing up to it are added empty).
   *
   * @throws IllegalStateException for a vector network's statistics
   */
  public ModelStatistics mergeSpectralOutput(int label, SpectralStatistics s) {
    checkSpectral();
    return new ModelStatistics(
        List.of(), List.of(), spectralDepths, mergedClass(spectralOutput, label, s), labelled);
  }

  private static List<SpectralStatistics> mergedClass(
      List<SpectralStatistics> classes, int label, SpectralStatistics s) {
    if (label < 0) {
      throw new IllegalArgumentException("class index must be ≥ 0, got " + label);
    }
    List<SpectralStatistics> out = new ArrayList<>(classes);
    while (out.size() <= label) {
      out.add(SpectralStatistics.empty(s.grid(), s.channels()));
    }
    out.set(label, out.get(label).plus(s));
    return out;
  }

  /** Whether these are the statistics of a spectral network. */
  public boolean isSpectral() {
    return !spectralDepths.isEmpty();
  }

  /**
   * The spectral statistics at depth ℓ ∈ [0, L], by class index.
   *
   * @throws IllegalStateException for a vector network's statistics
   */
  public List<SpectralStatistics> spectralDepth(int l) {
    checkSpectral();
    return spectralDepths.get(l);
  }

  /**
   * The spectral statistics of the output z_L at inference, by class index.
   *
   * @throws IllegalStateException for a vector network's statistics
   */
  public List<SpectralStatistics> spectralOutput() {
    checkSpectral();
    return spectralOutput;
  }

  private void checkSpectral() {
    if (!isSpectral()) {
      throw new IllegalStateException("these are a vector network's statistics");
    }
  }

  /**
   * No statistics.
   *
   * @param dimension the feature dimension d of the layers (p after a projection)
   * @param layers the number of layers L; statistics are kept at the L + 1 depths 0 … L
   */
  public static ModelStatistics empty(int dimension, int layers) {
    List<LayerStatistics> depths = new ArrayList<>(layers + 1);
    for (int l = 0; l <= layers; l++) {
      depths.add(LayerStatistics.empty(dimension));
    }
    return new ModelStatistics(depths, List.of(), 0);
  }

  /**
   * The statistics of a batch.
   *
   * @param depths z₀ … z_L of the batch on the training path, L + 1 matrices d × m
   * @param output the output features z_L at inference (equal to the last depth with softmax
   *     training membership), d × m
   * @param labels class indices, one per column
   */
  public static ModelStatistics of(List<Matrix> depths, Matrix output, int[] labels) {
    return of(depths, output, labels, MathExecutor.sequential());
  }

  /**
   * {@link #of(List, Matrix, int[])} with the scatters computed on the executor's threads (the
   * result does not depend on them).
   */
  public static ModelStatistics of(
      List<Matrix> depths, Matrix output, int[] labels, MathExecutor math) {
    List<LayerStatistics> stats = new ArrayList<>(depths.size());
    for (Matrix z : depths) {
      stats.add(LayerStatistics.of(z, labels, math));
    }
    int k = Arrays.stream(labels).max().orElse(-1) + 1;
    List<List<double[]>> perClass = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      perClass.add(new ArrayList<>());
    }
    for (int i = 0; i < labels.length; i++) {
      perClass.get(labels[i]).add(output.column(i));
    }
    List<ClassStatistics> out = new ArrayList<>(k);
    for (List<double[]> rows : perClass) {
      out.add(
          rows.isEmpty()
              ? ClassStatistics.empty(output.rows())
              : ClassStatistics.of(rows.toArray(double[][]::new)));
    }
    return new ModelStatistics(stats, out, labels.length);
  }

  /**
   * These statistics plus one labelled sample.
   *
   * @param features z₀ … z_L of the sample on the training path (L + 1 vectors of dimension d); not
   *     modified
   * @param outputFeatures z_L of the sample at inference (the same as the last of {@code features}
   *     with softmax training membership); not modified
   * @param label the class index ≥ 0
   */
  public ModelStatistics add(List<double[]> features, double[] outputFeatures, int label) {
    if (features.size() != depths.size()) {
      throw new IllegalArgumentException(
          features.size() + " feature vectors for statistics at " + depths.size() + " depths");
    }
    if (label < 0) {
      throw new IllegalArgumentException("class index must be ≥ 0, got " + label);
    }
    List<LayerStatistics> next = new ArrayList<>(depths.size());
    for (int l = 0; l < depths.size(); l++) {
      next.add(depths.get(l).add(label, features.get(l)));
    }
    List<ClassStatistics> out = grown(output, label + 1, dimension());
    out.set(label, out.get(label).plus(outputFeatures));
    return new ModelStatistics(next, out, labelled + 1);
  }

  /** The sum of both statistics (the monoid operation). */
  public ModelStatistics merge(ModelStatistics other) {
    if (isSpectral() || other.isSpectral()) {
      return mergeSpectral(other);
    }
    if (other.depths.size() != depths.size() || other.dimension() != dimension()) {
      throw new IllegalArgumentException(
          "cannot merge statistics of "
              + depths.size()
              + " depths × d="
              + dimension()
              + " with "
              + other.depths.size()
              + " depths × d="
              + other.dimension());
    }
    List<LayerStatistics> next = new ArrayList<>(depths.size());
    for (int l = 0; l < depths.size(); l++) {
      next.add(depths.get(l).merge(other.depths.get(l)));
    }
    int k = Math.max(output.size(), other.output.size());
    List<ClassStatistics> out = grown(output, k, dimension());
    for (int j = 0; j < other.output.size(); j++) {
      out.set(j, out.get(j).merge(other.output.get(j)));
    }
    return new ModelStatistics(next, out, labelled + other.labelled);
  }

  private ModelStatistics mergeSpectral(ModelStatistics other) {
    if (!isSpectral()
        || !other.isSpectral()
        || other.spectralDepths.size() != spectralDepths.size()) {
      throw new IllegalArgumentException(
          "cannot merge " + this + " with " + other + " (network or depth differ)");
    }
    List<List<SpectralStatistics>> next = new ArrayList<>(spectralDepths.size());
    for (int l = 0; l < spectralDepths.size(); l++) {
      next.add(sum(spectralDepths.get(l), other.spectralDepths.get(l)));
    }
    return new ModelStatistics(
        List.of(),
        List.of(),
        next,
        sum(spectralOutput, other.spectralOutput),
        labelled + other.labelled);
  }

  /** Per class index, the sum (classes only one side knows are taken as they are). */
  private static List<SpectralStatistics> sum(
      List<SpectralStatistics> a, List<SpectralStatistics> b) {
    List<SpectralStatistics> out = new ArrayList<>(Math.max(a.size(), b.size()));
    for (int j = 0; j < Math.max(a.size(), b.size()); j++) {
      out.add(j >= a.size() ? b.get(j) : j >= b.size() ? a.get(j) : a.get(j).plus(b.get(j)));
    }
    return out;
  }

  /** These statistics with {@code s} added at depth ℓ. */
  public ModelStatistics mergeDepth(int depth, LayerStatistics s) {
    List<LayerStatistics> next = new ArrayList<>(depths);
    next.set(depth, depths.get(depth).merge(s));
    return new ModelStatistics(next, output, labelled);
  }

  /** These statistics with {@code s} added to the output statistics of class {@code label}. */
  public ModelStatistics mergeOutput(int label, ClassStatistics s) {
    List<ClassStatistics> out = grown(output, label + 1, dimension());
    out.set(label, out.get(label).merge(s));
    return new ModelStatistics(depths, out, labelled);
  }

  /** These statistics counting {@code n} more labelled samples. */
  public ModelStatistics plusLabelled(long n) {
    return new ModelStatistics(depths, output, spectralDepths, spectralOutput, labelled + n);
  }

  /** Every count and scatter multiplied by {@code factor} ∈ [0, ∞) (exponential forgetting). */
  public ModelStatistics scale(double factor) {
    if (isSpectral()) {
      List<List<SpectralStatistics>> next = new ArrayList<>(spectralDepths.size());
      for (List<SpectralStatistics> depth : spectralDepths) {
        next.add(depth.stream().map(x -> x.scaled(factor)).toList());
      }
      return new ModelStatistics(
          List.of(),
          List.of(),
          next,
          spectralOutput.stream().map(x -> x.scaled(factor)).toList(),
          labelled);
    }
    List<LayerStatistics> next = new ArrayList<>(depths.size());
    for (LayerStatistics s : depths) {
      next.add(s.scale(factor));
    }
    List<ClassStatistics> out = new ArrayList<>(output.size());
    for (ClassStatistics s : output) {
      out.add(s.scaled(factor));
    }
    return new ModelStatistics(next, out, labelled);
  }

  private static List<ClassStatistics> grown(List<ClassStatistics> list, int size, int d) {
    List<ClassStatistics> out = new ArrayList<>(list);
    while (out.size() < size) {
      out.add(ClassStatistics.empty(d));
    }
    return out;
  }

  /**
   * The feature dimension d (C·H·W of the layers' samples for a spectral network; 0 for spectral
   * statistics without classes).
   */
  public int dimension() {
    if (isSpectral()) {
      if (spectralDepths.get(0).isEmpty()) {
        return 0;
      }
      SpectralStatistics s = spectralDepths.get(0).get(0);
      return s.channels() * s.grid().fullSize();
    }
    return depths.get(0).dimension();
  }

  /** The number of layers L (statistics are kept at L + 1 depths). */
  public int layers() {
    return (isSpectral() ? spectralDepths.size() : depths.size()) - 1;
  }

  /** The statistics of the features at depth ℓ ∈ [0, L]. */
  public LayerStatistics depth(int l) {
    return depths.get(l);
  }

  /** The centred statistics of the output features, by class index (classes seen so far). */
  public List<ClassStatistics> output() {
    return output;
  }

  /** How many labelled samples were added (not scaled by forgetting). */
  public long labelled() {
    return labelled;
  }

  /** Whether no sample was added. */
  public boolean isEmpty() {
    return labelled == 0;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelStatistics other
        && labelled == other.labelled
        && depths.equals(other.depths)
        && output.equals(other.output)
        && spectralDepths.equals(other.spectralDepths)
        && spectralOutput.equals(other.spectralOutput);
  }

  @Override
  public int hashCode() {
    return Objects.hash(depths, output, spectralDepths, spectralOutput, labelled);
  }

  @Override
  public String toString() {
    return "ModelStatistics[d=" + dimension() + ", L=" + layers() + ", labelled=" + labelled + "]";
  }
}
