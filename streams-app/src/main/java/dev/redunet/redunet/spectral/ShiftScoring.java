package dev.redunet.redunet.spectral;

import dev.redunet.linalg.Fft;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.signal.SignalShape;
import java.util.Arrays;
import java.util.List;

/**
 * Scores every cyclic shift of every test sample at once, by correlation in the frequency domain.
 *
 * <p>The spectral network is shift-equivariant (tested), so the features of a shifted test sample
 * are the shifted features, and a classifier that is a function of inner products ⟨t, z⟩ with fixed
 * templates t (class subspace bases, training features, linear weights) can score all N = H·W
 * shifts of z with one inverse FFT per template:
 *
 * <pre>
 *   ⟨t, shift_s z⟩ = Σ_f Σ_c conj(t̂_c(f)) ẑ_c(f) e^{−2πi⟨f,s⟩} = √N · IDFT_ortho[Σ_c t̂_c conj(ẑ_c)](s)
 * </pre>
 *
 * (s = (dh, dw) at index dh·W + dw, the order of {@code Shifts.all}). The decision rules are those
 * of the reference evaluation (REDUNET_SPEC §6), as implemented by {@code NearestSubspace} and
 * {@code CosineKnn}: nearest subspace = smallest residual ‖z‖² − Σ_q ⟨v_q, z⟩², k nearest
 * neighbours by cosine with the most frequent label winning (ties to the smallest label, equal
 * similarities by training order), linear = largest ⟨w_j, z⟩ + b_j; ties always to the smaller
 * class index. Test features must be unit-norm (the network's output is).
 */
public final class ShiftScoring {

  private final SignalShape shape;
  private final SpectralGrid grid;
  private final MathExecutor math;

  /**
   * A scorer for features of the given shape.
   *
   * @param shape the feature shape (C, H, W)
   * @param math the threads to split the test samples over
   */
  public ShiftScoring(SignalShape shape, MathExecutor math) {
    this.shape = shape;
    this.grid = new SpectralGrid(shape.height(), shape.width());
    this.math = math;
  }

  /** Number of shifts N = H·W (T in 1D). */
  public int shifts() {
    return shape.positions();
  }

  /**
   * The correlation of one test sample with every template over every shift.
   *
   * @param templates K templates of this shape (frequency domain)
   * @param z test features
   * @param i index of the test sample in z
   * @return K × N, entry [k][s] = ⟨t_k, shift_s z_i⟩
   */
  public double[][] correlations(SpectralBatch templates, SpectralBatch z, int i) {
    check(templates);
    check(z);
    Fft fft = new Fft(shape.height(), shape.width());
    double[][] out = new double[templates.size()][shifts()];
    Work w = new Work(fft);
    for (int k = 0; k < templates.size(); k++) {
      correlate(templates, k, z, i, w, out[k]);
    }
    return out;
  }

  /**
   * Nearest-subspace predictions for every shift of every test sample.
   *
   * @param bases per class, the orthonormal basis vectors of its subspace (frequency domain)
   * @param z unit-norm test features
   * @return [i][s] the predicted class index (position in {@code bases})
   */
  public int[][] nearestSubspace(List<SpectralBatch> bases, SpectralBatch z) {
    bases.forEach(this::check);
    check(z);
    int n = shifts();
    int[][] out = new int[z.size()][n];
    double[] norms = z.squaredNorms();
    Ranges.split(
        math,
        z.size(),
        (lo, hi) -> {
          Work w = new Work(new Fft(shape.height(), shape.width()));
          double[] corr = new double[n];
          double[][] energy = new double[bases.size()][n];
          for (int i = lo; i < hi; i++) {
            for (int j = 0; j < bases.size(); j++) {
              Arrays.fill(energy[j], 0);
              for (int q = 0; q < bases.get(j).size(); q++) {
                correlate(bases.get(j), q, z, i, w, corr);
                for (int s = 0; s < n; s++) {
                  energy[j][s] += corr[s] * corr[s];
                }
              }
            }
            for (int s = 0; s < n; s++) {
              int best = 0;
              double bestResidual = Math.sqrt(Math.max(0, norms[i] - energy[0][s]));
              for (int j = 1; j < bases.size(); j++) {
                double r = Math.sqrt(Math.max(0, norms[i] - energy[j][s]));
                if (r < bestResidual) {
                  best = j;
                  bestResidual = r;
                }
              }
              out[i][s] = best;
            }
          }
        });
    return out;
  }

