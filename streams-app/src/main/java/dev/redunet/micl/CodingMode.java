package dev.redunet.micl;

/** Which lossy coding length is used (MICL_SPEC §1). */
public enum CodingMode {
  /**
   * Mean-coded (affine) length, eq. (1): {@code L = (N+D)/2·log2 det(I + D/(ε²N)·C) + D/2·log2(1 +
   * μᵀμ/ε²)} with the centred scatter {@code C}. Used by MICL.
   */
  AFFINE,
  /**
   * Zero-mean (linear) length, eq. (1'): {@code L = (N+D)/2·log2 det(I + D/(ε²N)·S)} with the
   * uncentred scatter {@code S = C + Nμμᵀ}. The default model of the clustering paper.
   */
  LINEAR
}
