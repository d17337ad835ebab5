package dev.redunet.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The hardware reference of the kernel benchmarks (issue #18): double-precision matrix product by
 * NumPy's BLAS on all processors, 2·n³ flops for n = 2048, best of 5, measured in the same run when
 * {@code python3} with NumPy is installed (Debian {@code python3-numpy}); otherwise the figure this
 * machine gave when the issue was written, 97 GFLOP/s, marked as quoted.
 */
final class Peak {

  /** dgemm by NumPy/OpenBLAS on the two cores of this machine, measured when #18 was written. */
  static final double QUOTED_GFLOPS = 97.0;

  private static final String PROGRAM =
      "import time, numpy as np\n"
          + "n = 2048\n"
          + "r = np.random.default_rng(1)\n"
          + "a = r.standard_normal((n, n)); b = r.standard_normal((n, n))\n"
          + "a @ b\n"
          + "best = float('inf')\n"
          + "for _ in range(5):\n"
          + "    t = time.perf_counter(); a @ b; best = min(best, time.perf_counter() - t)\n"
          + "print(2.0 * n ** 3 / best / 1e9)\n";

  /**
   * A reference figure and where it comes from.
   *
   * @param gflops GFLOP/s of the reference dgemm
   * @param source how it was obtained, for the output
   */
  record Reference(double gflops, String source) {

    /** "{@code x} % of the peak" for an achieved rate. */
    String percentOf(double achievedGflops) {
      return String.format(Locale.ROOT, "%.0f %% of peak", 100.0 * achievedGflops / gflops);
    }

    /** One line for the benchmark's header. */
    String describe() {
      return String.format(Locale.ROOT, "peak (dgemm reference): %.1f GFLOP/s, %s", gflops, source);
    }
  }

  private Peak() {}

  /** Measures NumPy's dgemm now, or falls back to {@link #QUOTED_GFLOPS}. */
  static Reference measure() {
    try {
      Process p = new ProcessBuilder("python3", "-c", PROGRAM).redirectErrorStream(true).start();
      String out;
      try (InputStream in = p.getInputStream()) {
        out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      }
      if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0) {
        double g = Double.parseDouble(out.lines().reduce((a, b) -> b).orElse("").trim());
        return new Reference(g, "NumPy a @ b, n = 2048, best of 5, measured in this run");
      }
      return quoted("python3 -c failed: " + out.lines().reduce((a, b) -> b).orElse(""));
    } catch (IOException | NumberFormatException e) {
      return quoted(e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return quoted("interrupted");
    }
  }

  private static Reference quoted(String why) {
    return new Reference(
        QUOTED_GFLOPS,
        "quoted from issue #18 (NumPy/OpenBLAS, 2 cores); not measured here: "
            + why
            + " (install python3-numpy)");
  }
}
