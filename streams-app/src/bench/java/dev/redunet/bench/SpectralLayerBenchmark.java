package dev.redunet.bench;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralGrid;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.ZMatrixRMaj;
import org.ejml.dense.row.CommonOps_ZDRM;

/**
 * Per-layer time of the spectral ReduNet on the reference configurations of REDUNET_SPEC §9:
 *
 * <ul>
 *   <li>{@code 1d}: Fourier1D, m = 4000, C = 5, T = 200, k = 2 (reference PyTorch, 1 thread: 3.2 s
 *       per layer)
 *   <li>{@code 2d}: Fourier2D, m = 100, C = 75, 28 × 28, k = 10 (reference: 31.8 s per layer)
 * </ul>
 *
 * One layer = per-class statistics of the input + operators + forward of the m training samples
 * (what one step of the forward construction costs, with its scratch workspace reused across steps
 * as the construction does). Measured with 1 and 2 threads (median of repetitions after warm-up),
 * against a baseline measured in the same run: the reference algorithm written plainly in Java with
 * EJML — all H·W bins, explicit general (LU) inverses {@code α(I + αS)⁻¹}, operator·V products — on
 * one thread. The baseline's output is compared with the fast path's.
 *
 * <p>Arguments: {@code [1d|2d|all] [repetitions] [baseline|no-baseline]}.
 */
public final class SpectralLayerBenchmark {

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private SpectralLayerBenchmark() {}

  public static void main(String[] args) {
    String which = args.length > 0 ? args[0] : "all";
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    boolean baseline = args.length <= 2 || !args[2].equals("no-baseline");
    if (which.equals("1d") || which.equals("all")) {
      run("Fourier1D m=4000 C=5 T=200 k=2", SignalShape.of1d(5, 200), 4000, 2, 3.2, reps, baseline);
    }
    if (which.equals("2d") || which.equals("all")) {
      run(
          "Fourier2D m=100 C=75 28x28 k=10",
          SignalShape.of2d(75, 28, 28),
          100,
          10,
          31.8,
          reps,
          baseline);
    }
  }

