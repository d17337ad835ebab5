package dev.redunet.redunet;

import dev.redunet.linalg.Cholesky;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.rate.Rates;
import java.util.Map;

/**
 * The Cholesky factors of I + αS and I + α_j S_j for one set of layer statistics. They give both
 * the log-determinants of the coding rates of the features the statistics describe (R = ½ logdet(I
 * + αS), R^c = Σ_j γ_j ½ logdet(I + α_j S_j)) and, by inversion, the operators of the layer built
 * on them — so a forward construction factors each layer's statistics once.
 */
final class StatisticsFactors {

  final int d;
  final int[] labels;
  final double[] counts;
  final double total;
  final double epsSq;
  final Cholesky totalFactor;

  /** Per class, or null when only the total was factored. */
  final Cholesky[] classFactors;

  private StatisticsFactors(
      int d,
      int[] labels,
      double[] counts,
      double total,
      double epsSq,
      Cholesky totalFactor,
      Cholesky[] classFactors) {
    this.d = d;
    this.labels = labels;
    this.counts = counts;
    this.total = total;
    this.epsSq = epsSq;
    this.totalFactor = totalFactor;
    this.classFactors = classFactors;
  }

  /**
   * Factors I + αS with α = d/(m ε²) and, if {@code perClass}, every I + α_j S_j with α_j = d/(m_j
   * ε²), one factorization per task on the executor.
   *
   * @throws IllegalArgumentException if the statistics are empty
   * @throws ArithmeticException if a matrix is not positive definite (non-finite statistics)
   */
  static StatisticsFactors of(
      LayerStatistics stats, double epsSq, boolean perClass, MathExecutor math) {
    if (stats.isEmpty()) {
      throw new IllegalArgumentException("cannot build a layer from empty statistics");
    }
    int d = stats.dimension();
    int k = stats.classes().size();
    int[] labels = new int[k];
    double[] counts = new double[k];
    double[][] scatters = new double[k][];
    int j = 0;
    for (Map.Entry<Integer, LayerStatistics.ClassStatistics> e : stats.classes().entrySet()) {
      labels[j] = e.getKey();
      counts[j] = e.getValue().count();
      scatters[j] = e.getValue().scatter();
      j++;
    }
    double total = 0;
    for (double c : counts) {
      total += c;
    }
    double[] sum = new double[d * d];
    for (double[] s : scatters) {
      for (int i = 0; i < sum.length; i++) {
        sum[i] += s[i];
      }
    }
    Cholesky[] factors = new Cholesky[k + 1];
    double mTotal = total;
    math.forEach(
        perClass ? k + 1 : 1,
        t -> {
          double[] s = t == 0 ? sum : scatters[t - 1];
          double count = t == 0 ? mTotal : counts[t - 1];
          factors[t] = factorShifted(s, d, d / (count * epsSq));
        });
    Cholesky[] perClassFactors = null;
    if (perClass) {
      perClassFactors = new Cholesky[k];
      System.arraycopy(factors, 1, perClassFactors, 0, k);
    }
    return new StatisticsFactors(d, labels, counts, total, epsSq, factors[0], perClassFactors);
  }

  /** Cholesky of I + α·S (S row-major d × d symmetric, not modified). */
  static Cholesky factorShifted(double[] s, int d, double alpha) {
    double[] a = new double[d * d];
    for (int i = 0; i < a.length; i++) {
      a[i] = alpha * s[i];
    }
    for (int i = 0; i < d; i++) {
      a[i * d + i] += 1.0;
    }
    return Cholesky.factor(a, d)
        .orElseThrow(
            () ->
                new ArithmeticException(
                    "I + αS (d=" + d + ", α=" + alpha + ") is not positive definite"));
  }

  /** α = d/(m ε²). */
  double alpha() {
    return d / (total * epsSq);
  }

  /** α_j = d/(m_j ε²). */
  double alpha(int j) {
    return d / (counts[j] * epsSq);
  }

  /** γ_j = m_j/m. */
  double[] gamma() {
    double[] g = new double[counts.length];
    for (int j = 0; j < g.length; j++) {
      g[j] = counts[j] / total;
    }
    return g;
  }

  /** R = ½ logdet(I + αS). */
  double expansionRate() {
    return 0.5 * totalFactor.logDet();
  }

  /** R, R^c with the labels of the statistics: R^c = Σ_j γ_j ½ logdet(I + α_j S_j). */
  Rates trueLabelRates() {
    if (classFactors == null) {
      throw new IllegalStateException("class factors were not computed");
    }
    double rc = 0;
    for (int j = 0; j < counts.length; j++) {
      rc += counts[j] / total * 0.5 * classFactors[j].logDet();
    }
    return Rates.of(expansionRate(), rc);
  }

  /** The layer with E = α(I + αS)⁻¹, Cʲ = α_j(I + α_j S_j)⁻¹, γ_j = m_j/m. */
  VectorLayer toLayer(double eta, double lambda, MathExecutor math) {
    if (classFactors == null) {
      throw new IllegalStateException("class factors were not computed");
    }
    int k = labels.length;
    double[][] inverses = new double[k + 1][];
    math.forEach(
        k + 1,
        t ->
            inverses[t] =
                t == 0 ? totalFactor.inverse(alpha()) : classFactors[t - 1].inverse(alpha(t - 1)));
    double[][] c = new double[k][];
    System.arraycopy(inverses, 1, c, 0, k);
    return VectorLayer.adopt(d, labels.clone(), epsSq, eta, lambda, gamma(), inverses[0], c);
  }
}
