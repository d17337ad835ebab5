package dev.redunet.redunet.spectral;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.Provenance;
import dev.redunet.redunet.ReduNet;
import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Forward construction of a spectral ReduNet (the paper's algorithm; REDUNET_SPEC §2.4, §3): layer
 * ℓ is built from the per-class statistics of the training features Z_ℓ, then every training sample
 * is moved by it, and so on for L layers. Optional "passenger" batches (test sets) are moved
 * through each layer as soon as it is built, with π̂, so long runs need not keep the layers.
 */
public final class SpectralConstruction {

  private SpectralConstruction() {}

  /** Called after each layer. */
  @FunctionalInterface
  public interface Listener {
    /**
     * A layer was built and applied.
     *
     * @param index ℓ, from 0
     * @param layer the layer
     * @param inputRates R, R_c of its input (the statistics it was built from)
     * @param step the training output and π̂
     */
    void layerDone(int index, SpectralLayer layer, Rates inputRates, SpectralLayer.Output step);
  }

  /**
   * The result of a construction.
   *
   * @param layers the layers, or an empty list when they were not kept
   * @param trainFeatures the training features after the last layer (frequency domain)
   * @param passengerFeatures each passenger batch after the last layer
   * @param inputRates R, R_c of the input of each layer, then of the final output (L + 1 entries)
   */
  public record Result(
      List<SpectralLayer> layers,
      SpectralBatch trainFeatures,
      List<SpectralBatch> passengerFeatures,
      List<Rates> inputRates) {

    /** Copies the lists. */
    public Result {
      layers = List.copyOf(layers);
      passengerFeatures = List.copyOf(passengerFeatures);
      inputRates = List.copyOf(inputRates);
    }

    /**
     * The layers as a {@link ReduNet} (which holds vector and spectral layers alike): the rates of
     * the input, and of the output of every layer.
     *
     * @param provenance how it was built (see {@link SpectralConstruction#provenance})
     * @throws IllegalStateException if the layers were not kept
     */
    public ReduNet network(Provenance provenance) {
      if (layers.size() != inputRates.size() - 1) {
        throw new IllegalStateException("the construction did not keep its layers");
      }
      return new ReduNet(
          layers, provenance, inputRates.get(0), inputRates.subList(1, inputRates.size()));
    }
  }

  /**
   * The provenance of a spectral network: the data description and seed, the parameters (kind
   * "spectral", the sample shape, L, ε², η, λ, the training membership) and the class counts.
   */
  public static Provenance provenance(
      String source,
      OptionalLong seed,
      SignalShape shape,
      int layers,
      SpectralParameters parameters,
      TrainingMembership membership,
      int[] classLabels,
      double[] classCounts) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kind", "spectral");
    p.put("channels", Integer.toString(shape.channels()));
    p.put("height", Integer.toString(shape.height()));
    p.put("width", Integer.toString(shape.width()));
    p.put("layers", Integer.toString(layers));
    p.put("eps_sq", Double.toString(parameters.epsSq()));
    p.put("eta", Double.toString(parameters.eta()));
    p.put("lambda", Double.toString(parameters.lambda()));
    p.put("membership", membership.name().toLowerCase(Locale.ROOT));
    return new Provenance(source, seed, p, classLabels, classCounts);
  }

  /**
   * Builds L layers.
   *
   * @param train preprocessed (normalised) training features
   * @param labels their class indices in [0, k)
   * @param classLabels the label of each class index (k of them; the layers report them)
   * @param depth L ≥ 0
   * @param parameters ε², η, λ
   * @param membership how training samples are weighted in the update
   * @param passengers preprocessed batches to move through every layer with π̂ (may be empty)
   * @param keepLayers whether to return the layers (memory grows with L)
   * @param math the math of the kernels (the result does not depend on them)
   * @param listener called after every layer (may be null)
   */
  public static Result run(
      SpectralBatch train,
      int[] labels,
      int[] classLabels,
      int depth,
      SpectralParameters parameters,
      TrainingMembership membership,
      List<SpectralBatch> passengers,
      boolean keepLayers,
      MathExecutor math,
      Listener listener) {
    if (depth < 0) {
      throw new IllegalArgumentException("depth must be ≥ 0, got " + depth);
    }
    int classes = classLabels.length;
    List<SpectralLayer> layers = new ArrayList<>();
    List<Rates> rates = new ArrayList<>();
    List<SpectralBatch> moving = new ArrayList<>(passengers);
    SpectralBatch z = train;
    SpectralLayer.Workspace workspace = new SpectralLayer.Workspace();
    List<SpectralLayer.Workspace> passengerSpace = new ArrayList<>();
    for (int p = 0; p < moving.size(); p++) {
      passengerSpace.add(new SpectralLayer.Workspace());
    }
    for (int l = 0; l < depth; l++) {
      SpectralLayer layer =
          SpectralLayer.build(
              SpectralStatistics.perClass(z, labels, classes, math), classLabels, parameters, math);
      rates.add(layer.inputRates());
      SpectralLayer.Output step =
          layer.forward(
              z, membership == TrainingMembership.LABELS ? labels : null, math, workspace);
      for (int p = 0; p < moving.size(); p++) {
        moving.set(p, layer.forward(moving.get(p), null, math, passengerSpace.get(p)).features());
      }
      z = step.features();
      if (keepLayers) {
        layers.add(layer);
      }
      if (listener != null) {
        listener.layerDone(l, layer, layer.inputRates(), step);
      }
    }
    rates.add(
        SpectralRates.of(
            SpectralStatistics.perClass(z, labels, classes, math), parameters.epsSq(), math));
    return new Result(layers, z, moving, rates);
  }
}
