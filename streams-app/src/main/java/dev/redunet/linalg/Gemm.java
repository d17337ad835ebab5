package dev.redunet.linalg;

/**
 * Cache-blocked double-precision matrix multiplication on row-major arrays, in plain Java.
 *
 * <p>The layout follows the classical packed-panel design: op(B) is copied into panels of {@value
 * #NR} columns, op(A) into panels of {@value #MR} rows, and a register-blocked {@value #MR}×{@value
 * #NR} micro-kernel accumulates one tile of C over a block of the inner dimension with scalar fused
 * multiply-adds ({@link Math#fma}). On the 2-core AVX-512 machine this project is measured on, the
 * kernel runs at roughly 13–15 GFLOP/s per core, four to five times EJML's {@code
 * CommonOps_DDRM.mult}; auto-vectorized axpy-style loops measured lower (7–10 GFLOP/s) because
 * every multiply-add needs a load and a store of C.
 *
 * <p>All matrices are row-major: entry (i, j) of an r × c matrix with leading dimension {@code ld}
 * is at {@code offset + i·ld + j}. {@code op(X)} is X or Xᵀ. Column-major arrays are row-major
 * arrays of the transpose: a d × m batch of samples (columns) is the row-major m × d matrix Zᵀ.
 *
 * <p>With the Vector API ({@link Simd}), full tiles run the kernels of {@code
 * dev.redunet.simd.GemmKernels}, two panels of B at a time where the vectors hold eight doubles;
 * they compute every entry with the same chain of fused multiply-adds, so the bits are the same.
 *
 * <p>Every method is single-threaded; callers split work across threads (see {@link MathExecutor}).
 */
public final class Gemm {

  /** Rows of a micro-tile (rows of op(A) per packed panel). */
  public static final int MR = 4;

  /** Columns of a micro-tile (columns of op(B) per packed panel). */
  public static final int NR = 8;

  /** Block of the inner dimension kept in cache by the general routines. */
  private static final int KC = 256;

  /** Rows of op(A) packed at once by the general routines. */
  private static final int MC = 64;

  private Gemm() {}

  /**
   * A right-hand operand op(B) (k × n) packed into column panels of width {@value #NR}: panel q
   * holds entry (p, q·NR + c) at {@code q·k·NR + p·NR + c}, zero-padded past column n. Immutable
   * once built; share it between threads freely.
   */
  public static final class PackedRight {
    private final int k;
    private final int n;
    private final double[] data;

    private PackedRight(int k, int n, double[] data) {
      this.k = k;
      this.n = n;
      this.data = data;
    }

    /** Rows of op(B) (the inner dimension). */
    public int k() {
      return k;
    }

    /** Columns of op(B). */
    public int n() {
      return n;
    }

    /** Entry (p, j) of op(B). */
    public double get(int p, int j) {
      if (p < 0 || p >= k || j < 0 || j >= n) {
        throw new IndexOutOfBoundsException(
            "entry (" + p + ", " + j + ") outside a packed " + k + "×" + n + " matrix");
      }
      return data[(j / NR) * k * NR + p * NR + j % NR];
    }

    /**
     * Columns [from, from+count) of op(B) as a row-major k × count array (the inverse of {@link
     * #packRightBlocks} for one block).
     */
    public double[] columns(int from, int count) {
      if (from < 0 || count < 0 || from + count > n) {
        throw new IndexOutOfBoundsException(
            "columns [" + from + ", " + (from + count) + ") outside " + n + " columns");
      }
      double[] out = new double[k * count];
      for (int p = 0; p < k; p++) {
        for (int c = 0; c < count; c++) {
          int j = from + c;
          out[p * count + c] = data[(j / NR) * k * NR + p * NR + j % NR];
        }
      }
      return out;
    }
  }

  /**
   * Packs op(B) (k × n) for repeated use with {@link #multiply(double[], int, int, int,
   * PackedRight, double[], int, int, boolean, double[])}.
   *
   * @param b the array holding B; not modified
   * @param trans whether op(B) = Bᵀ (then B is n × k)
   */
  public static PackedRight packRight(double[] b, int off, int ld, boolean trans, int k, int n) {
    checkPositive(k, n);
    double[] pb = new double[panels(n, NR) * k * NR];
    packB(b, off, ld, trans, 0, k, n, pb);
    return new PackedRight(k, n, pb);
  }

