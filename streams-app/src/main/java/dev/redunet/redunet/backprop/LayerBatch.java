package dev.redunet.redunet.backprop;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Simd;
import dev.redunet.simd.BinKernels;

/**
 * {@link LayerMap} applied to a batch of m samples at once: the same formulas (see {@link
 * LayerMap}), with the operator products done per frequency bin f for every sample of the batch,
 *
 * <pre>
 *   forward:   Y_o(f) = W_o(f) V(f)                         (C × C by C × m, o = 0 … k)
 *   backward:  G_W_o(f) += Σ_i X_o,i(f) v_i(f)ᴴ,   G_v_i(f) += W_o(f)ᴴ X_o,i(f)
 * </pre>
 *
 * so that one bin's operators (C × C complex, a few kilobytes) stay in the cache while every sample
 * passes through them, instead of every sample streaming all B·(1 + k) operators. Work is split
 * over the executor by bins for the products (each bin's entries are owned by one task, which sums
 * over the samples in batch order) and by samples for the rest; every entry is computed in the same
 * order as by {@link LayerMap#forward} on each sample and {@link LayerMap#backward} on each sample
 * in batch order into one gradient, so the results are bit-identical to those calls, for any thread
 * count.
 *
 * <p>Arrays: a sample's real or imaginary coefficients are B·C values (index f·C + c), a batch is m
 * such rows. Scratch lives in a {@link Workspace}; the passes allocate nothing per sample.
 * Stateless; thread-safe when each caller has its own workspace.
 */
public final class LayerBatch {

  /** Bins per task of the per-bin products. */
  private static final int BINS_PER_TASK = 8;

  /**
   * The forward trace of up to {@code capacity} samples of one layer (the scratch of a pass, reused
   * across layers and batches; mutable).
   */
  public static final class Workspace {
    final int capacity;
    final int size;
    final int classes;
    final double[][] eRe;
    final double[][] eIm;
    final double[][][] uRe;
    final double[][][] uIm;
    final double[][] norms;
    final double[][] membership;
    final double[][] membershipGradient;
    final double[][] gRe;
    final double[][] gIm;
    final double[] scale;

    /**
     * Scratch for batches of up to {@code capacity} samples of B·C = {@code size} coefficients and
     * k = {@code classes} classes (memory: (2k + 4)·capacity·size doubles).
     */
    public Workspace(int capacity, int size, int classes) {
      if (capacity < 1 || size < 1 || classes < 1) {
        throw new IllegalArgumentException(
            "a workspace needs capacity, size and classes ≥ 1, got "
                + capacity
                + ", "
                + size
                + ", "
                + classes);
      }
      this.capacity = capacity;
      this.size = size;
      this.classes = classes;
      eRe = new double[capacity][size];
      eIm = new double[capacity][size];
      uRe = new double[capacity][classes][size];
      uIm = new double[capacity][classes][size];
      norms = new double[capacity][classes];
      membership = new double[capacity][classes];
      membershipGradient = new double[capacity][classes];
      gRe = new double[capacity][size];
      gIm = new double[capacity][size];
      scale = new double[capacity];
    }

    /** The largest batch it holds. */
    public int capacity() {
      return capacity;
    }

    private void check(LayerMap.Constants k, int count) {
      if (k.size() != size || k.classes() != classes || count < 0 || count > capacity) {
        throw new IllegalArgumentException(
            "a workspace for "
                + capacity
                + " samples of "
                + size
                + " coefficients and "
                + classes
                + " classes cannot hold "
                + count
                + " samples of "
                + k.size()
                + " coefficients and "
                + k.classes()
                + " classes");
      }
    }
  }

  private LayerBatch() {}

