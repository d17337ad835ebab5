package dev.redunet.redunet.backprop;

import dev.redunet.redunet.VectorLayer;
import dev.redunet.redunet.spectral.SpectralLayer;
import java.util.SplittableRandom;

/**
 * The trainable operators of one layer: for every kept frequency bin f (B of them) the C × C
 * complex matrices {@code W_0(f) = E(f)} and {@code W_{1+j}(f) = Cʲ(f)}, j = 0 … k−1, as free
 * parameters (no Hermitian constraint: back-propagation may leave it). A vector layer is the case B
 * = 1, C = d with zero imaginary parts.
 *
 * <p>Layout: {@code re[o][f·C·C + a·C + b]}, {@code im[o][…]} hold entry (a, b) of operator o at
 * bin f. Mutable: an optimizer updates the arrays in place; the arrays are shared with whoever
 * holds them (package code only).
 */
public final class Operators {

  final int bins;
  final int channels;
  final double[][] re;
  final double[][] im;

  /**
   * Zero operators.
   *
   * @param count 1 + k operators
   * @param bins B kept bins
   * @param channels C
   */
  public Operators(int count, int bins, int channels) {
    if (count < 1 || bins < 1 || channels < 1) {
      throw new IllegalArgumentException(
          "operators need count, bins and channels ≥ 1, got "
              + count
              + ", "
              + bins
              + ", "
              + channels);
    }
    this.bins = bins;
    this.channels = channels;
    this.re = new double[count][bins * channels * channels];
    this.im = new double[count][bins * channels * channels];
  }

  /** The constructed operators E(f), Cʲ(f) of a spectral layer (every class must be present). */
  public static Operators of(SpectralLayer layer) {
    int k = layer.classes();
    int c = layer.channels();
    int bins = layer.grid().bins();
    Operators w = new Operators(1 + k, bins, c);
    for (int f = 0; f < bins; f++) {
      w.put(0, f, layer.expansionOperator(f));
      for (int j = 0; j < k; j++) {
        if (!layer.hasClass(j)) {
          throw new IllegalArgumentException("class " + j + " has no operator in " + layer);
        }
        w.put(1 + j, f, layer.compressionOperator(j, f));
      }
    }
    return w;
  }

  /** The operators E, Cʲ of a vector layer: one bin, C = d, real. */
  public static Operators of(VectorLayer layer) {
    int d = layer.inputDimension();
    int k = layer.classLabels().length;
    Operators w = new Operators(1 + k, 1, d);
    for (int o = 0; o <= k; o++) {
      var m = o == 0 ? layer.expansion() : layer.compression(o - 1);
      for (int a = 0; a < d; a++) {
        for (int b = 0; b < d; b++) {
          w.re[o][a * d + b] = m.get(a, b);
        }
      }
    }
    return w;
  }

  /**
   * Random operators like {@code like}: i.i.d. N(0, σ²) entries, σ = (mean Frobenius norm of the
   * operators of {@code like} over operators and bins)/C; imaginary parts are zero on the bins
   * {@code selfConjugate} marks (there the DFT of a real filter is real).
   *
   * @param selfConjugate per bin, whether it is its own conjugate
   * @param random the seeded generator (draws in layout order, real then imaginary part)
   */
  public static Operators random(Operators like, boolean[] selfConjugate, SplittableRandom random) {
    int count = like.re.length;
    int cc = like.channels * like.channels;
    double frobenius = 0;
    for (int o = 0; o < count; o++) {
      for (int f = 0; f < like.bins; f++) {
        double s = 0;
        for (int q = f * cc; q < (f + 1) * cc; q++) {
          s += like.re[o][q] * like.re[o][q] + like.im[o][q] * like.im[o][q];
        }
        frobenius += Math.sqrt(s);
      }
    }
    double sigma = frobenius / ((double) count * like.bins) / like.channels;
    Operators w = new Operators(count, like.bins, like.channels);
    for (int o = 0; o < count; o++) {
      for (int f = 0; f < like.bins; f++) {
        for (int q = f * cc; q < (f + 1) * cc; q++) {
          w.re[o][q] = sigma * random.nextGaussian();
          w.im[o][q] = selfConjugate[f] ? 0 : sigma * random.nextGaussian();
        }
      }
    }
    return w;
  }

  private void put(int o, int f, double[][] reIm) {
    int cc = channels * channels;
    System.arraycopy(reIm[0], 0, re[o], f * cc, cc);
    System.arraycopy(reIm[1], 0, im[o], f * cc, cc);
  }

  /** A zero set of the same shape (a gradient buffer). */
  public Operators zerosLike() {
    return new Operators(re.length, bins, channels);
  }

  /** A deep copy. */
  public Operators copy() {
    Operators w = zerosLike();
    for (int o = 0; o < re.length; o++) {
      System.arraycopy(re[o], 0, w.re[o], 0, re[o].length);
      System.arraycopy(im[o], 0, w.im[o], 0, im[o].length);
    }
    return w;
  }

  /** Adds {@code other} entry by entry (same shape). */
  public void add(Operators other) {
    for (int o = 0; o < re.length; o++) {
      for (int q = 0; q < re[o].length; q++) {
        re[o][q] += other.re[o][q];
        im[o][q] += other.im[o][q];
      }
    }
  }

  /** Number of operators, 1 + k. */
  public int count() {
    return re.length;
  }

  /** B. */
  public int bins() {
    return bins;
  }

  /** C. */
  public int channels() {
    return channels;
  }

  /** Real part of entry (a, b) of operator o at bin f. */
  public double re(int o, int f, int a, int b) {
    return re[o][(f * channels + a) * channels + b];
  }

  /** Imaginary part of entry (a, b) of operator o at bin f. */
  public double im(int o, int f, int a, int b) {
    return im[o][(f * channels + a) * channels + b];
  }

  /** Sets entry (a, b) of operator o at bin f. */
  public void set(int o, int f, int a, int b, double real, double imaginary) {
    re[o][(f * channels + a) * channels + b] = real;
    im[o][(f * channels + a) * channels + b] = imaginary;
  }
}
