package dev.redunet.app;

import dev.redunet.data.Lifting;
import dev.redunet.data.Shifts;
import dev.redunet.experiment.SpectralExperiment;
import dev.redunet.signal.SignalShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./redunet experiment translation}: the lecture's translation-invariance experiment on
 * MNIST — 2D random lifting, a 2D spectral ReduNet, evaluation on the test set and on every cyclic
 * translation of it (REDUNET_SPEC §3, §5, §6).
 */
@Command(
    name = "translation",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Translation-invariant classification of MNIST digits (REDUNET_SPEC §5): every 28 × 28"
          + " image is lifted by seeded random k × k filters (circular, ReLU) to C channels and"
          + " passed through an L-layer 2D shift-invariant ReduNet built by forward"
          + " construction.",
      "",
      "'All shifts' = all H·W = 784 cyclic translations of every test image, scored through the"
          + " network's exact shift equivariance. Depth matters here: the lecture used L = 2000.",
      "",
      "Evaluation (REDUNET_SPEC §6): nearest subspace (10 components), cosine kNN (k = 5) and a"
          + " linear SVM (LinearSvm, standing in for LinearSVC) trained on the training features.",
      "",
      "Example (lecture, digits 0/1): ./redunet experiment translation --classes 0,1"
          + " --train-per-class 300 --test-per-class 300 --channels 5 --kernel 9 --layers 400",
      "",
      "The forward row of the 10-digit table (docs/FINETUNE.md): ./redunet experiment"
          + " translation --classes 0,1,2,3,4,5,6,7,8,9 --train-per-class 50 --test-rest"
          + " --translate-seed 1 --channels 16 --layers 30 --no-all-shifts",
      "",
      "Defaults: --train-per-class 300, --test-per-class 300, --layers 400.",
      "",
      "Progress goes to stderr. The last line of stdout is one JSON object: test_accuracy and"
          + " all_shifts_accuracy (objects with nearest_subspace, knn, linear), seconds,"
          + " ms_per_layer, R, Rc, deltaR (of the final training features), shifts_per_sample,"
          + " all_shifts_samples, equivariance_max_error, the split, the filter seed and every"
          + " setting; by_depth with --report-at.",
      ""
    })
public final class TranslationExperimentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin MnistSplitOptions data;

  @Mixin SpectralExperimentOptions options;

  @Option(
      names = "--translate-seed",
      paramLabel = "S",
      description =
          "Translate every training and test image (before the lifting) by its own random cyclic"
              + " offset, drawn from SplittableRandom(S): training images first, then test, in"
              + " file order (default: no translation).")
  Long translateSeed;

  @Option(
      names = "--max-shift",
      paramLabel = "P",
      defaultValue = "14",
      description =
          "With --translate-seed: offsets in [−P, P] pixels on each axis (default"
              + " ${DEFAULT-VALUE}: every offset of the 28 × 28 cycle).")
  int maxShift;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    int layers = options.layers != null ? options.layers : 400;
    String problem = data.validate(300, 300);
    if (problem == null) {
      problem = options.validate(layers);
    }
    if (problem == null && maxShift < 0) {
      problem = "--max-shift must be ≥ 0, got " + maxShift;
    }
    if (problem != null) {
      return usage(err, problem);
    }
    MnistSplitOptions.Split split;
    try {
      split = data.load(300, 300);
    } catch (IOException | IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    if (options.kernel > Math.min(split.height, split.width)) {
      return usage(err, "--kernel " + options.kernel + " exceeds the image side " + split.width);
    }
    SignalShape image = SignalShape.of2d(1, split.height, split.width);
    double[][] train = split.train;
    double[][] test = split.test;
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("split", split.description);
    if (translateSeed != null) {
      SplittableRandom random = new SplittableRandom(translateSeed);
      train = Shifts.randomly(train, image, maxShift, random).samples();
      test = Shifts.randomly(test, image, maxShift, random).samples();
      settings.put("translate_seed", translateSeed);
      settings.put("max_shift", maxShift);
    }
    Lifting lift = Lifting.random2d(image, options.channels, options.kernel, options.seed);
    SpectralExperiment.Input in =
        new SpectralExperiment.Input(
            "translation",
            lift.outputShape(),
            lift.applyAll(train),
            split.trainClasses,
            lift.applyAll(test),
            split.testClasses,
            data.classes,
            "every cyclic translation (dh, dw) of the image",
            settings);
    return options.run(in, layers, spec.commandLine().getOut(), err);
  }

  private int usage(PrintWriter err, String problem) {
    err.println("experiment translation: " + problem);
    err.flush();
    return CommandSupport.USAGE;
  }
}
