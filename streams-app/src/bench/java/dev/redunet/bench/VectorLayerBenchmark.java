package dev.redunet.bench;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.ForwardConstruction;
import dev.redunet.redunet.ForwardConstruction.Parameters;
import dev.redunet.redunet.ForwardConstruction.RateEvaluation;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * Per-layer cost of the vector ReduNet forward construction, d ∈ {64, 256}, m = 5000, k = 10.
 *
 * <p>One layer = what the reference code does per layer: build E and every Cʲ from the class
 * statistics of the current features, update every training sample (softmax membership), and log R,
 * R^c and ΔR of the output over the predicted classes (the torch convention). Timed as the interval
 * between consecutive layers of one {@link ForwardConstruction} run, after warm-up layers; the
 * median is reported with the achieved GFLOP/s of the nominal operation count 2(k+1)d²m (operator
 * products) + d²m (class scatters, upper triangles) + (k+1)d³ (Cholesky and inverse) + k·d³/3
 * (factors of the predicted-class rates).
 *
 * <p>The process CPU time per layer (all threads, JIT and GC included) is printed next to the wall
 * time: the machine is shared, and on a loaded machine the wall time grows while the CPU time does
 * not.
 *
 * <p>Baseline, same run: the same layer with plain EJML calls ({@code CommonOps_DDRM.multTransB},
 * {@code invertSPD}, {@code mult}, EJML Cholesky for the log-determinants), single-threaded.
 *
 * <p>Arguments: {@code [--dims 64,256] [--samples 5000] [--classes 10] [--warmup 3] [--layers 7]
 * [--threads N] [--baseline-reps 3] [--no-baseline]}.
 */
public final class VectorLayerBenchmark {

  private static final double EPS_SQ = 0.1;
  private static final double ETA = 0.5;
  private static final double LAMBDA = 500;

  private static final com.sun.management.OperatingSystemMXBean PROCESS =
      (com.sun.management.OperatingSystemMXBean)
          java.lang.management.ManagementFactory.getOperatingSystemMXBean();

  private VectorLayerBenchmark() {}

  public static void main(String[] args) {
    int[] dims = {64, 256};
    int m = 5000;
    int k = 10;
    int warmup = 3;
    int measured = 7;
    int threads = MathExecutor.availableProcessors();
    int baselineReps = 3;
    boolean baseline = true;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dims" ->
            dims = Arrays.stream(args[++i].split(",")).mapToInt(Integer::parseInt).toArray();
        case "--samples" -> m = Integer.parseInt(args[++i]);
        case "--classes" -> k = Integer.parseInt(args[++i]);
        case "--warmup" -> warmup = Integer.parseInt(args[++i]);
        case "--layers" -> measured = Integer.parseInt(args[++i]);
        case "--threads" -> threads = Integer.parseInt(args[++i]);
        case "--baseline-reps" -> baselineReps = Integer.parseInt(args[++i]);
        case "--no-baseline" -> baseline = false;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    System.out.printf(
        Locale.ROOT,
        "VectorLayerBenchmark: m=%d k=%d, %d warm-up + %d measured layers, %d thread(s), %s,"
            + " kernels: %s%n",
        m,
        k,
        warmup,
        measured,
        threads,
        System.getProperty("java.vm.name") + " " + System.getProperty("java.version"),
        dev.redunet.linalg.Simd.describe());
    Peak.Reference peak = Peak.measure();
    System.out.println(peak.describe());
    System.out.println(
        "flops per layer: 2(k+1)d²m (operator products) + d²m (class scatters, upper triangles)"
            + " + (k+1)d³ (Cholesky and inverse) + k·d³/3 (factors of the predicted-class rates)");
    for (int d : dims) {
      run(d, m, k, warmup, measured, threads, baseline, baselineReps, peak);
    }
  }

