package dev.redunet.app;

import dev.redunet.data.CsvReader;
import dev.redunet.data.GaussianMixtures;
import dev.redunet.data.LabelledDataset;
import dev.redunet.experiment.VectorExperiment;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.Parameters;
import dev.redunet.redunet.ForwardConstruction.RateEvaluation;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.ReduNet;
import java.awt.Color;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./redunet experiment vector}: batch forward construction of a vector ReduNet on a labelled
 * training set, the rates along the layers, and nearest-subspace accuracy.
 */
@Command(
    name = "vector",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Builds an L-layer vector ReduNet on labelled training data by forward construction"
          + " (REDUNET_SPEC §2) and evaluates its features with the nearest-subspace classifier.",
      "",
      "Data: --gaussian 2|3 (the paper's mixtures: centres e1, e2(, e3), σ = 0.1, unit-norm"
          + " samples; a training and a separately drawn test set of --per-class samples per"
          + " class, seeded by --seed), or --train FILE [--test FILE] (CSV, RFC 4180: the label in the first"
          + " column, then the features, with no header or a header whose first cell begins with"
          + " 'label'; or, with --label-column NAME, a header and the label in the column NAME).",
      "",
      "Example (Fig. 2a-c): ./redunet experiment vector --gaussian 2 --per-class 500 --layers 2000"
          + " --eps-sq 0.1 --eta 0.5 --lambda 500 --plot rates.png",
      "",
      "stdout: a CSV header 'layer,R,Rc,deltaR', one row per layer (rates of the layer's output,"
          + " in nats), then one JSON object on the last line: layers, R, Rc, deltaR (of the last"
          + " layer), train_accuracy and test_accuracy (nearest subspace on the output features;"
          + " test_accuracy is null without a test set), seconds (wall time of construction and"
          + " evaluation), and the settings (components, eps_sq, eta, lambda, membership, rates,"
          + " dimension, classes, train_samples, test_samples, source, seed), plus"
          + " closed_form_delta_r for the Gaussian mixtures and knn_train_accuracy,"
          + " knn_test_accuracy with --knn. Progress goes to stderr.",
      ""
    })