  /**
   * Cosine k-nearest-neighbour predictions for every shift of every test sample.
   *
   * @param train unit-norm training features
   * @param trainClasses their class indices in [0, classes)
   * @param classes number of classes
   * @param k neighbours
   * @param z unit-norm test features
   * @return [i][s] the predicted class index
   */
  public int[][] nearestNeighbours(
      SpectralBatch train, int[] trainClasses, int classes, int k, SpectralBatch z) {
    check(train);
    check(z);
    if (trainClasses.length != train.size() || k < 1 || k > train.size()) {
      throw new IllegalArgumentException(
          "need one class per training sample and 1 ≤ k ≤ "
              + train.size()
              + ", got "
              + trainClasses.length
              + " classes and k = "
              + k);
    }
    int n = shifts();
    int m = train.size();
    int[][] out = new int[z.size()][n];
    Ranges.split(
        math,
        z.size(),
        (lo, hi) -> {
          Work w = new Work(new Fft(shape.height(), shape.width()));
          double[][] sims = new double[m][n];
          int[] top = new int[k];
          int[] votes = new int[classes];
          for (int i = lo; i < hi; i++) {
            for (int t = 0; t < m; t++) {
              correlate(train, t, z, i, w, sims[t]);
            }
            for (int s = 0; s < n; s++) {
              int filled = 0;
              for (int t = 0; t < m; t++) {
                double v = sims[t][s];
                if (filled == k && v <= sims[top[k - 1]][s]) {
                  continue;
                }
                int pos = filled == k ? k - 1 : filled++;
                while (pos > 0 && sims[top[pos - 1]][s] < v) {
                  top[pos] = top[pos - 1];
                  pos--;
                }
                top[pos] = t;
              }
              Arrays.fill(votes, 0);
              for (int t : top) {
                votes[trainClasses[t]]++;
              }
              int best = 0;
              for (int c = 1; c < classes; c++) {
                if (votes[c] > votes[best]) {
                  best = c;
                }
              }
              out[i][s] = best;
            }
          }
        });
    return out;
  }

  /**
   * Linear-classifier predictions ({@code argmax_j ⟨w_j, z⟩ + b_j}) for every shift of every test
   * sample.
   *
   * @param weights one weight vector per class (frequency domain)
   * @param bias one intercept per class
   * @param z test features
   * @return [i][s] the predicted class index
   */
  public int[][] linear(SpectralBatch weights, double[] bias, SpectralBatch z) {
    check(weights);
    check(z);
    if (bias.length != weights.size()) {
      throw new IllegalArgumentException(
          bias.length + " intercepts for " + weights.size() + " weight vectors");
    }
    int n = shifts();
    int[][] out = new int[z.size()][n];
    Ranges.split(
        math,
        z.size(),
        (lo, hi) -> {
          Work w = new Work(new Fft(shape.height(), shape.width()));
          double[][] scores = new double[weights.size()][n];
          for (int i = lo; i < hi; i++) {
            for (int j = 0; j < weights.size(); j++) {
              correlate(weights, j, z, i, w, scores[j]);
            }
            for (int s = 0; s < n; s++) {
              int best = 0;
              for (int j = 1; j < weights.size(); j++) {
                if (scores[j][s] + bias[j] > scores[best][s] + bias[best]) {
                  best = j;
                }
              }
              out[i][s] = best;
            }
          }
        });
    return out;
  }

  /**
   * The fraction of (sample, shift) pairs predicted as the sample's class.
   *
   * @param predictions [i][s] class indices
   * @param classes the true class index of every sample
   */
  public static double accuracy(int[][] predictions, int[] classes) {
    if (predictions.length != classes.length) {
      throw new IllegalArgumentException(
          predictions.length + " predicted samples for " + classes.length + " labels");
    }
    long right = 0;
    long total = 0;
    for (int i = 0; i < predictions.length; i++) {
      for (int p : predictions[i]) {
        right += p == classes[i] ? 1 : 0;
        total++;
      }
    }
    return total == 0 ? Double.NaN : (double) right / total;
  }

  /** Per-thread buffers. */
  private static final class Work {
    final Fft fft;
    final double[] re;
    final double[] im;

    Work(Fft fft) {
      this.fft = fft;
      this.re = new double[fft.halfSize()];
      this.im = new double[fft.halfSize()];
    }
  }

  /** out[s] = ⟨t_k, shift_s z_i⟩ for every shift s. */
  private void correlate(SpectralBatch t, int k, SpectralBatch z, int i, Work w, double[] out) {
    int channels = shape.channels();
    int half = grid.halfWidth();
    double[][] tr = t.reRows();
    double[][] ti = t.imRows();
    double[][] zr = z.reRows();
    double[][] zi = z.imRows();
    for (int f = 0; f < grid.bins(); f++) {
      double qr = 0;
      double qi = 0;
      for (int c = 0; c < channels; c++) {
        int row = f * channels + c;
        double ar = tr[row][k];
        double ai = ti[row][k];
        double br = zr[row][i];
        double bi = zi[row][i];
        // t · conj(z)
        qr += ar * br + ai * bi;
        qi += ai * br - ar * bi;
      }
      int p = grid.row(f) * half + grid.column(f);
      w.re[p] = qr;
      w.im[p] = qi;
    }
    for (int p = 0; p < w.re.length; p++) {
      if (grid.halfConjugate(p)) {
        int src = grid.row(grid.halfSource(p)) * half + grid.column(grid.halfSource(p));
        w.re[p] = w.re[src];
        w.im[p] = -w.im[src];
      }
    }
    w.fft.inverse(w.re, w.im, out, 0);
    double scale = Math.sqrt(shifts());
    for (int s = 0; s < out.length; s++) {
      out[s] *= scale;
    }
  }

  private void check(SpectralBatch b) {
    if (!b.shape().equals(shape)) {
      throw new IllegalArgumentException(
          "features of shape " + b.shape() + " given to a scorer of shape " + shape);
    }
  }
}
