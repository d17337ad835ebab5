package dev.redunet.app;

import dev.redunet.experiment.SpectralExperiment;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the spectral experiments (a picocli mixin). */
final class SpectralExperimentOptions {

  @Option(
      names = "--channels",
      paramLabel = "C",
      defaultValue = "5",
      description = "Channels C after the random lifting (default ${DEFAULT-VALUE}).")
  int channels;

  @Option(
      names = "--kernel",
      paramLabel = "K",
      defaultValue = "9",
      description = "Lifting kernel size k (k × k in 2D; default ${DEFAULT-VALUE}).")
  int kernel;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "10",
      description =
          "Seed of the N(0, 1) lifting filters, java.util.Random (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--layers",
      paramLabel = "L",
      description = "Number of spectral layers (default: the experiment's).")
  Integer layers;

  @Option(
      names = "--eps-sq",
      paramLabel = "X",
      defaultValue = "0.1",
      description = "ε², the reference code's eps; α = C/(m ε²) (default ${DEFAULT-VALUE}).")
  double epsSq;

  @Option(
      names = "--eta",
      paramLabel = "Y",
      defaultValue = "0.5",
      description = "Step size η (default ${DEFAULT-VALUE}).")
  double eta;

  @Option(
      names = "--lambda",
      paramLabel = "Z",
      defaultValue = "500",
      description = "Softmax sharpness λ of the membership (default ${DEFAULT-VALUE}).")
  double lambda;

  @Option(
      names = "--membership",
      paramLabel = "MODE",
      defaultValue = "softmax",
      description =
          "Training membership: softmax (π̂, the reference code; default) or labels (one-hot true"
              + " labels, the paper's rule).")
  String membership;

  @Option(
      names = "--report-at",
      paramLabel = "L1,L2,…",
      split = ",",
      description = "Also evaluate after these depths (each < L), e.g. 0,10,50.")
  List<Integer> reportAt = new ArrayList<>();

  @Option(
      names = "--no-all-shifts",
      description =
          "Score the test set only, not every cyclic shift of every test sample"
              + " (all_shifts_accuracy is then null).")
  boolean noAllShifts;

  @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all processors).")
  Integer threads;

  @Option(
      names = "--progress-seconds",
      paramLabel = "S",
      defaultValue = "5",
      description = "Seconds between progress lines on stderr (default ${DEFAULT-VALUE}).")
  double progressSeconds;

  /** The experiment's settings these options give. */
  SpectralExperiment.Settings settings() {
    return new SpectralExperiment.Settings(
        epsSq,
        eta,
        lambda,
        trainingMembership(),
        seed,
        kernel,
        reportAt,
        progressSeconds,
        !noAllShifts);
  }

  /**
   * Runs the experiment on {@code in} with these options' settings and threads: progress lines to
   * {@code err}, the JSON summary as the last line of {@code out}.
   *
   * @return the exit code, 0
   */
  int run(SpectralExperiment.Input in, int layers, PrintWriter out, PrintWriter err) {
    int n = threads != null ? threads : MathExecutor.availableProcessors();
    Map<String, Object> summary;
    try (MathExecutor math = MathExecutor.create(n, "redunet-math")) {
      summary =
          SpectralExperiment.run(
              in,
              settings(),
              layers,
              math,
              line -> {
                err.println(line);
                err.flush();
              });
    }
    out.println(CommandSupport.json(summary));
    out.flush();
    return 0;
  }

  TrainingMembership trainingMembership() {
    return TrainingMembership.valueOf(membership.toUpperCase(Locale.ROOT));
  }

  /** One line saying what is wrong and how to fix it, or null. */
  String validate(int layersValue) {
    if (channels < 1) {
      return "--channels must be ≥ 1, got " + channels;
    }
    if (kernel < 1) {
      return "--kernel must be ≥ 1, got " + kernel;
    }
    if (layersValue < 0) {
      return "--layers must be ≥ 0, got " + layersValue;
    }
    if (!(epsSq > 0) || !Double.isFinite(epsSq)) {
      return "--eps-sq must be a positive number, got " + epsSq;
    }
    if (!(eta > 0) || !Double.isFinite(eta)) {
      return "--eta must be a positive number, got " + eta;
    }
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      return "--lambda must be a number ≥ 0, got " + lambda;
    }
    String mode = membership.toLowerCase(Locale.ROOT);
    if (!mode.equals("softmax") && !mode.equals("labels")) {
      return "--membership must be softmax or labels, got " + membership;
    }
    for (int l : reportAt) {
      if (l < 0 || l >= layersValue) {
        return "--report-at depths must be in [0, L) with L = " + layersValue + ", got " + l;
      }
    }
    if (threads != null && threads < 1) {
      return "--threads must be ≥ 1, got " + threads;
    }
    return null;
  }
}
