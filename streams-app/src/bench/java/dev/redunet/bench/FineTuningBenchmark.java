package dev.redunet.bench;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.redunet.backprop.FineTuning;
import dev.redunet.redunet.backprop.LayerMap;
import dev.redunet.redunet.backprop.Network;
import dev.redunet.redunet.backprop.Operators;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Seconds per epoch and GFLOP/s of back-propagation through a 2D spectral ReduNet (28 × 28, k =
 * 10), the work of one row of {@code ./redunet experiment finetune}: one epoch of SGD over m random
 * samples through L layers whose operators are built from those samples. GFLOP/s counts the layers'
 * complex matrix-vector products (8 real flops per complex multiply-add; forward and backward, the
 * backward counted as 2×) over the epoch's wall time. The process's CPU seconds of the epoch are
 * printed beside the wall time: on a shared machine they change less with the other jobs' load than
 * the wall time does.
 *
 * <p>Arguments: {@code [layers (30)] [samples (500)] [channels (16)] [threads (all)]}.
 */
public final class FineTuningBenchmark {

  private FineTuningBenchmark() {}

  public static void main(String[] args) {
    int layers = args.length > 0 ? Integer.parseInt(args[0]) : 30;
    int m = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int c = args.length > 2 ? Integer.parseInt(args[2]) : 16;
    int threads = args.length > 3 ? Integer.parseInt(args[3]) : MathExecutor.availableProcessors();
    int k = 10;
    SignalShape shape = SignalShape.of2d(c, 28, 28);
    SplittableRandom r = new SplittableRandom(1);
    double[][] x = new double[m][shape.size()];
    int[] labels = new int[m];
    for (int i = 0; i < m; i++) {
      labels[i] = i % k;
      for (int q = 0; q < x[i].length; q++) {
        x[i][q] = r.nextGaussian();
      }
    }
    SpectralBatch batch = SpectralBatch.fromSignals(shape, x).normalized();
    SpectralLayer layer =
        SpectralLayer.build(
            SpectralStatistics.perClass(batch, labels, k), SpectralParameters.referenceDefaults());
    LayerMap.Constants constants = LayerMap.Constants.of(layer);
    Operators w = Operators.of(layer);
    List<LayerMap.Constants> cs = new ArrayList<>();
    List<Operators> ws = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      cs.add(constants);
      ws.add(w.copy());
    }
    double[] binWeight = constants.binWeight();
    double[][] re = new double[m][];
    double[][] im = new double[m][];
    for (int i = 0; i < m; i++) {
      double[][] v = batch.coefficients(i);
      re[i] = v[0];
      im[i] = v[1];
    }
    var os =
        (com.sun.management.OperatingSystemMXBean)
            java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    Peak.Reference peak = Peak.measure();
    System.out.println(peak.describe());
    System.out.println(
        "flops per epoch: 8 per complex multiply-add of the layers' operator products, forward"
            + " (1 + k products of C × C per kept bin per sample and layer) plus backward (2×)");
    try (MathExecutor math = MathExecutor.create(threads, "bench-math")) {
      for (int run = 0; run < 2; run++) { // the first run warms up
        Network net = new Network(cs, ws, binWeight, c, k);
        long cpu0 = os.getProcessCpuTime();
        FineTuning.Result res =
            FineTuning.train(
                net,
                re,
                im,
                labels,
                new FineTuning.Settings(1, 25, 0.1, 3, FineTuning.Optimizer.SGD),
                math,
                line -> {});
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        System.out.println(
            String.format(
                Locale.ROOT,
                "%s: L=%d m=%d C=%d k=%d, %d thread(s): %.2f s per epoch, %.2f GFLOP/s (%s),"
                    + " %.2f CPU s",
                run == 0 ? "warm-up" : "measured",
                layers,
                m,
                c,
                k,
                threads,
                res.seconds(),
                res.flops() / res.seconds() / 1e9,
                peak.percentOf(res.flops() / res.seconds() / 1e9),
                cpu));
      }
    }
  }
}
