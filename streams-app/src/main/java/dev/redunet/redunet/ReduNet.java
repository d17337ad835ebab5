package dev.redunet.redunet;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.Rates;
import java.util.List;
import java.util.Objects;

/**
 * An immutable ReduNet: a sequence of layers with the provenance of their construction and the
 * coding rates recorded for every layer during construction (REDUNET_SPEC §2.4).
 *
 * <p>Inference ({@link #transform}): every sample is normalized, passed through every layer (each
 * renormalizes its output; test samples always use the soft membership π̂), and normalized again
 * after the last layer. There is no classifier head: the output is the feature Z_L.
 */
public final class ReduNet {

  private final List<Layer> layers;
  private final Provenance provenance;
  private final Rates inputRates;
  private final List<Rates> layerRates;

  /**
   * Creates a network.
   *
   * @param layers the layers, in order; consecutive dimensions must match
   * @param provenance how the network was built
   * @param inputRates R, R^c, ΔR of the normalized training input (true labels)
   * @param layerRates the rates recorded on the output of every layer, one per layer
   * @throws IllegalArgumentException on mismatched dimensions or rate counts
   */
  public ReduNet(
      List<? extends Layer> layers,
      Provenance provenance,
      Rates inputRates,
      List<Rates> layerRates) {
    this.layers = List.copyOf(layers);
    this.provenance = Objects.requireNonNull(provenance, "provenance");
    this.inputRates = Objects.requireNonNull(inputRates, "inputRates");
    this.layerRates = List.copyOf(layerRates);
    if (this.layerRates.size() != this.layers.size()) {
      throw new IllegalArgumentException(
          this.layers.size() + " layers but " + this.layerRates.size() + " recorded rates");
    }
    for (int i = 1; i < this.layers.size(); i++) {
      if (this.layers.get(i).inputDimension() != this.layers.get(i - 1).outputDimension()) {
        throw new IllegalArgumentException(
            "layer "
                + i
                + " expects dimension "
                + this.layers.get(i).inputDimension()
                + " but layer "
                + (i - 1)
                + " produces "
                + this.layers.get(i - 1).outputDimension());
      }
    }
  }

  /**
   * The features of new samples: normalize, apply every layer, normalize.
   *
   * @param z d × m, columns are samples
   * @return the output features, unit-norm columns
   */
  public Matrix transform(Matrix z) {
    return transform(z, MathExecutor.sequential());
  }

  /** {@link #transform(Matrix)} on the executor's threads (the result does not depend on them). */
  public Matrix transform(Matrix z, MathExecutor math) {
    Matrix x = z.normalizeColumns();
    for (Layer layer : layers) {
      x = layer.apply(x, math);
    }
    return x.normalizeColumns();
  }

  /** The features of one sample (see {@link #transform(Matrix)}). */
  public double[] transform(double[] sample) {
    return transform(Matrix.fromColumns(new double[][] {sample})).column(0);
  }

  /** The number of layers L. */
  public int depth() {
    return layers.size();
  }

  /** The layers, in order (unmodifiable). */
  public List<Layer> layers() {
    return layers;
  }

  /** Layer ℓ (0-based). */
  public Layer layer(int index) {
    return layers.get(index);
  }

  /** How the network was built. */
  public Provenance provenance() {
    return provenance;
  }

  /** R, R^c, ΔR of the normalized training input (true labels). */
  public Rates inputRates() {
    return inputRates;
  }

  /** R, R^c, ΔR recorded on the output of every layer (unmodifiable, one per layer). */
  public List<Rates> layerRates() {
    return layerRates;
  }

  @Override
  public String toString() {
    return "ReduNet[depth=" + layers.size() + ", " + provenance + "]";
  }
}