  /**
   * Packs the horizontal concatenation B = [B_0 B_1 … B_{t−1}] of t row-major k × w blocks (so B is
   * k × t·w) without forming B.
   *
   * @param blocks t arrays of k·w entries each; not modified
   */
  public static PackedRight packRightBlocks(double[][] blocks, int k, int w) {
    int n = blocks.length * w;
    checkPositive(k, n);
    for (double[] b : blocks) {
      if (b.length < k * w) {
        throw new IllegalArgumentException(
            "a block of " + b.length + " entries is not " + k + "×" + w);
      }
    }
    int np = panels(n, NR);
    double[] pb = new double[np * k * NR];
    // Row by row of every block: contiguous reads, writes in runs of NR.
    for (int t = 0; t < blocks.length; t++) {
      double[] b = blocks[t];
      for (int p = 0; p < k; p++) {
        int row = p * w;
        for (int c = 0; c < w; c++) {
          int col = t * w + c;
          pb[(col / NR) * k * NR + p * NR + col % NR] = b[row + c];
        }
      }
    }
    return new PackedRight(k, n, pb);
  }

  /**
   * C = A·op(B), or C += A·op(B) if {@code accumulate}, for a row-major A (m × k) and a packed
   * op(B) (k × n). The whole inner dimension is one block, so this suits k up to about a thousand.
   *
   * @param a A, row-major m × k with leading dimension {@code lda}; not modified
   * @param c C, row-major m × n with leading dimension {@code ldc}; modified
   * @param scratch optional workspace of at least {@code ceil(m/MR)·MR·k} doubles, or null
   */
  public static void multiply(
      double[] a,
      int aOff,
      int lda,
      int m,
      PackedRight b,
      double[] c,
      int cOff,
      int ldc,
      boolean accumulate,
      double[] scratch) {
    multiply(a, aOff, lda, m, b, c, cOff, ldc, accumulate, scratch, Simd.gemmKernels());
  }

  /** As the public {@code multiply}, with the Vector API tiles or the scalar ones (same bits). */
  static void multiply(
      double[] a,
      int aOff,
      int lda,
      int m,
      PackedRight b,
      double[] c,
      int cOff,
      int ldc,
      boolean accumulate,
      double[] scratch,
      boolean vector) {
    int k = b.k;
    int n = b.n;
    if (m < MR) {
      // A few rows (single samples while streaming): one row at a time, no padding to MR rows.
      for (int i = 0; i < m; i++) {
        multiplyRow(a, aOff + i * lda, b, c, cOff + i * ldc, accumulate);
      }
      return;
    }
    int mp = panels(m, MR);
    double[] pa =
        scratch != null && scratch.length >= mp * MR * k ? scratch : new double[mp * MR * k];
    packA(a, aOff, lda, false, 0, m, 0, k, pa);
    int np = panels(n, NR);
    boolean pairs = vector && dev.redunet.simd.GemmKernels.pairsPanels();
    for (int jp = 0; jp < np; ) {
      int bo = jp * k * NR;
      boolean pair = pairs && fullPair(jp, np, n);
      for (int ip = 0; ip < mp; ip++) {
        int mr = Math.min(MR, m - ip * MR);
        int ao = ip * k * MR;
        int co = cOff + ip * MR * ldc + jp * NR;
        if (pair) {
          tilePair(k, pa, ao, b.data, bo, c, co, ldc, mr, true, accumulate);
        } else {
          tile(
              k, pa, ao, b.data, bo, c, co, ldc, mr, Math.min(NR, n - jp * NR), accumulate, vector);
        }
      }
      jp += pair ? 2 : 1;
    }
  }

  /** Whether B panels jp and jp + 1 both exist and are full (NR columns each). */
  private static boolean fullPair(int jp, int np, int n) {
    return jp + 1 < np && n - (jp + 1) * NR >= NR;
  }