  private static void run(
      int d,
      int m,
      int k,
      int warmup,
      int measured,
      int threads,
      boolean baseline,
      int reps,
      Peak.Reference peak) {
    int[] y = new int[m];
    Matrix z = data(d, m, k, y, 20240601L + d);
    double flops =
        2.0 * (k + 1) * d * d * m
            + (double) d * d * m
            + (k + 1.0) * d * d * d
            + k * (double) d * d * d / 3;
    for (RateEvaluation eval :
        new RateEvaluation[] {RateEvaluation.PREDICTED_TORCH, RateEvaluation.TRUE_LABELS}) {
      Parameters p =
          new Parameters(warmup + measured, EPS_SQ, ETA, LAMBDA, TrainingMembership.SOFTMAX, eval);
      List<Long> stamps = new ArrayList<>();
      List<Long> cpu = new ArrayList<>();
      long start = System.nanoTime();
      long cpuStart = PROCESS.getProcessCpuTime();
      try (MathExecutor math = MathExecutor.create(threads, "bench-math")) {
        ForwardConstruction.with(p)
            .withExecutor(math)
            .withListener(
                (l, layer, rates) -> {
                  stamps.add(System.nanoTime());
                  cpu.add(PROCESS.getProcessCpuTime());
                })
            .fit(z, y);
      }
      long[] per = new long[stamps.size()];
      long[] perCpu = new long[stamps.size()];
      for (int i = 0; i < per.length; i++) {
        per[i] = stamps.get(i) - (i == 0 ? start : stamps.get(i - 1));
        perCpu[i] = cpu.get(i) - (i == 0 ? cpuStart : cpu.get(i - 1));
      }
      double[] ms =
          Arrays.stream(per, warmup, per.length).mapToDouble(t -> t / 1e6).sorted().toArray();
      double[] cpuMs =
          Arrays.stream(perCpu, warmup, per.length).mapToDouble(t -> t / 1e6).sorted().toArray();
      double med = median(ms);
      System.out.printf(
          Locale.ROOT,
          "d=%3d rates=%-15s  median %8.1f ms/layer  (min %.1f, max %.1f)  %6.2f GFLOP/s (%s)"
              + "  [%.2f GFLOP/layer]  process CPU %.1f ms/layer%n",
          d,
          eval,
          med,
          ms[0],
          ms[ms.length - 1],
          flops / (med * 1e6),
          peak.percentOf(flops / (med * 1e6)),
          flops / 1e9,
          median(cpuMs));
      if (eval == RateEvaluation.PREDICTED_TORCH) {
        double reference = d == 64 ? 103 : d == 256 ? 1180 : Double.NaN;
        if (!Double.isNaN(reference)) {
          System.out.printf(
              Locale.ROOT,
              "        reference PyTorch (float32, 1 thread, quoted) %.0f ms/layer: speed-up %.2fx%n",
              reference,
              reference / med);
        }
        if (baseline) {
          double[] b = new double[reps];
          double[] bc = new double[reps];
          for (int r = 0; r < reps; r++) {
            long t0 = System.nanoTime();
            long c0 = PROCESS.getProcessCpuTime();
            ejmlLayer(z, y, d, m, k);
            b[r] = (System.nanoTime() - t0) / 1e6;
            bc[r] = (PROCESS.getProcessCpuTime() - c0) / 1e6;
          }
          Arrays.sort(bc);
          Arrays.sort(b);
          double bm = median(b);
          System.out.printf(
              Locale.ROOT,
              "        EJML baseline (same run, 1 thread)        %8.1f ms/layer  %6.2f GFLOP/s (%s):"
                  + " speed-up %.2fx  (process CPU %.1f ms/layer)%n",
              bm,
              flops / (bm * 1e6),
              peak.percentOf(flops / (bm * 1e6)),
              bm / med,
              median(bc));
        }
      }
    }
  }

