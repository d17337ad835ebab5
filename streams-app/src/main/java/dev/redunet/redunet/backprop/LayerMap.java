package dev.redunet.redunet.backprop;

import dev.redunet.redunet.VectorLayer;
import dev.redunet.redunet.spectral.SpectralGrid;
import dev.redunet.redunet.spectral.SpectralLayer;

/**
 * The ReduNet layer map of one sample and its hand-derived gradient with respect to the input and
 * the operators E(f), Cʲ(f) (per frequency bin), through the soft membership and the normalisation
 * (REDUNET_SPEC §2.2, §3.4). One class covers both layer kinds: a spectral layer works on the kept
 * bins f of the ortho DFT (C channels each, complex, bin weight w_f ∈ {1, 2}, {@link
 * SpectralGrid}), a vector layer is the case of one bin of weight 1, C = d, real.
 *
 * <p>Forward, for a sample v (B × C complex, index {@code f·C + c}):
 *
 * <pre>
 *   e(f)   = E(f) v(f),   u_j(f) = Cʲ(f) v(f)                      (C-vectors per bin)
 *   n_j    = max(‖u_j‖, 1e-8),  ‖x‖² = Σ_f w_f Σ_c |x_c(f)|²         (the full-spectrum norm)
 *   π_j    = exp(−λ n_j) / Σ_i exp(−λ n_i)
 *   g      = v + η (e − Σ_j γ_j π_j u_j)
 *   s      = ‖g‖,   out = g / s
 * </pre>
 *
 * Gradients are those of a real loss L with respect to the stored real and imaginary parts: for a
 * complex entry x, {@code G_x = ∂L/∂Re x + i ∂L/∂Im x}, so {@code dL = Σ Re(conj(G_x) dx)}. Given
 * G_out (B × C):
 *
 * <pre>
 *   κ      = Σ_{f,c} Re(conj(G_out) g)
 *   G_g    = G_out / s − (κ / s³) w_f g(f)
 *   G_e    = η G_g
 *   G_π_j  = −η γ_j Σ_{f,c} Re(conj(G_g) u_j)
 *   G_n_j  = −λ π_j (G_π_j − Σ_i π_i G_π_i)
 *   G_u_j  = −η γ_j π_j G_g + [n_j &gt; 1e-8] (G_n_j / n_j) w_f u_j(f)
 *   G_E(f) = G_e(f) v(f)ᴴ,   G_Cʲ(f) = G_u_j(f) v(f)ᴴ                (C × C per bin)
 *   G_v    = G_g + E(f)ᴴ G_e(f) + Σ_j Cʲ(f)ᴴ G_u_j(f)
 * </pre>
 *
 * With the conjugate-symmetric parametrisation of a real network (the operator of bin −f is the
 * conjugate of that of f) these are the gradients of the full-spectrum network with respect to the
 * kept bins' operators. Stateless; thread-safe.
 */
public final class LayerMap {

  /** The norm below which n_j is clamped (its gradient is then zero). */
  static final double MIN_NORM = 1e-8;

  /**
   * What the map needs besides the operators.
   *
   * @param binWeight w_f of every kept bin (B values: 1 or 2 for a spectral layer, {1} for a vector
   *     layer)
   * @param channels C (d for a vector layer)
   * @param gamma γ_j, k values
   * @param eta η
   * @param lambda λ
   */
  @SuppressWarnings("ArrayRecordComponent") // fixed per layer, never modified
  public record Constants(
      double[] binWeight, int channels, double[] gamma, double eta, double lambda) {

    /** The constants of a constructed spectral layer. */
    public static Constants of(SpectralLayer layer) {
      SpectralGrid grid = layer.grid();
      double[] w = new double[grid.bins()];
      for (int f = 0; f < w.length; f++) {
        w[f] = grid.weight(f);
      }
      return new Constants(
          w,
          layer.channels(),
          layer.gamma(),
          layer.parameters().eta(),
          layer.parameters().lambda());
    }

    /** The constants of a vector layer (one bin of weight 1, C = d). */
    public static Constants of(VectorLayer layer) {
      return new Constants(
          new double[] {1.0}, layer.inputDimension(), layer.gamma(), layer.eta(), layer.lambda());
    }

    /** B. */
    public int bins() {
      return binWeight.length;
    }

    /** k. */
    public int classes() {
      return gamma.length;
    }

    /** B·C, the length of a sample's real or imaginary array. */
    public int size() {
      return binWeight.length * channels;
    }
  }

  /**
   * The intermediate values of one forward pass, which the backward pass needs.
   *
   * @param vRe input, real parts (B·C)
   * @param vIm input, imaginary parts
   * @param eRe E v
   * @param eIm E v
   * @param uRe u_j = Cʲ v, k rows of B·C
   * @param uIm u_j
   * @param norms n_j (before clamping)
   * @param membership π_j
   * @param gRe g
   * @param gIm g
   * @param scale s = ‖g‖
   * @param outRe out = g/s
   * @param outIm out
   */
  @SuppressWarnings("ArrayRecordComponent") // scratch of one pass, owned by the caller
  public record Trace(
      double[] vRe,
      double[] vIm,
      double[] eRe,
      double[] eIm,
      double[][] uRe,
      double[][] uIm,
      double[] norms,
      double[] membership,
      double[] gRe,
      double[] gIm,
      double scale,
      double[] outRe,
      double[] outIm) {}

