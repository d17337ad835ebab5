package dev.redunet.redunet.backprop;

import java.util.ArrayList;
import java.util.List;

/**
 * A trainable ReduNet with a linear soft-max head: layers ℓ = 0 … L−1 ({@link LayerMap} with
 * operators W_ℓ) on B·C complex coefficients, then logits
 *
 * <pre>
 *   y_k(v) = b_k + Σ_f w_f Σ_c Re(conj(H_k(f, c)) v(f, c))
 * </pre>
 *
 * which is the real inner product ⟨h_k, z⟩ of the network's real output signal z with the real
 * filter h_k whose ortho DFT is H_k (Parseval), plus a bias. Mutable: {@link FineTuning} updates
 * the operators and the head in place.
 */
public final class Network {

  final List<LayerMap.Constants> constants;
  final List<Operators> operators;
  final double[][] headRe;
  final double[][] headIm;
  final double[] bias;
  final double[] binWeight;
  final int channels;

  /**
   * A network with a zero head.
   *
   * @param constants every layer's constants (same bins and C)
   * @param operators every layer's operators (taken, not copied)
   * @param binWeight w_f of the kept bins
   * @param channels C
   * @param classes k, the head's outputs
   */
  public Network(
      List<LayerMap.Constants> constants,
      List<Operators> operators,
      double[] binWeight,
      int channels,
      int classes) {
    if (constants.size() != operators.size()) {
      throw new IllegalArgumentException(
          constants.size() + " layers' constants but " + operators.size() + " operator sets");
    }
    this.constants = List.copyOf(constants);
    this.operators = new ArrayList<>(operators);
    this.binWeight = binWeight.clone();
    this.channels = channels;
    int n = binWeight.length * channels;
    this.headRe = new double[classes][n];
    this.headIm = new double[classes][n];
    this.bias = new double[classes];
  }

  /** L. */
  public int depth() {
    return operators.size();
  }

  /** k. */
  public int classes() {
    return bias.length;
  }

  /** B·C. */
  public int size() {
    return binWeight.length * channels;
  }

  /** Layer ℓ's operators (live: changes show in the network). */
  public Operators operators(int layer) {
    return operators.get(layer);
  }

  /** Layer ℓ's constants. */
  public LayerMap.Constants constants(int layer) {
    return constants.get(layer);
  }

  /** The logits y_k of one output sample (B·C coefficients). */
  double[] logits(double[] vRe, double[] vIm) {
    int k = bias.length;
    double[] y = new double[k];
    for (int j = 0; j < k; j++) {
      double s = 0;
      double[] hr = headRe[j];
      double[] hi = headIm[j];
      for (int f = 0; f < binWeight.length; f++) {
        double t = 0;
        for (int q = f * channels; q < (f + 1) * channels; q++) {
          t += hr[q] * vRe[q] + hi[q] * vIm[q];
        }
        s += binWeight[f] * t;
      }
      y[j] = bias[j] + s;
    }
    return y;
  }
}
