package dev.redunet.experiment;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.CodingMode;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.backprop.FineTuning;
import dev.redunet.redunet.backprop.LayerMap;
import dev.redunet.redunet.backprop.Network;
import dev.redunet.redunet.backprop.Operators;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralConstruction;
import dev.redunet.redunet.spectral.SpectralGrid;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralMicl;
import dev.redunet.redunet.spectral.SpectralNetwork;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.redunet.spectral.SpectralRates;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The lectures' 10-digit translation table (docs/FINETUNE.md): a spectral ReduNet built by forward
 * construction and scored by the reference classifiers (row 1); the same architecture with random
 * operators trained by back-propagation (row 2); the constructed network fine-tuned by
 * back-propagation (row 3). Rows 2 and 3 train every layer's E(f), Cʲ(f) and a linear soft-max head
 * on the cross-entropy, with the same optimizer, epochs and schedule ({@link FineTuning}); their
 * classifier is the head, a linear classifier, so the forward row's figure is the linear SVM's on
 * its features (nearest subspace, kNN and the shift-invariant {@link SpectralMicl} are reported
 * beside it, and the first three are refitted on the fine-tuned features too). {@link
 * Settings#backPropagation()} false runs row 1 alone. ΔR of every layer's training output (true
 * labels) is reported before and after fine-tuning.
 */
public final class FinetuneExperiment {

  /** The lectures' figures, for the summary. */
  private static final Map<String, Double> LECTURES =
      Map.of("forward", 0.898, "bp_random_init", 0.932, "bp_redunet_init", 0.978);

  private FinetuneExperiment() {}

  /**
   * How the network is built and trained.
   *
   * @param epsSq ε²
   * @param eta η
   * @param lambda λ
   * @param layers L
   * @param training the optimizer's settings, the same for both initialisations
   * @param initSeed seed of the random initialisation
   * @param classifierSeed seed of the linear SVM
   * @param miclEpsSq ε² of the spectral MICL classifier on the forward features
   * @param backPropagation whether rows 2 and 3 run (false: the forward row alone)
   */
  public record Settings(
      double epsSq,
      double eta,
      double lambda,
      int layers,
      FineTuning.Settings training,
      long initSeed,
      long classifierSeed,
      double miclEpsSq,
      boolean backPropagation) {}

