package dev.redunet.rate;

/**
 * The coding rates of a labelled batch, in nats (REDUNET_SPEC §2.3, §2.5).
 *
 * @param r the expansion rate R(Z) = ½ logdet(I + d/(m ε²) Z Zᵀ)
 * @param rc the compression rate R^c(Z, Π) = Σ_j w_j · ½ logdet(I + d/(m_j ε²) Z Πʲ Zᵀ)
 * @param deltaR the rate reduction ΔR = R − R^c
 */
public record Rates(double r, double rc, double deltaR) {

  /** Validates that the rates are finite. */
  public Rates {
    if (!Double.isFinite(r) || !Double.isFinite(rc) || !Double.isFinite(deltaR)) {
      throw new ArithmeticException("non-finite rates: R=" + r + ", Rc=" + rc + ", ΔR=" + deltaR);
    }
  }

  /** The rates with ΔR = R − R^c. */
  public static Rates of(double r, double rc) {
    return new Rates(r, rc, r - rc);
  }
}