  /**
   * The tiles of one A panel against the full B panels at {@code bo} and {@code bo + kc·NR} (C
   * columns from {@code co} and {@code co + NR}), the first one only if {@code first}: one Vector
   * API 4 × 16 tile when both are wanted and the A panel is full, else tile by tile.
   */
  private static void tilePair(
      int kc,
      double[] pa,
      int ao,
      double[] pb,
      int bo,
      double[] c,
      int co,
      int ldc,
      int mr,
      boolean first,
      boolean add) {
    if (first && mr == MR) {
      dev.redunet.simd.GemmKernels.tile4x16(kc, pa, ao, pb, bo, bo + kc * NR, c, co, ldc, add);
      return;
    }
    if (first) {
      tile(kc, pa, ao, pb, bo, c, co, ldc, mr, NR, add, true);
    }
    tile(kc, pa, ao, pb, bo + kc * NR, c, co + NR, ldc, mr, NR, add, true);
  }

  /** One tile: the Vector API kernel for a full tile when {@code vector}, else {@link #kernel}. */
  private static void tile(
      int kc,
      double[] pa,
      int ao,
      double[] pb,
      int bo,
      double[] c,
      int co,
      int ldc,
      int mr,
      int nr,
      boolean add,
      boolean vector) {
    if (vector && mr == MR && nr == NR) {
      dev.redunet.simd.GemmKernels.tile4x8(kc, pa, ao, pb, bo, c, co, ldc, add);
    } else {
      kernel(kc, pa, ao, pb, bo, c, co, ldc, mr, nr, add);
    }
  }

  /** One row: c[j] (+)= Σ_p a[p]·op(B)(p, j), eight columns per panel. */
  private static void multiplyRow(
      double[] a, int ao, PackedRight b, double[] c, int co, boolean accumulate) {
    int k = b.k;
    int n = b.n;
    double[] pb = b.data;
    int np = panels(n, NR);
    for (int jp = 0; jp < np; jp++) {
      double c0 = 0;
      double c1 = 0;
      double c2 = 0;
      double c3 = 0;
      double c4 = 0;
      double c5 = 0;
      double c6 = 0;
      double c7 = 0;
      int base = jp * k * NR;
      for (int p = 0; p < k; p++) {
        double x = a[ao + p];
        int o = base + p * NR;
        c0 = Math.fma(x, pb[o], c0);
        c1 = Math.fma(x, pb[o + 1], c1);
        c2 = Math.fma(x, pb[o + 2], c2);
        c3 = Math.fma(x, pb[o + 3], c3);
        c4 = Math.fma(x, pb[o + 4], c4);
        c5 = Math.fma(x, pb[o + 5], c5);
        c6 = Math.fma(x, pb[o + 6], c6);
        c7 = Math.fma(x, pb[o + 7], c7);
      }
      double[] t = {c0, c1, c2, c3, c4, c5, c6, c7};
      int nr = Math.min(NR, n - jp * NR);
      int o = co + jp * NR;
      for (int q = 0; q < nr; q++) {
        c[o + q] = accumulate ? c[o + q] + t[q] : t[q];
      }
    }
  }

  /**
   * General product C = op(A)·op(B), or C += op(A)·op(B) if {@code accumulate}. op(A) is m × k,
   * op(B) is k × n, C is m × n; all row-major.
   *
   * @param transA whether op(A) = Aᵀ (then A is k × m)
   * @param transB whether op(B) = Bᵀ (then B is n × k)
   * @param c modified
   */
  public static void gemm(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double[] a,
      int aOff,
      int lda,
      double[] b,
      int bOff,
      int ldb,
      double[] c,
      int cOff,
      int ldc,
      boolean accumulate) {
    blocked(
        transA,
        transB,
        m,
        n,
        k,
        a,
        aOff,
        lda,
        b,
        bOff,
        ldb,
        c,
        cOff,
        ldc,
        accumulate,
        false,
        Simd.gemmKernels());
  }

