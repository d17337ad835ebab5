package dev.redunet.simd;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The per-frequency-bin complex products of back-propagation through a spectral layer ({@code
 * dev.redunet.redunet.backprop.LayerBatch}) with the Vector API, the vectors running over the
 * contiguous index and every sum taken in the scalar kernels' order with the same operations, so
 * that the two give the same bits. Each computes the whole vectors of its index and returns where
 * they end; the caller's scalar kernel does the rest. Complex numbers are split into real and
 * imaginary arrays; a bin's operator W is a row-major C × C block.
 */
public final class BinKernels {

  private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
  private static final int LANES = S.length();

  private BinKernels() {}

  /**
   * y = W v at one bin: {@code y_a = Σ_b W_ab v_b} over b in order, {@code re += Wr·vr − Wi·vi},
   * {@code im += Wr·vi + Wi·vr}, from zero.
   *
   * @param wtRe Wᵀ's real part, row-major C × C from 0 (entry (b, a) = W_ab)
   * @param wtIm Wᵀ's imaginary part
   * @param c C
   * @param vRe v's real part, C entries from {@code base}
   * @param vIm v's imaginary part
   * @param base the bin's first entry in v and y
   * @param yRe receives y's real part (C entries from {@code base})
   * @param yIm receives y's imaginary part
   * @return the first row a not computed: rows from it on (fewer than one vector) are the caller's
   */
  public static int multiply(
      double[] wtRe,
      double[] wtIm,
      int c,
      double[] vRe,
      double[] vIm,
      int base,
      double[] yRe,
      double[] yIm) {
    int a = 0;
    for (; a + LANES <= c; a += LANES) {
      DoubleVector s = DoubleVector.zero(S);
      DoubleVector t = s;
      for (int b = 0; b < c; b++) {
        double br = vRe[base + b];
        double bi = vIm[base + b];
        DoubleVector wr = DoubleVector.fromArray(S, wtRe, b * c + a);
        DoubleVector wi = DoubleVector.fromArray(S, wtIm, b * c + a);
        s = s.add(wr.mul(br).sub(wi.mul(bi)));
        t = t.add(wr.mul(bi).add(wi.mul(br)));
      }
      s.intoArray(yRe, base + a);
      t.intoArray(yIm, base + a);
    }
    return a;
  }

  /**
   * g += Wᴴ x at one bin: {@code g_b += Σ_a conj(W_ab) x_a} over a in order, {@code re += Wr·xr +
   * Wi·xi}, {@code im += Wr·xi − Wi·xr}.
   *
   * @param wRe W's real part (row-major C × C from {@code mat})
   * @param wIm W's imaginary part
   * @param mat the bin's block in W
   * @param c C
   * @param base the bin's first entry in x and g
   * @param xRe x's real part
   * @param xIm x's imaginary part
   * @param gRe g's real part, added to
   * @param gIm g's imaginary part, added to
   * @return the first b not computed: those from it on (fewer than one vector) are the caller's
   */
  public static int multiplyAdjoint(
      double[] wRe,
      double[] wIm,
      int mat,
      int c,
      int base,
      double[] xRe,
      double[] xIm,
      double[] gRe,
      double[] gIm) {
    int b = 0;
    for (; b + LANES <= c; b += LANES) {
      DoubleVector s = DoubleVector.fromArray(S, gRe, base + b);
      DoubleVector t = DoubleVector.fromArray(S, gIm, base + b);
      for (int a = 0; a < c; a++) {
        double xr = xRe[base + a];
        double xi = xIm[base + a];
        DoubleVector ar = DoubleVector.fromArray(S, wRe, mat + a * c + b);
        DoubleVector ai = DoubleVector.fromArray(S, wIm, mat + a * c + b);
        s = s.add(ar.mul(xr).add(ai.mul(xi)));
        t = t.add(ar.mul(xi).sub(ai.mul(xr)));
      }
      s.intoArray(gRe, base + b);
      t.intoArray(gIm, base + b);
    }
    return b;
  }

  /**
   * G += Σ_s x_s v_sᴴ at one bin: {@code G_ab += x_s,a conj(v_s,b)} over the samples s in order,
   * {@code re += xr·vr + xi·vi}, {@code im += xi·vr − xr·vi}.
   *
   * @param gr G's real part (row-major C × C from {@code mat}), added to
   * @param gi G's imaginary part, added to
   * @param mat the bin's block in G
   * @param c C
   * @param base the bin's first entry in every x_s and v_s
   * @param count the number of samples
   * @param xRe x_s's real parts
   * @param xIm x_s's imaginary parts
   * @param vRe v_s's real parts
   * @param vIm v_s's imaginary parts
   * @return the first column b not computed in any row: the columns from it on (fewer than one
   *     vector) are the caller's
   */
  public static int addOuterProducts(
      double[] gr,
      double[] gi,
      int mat,
      int c,
      int base,
      int count,
      double[][] xRe,
      double[][] xIm,
      double[][] vRe,
      double[][] vIm) {
    int end = c - c % LANES;
    for (int a = 0; a < c; a++) {
      int row = mat + a * c;
      for (int b = 0; b < end; b += LANES) {
        DoubleVector s = DoubleVector.fromArray(S, gr, row + b);
        DoubleVector t = DoubleVector.fromArray(S, gi, row + b);
        for (int k = 0; k < count; k++) {
          double xr = xRe[k][base + a];
          double xi = xIm[k][base + a];
          DoubleVector br = DoubleVector.fromArray(S, vRe[k], base + b);
          DoubleVector bi = DoubleVector.fromArray(S, vIm[k], base + b);
          s = s.add(br.mul(xr).add(bi.mul(xi)));
          t = t.add(br.mul(xi).sub(bi.mul(xr)));
        }
        s.intoArray(gr, row + b);
        t.intoArray(gi, row + b);
      }
    }
    return end;
  }
}
