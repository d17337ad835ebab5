package dev.redunet.learn;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingMode;
import dev.redunet.micl.MiclModel;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.LayerStatistics;
import dev.redunet.redunet.Provenance;
import dev.redunet.redunet.ReduNet;
import dev.redunet.redunet.VectorLayer;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralMicl;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.redunet.spectral.SpectralRates;
import dev.redunet.redunet.spectral.SpectralStatistics;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;

/**
 * Builds model versions from statistics or from a buffer of samples (ARCHITECTURE.md §3). Pure: the
 * same inputs give the same model.
 *
 * <p>Every operator is built from the statistics rescaled to the reference size m: a layer built
 * from statistics with total count N uses (m/N)·S_j and (m/N)·m_j, so α = d/(m ε²), α_j = d/(γ_j m
 * ε²) and γ_j = m_j/N. With N = m this is exactly the batch construction (REDUNET_SPEC §2.1); with
 * cumulative statistics the step neither vanishes as N grows nor follows the noise of one window
 * (CALIBRATION.md).
 *
 * <p>With the spectral network ({@link LearnerSettings#spectral()}) the same holds per frequency: a
 * spectral layer (REDUNET_SPEC §3.2) is built from the per-class {@link SpectralStatistics} of its
 * input rescaled to m samples (α = C/(m ε²), α_j = C/(m_j ε²) on the rescaled counts), and the
 * classifier is the shift-invariant {@link SpectralMicl} on the output statistics (MICL_SPEC §9).
 *
 * <p>The kernels run on the builder's {@link MathExecutor}; the model does not depend on its
 * threads.
 */
public final class ModelBuilder {

  private final LearnerSettings settings;
  private final MathExecutor math;

  /** A builder with these settings, on the calling thread. */
  public ModelBuilder(LearnerSettings settings) {
    this(settings, MathExecutor.sequential());
  }