  private static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
  }

  /** k classes, each near its own random 8-dimensional subspace of R^d, plus noise; normalized. */
  static Matrix data(int d, int m, int k, int[] y, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int r = Math.min(8, d);
    double[][] bases = new double[k][d * r];
    for (double[] b : bases) {
      for (int i = 0; i < b.length; i++) {
        b[i] = rnd.nextGaussian();
      }
    }
    double[] z = new double[d * m];
    for (int i = 0; i < m; i++) {
      y[i] = rnd.nextInt(k);
      double[] b = bases[y[i]];
      for (int c = 0; c < r; c++) {
        double w = rnd.nextGaussian();
        for (int a = 0; a < d; a++) {
          z[i * d + a] += w * b[c * d + a];
        }
      }
      for (int a = 0; a < d; a++) {
        z[i * d + a] += 0.5 * Math.sqrt(r) * rnd.nextGaussian();
      }
    }
    return Matrix.ofColumnMajor(d, m, z).normalizeColumns();
  }

  /**
   * One layer with plain EJML calls: class scatters by {@code multTransB}, SPD inverses, k+1
   * products with Z, the update, and the torch-logged rates by EJML Cholesky.
   */
  static double ejmlLayer(Matrix features, int[] y, int d, int m, int k) {
    DMatrixRMaj z = new DMatrixRMaj(d, m);
    for (int i = 0; i < m; i++) {
      for (int a = 0; a < d; a++) {
        z.set(a, i, features.get(a, i));
      }
    }
    int[] counts = new int[k];
    for (int v : y) {
      counts[v]++;
    }
    DMatrixRMaj s = new DMatrixRMaj(d, d);
    List<DMatrixRMaj> cs = new ArrayList<>();
    for (int j = 0; j < k; j++) {
      DMatrixRMaj zj = columns(z, y, j, counts[j]);
      DMatrixRMaj sj = new DMatrixRMaj(d, d);
      CommonOps_DDRM.multTransB(zj, zj, sj);
      CommonOps_DDRM.addEquals(s, sj);
      cs.add(shiftedInverse(sj, d / (counts[j] * EPS_SQ)));
    }
    DMatrixRMaj e = shiftedInverse(s, d / (m * EPS_SQ));
    DMatrixRMaj ez = new DMatrixRMaj(d, m);
    CommonOps_DDRM.mult(e, z, ez);
    List<DMatrixRMaj> cz = new ArrayList<>();
    for (DMatrixRMaj c : cs) {
      DMatrixRMaj t = new DMatrixRMaj(d, m);
      CommonOps_DDRM.mult(c, z, t);
      cz.add(t);
    }
    DMatrixRMaj out = new DMatrixRMaj(d, m);
    int[] yhat = new int[m];
    double[] logits = new double[k];
    for (int i = 0; i < m; i++) {
      double best = Double.NEGATIVE_INFINITY;
      for (int j = 0; j < k; j++) {
        double n2 = 0;
        for (int a = 0; a < d; a++) {
          double v = cz.get(j).get(a, i);
          n2 += v * v;
        }
        logits[j] = -LAMBDA * Math.max(Math.sqrt(n2), 1e-8);
        if (logits[j] > best) {
          best = logits[j];
          yhat[i] = j;
        }
      }
      double sum = 0;
      for (int j = 0; j < k; j++) {
        logits[j] = Math.exp(logits[j] - best);
        sum += logits[j];
      }
      double norm = 0;
      for (int a = 0; a < d; a++) {
        double g = ez.get(a, i);
        for (int j = 0; j < k; j++) {
          g -= (double) counts[j] / m * logits[j] / sum * cz.get(j).get(a, i);
        }
        double v = z.get(a, i) + ETA * g;
        out.set(a, i, v);
        norm += v * v;
      }
      double inv = 1 / Math.max(Math.sqrt(norm), 1e-8);
      for (int a = 0; a < d; a++) {
        out.set(a, i, out.get(a, i) * inv);
      }
    }
    DMatrixRMaj total = new DMatrixRMaj(d, d);
    CommonOps_DDRM.multTransB(out, out, total);
    double r = halfLogDet(total, d / (m * EPS_SQ));
    int[] predicted = new int[k];
    for (int v : yhat) {
      predicted[v]++;
    }
    double rc = 0;
    for (int j = 0; j < k; j++) {
      if (predicted[j] > 0) {
        DMatrixRMaj zj = columns(out, yhat, j, predicted[j]);
        DMatrixRMaj sj = new DMatrixRMaj(d, d);
        CommonOps_DDRM.multTransB(zj, zj, sj);
        rc += (double) predicted[j] / m * halfLogDet(sj, d / (predicted[j] * EPS_SQ));
      }
    }
    return r - rc;
  }

  private static DMatrixRMaj columns(DMatrixRMaj z, int[] y, int j, int count) {
    DMatrixRMaj zj = new DMatrixRMaj(z.numRows, count);
    int c = 0;
    for (int i = 0; i < y.length; i++) {
      if (y[i] == j) {
        for (int a = 0; a < z.numRows; a++) {
          zj.set(a, c, z.get(a, i));
        }
        c++;
      }
    }
    return zj;
  }

  private static DMatrixRMaj shiftedInverse(DMatrixRMaj s, double alpha) {
    DMatrixRMaj a = s.copy();
    CommonOps_DDRM.scale(alpha, a);
    for (int i = 0; i < a.numRows; i++) {
      a.add(i, i, 1);
    }
    DMatrixRMaj inv = new DMatrixRMaj(a.numRows, a.numCols);
    if (!CommonOps_DDRM.invertSPD(a, inv)) {
      throw new ArithmeticException("not SPD");
    }
    CommonOps_DDRM.scale(alpha, inv);
    return inv;
  }

  private static double halfLogDet(DMatrixRMaj s, double alpha) {
    DMatrixRMaj a = s.copy();
    CommonOps_DDRM.scale(alpha, a);
    for (int i = 0; i < a.numRows; i++) {
      a.add(i, i, 1);
    }
    CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(a.numRows, true);
    if (!chol.decompose(a)) {
      throw new ArithmeticException("not SPD");
    }
    DMatrixRMaj l = chol.getT(null);
    double s2 = 0;
    for (int i = 0; i < l.numRows; i++) {
      s2 += Math.log(l.get(i, i));
    }
    return s2;
  }
}
