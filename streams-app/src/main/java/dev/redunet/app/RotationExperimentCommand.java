package dev.redunet.app;

import dev.redunet.data.Lifting;
import dev.redunet.data.PolarTransform;
import dev.redunet.experiment.SpectralExperiment;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./redunet experiment rotation}: the lecture's rotation-invariance experiment on MNIST —
 * polar transform, 1D random lifting, a 1D spectral ReduNet, evaluation on the test set and on
 * every rotation of it (REDUNET_SPEC §3, §5, §6).
 */
@Command(
    name = "rotation",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Rotation-invariant classification of MNIST digits (REDUNET_SPEC §5): every image is"
          + " turned into a C_polar × T signal by the polar transform (the middle row's left half"
          + " of the image rotated by T distinct angles 360·t/T with SciPy's cubic-spline"
          + " rotation), lifted by seeded random 1D filters (circular, ReLU) to C channels, and"
          + " passed through an L-layer shift-invariant ReduNet built by forward construction.",
      "",
      "A rotation by 360·s/T degrees is (up to interpolation) the cyclic shift of the polar"
          + " signal by s, so 'all rotations' = the T cyclic shifts of every test signal, scored"
          + " through the network's exact shift equivariance.",
      "",
      "Evaluation (REDUNET_SPEC §6): nearest subspace (10 components), cosine kNN (k = 5) and a"
          + " linear SVM (LinearSvm, standing in for LinearSVC) trained on the training features.",
      "",
      "Example (lecture, digits 0/1): ./redunet experiment rotation --classes 0,1"
          + " --train-per-class 500 --test-per-class 300 --channels 5 --kernel 9 --layers 200",
      "",
      "Defaults: --train-per-class 500, --test-per-class 300, --layers 200.",
      "",
      "Progress goes to stderr. The last line of stdout is one JSON object: test_accuracy and"
          + " all_shifts_accuracy (objects with nearest_subspace, knn, linear), seconds,"
          + " ms_per_layer, R, Rc, deltaR (of the final training features), shifts_per_sample,"
          + " all_shifts_samples, equivariance_max_error, the split, the filter seed and every"
          + " setting; by_depth with --report-at.",
      ""
    })
public final class RotationExperimentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin MnistSplitOptions data;

  @Mixin SpectralExperimentOptions options;

  @Option(
      names = "--polar-channels",
      paramLabel = "R",
      defaultValue = "5",
      description = "Radii of the polar transform (input channels; default ${DEFAULT-VALUE}).")
  int polarChannels;

  @Option(
      names = "--timesteps",
      paramLabel = "T",
      defaultValue = "200",
      description = "Angles of the polar transform, T (default ${DEFAULT-VALUE}).")
  int timesteps;

  @Option(
      names = "--reference-angles",
      description =
          "Use the reference's angles linspace(0, 360, T), whose first and last are equal,"
              + " instead of T distinct angles.")
  boolean referenceAngles;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    int layers = options.layers != null ? options.layers : 200;
    String problem = data.validate(500, 300);
    if (problem == null) {
      problem = options.validate(layers);
    }
    if (problem == null && (polarChannels < 1 || timesteps < 2)) {
      problem = "--polar-channels must be ≥ 1 and --timesteps ≥ 2";
    }
    if (problem == null && options.kernel > timesteps) {
      problem = "--kernel " + options.kernel + " exceeds the " + timesteps + " time steps";
    }
    if (problem != null) {
      return usage(err, problem);
    }
    MnistSplitOptions.Split split;
    try {
      split = data.load(500, 300);
    } catch (IOException | IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    PolarTransform polar =
        new PolarTransform(split.height, split.width, polarChannels, timesteps, referenceAngles);
    Lifting lift =
        Lifting.random1d(polar.outputShape(), options.channels, options.kernel, options.seed);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("split", split.description);
    settings.put("polar_channels", polarChannels);
    settings.put("timesteps", timesteps);
    settings.put("reference_angles", referenceAngles);
    SpectralExperiment.Input in =
        new SpectralExperiment.Input(
            "rotation",
            lift.outputShape(),
            lift.applyAll(polar.applyAll(split.train)),
            split.trainClasses,
            lift.applyAll(polar.applyAll(split.test)),
            split.testClasses,
            data.classes,
            "every cyclic shift of the polar time axis (rotations by multiples of 360/T degrees)",
            settings);
    return options.run(in, layers, spec.commandLine().getOut(), err);
  }

  private int usage(PrintWriter err, String problem) {
    err.println("experiment rotation: " + problem);
    err.flush();
    return CommandSupport.USAGE;
  }
}
