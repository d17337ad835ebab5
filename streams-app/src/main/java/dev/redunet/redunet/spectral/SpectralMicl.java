package dev.redunet.redunet.spectral;

import dev.redunet.linalg.ComplexKernels;
import dev.redunet.linalg.HermitianCholesky;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * MICL of the shift-augmented classes, computed in the frequency domain: an exactly shift-invariant
 * classifier of multichannel signals (MICL_SPEC §9).
 *
 * <p>Class j's augmented set X̃_j holds all N = H·W cyclic shifts of each of its m_j samples (n' =
 * m_j·N vectors of dimension D = C·N). The score of a sample x is the MICL score of eq. (2) against
 * X̃_j, {@code δL(x, j) = L(X̃_j ∪ {x}) − L(X̃_j) − log2(m_j/M)}, {@code M = Σ_j m_j}, evaluated
 * exactly from the per-frequency statistics {@link SpectralStatistics} (the ortho DFT turns the
 * block-circulant scatter of X̃_j into the blocks {@code N·M_j(f)}):
 *
 * <pre>
 *   M_j(f) = S_j(f) for f ≠ 0,   M_j(0) = S_j(0) − s_j s_jᵀ/m_j (affine) or S_j(0) (linear)
 *   a = D/(ε² n'),  a' = D/(ε² (n'+1)),  K_j(f) = I_C + a'·N·M_j(f)
 *   ℓ  = Σ_f log2 det(I_C + a·N·M_j(f)),   ℓ' = Σ_f log2 det K_j(f)      (all N bins)
 *   d̂(f) = v(f) − [f = 0]·s_j/m_j (affine) or v(f) (linear),  v = the ortho DFT of x
 *   q  = Σ_f d̂(f)ᴴ K_j(f)⁻¹ d̂(f)
 *   β  = a'·n'/(n'+1) (affine) or a' (linear)
 *   δL = (n'+1+D)/2 · (ℓ' + log2(1 + β q)) − (n'+D)/2 · ℓ
 *        + D/2 · log2(1 + (2⟨μ, d̂(0)⟩ + ‖d̂‖²/(n'+1)) / ((n'+1)(ε² + ‖μ‖²)))   (affine only, μ = s_j/m_j)
 *        − log2(m_j/M)
 * </pre>
 *
 * The sums over all N bins are weighted sums over the kept half spectrum ({@link SpectralGrid}).
 * Every term that depends on x is invariant under a cyclic shift of x (a shift multiplies v(f) by a
 * unit phase), so a shifted sample gets the same scores up to the rounding of the DFT. Classes
 * without samples score {@code +∞}. Ties go to the smallest class index. Immutable; thread-safe.
 */
public final class SpectralMicl {

  private static final double LN2 = Math.log(2.0);

  private final SpectralGrid grid;
  private final int channels;
  private final double epsSq;
  private final CodingMode mode;
  private final int classes;
  private final double[] count;
  private final double[] labelCost;
  private final int[] present;
  private final double[][] factorRe;
  private final double[][] factorIm;
  private final double[][] mean;
  private final double[] meanSq;
  private final double[] beta;
  private final double[] half;
  private final double[] constant;
  private final List<SpectralStatistics> statistics;

  private SpectralMicl(
      SpectralGrid grid,
      int channels,
      double epsSq,
      CodingMode mode,
      double[] count,
      double[][] factorRe,
      double[][] factorIm,
      double[][] mean,
      double[] beta,
      double[] half,
      double[] constant,
      List<SpectralStatistics> statistics) {
    this.statistics = List.copyOf(statistics);
    this.grid = grid;
    this.channels = channels;
    this.epsSq = epsSq;
    this.mode = mode;
    this.classes = count.length;
    this.count = count;
    this.factorRe = factorRe;
    this.factorIm = factorIm;
    this.mean = mean;
    this.beta = beta;
    this.half = half;
    this.constant = constant;
    double total = Arrays.stream(count).sum();
    this.labelCost = new double[classes];
    this.meanSq = new double[classes];
    this.present = IntStream.range(0, classes).filter(j -> count[j] > 0).toArray();
    for (int j = 0; j < classes; j++) {
      labelCost[j] = count[j] > 0 ? -Math.log(count[j] / total) / LN2 : Double.POSITIVE_INFINITY;
      if (mean[j] != null) {
        for (double v : mean[j]) {
          meanSq[j] += v * v;
        }
      }
    }
  }

  /**
   * Builds the classifier from per-class statistics of the features it will score: two Hermitian
   * Cholesky factorisations per class and kept bin ({@code K_j(f)} for the queries, {@code I +
   * a·N·M_j(f)} for {@code L(X̃_j)}), {@code O(k·N·C³)}.
   *
   * @param perClass statistics of classes j = 0 … k−1 (same grid and C; at least one sample)
   * @param epsSq the MICL distortion ε² &gt; 0 (MICL_SPEC §1: per vector of dimension D = C·N)
   * @param mode affine (MICL, the class mean coded) or linear (zero-mean) coding
   * @param math the threads to split the bins over (every bin is factored alone and the log-dets
   *     are summed in bin order: the result does not depend on them)
   * @throws IllegalArgumentException if the statistics disagree in shape or hold no sample
   */
  public static SpectralMicl build(
      SpectralStatistics[] perClass, double epsSq, CodingMode mode, MathExecutor math) {
    CodingLength.checkEpsSq(epsSq);
    if (perClass.length == 0) {
      throw new IllegalArgumentException("a spectral MICL classifier needs at least one class");
    }
    SpectralGrid grid = perClass[0].grid();
    int channels = perClass[0].channels();
    double[] counts = new double[perClass.length];
    double total = 0;
    for (int j = 0; j < perClass.length; j++) {
      if (!perClass[j].grid().equals(grid) || perClass[j].channels() != channels) {
        throw new IllegalArgumentException(
            "class "
                + j
                + " statistics are of "
                + perClass[j].grid()
                + " with C = "
                + perClass[j].channels()
                + ", class 0 of "
                + grid
                + " with C = "
                + channels);
      }
      counts[j] = perClass[j].count();
      total += counts[j];
    }
    if (!(total > 0)) {
      throw new IllegalArgumentException("a spectral MICL classifier needs at least one sample");
    }
    boolean affine = mode == CodingMode.AFFINE;
    int n = grid.fullSize();
    double d = (double) channels * n;
    int tri = HermitianCholesky.packedSize(channels);
    int bins = grid.bins();
    int k = perClass.length;
    double[][] factorRe = new double[k][];
    double[][] factorIm = new double[k][];
    double[][] mean = new double[k][];
    double[] beta = new double[k];
    double[] half = new double[k];
    double[] constant = new double[k];
    for (int j = 0; j < k; j++) {
      if (!(counts[j] > 0)) {
        continue;
      }
      SpectralStatistics s = perClass[j];
      double augmented = counts[j] * n;
      double scaleNext = d / (epsSq * (augmented + 1)) * n;
      double scaleNow = d / (epsSq * augmented) * n;
      // Read only, but for the DC block that affine coding centres in a copy.
      double[] scatterRe = affine ? s.packedRe().clone() : s.packedRe();
      double[] scatterIm = s.packedIm();
      if (affine) {
        // centre the DC block: S(0) − s sᵀ/m (the mean of X̃_j lives in bin 0 alone)
        double[] dc = s.dcSum();
        mean[j] = new double[channels];
        for (int a = 0; a < channels; a++) {
          mean[j][a] = dc[a] / counts[j];
          for (int b = 0; b <= a; b++) {
            scatterRe[HermitianCholesky.index(a, b)] -= dc[a] * dc[b] / counts[j];
          }
        }
      }
      double[] kRe = new double[bins * tri];
      double[] kIm = new double[bins * tri];
      double[] logDetNext = new double[bins];
      double[] logDetNow = new double[bins];
      Ranges.split(
          math,
          bins,
          (lo, hi) -> {
            double[] tRe = new double[tri];
            double[] tIm = new double[tri];
            for (int f = lo; f < hi; f++) {
              int off = f * tri;
              for (int p = 0; p < tri; p++) {
                kRe[off + p] = scaleNext * scatterRe[off + p];
                kIm[off + p] = scaleNext * scatterIm[off + p];
                tRe[p] = scaleNow * scatterRe[off + p];
                tIm[p] = scaleNow * scatterIm[off + p];
              }
              for (int a = 0; a < channels; a++) {
                kRe[off + HermitianCholesky.index(a, a)] += 1.0;
                tRe[HermitianCholesky.index(a, a)] += 1.0;
              }
              HermitianCholesky.decompose(channels, kRe, kIm, off);
              HermitianCholesky.decompose(channels, tRe, tIm, 0);
              logDetNext[f] = HermitianCholesky.logDet(channels, kRe, off) / LN2;
              logDetNow[f] = HermitianCholesky.logDet(channels, tRe, 0) / LN2;
            }
          });
      double ldNext = 0;
      double ldNow = 0;
      for (int f = 0; f < bins; f++) {
        ldNext += grid.weight(f) * logDetNext[f];
        ldNow += grid.weight(f) * logDetNow[f];
      }
      factorRe[j] = kRe;
      factorIm[j] = kIm;
      beta[j] = affine ? scaleNext / n * augmented / (augmented + 1) : scaleNext / n;
      half[j] = 0.5 * (augmented + 1 + d);
      // (n'+1+D)/2·ℓ' − (n'+D)/2·ℓ, written so that the large terms cancel first
      constant[j] = half[j] * (ldNext - ldNow) + 0.5 * ldNow;
    }
    return new SpectralMicl(
        grid,
        channels,
        epsSq,
        mode,
        counts,
        factorRe,
        factorIm,
        mean,
        beta,
        half,
        constant,
        Arrays.asList(perClass));
  }

  /**
   * The MICL scores {@code δL(x_i, j)} in bits (class comment) of every sample of a batch, {@code
   * +∞} for classes without samples.
   *
   * @param z m samples of this classifier's grid and C (the ortho DFT of the signals), not modified
   * @param math the threads to split the samples over (every sample is scored alone: the result
   *     does not depend on them)
   * @return m × k scores
   */
  public double[][] deltaL(SpectralBatch z, MathExecutor math) {
    check(z);
    int m = z.size();
    double[][] out = new double[m][classes];
    for (double[] row : out) {
      Arrays.fill(row, Double.POSITIVE_INFINITY);
    }
    double[][] vr = z.reRows();
    double[][] vi = z.imRows();
    int bins = grid.bins();
    int tri = HermitianCholesky.packedSize(channels);
    boolean affine = mode == CodingMode.AFFINE;
    double d = (double) channels * grid.fullSize();
    Ranges.split(
        math,
        m,
        (lo, hi) -> {
          int w = hi - lo;
          double[][] yr = new double[channels][w];
          double[][] yi = new double[channels][w];
          double[] q = new double[w];
          double[] nonDc = new double[w];
          // ‖v(f)‖² summed over the bins f ≠ 0 (the same for every class)
          for (int f = 1; f < bins; f++) {
            for (int a = 0; a < channels; a++) {
              int row = f * channels + a;
              ComplexKernels.addSquaredModulus(grid.weight(f), vr[row], vi[row], lo, hi, nonDc, 0);
            }
          }
          for (int j : present) {
            Arrays.fill(q, 0);
            for (int f = 0; f < bins; f++) {
              for (int a = 0; a < channels; a++) {
                System.arraycopy(vr[f * channels + a], lo, yr[a], 0, w);
                System.arraycopy(vi[f * channels + a], lo, yi[a], 0, w);
              }
              if (f == 0 && affine) {
                for (int a = 0; a < channels; a++) {
                  double mu = mean[j][a];
                  double[] row = yr[a];
                  for (int i = 0; i < w; i++) {
                    row[i] -= mu;
                  }
                }
              }
              HermitianCholesky.solveLower(
                  channels, factorRe[j], factorIm[j], f * tri, yr, yi, 0, 0, w);
              for (int a = 0; a < channels; a++) {
                ComplexKernels.addSquaredModulus(grid.weight(f), yr[a], yi[a], 0, w, q, 0);
              }
            }
            double augmented = count[j] * grid.fullSize();
            for (int i = lo; i < hi; i++) {
              double score =
                  constant[j] + labelCost[j] + half[j] * Math.log1p(beta[j] * q[i - lo]) / LN2;
              if (affine) {
                // d̂(0) = v(0) − μ; ⟨μ, d̂(0)⟩ and ‖d̂‖² = ‖d̂(0)‖² + Σ_{f≠0} ‖v(f)‖²
                double dot = 0;
                double dc = 0;
                for (int a = 0; a < channels; a++) {
                  double re = vr[a][i] - mean[j][a];
                  double im = vi[a][i];
                  dot += mean[j][a] * re;
                  dc += re * re + im * im;
                }
                double distance = dc + nonDc[i - lo];
                double change = (2 * dot + distance / (augmented + 1)) / (augmented + 1);
                score += 0.5 * d * Math.log1p(change / (epsSq + meanSq[j])) / LN2;
              }
              out[i][j] = score;
            }
          }
        });
    return out;
  }

  /** {@link #deltaL(SpectralBatch, MathExecutor)} on the calling thread. */
  public double[][] deltaL(SpectralBatch z) {
    return deltaL(z, MathExecutor.sequential());
  }

  /** {@code argmin_j δL(x_i, j)} for every sample, ties to the smallest class index. */
  public int[] classify(SpectralBatch z, MathExecutor math) {
    double[][] scores = deltaL(z, math);
    int[] out = new int[scores.length];
    for (int i = 0; i < scores.length; i++) {
      int best = 0;
      for (int j = 1; j < classes; j++) {
        if (scores[i][j] < scores[i][best]) {
          best = j;
        }
      }
      out[i] = best;
    }
    return out;
  }

  /** The dimension D = C·H·W of a sample (novelty is {@code min_j δL / D} bits per dimension). */
  public int dimension() {
    return channels * grid.fullSize();
  }

  /** Number of classes k (including classes without samples). */
  public int classes() {
    return classes;
  }

  /** The grid of kept bins. */
  public SpectralGrid grid() {
    return grid;
  }

  /** Number of channels C. */
  public int channels() {
    return channels;
  }

  /** The MICL ε². */
  public double epsSq() {
    return epsSq;
  }

  /** Affine or linear coding. */
  public CodingMode mode() {
    return mode;
  }

  /** The statistics of every class it was built from, by class index. */
  public List<SpectralStatistics> statistics() {
    return statistics;
  }

  /** The (possibly decayed) number of training samples m_j of class j. */
  public double count(int j) {
    return count[j];
  }

  /** The label cost {@code −log2(m_j/M)} in bits ({@code +∞} for a class without samples). */
  public double labelCost(int j) {
    return labelCost[j];
  }

  private void check(SpectralBatch z) {
    if (!z.grid().equals(grid) || z.channels() != channels) {
      throw new IllegalArgumentException(
          "a spectral MICL classifier of "
              + grid
              + " with C = "
              + channels
              + " cannot score a batch of "
              + z.grid()
              + " with C = "
              + z.channels());
    }
  }

  @Override
  public String toString() {
    return "SpectralMicl(" + grid + ", C = " + channels + ", k = " + classes + ", " + mode + ")";
  }
}