  /** A builder with these settings whose kernels run on {@code math}. */
  public ModelBuilder(LearnerSettings settings, MathExecutor math) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.math = Objects.requireNonNull(math, "math");
  }

  /** A model and the statistics of the samples it was built from. */
  public record Built(StreamingModel model, ModelStatistics statistics) {}

  /**
   * The first model, from the first window's labelled samples: fits the projection (when the
   * settings ask for one and none is given), then runs the forward construction on the window —
   * layer ℓ+1 from the statistics of z_ℓ, then z_{ℓ+1} = layer(z_ℓ) — and fits MICL on the output.
   *
   * @param version the version of the model
   * @param raw D × n raw samples, n ≥ 1
   * @param labels class indices, one per sample
   * @param classNames the name of every class index
   * @param projection a frozen projection to reuse, or empty to fit one if the settings ask
   */
  public Built construct(
      long version,
      Matrix raw,
      int[] labels,
      List<String> classNames,
      Optional<Projection> projection) {
    if (labels.length != raw.cols() || labels.length == 0) {
      throw new IllegalArgumentException(
          labels.length + " labels for a " + raw.shape() + " batch (need one per sample, ≥ 1)");
    }
    if (settings.spectral()) {
      if (projection.isPresent()) {
        throw new IllegalArgumentException("a spectral model takes no projection");
      }
      return constructSpectral(version, raw, labels, classNames);
    }
    Optional<Projection> proj =
        projection.isPresent() || !settings.projects(raw.rows())
            ? projection
            : Optional.of(Projection.fit(raw.transpose().toRows(), settings.projectionDimension()));
    Matrix z = proj.map(p -> p.apply(raw)).orElseGet(raw::normalizeColumns);
    int[] train = settings.membership() == TrainingMembership.LABELS ? labels : null;
    List<Matrix> depths = new ArrayList<>();
    List<VectorLayer> layers = new ArrayList<>();
    depths.add(z);
    for (int l = 0; l < settings.layers(); l++) {
      VectorLayer layer = layer(LayerStatistics.of(z, labels, math));
      z = layer.forward(z, train, math).features();
      layers.add(layer);
      depths.add(z);
    }
    Matrix output = z;
    if (train != null) {
      output = depths.get(0);
      for (VectorLayer layer : layers) {
        output = layer.apply(output, math);
      }
    }
    ModelStatistics stats = ModelStatistics.of(depths, output, labels, math);
    return new Built(
        assemble(version, raw.rows(), proj, layers, stats, stats.output(), classNames), stats);
  }

  /**
   * A model whose layers are the forward construction on a buffer of samples (the {@code replay}
   * construction) and whose MICL classifier comes from accumulated output statistics.
   *
   * @param version the version
   * @param raw D × n buffered raw samples
   * @param labels their class indices
   * @param classNames the name of every class index
   * @param projection the frozen projection of the model in force
   * @param statistics the accumulated statistics whose output part feeds MICL (the layers' rates
   *     come from the buffer)
   */
  public StreamingModel replay(
      long version,
      Matrix raw,
      int[] labels,
      List<String> classNames,
      Optional<Projection> projection,
      ModelStatistics statistics) {
    Built built = construct(version, raw, labels, classNames, projection);
    if (settings.spectral()) {
      return assembleSpectral(
          version,
          built.model().network().layers().stream().map(SpectralLayer.class::cast).toList(),
          built.statistics(),
          statistics.spectralOutput(),
          classNames);
    }
    return assemble(
        version,
        raw.rows(),
        projection,
        built.model().network().layers().stream().map(VectorLayer.class::cast).toList(),
        built.statistics(),
        statistics.output(),
        classNames);
  }

  /**
   * A model rebuilt from accumulated statistics (the {@code statistics} construction): layer ℓ+1
   * from the statistics of z_ℓ, MICL from the output statistics.
   *
   * @param version the version
   * @param inputDimension D
   * @param projection the frozen projection
   * @param statistics the statistics, not empty
   * @param classNames the name of every class index
   */
  public StreamingModel fromStatistics(
      long version,
      int inputDimension,
      Optional<Projection> projection,
      ModelStatistics statistics,
      List<String> classNames) {
    if (statistics.layers() != settings.layers()) {
      throw new IllegalArgumentException(
          "statistics for " + statistics.layers() + " layers, settings ask " + settings.layers());
    }
    if (settings.spectral()) {
      List<SpectralLayer> layers = new ArrayList<>(settings.layers());
      for (int l = 0; l < settings.layers(); l++) {
        layers.add(spectralLayer(statistics.spectralDepth(l)));
      }
      return assembleSpectral(version, layers, statistics, statistics.spectralOutput(), classNames);
    }
    List<VectorLayer> layers = new ArrayList<>(settings.layers());
    for (int l = 0; l < settings.layers(); l++) {
      layers.add(layer(statistics.depth(l)));
    }
    return assemble(
        version, inputDimension, projection, layers, statistics, statistics.output(), classNames);
  }

  /**
   * The spectral forward construction on a window (SpectralConstruction's loop, with every layer
   * built from the statistics rescaled to the reference size): z₀ = the normalised DFT of the
   * (lifted) samples, layer ℓ+1 from the per-class statistics of z_ℓ, z_{ℓ+1} = layer(z_ℓ).
   */
  private Built constructSpectral(long version, Matrix raw, int[] labels, List<String> classNames) {
    SpectralInput input = SpectralInput.of(settings);
    int classes = Math.max(classNames.size(), java.util.Arrays.stream(labels).max().orElse(-1) + 1);
    int[] train = settings.membership() == TrainingMembership.LABELS ? labels : null;
    SpectralBatch z = input.prepare(raw, math);
    List<SpectralBatch> depths = new ArrayList<>();
    List<SpectralLayer> layers = new ArrayList<>();
    depths.add(z);
    SpectralLayer.Workspace workspace = new SpectralLayer.Workspace();
    for (int l = 0; l < settings.layers(); l++) {
      SpectralLayer layer =
          spectralLayer(List.of(SpectralStatistics.perClass(z, labels, classes, math)));
      z = layer.forward(z, train, math, workspace).features();
      layers.add(layer);
      depths.add(z);
    }
    SpectralBatch output = z;
    if (train != null) {
      output = depths.get(0);
      for (SpectralLayer layer : layers) {
        output = layer.forward(output, null, math, workspace).features();
      }
    }
    ModelStatistics stats = ModelStatistics.ofSpectral(depths, output, labels, classes, math);
    return new Built(
        assembleSpectral(version, layers, stats, stats.spectralOutput(), classNames), stats);
  }

  /** A spectral layer from per-class statistics rescaled to the reference size. */
  private SpectralLayer spectralLayer(List<SpectralStatistics> perClass) {
    return SpectralLayer.build(
        atReferenceSize(perClass),
        IntStream.range(0, perClass.size()).toArray(),
        new SpectralParameters(settings.epsSq(), settings.eta(), settings.lambda()),
        math);
  }

  /** The statistics scaled by m/N, N their total count, m the reference size. */
  private SpectralStatistics[] atReferenceSize(List<SpectralStatistics> perClass) {
    double n = perClass.stream().mapToDouble(SpectralStatistics::count).sum();
    if (!(n > 0)) {
      throw new IllegalArgumentException("cannot build a layer from empty statistics");
    }
    double factor = settings.effectiveReferenceSize() / n;
    return perClass.stream().map(x -> x.scaled(factor)).toArray(SpectralStatistics[]::new);
  }

  private StreamingModel assembleSpectral(
      long version,
      List<SpectralLayer> layers,
      ModelStatistics stats,
      List<SpectralStatistics> output,
      List<String> classNames) {
    List<Rates> rates = new ArrayList<>(layers.size());
    for (int l = 1; l <= layers.size(); l++) {
      rates.add(SpectralRates.of(atReferenceSize(stats.spectralDepth(l)), settings.epsSq(), math));
    }
    Rates inputRates =
        SpectralRates.of(atReferenceSize(stats.spectralDepth(0)), settings.epsSq(), math);
    List<SpectralStatistics> input = stats.spectralDepth(0);
    int[] present =
        IntStream.range(0, input.size()).filter(j -> input.get(j).count() > 0).toArray();
    double[] counts = new double[present.length];
    for (int j = 0; j < present.length; j++) {
      counts[j] = input.get(present[j]).count();
    }
    Provenance provenance =
        new Provenance("stream", OptionalLong.empty(), settings.asMap(), present, counts);
    ReduNet network = new ReduNet(layers, provenance, inputRates, rates);
    SpectralMicl micl =
        SpectralMicl.build(
            output.toArray(SpectralStatistics[]::new),
            settings.miclEpsSq(),
            CodingMode.AFFINE,
            math);
    return StreamingModel.spectral(
        version, SpectralInput.of(settings), network, micl, classNames, rates);
  }

  private VectorLayer layer(LayerStatistics stats) {
    return VectorLayer.fromStatistics(
        atReferenceSize(stats), settings.epsSq(), settings.eta(), settings.lambda(), math);
  }

  private LayerStatistics atReferenceSize(LayerStatistics stats) {
    double n = stats.totalCount();
    if (!(n > 0)) {
      throw new IllegalArgumentException("cannot build a layer from empty statistics");
    }
    return stats.scale(settings.effectiveReferenceSize() / n);
  }

  private StreamingModel assemble(
      long version,
      int inputDimension,
      Optional<Projection> projection,
      List<VectorLayer> layers,
      ModelStatistics stats,
      List<ClassStatistics> output,
      List<String> classNames) {
    List<Rates> rates = new ArrayList<>(layers.size());
    for (int l = 1; l <= layers.size(); l++) {
      rates.add(atReferenceSize(stats.depth(l)).rates(settings.epsSq(), math));
    }
    Rates inputRates = atReferenceSize(stats.depth(0)).rates(settings.epsSq(), math);
    LayerStatistics input = stats.depth(0);
    int[] present = input.labels();
    double[] counts = new double[present.length];
    for (int j = 0; j < present.length; j++) {
      counts[j] = input.count(present[j]);
    }
    Provenance provenance =
        new Provenance("stream", OptionalLong.empty(), settings.asMap(), present, counts);
    ReduNet network = new ReduNet(layers, provenance, inputRates, rates);
    MiclModel micl = MiclModel.build(output, settings.miclEpsSq(), CodingMode.AFFINE, math);
    return new StreamingModel(
        version, inputDimension, projection, network, micl, classNames, rates);
  }
}