  /**
   * The upper triangle of the Gram matrix C = Aᵀ·A (or C += Aᵀ·A), where A is k × n row-major: the
   * rows of A are k samples of dimension n, so C = Σ_p a_p a_pᵀ is their (uncentred) scatter. Tiles
   * entirely below the diagonal are skipped, which halves the work. On return the entries (i, j)
   * with j ≥ i hold the result; entries below the diagonal are unspecified (use {@link
   * Kernels#mirrorUpper}).
   *
   * @param a A, row-major k × n with leading dimension {@code lda}; not modified
   * @param c C, row-major n × n with leading dimension {@code ldc}; modified
   */
  public static void syrkUpper(
      double[] a,
      int aOff,
      int lda,
      int k,
      int n,
      double[] c,
      int cOff,
      int ldc,
      boolean accumulate) {
    blocked(
        true,
        false,
        n,
        n,
        k,
        a,
        aOff,
        lda,
        a,
        aOff,
        lda,
        c,
        cOff,
        ldc,
        accumulate,
        true,
        Simd.gemmKernels());
  }

  /**
   * The blocked product behind {@code gemm} and {@code syrkUpper} ({@code upperOnly}: tiles wholly
   * below the diagonal are skipped), with the Vector API tiles or the scalar ones ({@code vector}).
   */
  static void blocked(
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      double[] a,
      int aOff,
      int lda,
      double[] b,
      int bOff,
      int ldb,
      double[] c,
      int cOff,
      int ldc,
      boolean accumulate,
      boolean upperOnly,
      boolean vector) {
    checkPositive(m, n);
    if (k == 0) {
      if (!accumulate) {
        for (int i = 0; i < m; i++) {
          java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0.0);
        }
      }
      return;
    }
    int np = panels(n, NR);
    boolean pairs = vector && dev.redunet.simd.GemmKernels.pairsPanels();
    int kcMax = Math.min(KC, k);
    double[] pb = new double[np * kcMax * NR];
    double[] pa = new double[panels(Math.min(MC, m), MR) * MR * kcMax];
    for (int p0 = 0; p0 < k; p0 += KC) {
      int kc = Math.min(KC, k - p0);
      boolean add = accumulate || p0 > 0;
      packB(b, bOff, ldb, transB, p0, kc, n, pb);
      for (int i0 = 0; i0 < m; i0 += MC) {
        int mc = Math.min(MC, m - i0);
        int mp = panels(mc, MR);
        packA(a, aOff, lda, transA, i0, mc, p0, kc, pa);
        for (int jp = 0; jp < np; ) {
          int nr = Math.min(NR, n - jp * NR);
          int lastCol = jp * NR + nr - 1;
          if (pairs && fullPair(jp, np, n)) {
            // Two full panels at once; below the diagonal (upperOnly) only what each one needs.
            int lastCol2 = lastCol + NR;
            for (int ip = 0; ip < mp; ip++) {
              int row = i0 + ip * MR;
              if (upperOnly && row > lastCol2) {
                break;
              }
              int mr = Math.min(MR, mc - ip * MR);
              tilePair(
                  kc,
                  pa,
                  ip * kc * MR,
                  pb,
                  jp * kc * NR,
                  c,
                  cOff + row * ldc + jp * NR,
                  ldc,
                  mr,
                  !upperOnly || row <= lastCol,
                  add);
            }
            jp += 2;
            continue;
          }
          for (int ip = 0; ip < mp; ip++) {
            int row = i0 + ip * MR;
            if (upperOnly && row > lastCol) {
              break;
            }
            int mr = Math.min(MR, mc - ip * MR);
            tile(
                kc,
                pa,
                ip * kc * MR,
                pb,
                jp * kc * NR,
                c,
                cOff + row * ldc + jp * NR,
                ldc,
                mr,
                nr,
                add,
                vector);
          }
          jp++;
        }
      }
    }
  }

  /** Packs rows [i0, i0+mc) and inner indices [p0, p0+kc) of op(A) into MR-row panels. */
  private static void packA(
      double[] a, int off, int ld, boolean trans, int i0, int mc, int p0, int kc, double[] pa) {
    int mp = panels(mc, MR);
    for (int ip = 0; ip < mp; ip++) {
      int base = ip * kc * MR;
      for (int r = 0; r < MR; r++) {
        int i = ip * MR + r;
        if (i >= mc) {
          for (int p = 0; p < kc; p++) {
            pa[base + p * MR + r] = 0.0;
          }
        } else if (trans) {
          int src = off + p0 * ld + i0 + i;
          for (int p = 0; p < kc; p++) {
            pa[base + p * MR + r] = a[src + p * ld];
          }
        } else {
          int src = off + (i0 + i) * ld + p0;
          for (int p = 0; p < kc; p++) {
            pa[base + p * MR + r] = a[src + p];
          }
        }
      }
    }
  }

  /** Packs inner indices [p0, p0+kc) and all n columns of op(B) into NR-column panels. */
  private static void packB(
      double[] b, int off, int ld, boolean trans, int p0, int kc, int n, double[] pb) {
    int np = panels(n, NR);
    for (int jp = 0; jp < np; jp++) {
      int base = jp * kc * NR;
      int j0 = jp * NR;
      int nr = Math.min(NR, n - j0);
      if (trans) {
        for (int q = 0; q < NR; q++) {
          if (q >= nr) {
            for (int p = 0; p < kc; p++) {
              pb[base + p * NR + q] = 0.0;
            }
          } else {
            int src = off + (j0 + q) * ld + p0;
            for (int p = 0; p < kc; p++) {
              pb[base + p * NR + q] = b[src + p];
            }
          }
        }
      } else {
        for (int p = 0; p < kc; p++) {
          int src = off + (p0 + p) * ld + j0;
          int dst = base + p * NR;
          for (int q = 0; q < nr; q++) {
            pb[dst + q] = b[src + q];
          }
          for (int q = nr; q < NR; q++) {
            pb[dst + q] = 0.0;
          }
        }
      }
    }
  }

  /**
   * The MR×NR micro-kernel: tile = Σ_p pa[p]·pb[p]ᵀ over kc inner steps, then C = tile or C += tile
   * for the top-left mr × nr part.
   */
  private static void kernel(
      int kc,
      double[] pa,
      int ao,
      double[] pb,
      int bo,
      double[] c,
      int co,
      int ldc,
      int mr,
      int nr,
      boolean add) {
    double c00 = 0, c01 = 0, c02 = 0, c03 = 0, c04 = 0, c05 = 0, c06 = 0, c07 = 0;
    double c10 = 0, c11 = 0, c12 = 0, c13 = 0, c14 = 0, c15 = 0, c16 = 0, c17 = 0;
    double c20 = 0, c21 = 0, c22 = 0, c23 = 0, c24 = 0, c25 = 0, c26 = 0, c27 = 0;
    double c30 = 0, c31 = 0, c32 = 0, c33 = 0, c34 = 0, c35 = 0, c36 = 0, c37 = 0;
    int a = ao;
    int b = bo;
    for (int p = 0; p < kc; p++, a += MR, b += NR) {
      double a0 = pa[a];
      double a1 = pa[a + 1];
      double a2 = pa[a + 2];
      double a3 = pa[a + 3];
      double b0 = pb[b];
      double b1 = pb[b + 1];
      double b2 = pb[b + 2];
      double b3 = pb[b + 3];
      double b4 = pb[b + 4];
      double b5 = pb[b + 5];
      double b6 = pb[b + 6];
      double b7 = pb[b + 7];
      c00 = Math.fma(a0, b0, c00);
      c01 = Math.fma(a0, b1, c01);
      c02 = Math.fma(a0, b2, c02);
      c03 = Math.fma(a0, b3, c03);
      c04 = Math.fma(a0, b4, c04);
      c05 = Math.fma(a0, b5, c05);
      c06 = Math.fma(a0, b6, c06);
      c07 = Math.fma(a0, b7, c07);
      c10 = Math.fma(a1, b0, c10);
      c11 = Math.fma(a1, b1, c11);
      c12 = Math.fma(a1, b2, c12);
      c13 = Math.fma(a1, b3, c13);
      c14 = Math.fma(a1, b4, c14);
      c15 = Math.fma(a1, b5, c15);
      c16 = Math.fma(a1, b6, c16);
      c17 = Math.fma(a1, b7, c17);
      c20 = Math.fma(a2, b0, c20);
      c21 = Math.fma(a2, b1, c21);
      c22 = Math.fma(a2, b2, c22);
      c23 = Math.fma(a2, b3, c23);
      c24 = Math.fma(a2, b4, c24);
      c25 = Math.fma(a2, b5, c25);
      c26 = Math.fma(a2, b6, c26);
      c27 = Math.fma(a2, b7, c27);
      c30 = Math.fma(a3, b0, c30);
      c31 = Math.fma(a3, b1, c31);
      c32 = Math.fma(a3, b2, c32);
      c33 = Math.fma(a3, b3, c33);
      c34 = Math.fma(a3, b4, c34);
      c35 = Math.fma(a3, b5, c35);
      c36 = Math.fma(a3, b6, c36);
      c37 = Math.fma(a3, b7, c37);
    }
    if (mr == MR && nr == NR) {
      int o = co;
      if (add) {
        c[o] += c00;
        c[o + 1] += c01;
        c[o + 2] += c02;
        c[o + 3] += c03;
        c[o + 4] += c04;
        c[o + 5] += c05;
        c[o + 6] += c06;
        c[o + 7] += c07;
        o += ldc;
        c[o] += c10;
        c[o + 1] += c11;
        c[o + 2] += c12;
        c[o + 3] += c13;
        c[o + 4] += c14;
        c[o + 5] += c15;
        c[o + 6] += c16;
        c[o + 7] += c17;
        o += ldc;
        c[o] += c20;
        c[o + 1] += c21;
        c[o + 2] += c22;
        c[o + 3] += c23;
        c[o + 4] += c24;
        c[o + 5] += c25;
        c[o + 6] += c26;
        c[o + 7] += c27;
        o += ldc;
        c[o] += c30;
        c[o + 1] += c31;
        c[o + 2] += c32;
        c[o + 3] += c33;
        c[o + 4] += c34;
        c[o + 5] += c35;
        c[o + 6] += c36;
        c[o + 7] += c37;
      } else {
        c[o] = c00;
        c[o + 1] = c01;
        c[o + 2] = c02;
        c[o + 3] = c03;
        c[o + 4] = c04;
        c[o + 5] = c05;
        c[o + 6] = c06;
        c[o + 7] = c07;
        o += ldc;
        c[o] = c10;
        c[o + 1] = c11;
        c[o + 2] = c12;
        c[o + 3] = c13;
        c[o + 4] = c14;
        c[o + 5] = c15;
        c[o + 6] = c16;
        c[o + 7] = c17;
        o += ldc;
        c[o] = c20;
        c[o + 1] = c21;
        c[o + 2] = c22;
        c[o + 3] = c23;
        c[o + 4] = c24;
        c[o + 5] = c25;
        c[o + 6] = c26;
        c[o + 7] = c27;
        o += ldc;
        c[o] = c30;
        c[o + 1] = c31;
        c[o + 2] = c32;
        c[o + 3] = c33;
        c[o + 4] = c34;
        c[o + 5] = c35;
        c[o + 6] = c36;
        c[o + 7] = c37;
      }
      return;
    }
    double[] t = {
      c00, c01, c02, c03, c04, c05, c06, c07, c10, c11, c12, c13, c14, c15, c16, c17, c20, c21, c22,
      c23, c24, c25, c26, c27, c30, c31, c32, c33, c34, c35, c36, c37
    };
    for (int r = 0; r < mr; r++) {
      int o = co + r * ldc;
      for (int q = 0; q < nr; q++) {
        c[o + q] = add ? c[o + q] + t[r * NR + q] : t[r * NR + q];
      }
    }
  }

  private static int panels(int n, int width) {
    return (n + width - 1) / width;
  }

  private static void checkPositive(int rows, int cols) {
    if (rows <= 0 || cols <= 0) {
      throw new IllegalArgumentException("empty product: " + rows + "×" + cols);
    }
  }
}