public final class VectorExperimentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--train", paramLabel = "FILE", description = "Training CSV file.")
  Path train;

  @Option(names = "--test", paramLabel = "FILE", description = "Test CSV file (with --train).")
  Path test;

  @Mixin LabelColumnOption labelColumn;

  @Option(
      names = "--gaussian",
      paramLabel = "D",
      description = "Use the paper's Gaussian mixture in D = 2 or 3 dimensions.")
  Integer gaussian;

  @Option(
      names = "--per-class",
      paramLabel = "N",
      defaultValue = "500",
      description = "Gaussian samples per class, train and test each (default ${DEFAULT-VALUE}).")
  int perClass;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Seed of the Gaussian draws (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--layers",
      paramLabel = "L",
      defaultValue = "2000",
      description = "Number of layers (default ${DEFAULT-VALUE}, the Gaussian experiment).")
  int layers;

  @Option(
      names = "--eps-sq",
      paramLabel = "X",
      defaultValue = "0.1",
      description = "ε², the reference code's eps (default ${DEFAULT-VALUE}).")
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
          "Training membership: softmax (π̂ for every sample, the reference code; default) or"
              + " labels (one-hot true labels for training samples, the paper's rule).")
  String membership;

  @Option(
      names = "--rates",
      paramLabel = "MODE",
      defaultValue = "true-labels",
      description =
          "Classes of the recorded R^c: true-labels (default), torch (predicted classes, weights"
              + " m̂_j/m, as the official PyTorch code logs) or paper (predicted classes, weights"
              + " γ_j, as the NumPy paper code logs).")
  String rates;

  @Option(
      names = "--components",
      paramLabel = "R",
      description =
          "Nearest-subspace components per class (default: 1 for --gaussian 2, 2 for --gaussian"
              + " 3, otherwise min(10, d − 1)).")
  Integer components;

  @Option(
      names = "--knn",
      description = "Also report cosine 5-NN accuracies (knn_train_accuracy, knn_test_accuracy).")
  boolean knn;

  @Option(
      names = "--plot",
      paramLabel = "FILE.png",
      description = "Plot R, R^c, ΔR along the layers.")
  Path plot;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description = "Threads for the linear algebra (default: all processors).")
  Integer threads;

  @Option(
      names = "--progress-seconds",
      paramLabel = "S",
      defaultValue = "2",
      description = "Seconds between progress lines on stderr (default ${DEFAULT-VALUE}).")
  double progressSeconds;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    String problem = validate();
    if (problem != null) {
      err.println("experiment vector: " + problem);
      err.flush();
      return CommandSupport.USAGE;
    }
    long t0 = System.nanoTime();
    VectorExperiment.Data trainData;
    VectorExperiment.Data testData;
    String source;
    Double closedForm = null;
    if (gaussian != null) {
      GaussianMixtures.Split split = GaussianMixtures.trainTest(gaussian, perClass, seed);
      trainData = new VectorExperiment.Data(split.train().features(), split.train().labels());
      testData = new VectorExperiment.Data(split.test().features(), split.test().labels());
      source = "gaussian" + gaussian + "d";
      // k = d orthogonal collapsed classes (REDUNET_SPEC §7).
      closedForm =
          gaussian / 2.0 * Math.log(1 + gaussian / (gaussian * epsSq))
              - 0.5 * Math.log(1 + gaussian / epsSq);
    } else {
      try {
        LabelledDataset trainSet = CsvReader.read(train, labelColumn.name);
        LabelledDataset testSet = test == null ? null : CsvReader.read(test, labelColumn.name);
        if (testSet != null && testSet.dimension() != trainSet.dimension()) {
          err.println(
              "experiment vector: the test file has "
                  + testSet.dimension()
                  + " features per sample but the training file has "
                  + trainSet.dimension()
                  + "; give files of the same data set");
          err.flush();
          return CommandSupport.USAGE;
        }
        Map<String, Integer> codes = VectorExperiment.classCodes(trainSet);
        trainData = VectorExperiment.Data.of(trainSet, codes);
        testData = testSet == null ? null : VectorExperiment.Data.of(testSet, codes);
        source = train.getFileName().toString();
      } catch (NoSuchFileException e) {
        err.println("experiment vector: file not found: " + e.getFile() + " (check the path)");
        err.flush();
        return CommandSupport.USAGE;
      } catch (IOException | IllegalArgumentException e) {
        err.println("experiment vector: cannot read the data: " + e.getMessage());
        err.flush();
        return CommandSupport.USAGE;
      }
    }
    int d = trainData.features().rows();
    int r = components != null ? components : gaussian != null ? gaussian - 1 : Math.min(10, d - 1);
    TrainingMembership mode = TrainingMembership.valueOf(membership.toUpperCase(Locale.ROOT));
    RateEvaluation evaluation = rateEvaluation(rates);
    Parameters parameters = new Parameters(layers, epsSq, eta, lambda, mode, evaluation);
    int nThreads = threads != null ? threads : MathExecutor.availableProcessors();
    err.printf(
        Locale.ROOT,
        "experiment vector: %s, d=%d, %d training samples, %s, L=%d, ε²=%s, η=%s, λ=%s,"
            + " membership %s, %d thread(s)%n",
        source,
        d,
        trainData.labels().length,
        testData == null ? "no test set" : testData.labels().length + " test samples",
        layers,
        epsSq,
        eta,
        lambda,
        membership,
        nThreads);
    err.flush();
    try (MathExecutor math = MathExecutor.create(nThreads, "redunet-math")) {
      return construct(parameters, trainData, testData, source, closedForm, t0, d, r, math);
    }
  }

  /** The construction and its evaluation, on the command's math executor. */
  private Integer construct(
      Parameters parameters,
      VectorExperiment.Data trainData,
      VectorExperiment.Data testData,
      String source,
      Double closedForm,
      long t0,
      int d,
      int r,
      MathExecutor math) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    out.println("layer,R,Rc,deltaR");
    long[] lastReport = {System.nanoTime()};
    VectorExperiment.Result result =
        VectorExperiment.run(
            trainData,
            testData,
            parameters,
            gaussian != null ? seed : null,
            r,
            knn,
            source,
            math,
            (l, layer, rt) -> {
              out.printf(Locale.ROOT, "%d,%.10f,%.10f,%.10f%n", l, rt.r(), rt.rc(), rt.deltaR());
              long now = System.nanoTime();
              if (l == layers || (now - lastReport[0]) / 1e9 >= progressSeconds) {
                lastReport[0] = now;
                err.printf(
                    Locale.ROOT,
                    "experiment vector: layer %d/%d  R=%.6f  Rc=%.6f  ΔR=%.6f%n",
                    l,
                    layers,
                    rt.r(),
                    rt.rc(),
                    rt.deltaR());
                err.flush();
              }
            });
    out.flush();
    ReduNet net = result.network();
    double seconds = (System.nanoTime() - t0) / 1e9;

    Rates last = result.last();
    if (plot != null) {
      try {
        writePlot(net, source);
        err.println("experiment vector: wrote " + plot);
      } catch (IOException e) {
        err.println("experiment vector: cannot write the plot " + plot + ": " + e.getMessage());
        err.flush();
        return 1;
      }
    }
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("layers", layers);
    json.put("R", last.r());
    json.put("Rc", last.rc());
    json.put("deltaR", last.deltaR());
    json.put("train_accuracy", result.trainAccuracy());
    json.put("test_accuracy", result.testAccuracy());
    json.put("seconds", seconds);
    json.put("components", result.components());
    json.put("eps_sq", epsSq);
    json.put("eta", eta);
    json.put("lambda", lambda);
    json.put("membership", membership.toLowerCase(Locale.ROOT));
    json.put("rates", rates.toLowerCase(Locale.ROOT));
    json.put("dimension", d);
    json.put("classes", net.provenance().classLabels().length);
    json.put("train_samples", trainData.labels().length);
    json.put("test_samples", testData == null ? 0 : testData.labels().length);
    json.put("source", source);
    json.put("seed", gaussian != null ? seed : null);
    if (closedForm != null) {
      json.put("closed_form_delta_r", closedForm);
    }
    if (knn) {
      json.put("knn_train_accuracy", result.knnTrainAccuracy());
      json.put("knn_test_accuracy", result.knnTestAccuracy());
    }
    out.println(CommandSupport.json(json));
    out.flush();
    err.flush();
    return 0;
  }

  private void writePlot(ReduNet net, String source) throws IOException {
    int n = net.depth() + 1;
    double[] r = new double[n];
    double[] rc = new double[n];
    double[] dr = new double[n];
    for (int i = 0; i < n; i++) {
      Rates x = i == 0 ? net.inputRates() : net.layerRates().get(i - 1);
      r[i] = x.r();
      rc[i] = x.rc();
      dr[i] = x.deltaR();
    }
    RatePlot.write(
        plot,
        String.format(
            Locale.ROOT,
            "Vector ReduNet on %s: ε²=%s, η=%s, λ=%s, %s membership",
            source,
            epsSq,
            eta,
            lambda,
            membership),
        List.of(
            new RatePlot.Series("R", new Color(31, 119, 180), r),
            new RatePlot.Series("R^c", new Color(255, 127, 14), rc),
            new RatePlot.Series("ΔR", new Color(44, 160, 44), dr)));
  }

  private static RateEvaluation rateEvaluation(String s) {
    switch (s.toLowerCase(Locale.ROOT)) {
      case "torch":
        return RateEvaluation.PREDICTED_TORCH;
      case "paper":
        return RateEvaluation.PREDICTED_PAPER;
      default:
        return RateEvaluation.TRUE_LABELS;
    }
  }

  /** One line saying what is wrong and how to fix it, or null. */
  private String validate() {
    if (gaussian == null && train == null) {
      return "no data: give --gaussian 2|3, or --train FILE [--test FILE]";
    }
    if (gaussian != null && (train != null || test != null)) {
      return "give either --gaussian or --train/--test, not both";
    }
    if (test != null && train == null) {
      return "--test needs --train FILE as well";
    }
    if (labelColumn.given() && (train == null || labelColumn.name.isBlank())) {
      return "--label-column NAME goes with --train FILE (CSV) and names a header column";
    }
    if (gaussian != null && gaussian != 2 && gaussian != 3) {
      return "--gaussian must be 2 or 3, got " + gaussian;
    }
    if (perClass < 1) {
      return "--per-class must be at least 1, got " + perClass;
    }
    for (Path p : new Path[] {train, test}) {
      if (p != null && !Files.isRegularFile(p)) {
        return "file not found: " + p + " (check the path)";
      }
    }
    if (layers < 0) {
      return "--layers must be ≥ 0, got " + layers;
    }
    if (!(epsSq > 0) || !Double.isFinite(epsSq)) {
      return "--eps-sq must be a positive number, got " + epsSq;
    }
    if (!(eta >= 0) || !Double.isFinite(eta)) {
      return "--eta must be a number ≥ 0, got " + eta;
    }
    if (!(lambda >= 0) || !Double.isFinite(lambda)) {
      return "--lambda must be a number ≥ 0, got " + lambda;
    }
    String mode = membership.toLowerCase(Locale.ROOT);
    if (!mode.equals("softmax") && !mode.equals("labels")) {
      return "--membership must be softmax or labels, got '" + membership + "'";
    }
    String r = rates.toLowerCase(Locale.ROOT);
    if (!r.equals("true-labels") && !r.equals("torch") && !r.equals("paper")) {
      return "--rates must be true-labels, torch or paper, got '" + rates + "'";
    }
    if (components != null && components < 1) {
      return "--components must be at least 1, got " + components;
    }
    if (threads != null && threads < 1) {
      return "--threads must be at least 1, got " + threads;
    }
    if (plot != null) {
      if (!plot.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".png")) {
        return "--plot writes a PNG: give a file name ending in .png, got " + plot;
      }
      Path parent = plot.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        return "--plot: the directory " + parent + " does not exist (create it first)";
      }
    }
    return null;
  }
}
