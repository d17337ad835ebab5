package dev.redunet.app;

import dev.redunet.data.Lifting;
import dev.redunet.data.Shifts;
import dev.redunet.experiment.FinetuneExperiment;
import dev.redunet.experiment.SpectralExperiment;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.redunet.backprop.FineTuning;
import dev.redunet.signal.SignalShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./redunet experiment finetune}: the lectures' 10-digit translation table — forward
 * construction, back-propagation from random operators, and back-propagation from the constructed
 * ones (docs/FINETUNE.md). Parses options; the work is {@link FinetuneExperiment}.
 */
@Command(
    name = "finetune",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "The lectures' 10-digit translation table (docs/FINETUNE.md): MNIST images lifted by random"
          + " 9 × 9 filters to C channels and passed through an L-layer 2D spectral ReduNet. Rows:"
          + " forward construction (linear SVM, the row's figure; nearest subspace, kNN and the"
          + " shift-invariant spectral MICL beside it); back-propagation from random operators;"
          + " back-propagation from the constructed ones (the cross-entropy of a linear soft-max"
          + " head, every layer's E(f) and Cʲ(f) trained).",
      "",
      "Defaults (the table, read as the paper's code runs it): digits 0–9, the first 50 of each"
          + " train, every other shipped image tests, C = 16, L = 30, no image translated."
          + " --translate test moves every test image by its own seeded random cyclic"
          + " translation (the invariance check), --translate both also the training images."
          + " --quick: 10 + 20 images per digit, C = 4, L = 4 (shifts, if any, of at most 2"
          + " pixels; the test suite's run). Training: 30 epochs of SGD with momentum 0.9,"
          + " learning rate 0.1 (1.0 with --quick), mini-batches of 25, for both"
          + " initializations.",
      "",
      "Progress goes to stderr. The last line of stdout is one JSON object: forward,"
          + " bp_random_init, bp_redunet_init (test accuracies), forward_classifiers, lectures,"
          + " epochs, training_loss per epoch, seconds, seconds_per_epoch, gflops_per_second,"
          + " layer_delta_r (ΔR of every layer's training output before and after fine-tuning)"
          + " and every setting. --rows forward runs the first row alone.",
      ""
    })