  /**
   * The forward map of samples 0 … count−1: {@code out_i = LayerMap.forward(k, w, v_i).out}, the
   * trace kept in {@code ws} for {@link #backward}.
   *
   * @param k the layer's constants
   * @param w its operators (1 + k, B bins, C)
   * @param vRe the inputs' real parts, at least count rows of B·C, not modified
   * @param vIm their imaginary parts
   * @param count m, the batch size (≤ the workspace's capacity)
   * @param ws receives the trace
   * @param outRe receives the outputs' real parts (count rows of B·C, overwritten; distinct from
   *     the inputs)
   * @param outIm receives their imaginary parts
   * @param math the executor
   */
  public static void forward(
      LayerMap.Constants k,
      Operators w,
      double[][] vRe,
      double[][] vIm,
      int count,
      Workspace ws,
      double[][] outRe,
      double[][] outIm,
      MathExecutor math) {
    ws.check(k, count);
    int c = k.channels();
    int bins = k.bins();
    int ops = w.count();
    int tasks = (bins + BINS_PER_TASK - 1) / BINS_PER_TASK;
    boolean vector = Simd.enabled();
    math.forEach(
        tasks,
        () -> new double[2][vector ? c * c : 0],
        (transposed, task) -> {
          for (int f = task * BINS_PER_TASK; f < Math.min(bins, (task + 1) * BINS_PER_TASK); f++) {
            int base = f * c;
            int mat = f * c * c;
            for (int o = 0; o < ops; o++) {
              if (vector) {
                transpose(w.re[o], w.im[o], mat, c, transposed[0], transposed[1]);
              }
              for (int s = 0; s < count; s++) {
                double[] yRe = o == 0 ? ws.eRe[s] : ws.uRe[s][o - 1];
                double[] yIm = o == 0 ? ws.eIm[s] : ws.uIm[s][o - 1];
                int from =
                    vector
                        ? BinKernels.multiply(
                            transposed[0], transposed[1], c, vRe[s], vIm[s], base, yRe, yIm)
                        : 0;
                multiply(w.re[o], w.im[o], mat, c, base, vRe[s], vIm[s], yRe, yIm, from);
              }
            }
          }
        });
    int classes = k.classes();
    int n = k.size();
    double eta = k.eta();
    math.forEach(
        count,
        s -> {
          double[][] uRe = ws.uRe[s];
          double[][] uIm = ws.uIm[s];
          double[] norms = ws.norms[s];
          for (int j = 0; j < classes; j++) {
            norms[j] = Math.sqrt(LayerMap.weightedSquare(k, uRe[j], uIm[j]));
          }
          double[] pi = ws.membership[s];
          LayerMap.softmin(norms, k.lambda(), pi);
          double[] eRe = ws.eRe[s];
          double[] eIm = ws.eIm[s];
          double[] gRe = ws.gRe[s];
          double[] gIm = ws.gIm[s];
          double[] xRe = vRe[s];
          double[] xIm = vIm[s];
          // g = v + η (e − Σ_j γ_j π_j u_j), the sum over j in order for every q (as LayerMap).
          System.arraycopy(eRe, 0, gRe, 0, n);
          System.arraycopy(eIm, 0, gIm, 0, n);
          for (int j = 0; j < classes; j++) {
            double a = k.gamma()[j] * pi[j];
            double[] ur = uRe[j];
            double[] ui = uIm[j];
            for (int q = 0; q < n; q++) {
              gRe[q] -= a * ur[q];
              gIm[q] -= a * ui[q];
            }
          }
          for (int q = 0; q < n; q++) {
            gRe[q] = xRe[q] + eta * gRe[q];
            gIm[q] = xIm[q] + eta * gIm[q];
          }
          double scale = Math.sqrt(LayerMap.weightedSquare(k, gRe, gIm));
          ws.scale[s] = scale;
          double inv = 1.0 / Math.max(scale, LayerMap.MIN_NORM);
          double[] oRe = outRe[s];
          double[] oIm = outIm[s];
          for (int q = 0; q < n; q++) {
            oRe[q] = gRe[q] * inv;
            oIm[q] = gIm[q] * inv;
          }
        });
  }