  private static void run(
      String name,
      SignalShape shape,
      int m,
      int k,
      double referenceSeconds,
      int reps,
      boolean withBaseline) {
    SplittableRandom rnd = new SplittableRandom(42);
    double[][] x = new double[m][shape.size()];
    for (double[] row : x) {
      for (int i = 0; i < row.length; i++) {
        row[i] = rnd.nextDouble() * 2 - 1 + (i % 7 == 0 ? 1 : 0);
      }
    }
    int[] labels = new int[m];
    for (int i = 0; i < m; i++) {
      labels[i] = i % k;
    }
    SpectralParameters p = SpectralParameters.referenceDefaults();
    SpectralBatch v = SpectralBatch.fromSignals(shape, x).normalized();
    System.out.printf(Locale.ROOT, "%n== %s (%s)%n", name, v.grid());

    double[] perThreads = new double[3];
    SpectralBatch fast = null;
    for (int threads = 1; threads <= 2; threads++) {
      MathExecutor w = MathExecutor.create(threads, "bench-math");
      double[] stats = new double[reps];
      double[] build = new double[reps];
      double[] fwd = new double[reps];
      double[] total = new double[reps];
      double[] cpu = new double[reps];
      // one workspace across the repetitions, as a forward construction uses it across layers
      SpectralLayer.Workspace workspace = new SpectralLayer.Workspace();
      layer(v, labels, k, p, w, workspace); // warm-up
      for (int r = 0; r < reps; r++) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        SpectralStatistics[] s = SpectralStatistics.perClass(v, labels, k, w);
        long t1 = System.nanoTime();
        SpectralLayer layer = SpectralLayer.build(s, p, w);
        long t2 = System.nanoTime();
        fast = layer.forward(v, null, w, workspace).features();
        long t3 = System.nanoTime();
        cpu[r] = (THREADS.getCurrentThreadCpuTime() - c0) / 1e6;
        stats[r] = (t1 - t0) / 1e6;
        build[r] = (t2 - t1) / 1e6;
        fwd[r] = (t3 - t2) / 1e6;
        total[r] = (t3 - t0) / 1e6;
      }
      w.close();
      perThreads[threads] = median(total);
      System.out.printf(
          Locale.ROOT,
          "spectral, %d thread(s): %.1f ms per layer (median of %d, best %.1f; statistics %.1f,"
              + " operators %.1f, forward %.1f; CPU time of the calling thread %.1f)%n",
          threads,
          median(total),
          reps,
          Arrays.stream(total).min().orElseThrow(),
          median(stats),
          median(build),
          median(fwd),
          median(cpu));
    }
    System.out.printf(
        Locale.ROOT,
        "reference PyTorch code on this machine (1 thread, REDUNET_SPEC §9): %.1f s per layer ->"
            + " %.1fx (1 thread), %.1fx (2 threads)%n",
        referenceSeconds,
        referenceSeconds * 1000 / perThreads[1],
        referenceSeconds * 1000 / perThreads[2]);
    if (!withBaseline) {
      return;
    }
    long b0 = System.nanoTime();
    double[][][] baseline = referenceAlgorithm(shape, x, labels, k, p);
    double baselineMs = (System.nanoTime() - b0) / 1e6;
    double diff = maxDifference(fast, baseline, shape);
    System.out.printf(
        Locale.ROOT,
        "baseline (reference algorithm in Java + EJML: full spectrum, LU inverses, 1 thread):"
            + " %.1f ms per layer; max |difference| of the outputs %.2e%n",
        baselineMs,
        diff);
    System.out.printf(
        Locale.ROOT,
        "speed-up over the baseline: %.1fx (1 thread), %.1fx (2 threads)%n",
        baselineMs / perThreads[1],
        baselineMs / perThreads[2]);
  }

  private static void layer(
      SpectralBatch v,
      int[] labels,
      int k,
      SpectralParameters p,
      MathExecutor w,
      SpectralLayer.Workspace workspace) {
    SpectralLayer.build(SpectralStatistics.perClass(v, labels, k, w), p, w)
        .forward(v, null, w, workspace);
  }

  private static double median(double[] a) {
    double[] s = a.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  /**
   * One layer exactly as the reference computes it, on every bin of the full spectrum: S(f) = Σ v
   * vᴴ, E(f) = α(I + αS(f))⁻¹ and Cʲ(f) by LU inversion, then π̂ and the update. Returns the output
   * spectrum as [bin][channel][re/im × m].
   */
  private static double[][][] referenceAlgorithm(
      SignalShape shape, double[][] x, int[] labels, int k, SpectralParameters p) {
    int m = x.length;
    int c = shape.channels();
    int n = shape.positions();
    // full complex spectrum via the fast batch (not timed separately: cheap) → per-bin C × m
    SpectralBatch v = SpectralBatch.fromSignals(shape, x).normalized();
    SpectralGrid grid = v.grid();
    ZMatrixRMaj[] vf = new ZMatrixRMaj[n];
    for (int h = 0; h < grid.height(); h++) {
      for (int w = 0; w < grid.width(); w++) {
        SpectralGrid.Location loc = grid.locate(h, w);
        ZMatrixRMaj mat = new ZMatrixRMaj(c, m);
        for (int a = 0; a < c; a++) {
          for (int i = 0; i < m; i++) {
            double im = v.im(loc.bin(), a, i);
            mat.set(a, i, v.re(loc.bin(), a, i), loc.conjugate() ? -im : im);
          }
        }
        vf[h * grid.width() + w] = mat;
      }
    }
    int[] counts = new int[k];
    for (int y : labels) {
      counts[y]++;
    }
    double alpha = c / (m * p.epsSq());
    double[] norms = new double[k * m];
    ZMatrixRMaj[][] cy = new ZMatrixRMaj[n][k];
    ZMatrixRMaj[] ey = new ZMatrixRMaj[n];
    for (int f = 0; f < n; f++) {
      ZMatrixRMaj e = operator(vf[f], null, -1, alpha);
      ey[f] = new ZMatrixRMaj(c, m);
      CommonOps_ZDRM.mult(e, vf[f], ey[f]);
      for (int j = 0; j < k; j++) {
        ZMatrixRMaj cj = operator(vf[f], labels, j, c / (counts[j] * p.epsSq()));
        cy[f][j] = new ZMatrixRMaj(c, m);
        CommonOps_ZDRM.mult(cj, vf[f], cy[f][j]);
        for (int a = 0; a < c; a++) {
          for (int i = 0; i < m; i++) {
            double re = cy[f][j].getReal(a, i);
            double im = cy[f][j].getImag(a, i);
            norms[j * m + i] += re * re + im * im;
          }
        }
      }
    }
    double[][][] out = new double[n][c][2 * m];
    double[] outNorm = new double[m];
    for (int i = 0; i < m; i++) {
      double[] e = new double[k];
      double sum = 0;
      double min = Double.POSITIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        min = Math.min(min, Math.max(Math.sqrt(norms[j * m + i]), 1e-8));
      }
      for (int j = 0; j < k; j++) {
        e[j] = Math.exp(-p.lambda() * (Math.max(Math.sqrt(norms[j * m + i]), 1e-8) - min));
        sum += e[j];
      }
      for (int f = 0; f < n; f++) {
        for (int a = 0; a < c; a++) {
          double re = ey[f].getReal(a, i);
          double im = ey[f].getImag(a, i);
          for (int j = 0; j < k; j++) {
            double g = (double) counts[j] / m * e[j] / sum;
            re -= g * cy[f][j].getReal(a, i);
            im -= g * cy[f][j].getImag(a, i);
          }
          double zr = vf[f].getReal(a, i) + p.eta() * re;
          double zi = vf[f].getImag(a, i) + p.eta() * im;
          out[f][a][2 * i] = zr;
          out[f][a][2 * i + 1] = zi;
          outNorm[i] += zr * zr + zi * zi;
        }
      }
    }
    for (int f = 0; f < n; f++) {
      for (int a = 0; a < c; a++) {
        for (int i = 0; i < m; i++) {
          double s = 1.0 / Math.max(Math.sqrt(outNorm[i]), 1e-8);
          out[f][a][2 * i] *= s;
          out[f][a][2 * i + 1] *= s;
        }
      }
    }
    return out;
  }

  /** α(I + α Σ_{y_i = j} v_i v_iᴴ)⁻¹ by LU (j = −1: all samples). */
  private static ZMatrixRMaj operator(ZMatrixRMaj vf, int[] labels, int j, double a) {
    int c = vf.numRows;
    int m = vf.numCols;
    ZMatrixRMaj sel = vf;
    if (labels != null) {
      int mj = 0;
      for (int y : labels) {
        mj += y == j ? 1 : 0;
      }
      sel = new ZMatrixRMaj(c, mj);
      int col = 0;
      for (int i = 0; i < m; i++) {
        if (labels[i] == j) {
          for (int r = 0; r < c; r++) {
            sel.set(r, col, vf.getReal(r, i), vf.getImag(r, i));
          }
          col++;
        }
      }
    }
    ZMatrixRMaj s = new ZMatrixRMaj(c, c);
    CommonOps_ZDRM.multTransB(sel, sel, s); // EJML's multTransB is V·Vᴴ = Σ v vᴴ
    CommonOps_ZDRM.scale(a, 0, s);
    for (int r = 0; r < c; r++) {
      s.set(r, r, s.getReal(r, r) + 1, s.getImag(r, r));
    }
    ZMatrixRMaj inv = new ZMatrixRMaj(c, c);
    if (!CommonOps_ZDRM.invert(s, inv)) {
      throw new ArithmeticException("singular operator");
    }
    CommonOps_ZDRM.scale(a, 0, inv);
    return inv;
  }

  private static double maxDifference(SpectralBatch fast, double[][][] full, SignalShape shape) {
    SpectralGrid grid = fast.grid();
    double max = 0;
    for (int h = 0; h < grid.height(); h++) {
      for (int w = 0; w < grid.width(); w++) {
        SpectralGrid.Location loc = grid.locate(h, w);
        double[][] ref = full[h * grid.width() + w];
        for (int a = 0; a < shape.channels(); a++) {
          for (int i = 0; i < fast.size(); i++) {
            double im = fast.im(loc.bin(), a, i);
            max = Math.max(max, Math.abs(fast.re(loc.bin(), a, i) - ref[a][2 * i]));
            max = Math.max(max, Math.abs((loc.conjugate() ? -im : im) - ref[a][2 * i + 1]));
          }
        }
      }
    }
    return max;
  }
}