  private LayerMap() {}

  /**
   * The forward map of one sample.
   *
   * @param k the layer's constants
   * @param w its operators (1 + k, B bins, C)
   * @param vRe the input's real parts, B·C (index f·C + c), not modified (kept in the trace)
   * @param vIm its imaginary parts
   * @return the trace, with the output in {@link Trace#outRe()}, {@link Trace#outIm()}
   */
  public static Trace forward(Constants k, Operators w, double[] vRe, double[] vIm) {
    int n = k.size();
    int classes = k.classes();
    int c = k.channels();
    double[] eRe = new double[n];
    double[] eIm = new double[n];
    apply(w, 0, c, k.bins(), vRe, vIm, eRe, eIm);
    double[][] uRe = new double[classes][n];
    double[][] uIm = new double[classes][n];
    double[] norms = new double[classes];
    for (int j = 0; j < classes; j++) {
      apply(w, 1 + j, c, k.bins(), vRe, vIm, uRe[j], uIm[j]);
      norms[j] = Math.sqrt(weightedSquare(k, uRe[j], uIm[j]));
    }
    double[] pi = softmin(norms, k.lambda());
    double[] gRe = new double[n];
    double[] gIm = new double[n];
    double eta = k.eta();
    for (int q = 0; q < n; q++) {
      double sr = eRe[q];
      double si = eIm[q];
      for (int j = 0; j < classes; j++) {
        double a = k.gamma()[j] * pi[j];
        sr -= a * uRe[j][q];
        si -= a * uIm[j][q];
      }
      gRe[q] = vRe[q] + eta * sr;
      gIm[q] = vIm[q] + eta * si;
    }
    double s = Math.sqrt(weightedSquare(k, gRe, gIm));
    double inv = 1.0 / Math.max(s, MIN_NORM);
    double[] oRe = new double[n];
    double[] oIm = new double[n];
    for (int q = 0; q < n; q++) {
      oRe[q] = gRe[q] * inv;
      oIm[q] = gIm[q] * inv;
    }
    return new Trace(vRe, vIm, eRe, eIm, uRe, uIm, norms, pi, gRe, gIm, s, oRe, oIm);
  }

  /**
   * The backward map of one sample: the gradient with respect to the input, and the operators'
   * gradients added to {@code grad} (formulas in the class comment).
   *
   * @param k the layer's constants
   * @param w its operators
   * @param t the trace of the forward pass of this sample
   * @param gOutRe G_out, real parts (B·C), not modified
   * @param gOutIm G_out, imaginary parts
   * @param gInRe receives G_v, real parts (B·C; overwritten)
   * @param gInIm receives G_v, imaginary parts
   * @param grad the operators' gradients, added to (same shape as w)
   */
  public static void backward(
      Constants k,
      Operators w,
      Trace t,
      double[] gOutRe,
      double[] gOutIm,
      double[] gInRe,
      double[] gInIm,
      Operators grad) {
    int n = k.size();
    int c = k.channels();
    int bins = k.bins();
    int classes = k.classes();
    double s = Math.max(t.scale(), MIN_NORM);
    double kappa = 0;
    for (int q = 0; q < n; q++) {
      kappa += gOutRe[q] * t.gRe()[q] + gOutIm[q] * t.gIm()[q];
    }
    double[] ggRe = new double[n];
    double[] ggIm = new double[n];
    double k3 = t.scale() > MIN_NORM ? kappa / (s * s * s) : 0;
    for (int f = 0; f < bins; f++) {
      double wf = k.binWeight()[f];
      for (int q = f * c; q < (f + 1) * c; q++) {
        ggRe[q] = gOutRe[q] / s - k3 * wf * t.gRe()[q];
        ggIm[q] = gOutIm[q] / s - k3 * wf * t.gIm()[q];
      }
    }
    double eta = k.eta();
    double[] pi = t.membership();
    double[] gPi = new double[classes];
    for (int j = 0; j < classes; j++) {
      double dot = 0;
      for (int q = 0; q < n; q++) {
        dot += ggRe[q] * t.uRe()[j][q] + ggIm[q] * t.uIm()[j][q];
      }
      gPi[j] = -eta * k.gamma()[j] * dot;
    }
    double mean = 0;
    for (int j = 0; j < classes; j++) {
      mean += pi[j] * gPi[j];
    }
    System.arraycopy(ggRe, 0, gInRe, 0, n);
    System.arraycopy(ggIm, 0, gInIm, 0, n);
    double[] xRe = new double[n];
    double[] xIm = new double[n];
    // The expansion: G_e = η G_g.
    for (int q = 0; q < n; q++) {
      xRe[q] = eta * ggRe[q];
      xIm[q] = eta * ggIm[q];
    }
    backOperator(w, grad, 0, c, bins, t.vRe(), t.vIm(), xRe, xIm, gInRe, gInIm);
    for (int j = 0; j < classes; j++) {
      double gn = -k.lambda() * pi[j] * (gPi[j] - mean);
      double direct = -eta * k.gamma()[j] * pi[j];
      double viaNorm = t.norms()[j] > MIN_NORM ? gn / t.norms()[j] : 0;
      for (int f = 0; f < bins; f++) {
        double a = viaNorm * k.binWeight()[f];
        for (int q = f * c; q < (f + 1) * c; q++) {
          xRe[q] = direct * ggRe[q] + a * t.uRe()[j][q];
          xIm[q] = direct * ggIm[q] + a * t.uIm()[j][q];
        }
      }
      backOperator(w, grad, 1 + j, c, bins, t.vRe(), t.vIm(), xRe, xIm, gInRe, gInIm);
    }
  }

