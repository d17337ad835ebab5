package dev.redunet.rate;

import dev.redunet.linalg.Cholesky;
import dev.redunet.linalg.Gemm;
import dev.redunet.linalg.Kernels;
import dev.redunet.linalg.Matrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The coding rates of maximal coding rate reduction (MCR²) for a d × m batch Z whose columns are
 * samples, in nats (REDUNET_SPEC §2.3, §2.5; {@code epsSq} is ε², the reference code's {@code
 * eps}):
 *
 * <ul>
 *   <li>R(Z) = ½ logdet(I_d + α Z Zᵀ), α = d/(m ε²);
 *   <li>R^c(Z, Π) = Σ_j (tr Πʲ/m) · ½ logdet(I_d + α_j Z Πʲ Zᵀ), α_j = d/(tr Πʲ ε²), where Πʲ =
 *       diag(π_{j,1..m}) holds the (hard or soft) memberships of class j;
 *   <li>ΔR = R − R^c, and its gradient ∂ΔR/∂Z = E Z − Σ_j γ_j Cʲ Z Πʲ with E = α(I + αZZᵀ)⁻¹, Cʲ =
 *       α_j(I + α_j ZΠʲZᵀ)⁻¹, γ_j = tr Πʲ/m.
 * </ul>
 *
 * <p>Every log-determinant is taken by Cholesky, in the primal d × d form logdet(I_d + α W Wᵀ) or
 * the dual form logdet(I_n + α Wᵀ W) over the n samples with non-zero membership — they are equal
 * (Sylvester) — whichever is smaller ({@link Form#AUTO}). Classes with zero total membership
 * contribute nothing.
 */
public final class CodingRates {

  /** Which Gram matrix a log-determinant or an inverse is taken of. */
  public enum Form {
    /** The d × d form I + αWWᵀ. */
    PRIMAL,
    /** The n × n form I + αWᵀW over the n samples involved. */
    DUAL,
    /** The smaller of the two. */
    AUTO
  }

  /**
   * One class's compression term.
   *
   * @param label the class label
   * @param count tr Πʲ (m_j for hard labels)
   * @param alpha α_j = d/(tr Πʲ ε²)
   * @param halfLogDet ½ logdet(I + α_j Z Πʲ Zᵀ)
   */
  public record ClassTerm(int label, double count, double alpha, double halfLogDet) {}

  private CodingRates() {}

  /** R(Z) = ½ logdet(I + d/(m ε²) Z Zᵀ) in the cheaper form. */
  public static double rate(Matrix z, double epsSq) {
    return rate(z, epsSq, Form.AUTO);
  }

  /**
   * R(Z) = ½ logdet(I_d + α Z Zᵀ) = ½ logdet(I_m + α Zᵀ Z), α = d/(m ε²) (spec §2.5).
   *
   * @param z d × m, columns are samples
   * @param epsSq ε² &gt; 0
   */
  public static double rate(Matrix z, double epsSq, Form form) {
    checkEps(epsSq);
    double[] w = z.toColumnMajor();
    double alpha = z.rows() / (z.cols() * epsSq);
    return halfLogDet(w, z.rows(), z.cols(), alpha, form);
  }

  /**
   * R^c(Z, Π) with hard memberships: Σ_j (m_j/m) ½ logdet(I + d/(m_j ε²) Z_j Z_jᵀ), Z_j the columns
   * labelled j (spec §2.5, the MCR² {@code compress_loss}).
   *
   * @param labels one label per column
   */
  public static double compressedRate(Matrix z, int[] labels, double epsSq) {
    double rc = 0;
    for (ClassTerm t : classTerms(z, labels, epsSq, Form.AUTO)) {
      rc += t.count() / z.cols() * t.halfLogDet();
    }
    return rc;
  }

  /**
   * R^c(Z, Π) with soft memberships: Σ_j (tr Πʲ/m) ½ logdet(I + d/(tr Πʲ ε²) Z Πʲ Zᵀ).
   *
   * @param membership k × m, entry (j, i) = π_{j,i} ≥ 0
   */
  public static double compressedRate(Matrix z, Matrix membership, double epsSq) {
    double rc = 0;
    for (ClassTerm t : classTerms(z, membership, epsSq, Form.AUTO)) {
      rc += t.count() / z.cols() * t.halfLogDet();
    }
    return rc;
  }

  /** R, R^c and ΔR for hard labels. */
  public static Rates rates(Matrix z, int[] labels, double epsSq) {
    return Rates.of(rate(z, epsSq), compressedRate(z, labels, epsSq));
  }

  /** R, R^c and ΔR for soft memberships (k × m). */
  public static Rates rates(Matrix z, Matrix membership, double epsSq) {
    return Rates.of(rate(z, epsSq), compressedRate(z, membership, epsSq));
  }

  /** The per-class terms of R^c for hard labels, in increasing label order (classes that occur). */
  public static List<ClassTerm> classTerms(Matrix z, int[] labels, double epsSq, Form form) {
    checkLabels(z, labels);
    int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
    Matrix pi = hardMembership(labels, classes);
    List<ClassTerm> soft = classTerms(z, pi, epsSq, form);
    List<ClassTerm> out = new ArrayList<>(soft.size());
    for (ClassTerm t : soft) {
      out.add(new ClassTerm(classes[t.label()], t.count(), t.alpha(), t.halfLogDet()));
    }
    return out;
  }

  /**
   * The per-class terms of R^c for soft memberships; the label of a term is its row index in {@code
   * membership}. Rows with zero total membership are left out.
   */
  public static List<ClassTerm> classTerms(Matrix z, Matrix membership, double epsSq, Form form) {
    checkEps(epsSq);
    checkMembership(z, membership);
    int d = z.rows();
    double[] zd = z.toColumnMajor();
    List<ClassTerm> out = new ArrayList<>();
    for (int j = 0; j < membership.rows(); j++) {
      Weighted w = weighted(zd, d, membership, j);
      if (w.trace <= 0) {
        continue;
      }
      double alpha = d / (w.trace * epsSq);
      out.add(new ClassTerm(j, w.trace, alpha, halfLogDet(w.columns, d, w.n, alpha, form)));
    }
    return out;
  }

  /**
   * The gradient ∂ΔR/∂Z = E Z − Σ_j γ_j Cʲ Z Πʲ for hard labels (spec §2.3).
   *
   * @return d × m
   */
  public static Matrix gradient(Matrix z, int[] labels, double epsSq) {
    checkLabels(z, labels);
    int[] classes = Arrays.stream(labels).distinct().sorted().toArray();
    return gradient(z, hardMembership(labels, classes), epsSq, Form.AUTO);
  }

  /**
   * The gradient ∂ΔR/∂Z = E Z − Σ_j γ_j Cʲ Z Πʲ for soft memberships, with E = α(I + αZZᵀ)⁻¹, Cʲ =
   * α_j(I + α_j ZΠʲZᵀ)⁻¹, γ_j = tr Πʲ/m (Πʲ held fixed). In the dual form the push-through identity
   * (I + αWWᵀ)⁻¹W = W(I + αWᵀW)⁻¹ is used with W = Z(Πʲ)^½.
   *
   * @param membership k × m, entry (j, i) = π_{j,i} ≥ 0
   * @return d × m
   */
  public static Matrix gradient(Matrix z, Matrix membership, double epsSq, Form form) {
    checkEps(epsSq);
    checkMembership(z, membership);
    int d = z.rows();
    int m = z.cols();
    double[] zd = z.toColumnMajor();
    double[] g = inverseTimes(zd, d, m, d / (m * epsSq), form);
    for (int j = 0; j < membership.rows(); j++) {
      Weighted w = weighted(zd, d, membership, j);
      if (w.trace <= 0) {
        continue;
      }
      double alpha = d / (w.trace * epsSq);
      double gamma = w.trace / m;
      double[] cw = inverseTimes(w.columns, d, w.n, alpha, form);
      for (int c = 0; c < w.n; c++) {
        double f = gamma * w.sqrtWeight[c];
        Kernels.axpy(-f, cw, c * d, g, w.index[c] * d, d);
      }
    }
    return Matrix.ofColumnMajor(d, m, g);
  }

  /**
   * ½ logdet(I + α W Wᵀ) for a column-major d × n array W, by Cholesky of the primal d × d or the
   * dual n × n Gram matrix.
   */
  static double halfLogDet(double[] w, int d, int n, double alpha, Form form) {
    boolean dual = dual(form, d, n);
    double[] a = shiftedGram(w, d, n, alpha, dual);
    return 0.5 * factor(a, dual ? n : d).logDet();
  }

  /**
   * α (I + α W Wᵀ)⁻¹ W = α W (I + α Wᵀ W)⁻¹ for a column-major d × n array W; returns column-major
   * d × n.
   */
  private static double[] inverseTimes(double[] w, int d, int n, double alpha, Form form) {
    boolean dual = dual(form, d, n);
    double[] a = shiftedGram(w, d, n, alpha, dual);
    Cholesky ch = factor(a, dual ? n : d);
    double[] out;
    if (dual) {
      // W (I + αWᵀW)⁻¹ = ((I + αWᵀW)⁻¹ Wᵀ)ᵀ; the column-major W is the row-major n × d Wᵀ.
      out = w.clone();
      ch.solveInPlace(out, d);
    } else {
      // (I + αWWᵀ)⁻¹ W with W row-major d × n, then back to column-major.
      double[] rowMajor = transpose(w, n, d);
      ch.solveInPlace(rowMajor, n);
      out = transpose(rowMajor, d, n);
    }
    for (int i = 0; i < out.length; i++) {
      out[i] *= alpha;
    }
    return out;
  }

  /** I + α·WWᵀ (d × d) or I + α·WᵀW (n × n), row-major, exactly symmetric. */
  private static double[] shiftedGram(double[] w, int d, int n, double alpha, boolean dual) {
    int size = dual ? n : d;
    double[] a = new double[size * size];
    if (dual) {
      // WᵀW: rows of the row-major n × d array Wᵀ are the samples; Gram of its transpose.
      double[] t = transpose(w, n, d);
      Gemm.syrkUpper(t, 0, n, d, n, a, 0, n, false);
    } else {
      Gemm.syrkUpper(w, 0, d, n, d, a, 0, d, false);
    }
    Kernels.mirrorUpper(a, size);
    for (int i = 0; i < a.length; i++) {
      a[i] *= alpha;
    }
    for (int i = 0; i < size; i++) {
      a[i * size + i] += 1.0;
    }
    return a;
  }

  private static Cholesky factor(double[] a, int n) {
    return Cholesky.factor(a, n)
        .orElseThrow(
            () ->
                new ArithmeticException(
                    "I + αG of order " + n + " is not positive definite (non-finite features?)"));
  }

  private static boolean dual(Form form, int d, int n) {
    return form == Form.DUAL || (form == Form.AUTO && n < d);
  }

  /** The transpose of a row-major r × c array: row-major c × r. */
  private static double[] transpose(double[] a, int r, int c) {
    double[] t = new double[a.length];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        t[j * r + i] = a[i * c + j];
      }
    }
    return t;
  }

  /** The columns of class j scaled by √π_{j,i}, over the samples with π_{j,i} &gt; 0. */
  private static Weighted weighted(double[] zd, int d, Matrix membership, int j) {
    int m = membership.cols();
    int n = 0;
    double trace = 0;
    for (int i = 0; i < m; i++) {
      double p = membership.get(j, i);
      if (p > 0) {
        n++;
        trace += p;
      }
    }
    int[] index = new int[n];
    double[] sq = new double[n];
    double[] cols = new double[n * d];
    int c = 0;
    for (int i = 0; i < m; i++) {
      double p = membership.get(j, i);
      if (p > 0) {
        index[c] = i;
        sq[c] = Math.sqrt(p);
        for (int r = 0; r < d; r++) {
          cols[c * d + r] = sq[c] * zd[i * d + r];
        }
        c++;
      }
    }
    return new Weighted(n, trace, index, sq, cols);
  }

  /** The weighted columns W = Z_sel·diag(√π) of one class. */
  private static final class Weighted {
    final int n;
    final double trace;
    final int[] index;
    final double[] sqrtWeight;
    final double[] columns;

    Weighted(int n, double trace, int[] index, double[] sqrtWeight, double[] columns) {
      this.n = n;
      this.trace = trace;
      this.index = index;
      this.sqrtWeight = sqrtWeight;
      this.columns = columns;
    }
  }

  private static Matrix hardMembership(int[] labels, int[] classes) {
    double[] pi = new double[classes.length * labels.length];
    for (int i = 0; i < labels.length; i++) {
      int j = Arrays.binarySearch(classes, labels[i]);
      pi[i * classes.length + j] = 1.0;
    }
    return Matrix.ofColumnMajor(classes.length, labels.length, pi);
  }

  private static void checkEps(double epsSq) {
    if (!(epsSq > 0) || !Double.isFinite(epsSq)) {
      throw new IllegalArgumentException("ε² must be positive and finite, got " + epsSq);
    }
  }

  private static void checkLabels(Matrix z, int[] labels) {
    if (labels.length != z.cols()) {
      throw new IllegalArgumentException(
          labels.length + " labels for a " + z.shape() + " batch (one label per column)");
    }
  }

  private static void checkMembership(Matrix z, Matrix membership) {
    if (membership.cols() != z.cols()) {
      throw new IllegalArgumentException(
          "membership " + membership.shape() + " does not match a " + z.shape() + " batch");
    }
    for (int j = 0; j < membership.rows(); j++) {
      for (int i = 0; i < membership.cols(); i++) {
        if (membership.get(j, i) < 0) {
          throw new IllegalArgumentException(
              "negative membership π(" + j + ", " + i + ") = " + membership.get(j, i));
        }
      }
    }
  }
}
