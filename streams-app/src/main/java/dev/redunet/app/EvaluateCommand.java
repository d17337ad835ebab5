package dev.redunet.app;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKey;
import dev.redunet.config.ConfigKeys;
import dev.redunet.config.LearnerConfig;
import dev.redunet.eval.HiddenLabels;
import dev.redunet.eval.PrequentialEvaluator;
import dev.redunet.eval.PrequentialResult;
import dev.redunet.eval.StreamingClassifier;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.MiclLearner;
import dev.redunet.learn.OnlineLearner;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.CodingMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.LongSupplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./redunet evaluate}: prequential (test-then-train) evaluation of a streaming classifier
 * over a stream read from files, in file order, as {@code ./redunet produce} would send the same
 * file: the same ids ({@link SampleIds}), the same 32-bit float values, the same JSON-lines parser
 * ({@link JsonSampleLines}) and the stream's checks ({@link IngressChecks}), so that {@code
 * --predictions} joins the stream's predictions by sample id.
 */
@Command(
    name = "evaluate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prequential (test-then-train) evaluation of a classifier over a labelled stream, in file"
          + " order: every sample is first predicted with the current model, then learned.",
      "Samples that arrive before the first model refresh are learned but not scored;"
          + " samples without a label (--jsonl) are predicted only: never learned, never counted"
          + " in the accuracy.",
      "",
      "Data: --jsonl (JSON lines, as for ./redunet produce --jsonl), --images/--labels (IDX,"
          + " plain or gzipped, as MNIST and Fashion-MNIST), --data (CSV, RFC 4180: label first,"
          + " optional header whose first cell begins with 'label'; or the label in the header"
          + " column --label-column names), or --dataset mnist10k (the shipped"
          + " copy inside the jar). The shipped 10,000-digit MNIST stream is in the repository at"
          + " streams-app/src/main/resources/datasets/mnist10k/mnist10k-images-idx3-ubyte.gz and"
          + " .../mnist10k-labels-idx1-ubyte.gz (see PROVENANCE.md there).",
      "",
      "The stream's language: the input is read as ./redunet produce sends it (sample ids"
          + " <prefix><index> for IDX, CSV and the shipped set, values rounded to 32-bit floats),"
          + " checked as the stream checks it (redunet.feature.shape, redunet.labels,"
          + " redunet.max.features, redunet.max.record.bytes from --config or the environment):"
          + " a record the stream would reject is skipped, counted by reason code (UNPARSABLE,"
          + " MISSING_FIELD, EMPTY_VECTOR, NON_FINITE, WRONG_DIMENSION, TOO_LARGE, UNKNOWN_LABEL)"
          + " and named on stderr (the first 10). The order is the file's: it is the stream's"
          + " order when the event times increase in file order, as produce stamps records"
          + " without a time (start + index) and as it sets the Kafka record timestamps.",
      "",
      "Example: ./redunet evaluate --dataset mnist10k --normalize unit --eps-sq 0.5 --window 500",
      "",
      "Progress goes to stderr. The last line of stdout is one JSON object: samples (scored"
          + " samples), accuracy and kappa (over the scored samples; null if none),"
          + " samples_per_second (processed samples per second of the whole test-then-train"
          + " loop), processed, unscored, unlabelled, skipped and skipped_reasons (input records"
          + " skipped, per reason code), seconds, and the settings (classifier, eps_sq, window,"
          + " coding, forgetting, normalize, dimension, classes, source).",
      ""
    })
public final class EvaluateCommand implements Callable<Integer> {

  private static final String REDUNET_MICL = "redunet-micl";
  private static final double DEFAULT_MICL_EPS_SQ = 0.5;
  private static final int DEFAULT_WINDOW = 500;

  @Spec CommandSpec spec;

  @Mixin SampleFileOptions input;

  @Option(
      names = "--predictions",
      paramLabel = "FILE",
      description =
          "Write one JSON line per processed sample, in input order: sampleId, modelVersion (the"
              + " version that scored it: redunet-micl the model version, micl the number of"
              + " refreshes; 0 before the first), predictedLabel and trueLabel (null when none).")
  Path predictions;

