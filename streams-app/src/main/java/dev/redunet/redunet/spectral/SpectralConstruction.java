package dev.redunet.redunet.spectral;

import java.util.ArrayList;
import java.util.List;

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
    void layerDone(
        int index, SpectralLayer layer, SpectralRates inputRates, SpectralLayer.Output step);
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
      List<SpectralRates> inputRates) {

    /** Copies the lists. */
    public Result {
      layers = List.copyOf(layers);
      passengerFeatures = List.copyOf(passengerFeatures);
      inputRates = List.copyOf(inputRates);
    }
  }

  /**
   * Builds L layers.
   *
   * @param train preprocessed (normalised) training features
   * @param labels their labels in [0, classes)
   * @param classes k
   * @param depth L ≥ 0
   * @param parameters ε², η, λ
   * @param membership how training samples are weighted in the update
   * @param passengers preprocessed batches to move through every layer with π̂ (may be empty)
   * @param keepLayers whether to return the layers (memory grows with L)
   * @param workers threads
   * @param listener called after every layer (may be null)
   */
  public static Result run(
      SpectralBatch train,
      int[] labels,
      int classes,
      int depth,
      SpectralParameters parameters,
      TrainingMembership membership,
      List<SpectralBatch> passengers,
      boolean keepLayers,
      Workers workers,
      Listener listener) {
    if (depth < 0) {
      throw new IllegalArgumentException("depth must be ≥ 0, got " + depth);
    }
    List<SpectralLayer> layers = new ArrayList<>();
    List<SpectralRates> rates = new ArrayList<>();
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
              SpectralStatistics.perClass(z, labels, classes, workers), parameters, workers);
      rates.add(layer.inputRates());
      SpectralLayer.Output step =
          layer.forward(
              z, membership == TrainingMembership.LABELS ? labels : null, workers, workspace);
      for (int p = 0; p < moving.size(); p++) {
        moving.set(
            p, layer.forward(moving.get(p), null, workers, passengerSpace.get(p)).features());
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
            SpectralStatistics.perClass(z, labels, classes, workers), parameters.epsSq(), workers));
    return new Result(layers, z, moving, rates);
  }
}
