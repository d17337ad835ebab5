package dev.redunet.redunet.spectral;

/**
 * Hyper-parameters of a spectral ReduNet layer (REDUNET_SPEC §3): ε² (the reference code's {@code
 * eps}), the step η and the softmax sharpness λ of the membership {@code π̂ = softmax(−λ n)}.
 *
 * @param epsSq ε² > 0; {@code α = C/(m·ε²)}, no factor T (spec §3.2, §3.6)
 * @param eta step η > 0 (reference default 0.5)
 * @param lambda λ ≥ 0 (reference default 500)
 */
public record SpectralParameters(double epsSq, double eta, double lambda) {

  /** Validates the values. */
  public SpectralParameters {
    if (!(epsSq > 0) || Double.isInfinite(epsSq)) {
      throw new IllegalArgumentException("eps² must be finite and > 0, got " + epsSq);
    }
    if (!(eta > 0) || Double.isInfinite(eta)) {
      throw new IllegalArgumentException("eta must be finite and > 0, got " + eta);
    }
    if (!(lambda >= 0) || Double.isInfinite(lambda)) {
      throw new IllegalArgumentException("lambda must be finite and ≥ 0, got " + lambda);
    }
  }

  /** The reference defaults for the spectral experiments: ε² = 0.1, η = 0.5, λ = 500. */
  public static SpectralParameters referenceDefaults() {
    return new SpectralParameters(0.1, 0.5, 500);
  }
}
