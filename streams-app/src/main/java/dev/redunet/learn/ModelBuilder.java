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
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

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
    List<VectorLayer> layers = new ArrayList<>(settings.layers());
    for (int l = 0; l < settings.layers(); l++) {
      layers.add(layer(statistics.depth(l)));
    }
    return assemble(
        version, inputDimension, projection, layers, statistics, statistics.output(), classNames);
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