  /** y(f) = W_o(f) v(f) for every bin. */
  static void apply(
      Operators w, int o, int c, int bins, double[] vRe, double[] vIm, double[] yRe, double[] yIm) {
    double[] wr = w.re[o];
    double[] wi = w.im[o];
    for (int f = 0; f < bins; f++) {
      int base = f * c;
      int mat = f * c * c;
      for (int a = 0; a < c; a++) {
        double sr = 0;
        double si = 0;
        int row = mat + a * c;
        for (int b = 0; b < c; b++) {
          double ar = wr[row + b];
          double ai = wi[row + b];
          double br = vRe[base + b];
          double bi = vIm[base + b];
          sr += ar * br - ai * bi;
          si += ar * bi + ai * br;
        }
        yRe[base + a] = sr;
        yIm[base + a] = si;
      }
    }
  }

  /** grad_o(f) += x(f) v(f)ᴴ and G_v(f) += W_o(f)ᴴ x(f), for every bin. */
  private static void backOperator(
      Operators w,
      Operators grad,
      int o,
      int c,
      int bins,
      double[] vRe,
      double[] vIm,
      double[] xRe,
      double[] xIm,
      double[] gvRe,
      double[] gvIm) {
    for (int f = 0; f < bins; f++) {
      backOperator(
          w.re[o],
          w.im[o],
          grad.re[o],
          grad.im[o],
          c,
          f * c,
          f * c * c,
          vRe,
          vIm,
          xRe,
          xIm,
          gvRe,
          gvIm);
    }
  }

  /**
   * grad(f) += x(f) v(f)ᴴ and G_v(f) += W(f)ᴴ x(f) at one bin: its C coefficients start at {@code
   * base}, its C × C operator block at {@code mat}.
   */
  static void backOperator(
      double[] wr,
      double[] wi,
      double[] gr,
      double[] gi,
      int c,
      int base,
      int mat,
      double[] vRe,
      double[] vIm,
      double[] xRe,
      double[] xIm,
      double[] gvRe,
      double[] gvIm) {
    for (int a = 0; a < c; a++) {
      double xr = xRe[base + a];
      double xi = xIm[base + a];
      int row = mat + a * c;
      for (int b = 0; b < c; b++) {
        double br = vRe[base + b];
        double bi = vIm[base + b];
        // x_a · conj(v_b)
        gr[row + b] += xr * br + xi * bi;
        gi[row + b] += xi * br - xr * bi;
        // conj(W_ab) · x_a, added to G_v[b]
        double ar = wr[row + b];
        double ai = wi[row + b];
        gvRe[base + b] += ar * xr + ai * xi;
        gvIm[base + b] += ar * xi - ai * xr;
      }
    }
  }

  /** Σ_f w_f Σ_c |x|². */
  static double weightedSquare(Constants k, double[] re, double[] im) {
    int c = k.channels();
    double total = 0;
    for (int f = 0; f < k.bins(); f++) {
      double s = 0;
      for (int q = f * c; q < (f + 1) * c; q++) {
        s += re[q] * re[q] + im[q] * im[q];
      }
      total += k.binWeight()[f] * s;
    }
    return total;
  }

  /** softmax(−λ max(n, 1e-8)). */
  private static double[] softmin(double[] norms, double lambda) {
    double[] p = new double[norms.length];
    softmin(norms, lambda, p);
    return p;
  }

  /** p = softmax(−λ max(n, 1e-8)), into {@code p} (k values). */
  static void softmin(double[] norms, double lambda, double[] p) {
    double best = Double.NEGATIVE_INFINITY;
    for (int j = 0; j < norms.length; j++) {
      p[j] = -lambda * Math.max(norms[j], MIN_NORM);
      best = Math.max(best, p[j]);
    }
    double sum = 0;
    for (int j = 0; j < p.length; j++) {
      p[j] = Math.exp(p[j] - best);
      sum += p[j];
    }
    for (int j = 0; j < p.length; j++) {
      p[j] /= sum;
    }
  }
}
