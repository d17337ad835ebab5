package dev.redunet.redunet.spectral;

import java.util.Arrays;

/**
 * The distinct frequency bins of the DFT of a real H × W array (1D: H = 1, W = T), and the map
 * between them and the full spectrum (REDUNET_SPEC §3.1).
 *
 * <p>For real input {@code X(−f) = conj X(f)}, so the per-frequency operators satisfy {@code E(−f)
 * = conj E(f)} and the layer update keeps that symmetry exactly. Only one bin of every conjugate
 * pair is kept: all {@code (h, w)} with {@code 1 ≤ w < W/2} (columns with a partner in the other
 * half plane), and in the columns {@code w = 0} and {@code w = W/2} (W even), which are closed
 * under conjugation, the rows {@code 0 ≤ h ≤ H/2}. A kept bin has weight 2 when its partner is
 * another bin and 1 when it is its own conjugate ({@code −f ≡ f}, e.g. DC), so that sums over the
 * full spectrum are {@code Σ_f weight(f)·g(f)} for any g with {@code g(−f) = g(f)}, and
 * conjugate-symmetric quantities such as {@code ‖v‖²} or {@code log det} add up correctly. There
 * are {@code (HW + s)/2} bins, where s is the number of self-conjugate ones (T/2+1 in 1D, 394 for
 * 28 × 28 instead of 784).
 */
public final class SpectralGrid {

  private final int height;
  private final int width;
  private final int halfWidth;
  private final int[] binRow;
  private final int[] binColumn;
  private final double[] weight;
  private final int[] halfSource;
  private final boolean[] halfConjugate;

  /**
   * The grid of an H × W real array.
   *
   * @param height H ≥ 1 (1 in 1D)
   * @param width W ≥ 1 (T in 1D)
   */
  public SpectralGrid(int height, int width) {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "spectral grid needs positive H × W, got " + height + " × " + width);
    }
    this.height = height;
    this.width = width;
    this.halfWidth = width / 2 + 1;
    int[] rows = new int[height * halfWidth];
    int[] cols = new int[height * halfWidth];
    double[] weights = new double[height * halfWidth];
    int[] source = new int[height * halfWidth];
    boolean[] conj = new boolean[height * halfWidth];
    Arrays.fill(source, -1);
    int bins = 0;
    for (int h = 0; h < height; h++) {
      for (int w = 0; w < halfWidth; w++) {
        int ph = Math.floorMod(-h, height);
        int pw = Math.floorMod(-w, width);
        boolean columnClosed = pw == w; // w = 0, or w = W/2 with W even
        if (columnClosed && ph < h) {
          continue; // the partner (ph, w) is kept
        }
        rows[bins] = h;
        cols[bins] = w;
        weights[bins] = (columnClosed && ph == h) ? 1.0 : 2.0;
        source[h * halfWidth + w] = bins;
        bins++;
      }
    }
    for (int h = 0; h < height; h++) {
      for (int w = 0; w < halfWidth; w++) {
        int p = h * halfWidth + w;
        if (source[p] < 0) {
          source[p] = source[Math.floorMod(-h, height) * halfWidth + w];
          conj[p] = true;
        }
      }
    }
    this.binRow = Arrays.copyOf(rows, bins);
    this.binColumn = Arrays.copyOf(cols, bins);
    this.weight = Arrays.copyOf(weights, bins);
    this.halfSource = source;
    this.halfConjugate = conj;
  }

  /** The grid of a 1D signal of length T. */
  public static SpectralGrid of1d(int length) {
    return new SpectralGrid(1, length);
  }

  /** H. */
  public int height() {
    return height;
  }

  /** W (T in 1D). */
  public int width() {
    return width;
  }

  /** H·W: the number of bins of the full spectrum (the T of REDUNET_SPEC §3.5). */
  public int fullSize() {
    return height * width;
  }

  /** Number of kept bins. */
  public int bins() {
    return binRow.length;
  }

  /**
   * Weight of a kept bin in sums over the full spectrum: 2 if it has a distinct partner, else 1.
   */
  public double weight(int bin) {
    return weight[bin];
  }

  /** Row h of a kept bin. */
  public int row(int bin) {
    return binRow[bin];
  }

  /** Column w (0 ≤ w ≤ W/2) of a kept bin. */
  public int column(int bin) {
    return binColumn[bin];
  }

  /** ⌊W/2⌋+1, the number of columns of the half-plane layout of {@code dev.redunet.linalg.Fft}. */
  int halfWidth() {
    return halfWidth;
  }

  /**
   * For half-plane index {@code h·halfWidth + w}: the kept bin that holds it (or its conjugate).
   */
  int halfSource(int halfIndex) {
    return halfSource[halfIndex];
  }

  /** For half-plane index {@code h·halfWidth + w}: whether it is the conjugate of its kept bin. */
  boolean halfConjugate(int halfIndex) {
    return halfConjugate[halfIndex];
  }

  /**
   * Where bin (h, w) of the full spectrum lives: the kept bin {@link Location#bin()} and whether
   * the value is its complex conjugate.
   *
   * @param h row, 0 ≤ h < H
   * @param w column, 0 ≤ w < W
   */
  public Location locate(int h, int w) {
    if (h < 0 || h >= height || w < 0 || w >= width) {
      throw new IllegalArgumentException(
          "bin (" + h + ", " + w + ") outside the grid " + height + " × " + width);
    }
    if (w < halfWidth) {
      int p = h * halfWidth + w;
      return new Location(halfSource[p], halfConjugate[p]);
    }
    int p = Math.floorMod(-h, height) * halfWidth + (width - w);
    return new Location(halfSource[p], !halfConjugate[p]);
  }

  /**
   * Where a bin of the full spectrum lives.
   *
   * @param bin index of the kept bin
   * @param conjugate whether the full-spectrum value is the conjugate of the kept one
   */
  public record Location(int bin, boolean conjugate) {}

  @Override
  public boolean equals(Object o) {
    return o instanceof SpectralGrid g && g.height == height && g.width == width;
  }

  @Override
  public int hashCode() {
    return 31 * height + width;
  }

  @Override
  public String toString() {
    return "SpectralGrid(" + height + " × " + width + ", " + bins() + " bins)";
  }
}