  /**
   * Runs the three rows.
   *
   * @param in lifted (and translated) training and test signals; {@code in.settings()} is copied
   *     into the summary
   * @param progress receives progress lines
   * @return the summary (JSON object fields in order)
   */
  public static Map<String, Object> run(
      SpectralExperiment.Input in, Settings o, MathExecutor math, Consumer<String> progress) {
    long t0 = System.nanoTime();
    SignalShape shape = in.shape();
    int classes = in.classLabels().size();
    int[] labels = in.trainClasses();
    SpectralNetwork identity = new SpectralNetwork(shape, List.of());
    SpectralBatch train = identity.preprocess(in.train());
    SpectralBatch test = identity.preprocess(in.test());
    SpectralParameters p = new SpectralParameters(o.epsSq(), o.eta(), o.lambda());
    progress.accept(
        String.format(
            Locale.ROOT,
            "finetune: %s, %d training and %d test samples, %d classes, L=%d, %d thread(s)",
            shape,
            in.train().length,
            in.test().length,
            classes,
            o.layers(),
            math.threads()));

    // Row 1: forward construction.
    long f0 = System.nanoTime();
    SpectralConstruction.Result built =
        SpectralConstruction.run(
            train,
            labels,
            in.classLabels().stream().mapToInt(Integer::intValue).toArray(),
            o.layers(),
            p,
            TrainingMembership.SOFTMAX,
            List.of(test),
            true,
            math,
            (l, layer, rates, step) ->
                progress.accept(
                    String.format(
                        Locale.ROOT,
                        "finetune: built layer %d/%d  ΔR of its input %.6f",
                        l + 1,
                        o.layers(),
                        rates.deltaR())));
    SpectralExperiment.Classifiers fitted =
        SpectralExperiment.Classifiers.fit(
            identity.postprocess(built.trainFeatures()), labels, o.classifierSeed());
    Map<String, Object> forward =
        fitted.accuracies(identity.postprocess(built.passengerFeatures().get(0)), in.testClasses());
    SpectralMicl micl =
        SpectralMicl.build(
            SpectralStatistics.perClass(built.trainFeatures(), labels, classes, math),
            o.miclEpsSq(),
            CodingMode.AFFINE,
            math);
    forward.put(
        "spectral_micl",
        accuracy(micl.classify(built.passengerFeatures().get(0), math), in.testClasses()));
    double forwardSeconds = (System.nanoTime() - f0) / 1e9;
    progress.accept("finetune: forward construction " + forward);
    List<Double> before = new ArrayList<>();
    for (Rates r : built.inputRates().subList(1, built.inputRates().size())) {
      before.add(r.deltaR());
    }

    double[][][] trainIn = coefficients(train);
    double[][][] testIn = coefficients(test);
    List<SpectralLayer> layers = built.layers();
    SpectralGrid grid = new SpectralGrid(shape.height(), shape.width());
    double[] binWeight = new double[grid.bins()];
    boolean[] selfConjugate = new boolean[grid.bins()];
    for (int f = 0; f < grid.bins(); f++) {
      binWeight[f] = grid.weight(f);
      selfConjugate[f] = grid.weight(f) == 1.0;
    }
    List<LayerMap.Constants> constants = new ArrayList<>();
    List<Operators> constructed = new ArrayList<>();
    List<Operators> random = new ArrayList<>();
    SplittableRandom init = new SplittableRandom(o.initSeed());
    for (SpectralLayer layer : o.backPropagation() ? layers : List.<SpectralLayer>of()) {
      constants.add(LayerMap.Constants.of(layer));
      Operators w = Operators.of(layer);
      constructed.add(w);
      random.add(Operators.random(w, selfConjugate, init));
    }

    Map<String, Object> rows = new LinkedHashMap<>();
    Map<String, List<Double>> after = new LinkedHashMap<>();
    Map<String, Object> losses = new LinkedHashMap<>();
    Map<String, Object> tunedClassifiers = new LinkedHashMap<>();
    Map<String, Object> seconds = new LinkedHashMap<>();
    seconds.put("forward", forwardSeconds);
    double flops = 0;
    double trainingSeconds = 0;
    for (String row :
        o.backPropagation() ? List.of("bp_random_init", "bp_redunet_init") : List.<String>of()) {
      List<Operators> start = row.equals("bp_random_init") ? random : constructed;
      Network net = new Network(constants, start, binWeight, shape.channels(), classes);
      long b0 = System.nanoTime();
      FineTuning.Result res =
          FineTuning.train(
              net,
              trainIn[0],
              trainIn[1],
              labels,
              o.training(),
              math,
              l -> progress.accept(row + " " + l));
      double[][][] trainOut = new double[2][][];
      double[][][] testOut = new double[2][][];
      List<Double> deltaR = new ArrayList<>();
      FineTuning.forEachLayer(
          net,
          trainIn[0],
          trainIn[1],
          math,
          (l, re, im) -> {
            deltaR.add(
                SpectralRates.of(
                        SpectralStatistics.perClass(
                            SpectralBatch.ofCoefficients(shape, re, im), labels, classes, math),
                        o.epsSq(),
                        math)
                    .deltaR());
            trainOut[0] = re;
            trainOut[1] = im;
          });
      FineTuning.forEachLayer(
          net,
          testIn[0],
          testIn[1],
          math,
          (l, re, im) -> {
            testOut[0] = re;
            testOut[1] = im;
          });
      double accuracy =
          accuracy(FineTuning.classify(net, testOut[0], testOut[1]), in.testClasses());
      rows.put(row, accuracy);
      losses.put(row, res.epochLoss());
      seconds.put(row, (System.nanoTime() - b0) / 1e9);
      flops += res.flops();
      trainingSeconds += res.seconds();
      after.put(row, deltaR);
      SpectralExperiment.Classifiers refit =
          SpectralExperiment.Classifiers.fit(
              identity.postprocess(SpectralBatch.ofCoefficients(shape, trainOut[0], trainOut[1])),
              labels,
              o.classifierSeed());
      tunedClassifiers.put(
          row,
          refit.accuracies(
              identity.postprocess(SpectralBatch.ofCoefficients(shape, testOut[0], testOut[1])),
              in.testClasses()));
      progress.accept(String.format(Locale.ROOT, "finetune: %s test accuracy %.4f", row, accuracy));
    }

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("experiment", "finetune");
    json.put("forward", forward.get("linear"));
    json.put("bp_random_init", rows.get("bp_random_init"));
    json.put("bp_redunet_init", rows.get("bp_redunet_init"));
    json.put("forward_classifiers", forward);
    json.put("forward_classifier", "linear");
    json.put("micl_eps_sq", o.miclEpsSq());
    json.put("bp_classifier", "the linear soft-max head trained with the layers (cross-entropy)");
    json.put("bp_features_classifiers", tunedClassifiers);
    json.put(
        "lectures",
        new LinkedHashMap<>(
            Map.of(
                "forward", LECTURES.get("forward"),
                "bp_random_init", LECTURES.get("bp_random_init"),
                "bp_redunet_init", LECTURES.get("bp_redunet_init"))));
    json.put("epochs", o.training().epochs());
    json.put("batch", o.training().batch());
    json.put("learning_rate", o.training().learningRate());
    json.put(
        "optimizer",
        o.training().optimizer() == FineTuning.Optimizer.ADAM
            ? "Adam (0.9, 0.999, 1e-8), constant learning rate, seeded shuffle"
            : "SGD, momentum 0.9, constant learning rate, seeded shuffle");
    json.put("training_loss", losses);
    json.put("seconds", (System.nanoTime() - t0) / 1e9);
    json.put("row_seconds", seconds);
    int epochs = 2 * o.training().epochs();
    json.put(
        "seconds_per_epoch", epochs == 0 || !o.backPropagation() ? null : trainingSeconds / epochs);
    json.put(
        "gflops_per_second",
        trainingSeconds == 0 || !o.backPropagation() ? null : flops / trainingSeconds / 1e9);
    Map<String, Object> dr = new LinkedHashMap<>();
    dr.put("forward", before);
    dr.put("after_bp_redunet_init", after.get("bp_redunet_init"));
    dr.put("after_bp_random_init", after.get("bp_random_init"));
    json.put("layer_delta_r", dr);
    json.put("classes", in.classLabels());
    json.put("train_samples", in.train().length);
    json.put("test_samples", in.test().length);
    json.putAll(in.settings());
    json.put("channels", shape.channels());
    json.put("layers", o.layers());
    json.put("eps_sq", o.epsSq());
    json.put("eta", o.eta());
    json.put("lambda", o.lambda());
    json.put("shuffle_seed", o.training().seed());
    json.put("init_seed", o.initSeed());
    json.put("threads", math.threads());
    return json;
  }

  /** {re, im} per sample: B·C coefficients each. */
  private static double[][][] coefficients(SpectralBatch batch) {
    int m = batch.size();
    double[][] re = new double[m][];
    double[][] im = new double[m][];
    for (int i = 0; i < m; i++) {
      double[][] c = batch.coefficients(i);
      re[i] = c[0];
      im[i] = c[1];
    }
    return new double[][][] {re, im};
  }

  private static double accuracy(int[] predicted, int[] truth) {
    int right = 0;
    for (int i = 0; i < truth.length; i++) {
      right += predicted[i] == truth[i] ? 1 : 0;
    }
    return (double) right / truth.length;
  }
}
