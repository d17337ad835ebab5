package dev.redunet.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The micro-kernels of {@code dev.redunet.linalg.Gemm} with the Vector API: a tile of C from a
 * panel of {@value #MR} packed rows of op(A) and one or two panels of {@value #NR} packed columns
 * of op(B), every entry the same chain of fused multiply-adds as the scalar kernel ({@code t =
 * fma(a_p, b_p, t)} for p = 0 … kc−1 from t = 0, then C = t or C = C + t), so the two give the same
 * bits.
 *
 * <p>Packed layouts (as {@code Gemm} packs them): entry (r, p) of the A panel at {@code ao + p·MR +
 * r}; entry (p, q) of a B panel at {@code bo + p·NR + q}.
 *
 * <p>Why faster: the scalar kernel's 32 accumulators are 32 scalar fused multiply-adds per inner
 * step; here they are four (eight doubles per vector) or eight (four per vector) vector ones, and
 * the two-panel tile keeps eight vector accumulators in flight, enough to hide the multiply-add
 * latency.
 */
public final class GemmKernels {

  /** Rows of a tile (rows of op(A) per packed panel). */
  public static final int MR = 4;

  /** Columns of a packed panel of op(B). */
  public static final int NR = 8;

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();

  private GemmKernels() {}

  /**
   * Whether this JVM's vectors suit these kernels (four or eight doubles).
   *
   * @return true with AVX2 or AVX-512 (or any 256- or 512-bit vectors)
   */
  public static boolean supported() {
    return LANES == 4 || LANES == 8;
  }

  /**
   * Whether {@link #tile4x16} is worth calling: with eight doubles per vector it keeps eight
   * accumulators where the one-panel tile has four.
   *
   * @return true with eight doubles per vector
   */
  public static boolean pairsPanels() {
    return LANES == 8;
  }

  /**
   * The full {@code 4 × 8} tile: {@code C[r][q] (+)= Σ_p A[r][p]·B[p][q]} (a fused multiply-add
   * chain per entry, in p order), for {@code r < 4, q < 8}, {@code C} row-major with leading
   * dimension {@code ldc} from {@code co}.
   *
   * @param kc inner steps
   * @param pa packed A panel ({@code kc × 4} entries from {@code ao})
   * @param pb packed B panel ({@code kc × 8} entries from {@code bo})
   * @param add whether C += tile (else C = tile)
   */
  public static void tile4x8(
      int kc, double[] pa, int ao, double[] pb, int bo, double[] c, int co, int ldc, boolean add) {
    if (LANES == 8) {
      DoubleVector c0 = DoubleVector.zero(S);
      DoubleVector c1 = c0;
      DoubleVector c2 = c0;
      DoubleVector c3 = c0;
      for (int p = 0, a = ao, b = bo; p < kc; p++, a += MR, b += NR) {
        DoubleVector v = DoubleVector.fromArray(S, pb, b);
        c0 = v.fma(DoubleVector.broadcast(S, pa[a]), c0);
        c1 = v.fma(DoubleVector.broadcast(S, pa[a + 1]), c1);
        c2 = v.fma(DoubleVector.broadcast(S, pa[a + 2]), c2);
        c3 = v.fma(DoubleVector.broadcast(S, pa[a + 3]), c3);
      }
      store(c0, c, co, add);
      store(c1, c, co + ldc, add);
      store(c2, c, co + 2 * ldc, add);
      store(c3, c, co + 3 * ldc, add);
      return;
    }
    // Four doubles per vector: the tile's two halves are two vectors per row.
    tilePair(kc, pa, ao, pb, bo, bo + 4, c, co, co + 4, ldc, add);
  }

  /**
   * Two full tiles side by side, {@code 4 × 16}: the tile of B panel {@code bo} at C column offset
   * {@code co} and that of B panel {@code bo2} at {@code co + 8}, each as {@link #tile4x8} computes
   * it. Only with {@link #pairsPanels()}.
   *
   * @param kc inner steps
   * @param pa packed A panel
   * @param pb the packed B panels
   * @param add whether C += tile (else C = tile)
   */
  public static void tile4x16(
      int kc,
      double[] pa,
      int ao,
      double[] pb,
      int bo,
      int bo2,
      double[] c,
      int co,
      int ldc,
      boolean add) {
    tilePair(kc, pa, ao, pb, bo, bo2, c, co, co + NR, ldc, add);
  }

  /**
   * Two vectors of accumulators per tile row: the columns of B read at {@code bo} and at {@code
   * bo2} (both advancing by {@value #NR} per inner step) go to C at {@code co} and at {@code co2}.
   */
  private static void tilePair(
      int kc,
      double[] pa,
      int ao,
      double[] pb,
      int bo,
      int bo2,
      double[] c,
      int co,
      int co2,
      int ldc,
      boolean add) {
    DoubleVector c0 = DoubleVector.zero(S);
    DoubleVector c1 = c0;
    DoubleVector c2 = c0;
    DoubleVector c3 = c0;
    DoubleVector d0 = c0;
    DoubleVector d1 = c0;
    DoubleVector d2 = c0;
    DoubleVector d3 = c0;
    for (int p = 0, a = ao, b = bo, e = bo2; p < kc; p++, a += MR, b += NR, e += NR) {
      DoubleVector v = DoubleVector.fromArray(S, pb, b);
      DoubleVector w = DoubleVector.fromArray(S, pb, e);
      DoubleVector a0 = DoubleVector.broadcast(S, pa[a]);
      DoubleVector a1 = DoubleVector.broadcast(S, pa[a + 1]);
      DoubleVector a2 = DoubleVector.broadcast(S, pa[a + 2]);
      DoubleVector a3 = DoubleVector.broadcast(S, pa[a + 3]);
      c0 = v.fma(a0, c0);
      d0 = w.fma(a0, d0);
      c1 = v.fma(a1, c1);
      d1 = w.fma(a1, d1);
      c2 = v.fma(a2, c2);
      d2 = w.fma(a2, d2);
      c3 = v.fma(a3, c3);
      d3 = w.fma(a3, d3);
    }
    store(c0, c, co, add);
    store(d0, c, co2, add);
    store(c1, c, co + ldc, add);
    store(d1, c, co2 + ldc, add);
    store(c2, c, co + 2 * ldc, add);
    store(d2, c, co2 + 2 * ldc, add);
    store(c3, c, co + 3 * ldc, add);
    store(d3, c, co2 + 3 * ldc, add);
  }

  private static void store(DoubleVector t, double[] c, int o, boolean add) {
    if (add) {
      DoubleVector.fromArray(S, c, o).add(t).intoArray(c, o);
    } else {
      t.intoArray(c, o);
    }
  }
}