  @Option(
      names = "--classifier",
      paramLabel = "NAME",
      defaultValue = "micl",
      description =
          "The classifier: micl (default: MICL on the input) or redunet-micl (the streaming"
              + " learner of ./redunet run, in-process: ReduNet layers rebuilt every window, MICL"
              + " on their output).")
  String classifier;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A properties file (as for ./redunet run): the stream's input checks and, for"
              + " redunet-micl, the learner's keys; REDUNET_* environment variables and the flags"
              + " below override it.")
  Path config;

  @Option(
      names = "--layers",
      paramLabel = "L",
      description = "redunet-micl: number of layers (redunet.layers).")
  Integer layers;

  @Option(
      names = "--layer-eps-sq",
      paramLabel = "X",
      description = "redunet-micl: ε² of the layers (redunet.eps.sq).")
  Double layerEpsSq;

  @Option(names = "--eta", paramLabel = "Y", description = "redunet-micl: step η (redunet.eta).")
  Double eta;

  @Option(
      names = "--lambda",
      paramLabel = "Z",
      description = "redunet-micl: membership sharpness λ (redunet.lambda).")
  Double lambda;

  @Option(
      names = "--membership",
      paramLabel = "MODE",
      description = "redunet-micl: softmax or labels (redunet.membership).")
  String membership;

  @Option(
      names = "--construction",
      paramLabel = "MODE",
      description = "redunet-micl: statistics or replay (redunet.construction).")
  String construction;

  @Option(
      names = "--statistics",
      paramLabel = "MODE",
      description = "redunet-micl: cumulative, decayed or sliding (redunet.statistics).")
  String statistics;

  @Option(
      names = "--reference-size",
      paramLabel = "M",
      description = "redunet-micl: reference size m, 0 = the window (redunet.reference.size).")
  Integer referenceSize;

  @Option(
      names = "--network",
      paramLabel = "KIND",
      description =
          "redunet-micl: vector or spectral (redunet.network; spectral needs --shape, and reads"
              + " every sample as a channel-major multichannel signal).")
  String network;

  @Option(
      names = "--shape",
      paramLabel = "C,T",
      description =
          "The samples' shape C,T or C,H,W (redunet.feature.shape): the spectral network reads"
              + " each flat sample (a CSV row) as C channels of T values (or H × W), channel-major.")
  String shape;

  @Option(
      names = "--channels",
      paramLabel = "C'",
      description =
          "Spectral network: lift to C' channels by random filters (redunet.lifting.channels).")
  Integer liftingChannels;

  @Option(
      names = "--kernel",
      paramLabel = "K",
      description = "Spectral network: the lifting's kernel size (redunet.lifting.kernel).")
  Integer liftingKernel;

  @Option(
      names = "--projection",
      paramLabel = "MODE",
      description = "redunet-micl: auto, on or off (redunet.projection).")
  String projection;

  @Option(
      names = "--projection-dim",
      paramLabel = "P",
      description = "redunet-micl: PCA dimension p (redunet.projection.dim).")
  Integer projectionDim;

  @Option(
      names = "--unlabelled",
      paramLabel = "MODE",
      description =
          "redunet-micl: ignore or self (redunet.unlabelled): self learns the unlabelled samples"
              + " predicted with a margin of at least --unlabelled-margin as their predicted"
              + " class.")
  String unlabelled;

  @Option(
      names = "--unlabelled-margin",
      paramLabel = "X",
      description = "redunet-micl: bits per dimension (redunet.unlabelled.margin).")
  Double unlabelledMargin;

  @Option(
      names = "--hide-labels",
      paramLabel = "F",
      description =
          "Hide the labels of a random share F in [0, 1] of the samples (seeded by --hide-seed):"
              + " the learner sees them unlabelled, and the summary scores its predictions for"
              + " them against the hidden labels (hidden_accuracy).")
  Double hideLabels;

  @Option(
      names = "--hide-seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "Seed of --hide-labels (default ${DEFAULT-VALUE}).")
  long hideSeed;

  @Option(
      names = "--eps-sq",
      paramLabel = "X",
      description =
          "MICL distortion ε² (default 0.5; redunet-micl: redunet.micl.eps.sq, from --config or"
              + " the environment unless given here).")
  Double epsSq;

  @Option(
      names = "--window",
      paramLabel = "W",
      description =
          "Refresh the model every W labelled samples (default 500; redunet-micl: redunet.window,"
              + " from --config or the environment unless given here).")
  Integer window;

  @Option(
      names = "--coding",
      paramLabel = "MODE",
      defaultValue = "affine",
      description = "Coding length: affine (MICL, default) or linear.")
  String coding;

  @Option(
      names = "--forgetting",
      paramLabel = "LAMBDA",
      defaultValue = "1",
      description =
          "Exponential forgetting factor λ in (0, 1] per labelled sample (default 1:" + " none).")
  double forgetting;

  @Option(
      names = "--normalize",
      paramLabel = "MODE",
      defaultValue = "none",
      description = "none (default) or unit: scale each sample to unit Euclidean norm.")
  String normalize;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description =
          "Use only the first N input records (samples, or non-blank lines of --jsonl, valid or"
              + " not), as ./redunet produce --max-samples N sends them.")
  Integer limit;

  @Option(
      names = "--parallel",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "micl: factor classes and score batches on the threads of redunet.math.threads"
              + " (default); --no-parallel runs on one thread. The predictions are the same.")
  boolean parallel;

  @Option(
      names = "--progress-seconds",
      paramLabel = "S",
      defaultValue = "2",
      description = "Seconds between progress lines on stderr (default ${DEFAULT-VALUE}).")
  double progressSeconds;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    String problem = validate();
    if (problem != null) {
      err.println("evaluate: " + problem);
      err.flush();
      return CommandSupport.USAGE;
    }
    long t0 = System.nanoTime();
    AppConfig appConfig;
    try {
      appConfig = learnerConfig();
    } catch (ConfigException | IllegalArgumentException e) {
      err.println("evaluate: " + e.getMessage());
      err.flush();
      return CommandSupport.USAGE;
    }
    EvaluationStream ds;
    String source;
    try {
      source = input.sourceName();
      ds =
          new SampleFileReader("evaluate", err, IngressChecks.of(appConfig))
              .read(input, limit == null ? Long.MAX_VALUE : limit);
    } catch (NoSuchFileException e) {
      err.println("evaluate: file not found: " + e.getFile() + " (check the path)");
      err.flush();
      return CommandSupport.USAGE;
    } catch (IOException | IllegalArgumentException | ConfigException e) {
      err.println("evaluate: cannot read the data: " + e.getMessage());
      err.flush();
      return CommandSupport.USAGE;
    }
    if (limit != null) {
      source += " (first " + limit + ")";
    }
    if (ds.size() == 0) {
      err.println(
          "evaluate: no valid sample in "
              + source
              + " ("
              + ds.skippedTotal()
              + " input record(s) skipped)");
      err.flush();
      return CommandSupport.USAGE;
    }
    if ("unit".equals(normalize)) {
      ds.normalizeToUnitNorm();
      source += " (unit norm)";
    }
    List<String> classNames = ds.classNames();
    err.printf(
        Locale.ROOT,
        "evaluate: %s: %d samples, d=%d, %d classes (loaded in %.1f s)%s%n",
        source,
        ds.size(),
        ds.dimension(),
        classNames.size(),
        (System.nanoTime() - t0) / 1e9,
        ds.skippedTotal() == 0 && ds.unlabelled() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "; %d unlabelled, %d skipped %s",
                ds.unlabelled(),
                ds.skippedTotal(),
                ds.skipped()));
    err.flush();

    MathExecutor math = MathExecutor.create(LearnerConfig.mathThreads(appConfig), "redunet-math");
    try {
      StreamingClassifier learner;
      LongSupplier version;
      LearnerSettings learnerSettings = null;
      double miclEpsSq = epsSq != null ? epsSq : DEFAULT_MICL_EPS_SQ;
      int windowSize = window != null ? window : DEFAULT_WINDOW;
      if (REDUNET_MICL.equals(classifier)) {
        try {
          learnerSettings = LearnerConfig.settings(appConfig);
        } catch (ConfigException | IllegalArgumentException e) {
          err.println("evaluate: " + e.getMessage());
          err.flush();
          return CommandSupport.USAGE;
        }
        miclEpsSq = learnerSettings.miclEpsSq();
        windowSize = learnerSettings.window();
        PrintWriter log = err;
        OnlineLearner online =
            new OnlineLearner(
                ds.dimension(),
                learnerSettings,
                math,
                model ->
                    log.printf(
                        Locale.ROOT,
                        "evaluate: model v%d built (%s)%n",
                        model.version(),
                        model.layerRates().stream()
                            .map(r -> String.format(Locale.ROOT, "ΔR %.4f", r.deltaR()))
                            .reduce((a, b) -> a + ", " + b)
                            .orElse("no layers")));
        learner = online;
        version = () -> online.model().map(StreamingModel::version).orElse(0L);
      } else {
        CodingMode mode = "linear".equals(coding) ? CodingMode.LINEAR : CodingMode.AFFINE;
        MiclLearner micl =
            new MiclLearner(
                ds.dimension(),
                new MiclLearner.Settings(miclEpsSq, mode, forgetting, windowSize, parallel),
                math);
        learner = micl;
        // MiclLearner refreshes its model every windowSize labelled samples: the version is the
        // number of refreshes so far.
        int every = windowSize;
        version = () -> micl.labelledCount() / every;
      }
      long[] lastReport = {System.nanoTime()};
      PrequentialEvaluator.Progress progress =
          (done, total, soFar, elapsed) -> {
            long now = System.nanoTime();
            if (done < total && (now - lastReport[0]) / 1e9 < progressSeconds) {
              return;
            }
            lastReport[0] = now;
            err.printf(
                Locale.ROOT,
                "evaluate: %d/%d samples (%.0f%%), %s, %.0f samples/s%n",
                done,
                total,
                100.0 * done / total,
                soFar.total() == 0
                    ? "no model yet"
                    : String.format(
                        Locale.ROOT, "accuracy %.4f, kappa %.4f", soFar.accuracy(), soFar.kappa()),
                done / Math.max(elapsed, 1e-9));
            err.flush();
          };
      PrequentialResult result;
      HiddenLabels hidden =
          hideLabels == null ? null : HiddenLabels.hide(ds.classIndices(), hideLabels, hideSeed);
      try (PredictionWriter writer =
          predictions == null ? null : new PredictionWriter(predictions, ds, classNames, version)) {
        result =
            new PrequentialEvaluator(windowSize)
                .evaluate(
                    ds.rows(),
                    hidden == null ? ds.classIndices() : hidden.visible(),
                    learner,
                    progress,
                    hidden == null ? writer : hidden.andThen(writer));
      } catch (IOException | UncheckedIOException e) {
        err.println("evaluate: cannot write --predictions " + predictions + ": " + e.getMessage());
        err.flush();
        return 1;
      }

      Map<String, Object> json = new LinkedHashMap<>();
      json.put("samples", result.scored());
      json.put("accuracy", finiteOrNull(result.accuracy()));
      json.put("kappa", finiteOrNull(result.kappa()));
      json.put("samples_per_second", result.samplesPerSecond());
      json.put("processed", result.processed());
      json.put("unscored", result.unscored());
      json.put("unlabelled", result.unlabelled());
      json.put("skipped", ds.skippedTotal());
      Map<String, Long> reasons = new LinkedHashMap<>();
      ds.skipped().forEach((reason, count) -> reasons.put(reason.name(), count));
      json.put("skipped_reasons", reasons);
      json.put("seconds", result.seconds());
      json.put("classifier", classifier);
      json.put("eps_sq", miclEpsSq);
      json.put("window", windowSize);
      json.put("coding", coding);
      json.put("forgetting", forgetting);
      json.put("normalize", normalize);
      json.put("dimension", ds.dimension());
      json.put("classes", classNames.size());
      json.put("source", source);
      if (predictions != null) {
        json.put("predictions", predictions.toString());
      }
      if (hidden != null) {
        json.put("hidden_labels", hidden.hiddenCount());
        json.put("hidden_seed", hideSeed);
        json.put("hidden_scored", hidden.scored().total());
        json.put(
            "hidden_accuracy",
            hidden.scored().total() == 0 ? null : finiteOrNull(hidden.scored().accuracy()));
      }
      if (learner instanceof OnlineLearner online) {
        json.put("self_learned", online.selfLearned());
      }
      if (learnerSettings != null) {
        json.put("learner", learnerSettings.asMap());
      }
      out.println(CommandSupport.json(json));
      out.flush();
      return 0;
    } finally {
      math.close();
    }
  }

  private String validate() {
    String inputProblem = input.problem(true);
    if (inputProblem != null) {
      return inputProblem;
    }
    if (!"micl".equals(classifier) && !REDUNET_MICL.equals(classifier)) {
      return "unknown --classifier '" + classifier + "': use micl or " + REDUNET_MICL;
    }
    if (epsSq != null && (!(epsSq > 0) || Double.isInfinite(epsSq))) {
      return "--eps-sq must be a positive number, got " + epsSq;
    }
    if (window != null && window < 1) {
      return "--window must be ≥ 1, got " + window;
    }
    if (!"affine".equals(coding) && !"linear".equals(coding)) {
      return "unknown --coding '" + coding + "': use affine or linear";
    }
    if (!(forgetting > 0 && forgetting <= 1)) {
      return "--forgetting must be in (0, 1], got " + forgetting;
    }
    if (!"none".equals(normalize) && !"unit".equals(normalize)) {
      return "unknown --normalize '" + normalize + "': use none or unit";
    }
    if (limit != null && limit < 1) {
      return "--limit must be ≥ 1, got " + limit;
    }
    if (hideLabels != null && !(hideLabels >= 0 && hideLabels <= 1)) {
      return "--hide-labels must be in [0, 1], got " + hideLabels;
    }
    return null;
  }

  /**
   * The learner's configuration: defaults, {@code --config}, REDUNET_* environment, then the flags
   * given ({@code --eps-sq} and {@code --window} set the MICL ε² and the window).
   */
  private AppConfig learnerConfig() {
    Map<String, String> flags = new LinkedHashMap<>();
    putIfSet(flags, ConfigKeys.MICL_EPS_SQ, epsSq);
    putIfSet(flags, ConfigKeys.WINDOW, window);
    putIfSet(flags, ConfigKeys.LAYERS, layers);
    putIfSet(flags, ConfigKeys.EPS_SQ, layerEpsSq);
    putIfSet(flags, ConfigKeys.ETA, eta);
    putIfSet(flags, ConfigKeys.LAMBDA, lambda);
    putIfSet(flags, ConfigKeys.MEMBERSHIP, membership);
    putIfSet(flags, ConfigKeys.CONSTRUCTION, construction);
    putIfSet(flags, ConfigKeys.STATISTICS, statistics);
    putIfSet(flags, ConfigKeys.REFERENCE_SIZE, referenceSize);
    putIfSet(flags, ConfigKeys.PROJECTION, projection);
    putIfSet(flags, ConfigKeys.NETWORK, network);
    putIfSet(flags, ConfigKeys.FEATURE_SHAPE, shape);
    putIfSet(flags, ConfigKeys.LIFTING_CHANNELS, liftingChannels);
    putIfSet(flags, ConfigKeys.LIFTING_KERNEL, liftingKernel);
    putIfSet(flags, ConfigKeys.PROJECTION_DIM, projectionDim);
    putIfSet(flags, ConfigKeys.UNLABELLED, unlabelled);
    putIfSet(flags, ConfigKeys.UNLABELLED_MARGIN, unlabelledMargin);
    return AppConfig.load(Optional.ofNullable(config), System.getenv(), flags);
  }

  private static void putIfSet(Map<String, String> flags, ConfigKey key, Object value) {
    if (value != null) {
      flags.put(key.name(), value.toString());
    }
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