  /**
   * The backward map of samples 0 … count−1, whose forward pass {@link #forward} left in {@code
   * ws}: {@code G_v_i} as {@link LayerMap#backward} gives it, and the operators' gradients summed
   * over the samples in batch order, added to {@code grad}. Overwrites the trace's e and u_j.
   *
   * @param k the layer's constants
   * @param w its operators
   * @param vRe the inputs of the forward pass (count rows of B·C)
   * @param vIm their imaginary parts
   * @param count m
   * @param ws the trace of the forward pass of these inputs
   * @param gOutRe G_out, real parts (count rows of B·C), not modified
   * @param gOutIm G_out, imaginary parts
   * @param gInRe receives G_v, real parts (count rows of B·C, overwritten)
   * @param gInIm receives G_v, imaginary parts
   * @param grad the operators' gradients, added to (same shape as w)
   * @param math the executor
   */
  public static void backward(
      LayerMap.Constants k,
      Operators w,
      double[][] vRe,
      double[][] vIm,
      int count,
      Workspace ws,
      double[][] gOutRe,
      double[][] gOutIm,
      double[][] gInRe,
      double[][] gInIm,
      Operators grad,
      MathExecutor math) {
    ws.check(k, count);
    int n = k.size();
    int c = k.channels();
    int bins = k.bins();
    int classes = k.classes();
    double eta = k.eta();
    // Per sample: G_g (into G_v, which then accumulates), and the operators' X_o (into e and u_j).
    math.forEach(
        count,
        i -> {
          double scale = ws.scale[i];
          double[] tgRe = ws.gRe[i];
          double[] tgIm = ws.gIm[i];
          double[] goRe = gOutRe[i];
          double[] goIm = gOutIm[i];
          double s = Math.max(scale, LayerMap.MIN_NORM);
          double kappa = 0;
          for (int q = 0; q < n; q++) {
            kappa += goRe[q] * tgRe[q] + goIm[q] * tgIm[q];
          }
          double[] ggRe = gInRe[i];
          double[] ggIm = gInIm[i];
          double k3 = scale > LayerMap.MIN_NORM ? kappa / (s * s * s) : 0;
          for (int f = 0; f < bins; f++) {
            double wf = k.binWeight()[f];
            for (int q = f * c; q < (f + 1) * c; q++) {
              ggRe[q] = goRe[q] / s - k3 * wf * tgRe[q];
              ggIm[q] = goIm[q] / s - k3 * wf * tgIm[q];
            }
          }
          double[] pi = ws.membership[i];
          double[][] uRe = ws.uRe[i];
          double[][] uIm = ws.uIm[i];
          double[] gPi = ws.membershipGradient[i];
          for (int j = 0; j < classes; j++) {
            double dot = 0;
            for (int q = 0; q < n; q++) {
              dot += ggRe[q] * uRe[j][q] + ggIm[q] * uIm[j][q];
            }
            gPi[j] = -eta * k.gamma()[j] * dot;
          }
          double mean = 0;
          for (int j = 0; j < classes; j++) {
            mean += pi[j] * gPi[j];
          }
          double[] xRe = ws.eRe[i];
          double[] xIm = ws.eIm[i];
          for (int q = 0; q < n; q++) {
            xRe[q] = eta * ggRe[q];
            xIm[q] = eta * ggIm[q];
          }
          double[] norms = ws.norms[i];
          for (int j = 0; j < classes; j++) {
            double gn = -k.lambda() * pi[j] * (gPi[j] - mean);
            double direct = -eta * k.gamma()[j] * pi[j];
            double viaNorm = norms[j] > LayerMap.MIN_NORM ? gn / norms[j] : 0;
            double[] yRe = uRe[j];
            double[] yIm = uIm[j];
            for (int f = 0; f < bins; f++) {
              double a = viaNorm * k.binWeight()[f];
              for (int q = f * c; q < (f + 1) * c; q++) {
                yRe[q] = direct * ggRe[q] + a * yRe[q];
                yIm[q] = direct * ggIm[q] + a * yIm[q];
              }
            }
          }
        });
    // Per bin: G_v += W_oᴴ X_o, and the operators' gradients.
    boolean vector = Simd.enabled();
    int ops = w.count();
    int tasks = (bins + BINS_PER_TASK - 1) / BINS_PER_TASK;
    math.forEach(
        tasks,
        () -> new double[2][count][],
        (rows, task) -> {
          double[][] xRe = rows[0];
          double[][] xIm = rows[1];
          for (int f = task * BINS_PER_TASK; f < Math.min(bins, (task + 1) * BINS_PER_TASK); f++) {
            int base = f * c;
            int mat = f * c * c;
            for (int o = 0; o < ops; o++) {
              for (int s = 0; s < count; s++) {
                xRe[s] = o == 0 ? ws.eRe[s] : ws.uRe[s][o - 1];
                xIm[s] = o == 0 ? ws.eIm[s] : ws.uIm[s][o - 1];
                int from =
                    vector
                        ? BinKernels.multiplyAdjoint(
                            w.re[o], w.im[o], mat, c, base, xRe[s], xIm[s], gInRe[s], gInIm[s])
                        : 0;
                multiplyAdjoint(
                    w.re[o], w.im[o], mat, c, base, xRe[s], xIm[s], gInRe[s], gInIm[s], from);
              }
              int from =
                  vector
                      ? BinKernels.addOuterProducts(
                          grad.re[o], grad.im[o], mat, c, base, count, xRe, xIm, vRe, vIm)
                      : 0;
              addOuterProducts(
                  grad.re[o], grad.im[o], mat, c, base, count, xRe, xIm, vRe, vIm, from);
            }
          }
        });
  }