public final class FinetuneExperimentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin MnistSplitOptions data = tenDigits();

  @Option(names = "--quick", description = "The small run of the test suite (see above).")
  boolean quick;

  @Option(names = "--channels", paramLabel = "C", description = "Channels after the lifting.")
  Integer channels;

  @Option(
      names = "--kernel",
      paramLabel = "K",
      defaultValue = "9",
      description = "Lifting kernel size (default ${DEFAULT-VALUE}).")
  int kernel;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "10",
      description = "Seed of the lifting filters (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--layers", paramLabel = "L", description = "Spectral layers.")
  Integer layers;

  @Option(
      names = "--translate-seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "Seed of the images' random translations (default ${DEFAULT-VALUE}).")
  long translateSeed;

  @Option(names = "--max-shift", paramLabel = "P", description = "Largest offset per axis.")
  Integer maxShift;

  @Option(
      names = "--translate",
      paramLabel = "WHICH",
      defaultValue = "none",
      description =
          "Which images are translated at random: none, test (the training images stay as they"
              + " are) or both (training and test) (default ${DEFAULT-VALUE}).")
  String translate;

  @Option(
      names = "--rows",
      paramLabel = "WHICH",
      defaultValue = "all",
      description =
          "all (the three rows) or forward (forward construction alone, no back-propagation)"
              + " (default ${DEFAULT-VALUE}).")
  String rows;

  @Option(
      names = "--micl-eps-sq",
      paramLabel = "X",
      defaultValue = "0.5",
      description =
          "ε² of the spectral MICL classifier on the forward features (default ${DEFAULT-VALUE}).")
  double miclEpsSq;

  @Option(
      names = "--eps-sq",
      paramLabel = "X",
      defaultValue = "0.1",
      description = "ε² (default ${DEFAULT-VALUE}).")
  double epsSq;

  @Option(
      names = "--eta",
      paramLabel = "Y",
      defaultValue = "0.5",
      description = "η (default ${DEFAULT-VALUE}).")
  double eta;

  @Option(
      names = "--lambda",
      paramLabel = "Z",
      defaultValue = "500",
      description = "λ (default ${DEFAULT-VALUE}).")
  double lambda;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs of each fine-tuning.")
  Integer epochs;

  @Option(
      names = "--batch",
      paramLabel = "B",
      defaultValue = "25",
      description = "Mini-batch size (default ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--learning-rate",
      paramLabel = "R",
      description = "The learning rate (default 0.1; 1.0 with --quick).")
  Double learningRate;

  @Option(
      names = "--optimizer",
      paramLabel = "NAME",
      defaultValue = "sgd",
      description = "sgd (momentum 0.9) or adam (default ${DEFAULT-VALUE}).")
  String optimizer;

  @Option(
      names = "--init-seed",
      paramLabel = "S",
      defaultValue = "2",
      description = "Seed of the random initialisation and the shuffle (default ${DEFAULT-VALUE}).")
  long initSeed;

  @Option(names = "--threads", paramLabel = "N", description = "Threads (default: all processors).")
  Integer threads;

  private static MnistSplitOptions tenDigits() {
    MnistSplitOptions o = new MnistSplitOptions();
    o.classes = new ArrayList<>(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9));
    return o;
  }

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (quick) {
      data.trainPerClass = data.trainPerClass != null ? data.trainPerClass : 10;
      data.testPerClass = data.testPerClass != null || data.testRest ? data.testPerClass : 20;
    } else if (data.testPerClass == null) {
      data.testRest = true;
    }
    int c = channels != null ? channels : quick ? 4 : 16;
    int l = layers != null ? layers : quick ? 4 : 30;
    int shift = maxShift != null ? maxShift : quick ? 2 : 14;
    int n = epochs != null ? epochs : 30;
    double rate = learningRate != null ? learningRate : quick ? 1.0 : 0.1;
    String problem = data.validate(50, 0);
    if (problem == null && (c < 1 || kernel < 1 || l < 1 || shift < 0 || n < 0 || batch < 1)) {
      problem =
          "--channels, --kernel, --layers and --batch must be ≥ 1, --max-shift and --epochs ≥ 0";
    }
    if (problem == null && (!(rate > 0) || !(epsSq > 0) || !(eta > 0) || !(lambda >= 0))) {
      problem = "--learning-rate, --eps-sq and --eta must be positive and --lambda ≥ 0";
    }
    if (problem == null && !List.of("none", "test", "both").contains(translate)) {
      problem = "--translate must be none, test or both, got " + translate;
    }
    if (problem == null && !rows.equals("all") && !rows.equals("forward")) {
      problem = "--rows must be all or forward, got " + rows;
    }
    if (problem == null && !(miclEpsSq > 0)) {
      problem = "--micl-eps-sq must be positive, got " + miclEpsSq;
    }
    if (problem == null && !optimizer.equals("adam") && !optimizer.equals("sgd")) {
      problem = "--optimizer must be adam or sgd, got " + optimizer;
    }
    if (problem == null && threads != null && threads < 1) {
      problem = "--threads must be ≥ 1, got " + threads;
    }
    if (problem != null) {
      return usage(err, problem);
    }
    MnistSplitOptions.Split split;
    try {
      split = data.load(50, 0);
    } catch (IOException | IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    SignalShape image = SignalShape.of2d(1, split.height, split.width);
    SplittableRandom random = new SplittableRandom(translateSeed);
    double[][] train =
        translate.equals("both")
            ? Shifts.randomly(split.train, image, shift, random).samples()
            : split.train;
    double[][] test =
        translate.equals("none")
            ? split.test
            : Shifts.randomly(split.test, image, shift, random).samples();
    Lifting lift = Lifting.random2d(image, c, kernel, seed);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put("split", split.description);
    settings.put("translate", translate);
    settings.put("translate_seed", translateSeed);
    settings.put("max_shift", translate.equals("none") ? 0 : shift);
    settings.put("kernel", kernel);
    settings.put("filter_seed", seed);
    settings.put("quick", quick);
    SpectralExperiment.Input in =
        new SpectralExperiment.Input(
            "finetune",
            lift.outputShape(),
            lift.applyAll(train),
            split.trainClasses,
            lift.applyAll(test),
            split.testClasses,
            data.classes,
            translate.equals("none") ? "none" : "translated at random (" + translate + ")",
            settings);
    FinetuneExperiment.Settings o =
        new FinetuneExperiment.Settings(
            epsSq,
            eta,
            lambda,
            l,
            new FineTuning.Settings(
                n,
                batch,
                rate,
                initSeed,
                optimizer.equals("sgd") ? FineTuning.Optimizer.SGD : FineTuning.Optimizer.ADAM),
            initSeed,
            seed,
            miclEpsSq,
            rows.equals("all"));
    Map<String, Object> summary;
    try (MathExecutor math =
        MathExecutor.create(
            threads != null ? threads : MathExecutor.availableProcessors(), "redunet-math")) {
      summary =
          FinetuneExperiment.run(
              in,
              o,
              math,
              line -> {
                err.println(line);
                err.flush();
              });
    }
    PrintWriter out = spec.commandLine().getOut();
    out.println(CommandSupport.json(summary));
    out.flush();
    return 0;
  }

  private int usage(PrintWriter err, String problem) {
    err.println("experiment finetune: " + problem);
    err.flush();
    return CommandSupport.USAGE;
  }
}
