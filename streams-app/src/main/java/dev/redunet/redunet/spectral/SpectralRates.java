package dev.redunet.redunet.spectral;

import dev.redunet.linalg.HermitianCholesky;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.rate.Rates;

/**
 * Coding rates of spectral features, in nats (REDUNET_SPEC §3.5):
 *
 * <pre>
 *   R   = 1/(2N) Σ_f logdet(I_C + α S(f)),            α   = C/(m ε²)
 *   R_c = Σ_j (m_j/m) · 1/(2N) Σ_f logdet(I_C + α_j S_j(f)),  α_j = C/(m_j ε²)
 *   ΔR  = R − R_c
 * </pre>
 *
 * over all N = H·W bins of the full spectrum (N = T in 1D; the half spectrum with weights, see
 * {@link SpectralGrid}). Classes with no samples contribute nothing. The log-determinants come from
 * a Hermitian Cholesky factorisation. Under the mapping of REDUNET_SPEC §3.6 these are the vector
 * rates of all cyclic shifts divided by N.
 */
public final class SpectralRates {

  private SpectralRates() {}

  /**
   * The rates of the samples described by per-class statistics.
   *
   * @param perClass the statistics of each class (same grid and C)
   * @param epsSq ε² > 0
   */
  public static Rates of(SpectralStatistics[] perClass, double epsSq) {
    return of(perClass, epsSq, MathExecutor.sequential());
  }

  /** {@link #of(SpectralStatistics[], double)} on the executor's threads. */
  public static Rates of(SpectralStatistics[] perClass, double epsSq, MathExecutor math) {
    return SpectralLayer.build(perClass, new SpectralParameters(epsSq, 1, 0), math).inputRates();
  }

  /** {@code logdet(I + α S) = C·log α + logdet(S + I/α)}, from the factor of {@code S + I/α}. */
  static double logDetShifted(int channels, double alpha, double[] factorRe, int offset) {
    return channels * Math.log(alpha) + HermitianCholesky.logDet(channels, factorRe, offset);
  }
}