  /** Wᵀ of the C × C block at {@code mat}, row-major from 0 (entry (b, a) = W_ab). */
  private static void transpose(
      double[] wRe, double[] wIm, int mat, int c, double[] tRe, double[] tIm) {
    for (int a = 0; a < c; a++) {
      for (int b = 0; b < c; b++) {
        tRe[b * c + a] = wRe[mat + a * c + b];
        tIm[b * c + a] = wIm[mat + a * c + b];
      }
    }
  }

  /**
   * y(f) = W(f) v(f) at one bin (coefficients from {@code base}, the C × C block W from {@code
   * mat}), summed over b in order for every row a (the order of {@link LayerMap#apply}); four rows
   * at a time, their sums kept in registers. Only the rows from {@code from} on: the Vector API
   * kernel did the ones before.
   */
  private static void multiply(
      double[] wRe,
      double[] wIm,
      int mat,
      int c,
      int base,
      double[] vRe,
      double[] vIm,
      double[] yRe,
      double[] yIm,
      int from) {
    int a = from;
    for (; a + 4 <= c; a += 4) {
      int r0 = mat + a * c;
      int r1 = r0 + c;
      int r2 = r1 + c;
      int r3 = r2 + c;
      double s0 = 0;
      double s1 = 0;
      double s2 = 0;
      double s3 = 0;
      double t0 = 0;
      double t1 = 0;
      double t2 = 0;
      double t3 = 0;
      for (int b = 0; b < c; b++) {
        double br = vRe[base + b];
        double bi = vIm[base + b];
        double ar = wRe[r0 + b];
        double ai = wIm[r0 + b];
        s0 += ar * br - ai * bi;
        t0 += ar * bi + ai * br;
        ar = wRe[r1 + b];
        ai = wIm[r1 + b];
        s1 += ar * br - ai * bi;
        t1 += ar * bi + ai * br;
        ar = wRe[r2 + b];
        ai = wIm[r2 + b];
        s2 += ar * br - ai * bi;
        t2 += ar * bi + ai * br;
        ar = wRe[r3 + b];
        ai = wIm[r3 + b];
        s3 += ar * br - ai * bi;
        t3 += ar * bi + ai * br;
      }
      yRe[base + a] = s0;
      yIm[base + a] = t0;
      yRe[base + a + 1] = s1;
      yIm[base + a + 1] = t1;
      yRe[base + a + 2] = s2;
      yIm[base + a + 2] = t2;
      yRe[base + a + 3] = s3;
      yIm[base + a + 3] = t3;
    }
    for (; a < c; a++) {
      int row = mat + a * c;
      double sr = 0;
      double si = 0;
      for (int b = 0; b < c; b++) {
        double ar = wRe[row + b];
        double ai = wIm[row + b];
        double br = vRe[base + b];
        double bi = vIm[base + b];
        sr += ar * br - ai * bi;
        si += ar * bi + ai * br;
      }
      yRe[base + a] = sr;
      yIm[base + a] = si;
    }
  }

