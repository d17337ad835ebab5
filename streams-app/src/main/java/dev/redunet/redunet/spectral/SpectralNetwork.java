package dev.redunet.redunet.spectral;

import dev.redunet.signal.SignalShape;
import java.util.List;

/**
 * A shift-invariant ReduNet: a stack of {@link SpectralLayer}s with the reference's pre- and
 * post-processing (REDUNET_SPEC §3.1, §2.4): normalise each sample over C·H·W, ortho DFT, the
 * layers, inverse ortho DFT, normalise. Features are real (conjugate symmetry is exact). The
 * network is equivariant to cyclic shifts: shifting an input shifts its features, and π̂ is
 * unchanged. Immutable.
 */
public final class SpectralNetwork {

  private final SignalShape shape;
  private final List<SpectralLayer> layers;

  /**
   * A network of the given layers (all of the same grid and C).
   *
   * @param shape the shape of input and output samples
   * @param layers the layers in order (copied), possibly none
   */
  public SpectralNetwork(SignalShape shape, List<SpectralLayer> layers) {
    for (SpectralLayer l : layers) {
      if (!l.shape().equals(shape)) {
        throw new IllegalArgumentException(
            "layer of shape " + l.shape() + " in a network of shape " + shape);
      }
    }
    this.shape = shape;
    this.layers = List.copyOf(layers);
  }

  /** The sample shape. */
  public SignalShape shape() {
    return shape;
  }

  /** The layers in order. */
  public List<SpectralLayer> layers() {
    return layers;
  }

  /** Number of layers L. */
  public int depth() {
    return layers.size();
  }

  /** Preprocessing: the normalised ortho DFT of every sample. */
  public SpectralBatch preprocess(double[][] signals) {
    return SpectralBatch.fromSignals(shape, signals).normalized();
  }

  /** Postprocessing: inverse ortho DFT and normalisation of every sample (real features). */
  public double[][] postprocess(SpectralBatch features) {
    double[][] x = features.toSignals();
    for (double[] row : x) {
      double n = 0;
      for (double v : row) {
        n += v * v;
      }
      double s = 1.0 / Math.max(Math.sqrt(n), 1e-8);
      for (int i = 0; i < row.length; i++) {
        row[i] *= s;
      }
    }
    return x;
  }

  /** Passes preprocessed samples through every layer, all weighted by π̂ (test samples). */
  public SpectralBatch transform(SpectralBatch input) {
    SpectralBatch v = input;
    for (SpectralLayer l : layers) {
      v = l.forward(v).features();
    }
    return v;
  }

  /** Features of raw signals: preprocess, all layers, postprocess. */
  public double[][] features(double[][] signals) {
    return postprocess(transform(preprocess(signals)));
  }
}