  /**
   * g(f) += W(f)ᴴ x(f) at one bin: g_b += Σ_a conj(W_ab) x_a, over a in order (the order of {@link
   * LayerMap#backOperator}); four columns at a time, their sums kept in registers. Only the columns
   * from {@code from} on: the Vector API kernel did the ones before.
   */
  private static void multiplyAdjoint(
      double[] wRe,
      double[] wIm,
      int mat,
      int c,
      int base,
      double[] xRe,
      double[] xIm,
      double[] gRe,
      double[] gIm,
      int from) {
    int b = from;
    for (; b + 4 <= c; b += 4) {
      double s0 = gRe[base + b];
      double s1 = gRe[base + b + 1];
      double s2 = gRe[base + b + 2];
      double s3 = gRe[base + b + 3];
      double t0 = gIm[base + b];
      double t1 = gIm[base + b + 1];
      double t2 = gIm[base + b + 2];
      double t3 = gIm[base + b + 3];
      for (int a = 0; a < c; a++) {
        double xr = xRe[base + a];
        double xi = xIm[base + a];
        int q = mat + a * c + b;
        double ar = wRe[q];
        double ai = wIm[q];
        s0 += ar * xr + ai * xi;
        t0 += ar * xi - ai * xr;
        ar = wRe[q + 1];
        ai = wIm[q + 1];
        s1 += ar * xr + ai * xi;
        t1 += ar * xi - ai * xr;
        ar = wRe[q + 2];
        ai = wIm[q + 2];
        s2 += ar * xr + ai * xi;
        t2 += ar * xi - ai * xr;
        ar = wRe[q + 3];
        ai = wIm[q + 3];
        s3 += ar * xr + ai * xi;
        t3 += ar * xi - ai * xr;
      }
      gRe[base + b] = s0;
      gRe[base + b + 1] = s1;
      gRe[base + b + 2] = s2;
      gRe[base + b + 3] = s3;
      gIm[base + b] = t0;
      gIm[base + b + 1] = t1;
      gIm[base + b + 2] = t2;
      gIm[base + b + 3] = t3;
    }
    for (; b < c; b++) {
      double sr = gRe[base + b];
      double si = gIm[base + b];
      for (int a = 0; a < c; a++) {
        double xr = xRe[base + a];
        double xi = xIm[base + a];
        double ar = wRe[mat + a * c + b];
        double ai = wIm[mat + a * c + b];
        sr += ar * xr + ai * xi;
        si += ar * xi - ai * xr;
      }
      gRe[base + b] = sr;
      gIm[base + b] = si;
    }
  }

  /**
   * G(f) += Σ_s x_s(f) v_s(f)ᴴ at one bin: G_ab += x_s,a conj(v_s,b), over the samples s in order
   * (the order of {@link LayerMap#backOperator} called sample after sample); four columns at a
   * time, their sums kept in registers. Only the columns from {@code from} on, in every row: the
   * Vector API kernel did the ones before.
   */
  private static void addOuterProducts(
      double[] gr,
      double[] gi,
      int mat,
      int c,
      int base,
      int count,
      double[][] xRe,
      double[][] xIm,
      double[][] vRe,
      double[][] vIm,
      int from) {
    for (int a = 0; a < c; a++) {
      int row = mat + a * c;
      int b = from;
      for (; b + 4 <= c; b += 4) {
        double s0 = gr[row + b];
        double s1 = gr[row + b + 1];
        double s2 = gr[row + b + 2];
        double s3 = gr[row + b + 3];
        double t0 = gi[row + b];
        double t1 = gi[row + b + 1];
        double t2 = gi[row + b + 2];
        double t3 = gi[row + b + 3];
        for (int s = 0; s < count; s++) {
          double xr = xRe[s][base + a];
          double xi = xIm[s][base + a];
          double[] pr = vRe[s];
          double[] pi = vIm[s];
          int q = base + b;
          double br = pr[q];
          double bi = pi[q];
          s0 += xr * br + xi * bi;
          t0 += xi * br - xr * bi;
          br = pr[q + 1];
          bi = pi[q + 1];
          s1 += xr * br + xi * bi;
          t1 += xi * br - xr * bi;
          br = pr[q + 2];
          bi = pi[q + 2];
          s2 += xr * br + xi * bi;
          t2 += xi * br - xr * bi;
          br = pr[q + 3];
          bi = pi[q + 3];
          s3 += xr * br + xi * bi;
          t3 += xi * br - xr * bi;
        }
        gr[row + b] = s0;
        gr[row + b + 1] = s1;
        gr[row + b + 2] = s2;
        gr[row + b + 3] = s3;
        gi[row + b] = t0;
        gi[row + b + 1] = t1;
        gi[row + b + 2] = t2;
        gi[row + b + 3] = t3;
      }
      for (; b < c; b++) {
        double sr = gr[row + b];
        double si = gi[row + b];
        for (int s = 0; s < count; s++) {
          double xr = xRe[s][base + a];
          double xi = xIm[s][base + a];
          double br = vRe[s][base + b];
          double bi = vIm[s][base + b];
          sr += xr * br + xi * bi;
          si += xi * br - xr * bi;
        }
        gr[row + b] = sr;
        gi[row + b] = si;
      }
    }
  }
}
