package dev.redunet.experiment;

import dev.redunet.data.Shifts;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.classify.CosineKnn;
import dev.redunet.redunet.classify.LinearSvm;
import dev.redunet.redunet.classify.NearestSubspace;
import dev.redunet.redunet.spectral.ShiftScoring;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralConstruction;
import dev.redunet.redunet.spectral.SpectralNetwork;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The common part of the spectral experiments: forward construction of a shift-invariant ReduNet on
 * lifted training signals, with the test set moved through every layer as it is built, then the
 * reference evaluation (REDUNET_SPEC §6) on the original test set and on every cyclic shift of
 * every test sample.
 *
 * <p>All shifts are scored through the network's exact equivariance: the features of a shifted
 * sample are the shifted features ({@code SpectralEquivarianceTest}); the run checks it again on a
 * few test samples carried through the layers in shifted form ({@code equivariance_max_error}).
 */
public final class SpectralExperiment {

  /** Nearest-subspace components per class for MNIST (REDUNET_SPEC §6). */
  public static final int COMPONENTS = 10;

  /** Number of test samples checked for equivariance. */
  private static final int CHECKED = 4;

  private SpectralExperiment() {}

  /**
   * What the experiment is given: lifted signals of {@code shape}, one row each (channel-major,
   * {@code shape.size()} values), their class indices into {@code classLabels}, and what the
   * summary says about the data.
   *
   * @param name the experiment's name in the summary
   * @param shiftsDescription what "all shifts" means for this data, for the summary
   * @param settings the data's own settings, copied into the summary
   */
  @SuppressWarnings("ArrayRecordComponent") // a run's input, read and never modified
  public record Input(
      String name,
      SignalShape shape,
      double[][] train,
      int[] trainClasses,
      double[][] test,
      int[] testClasses,
      List<Integer> classLabels,
      String shiftsDescription,
      Map<String, Object> settings) {}

  /**
   * How the network is built and evaluated.
   *
   * @param epsSq ε², the reference code's eps; α = C/(m ε²)
   * @param eta step size η
   * @param lambda softmax sharpness λ of the membership
   * @param seed seed of the linear classifier and of the equivariance check's shifts (the lifting's
   *     seed, recorded as {@code filter_seed})
   * @param kernel the lifting kernel size, recorded in the summary
   * @param reportAt depths below L after which the classifiers are also evaluated
   * @param progressSeconds seconds between progress lines
   * @param allShifts whether to score every cyclic shift of every test sample too ({@code
   *     all_shifts_accuracy}; null when false)
   */
  public record Settings(
      double epsSq,
      double eta,
      double lambda,
      TrainingMembership membership,
      long seed,
      int kernel,
      List<Integer> reportAt,
      double progressSeconds,
      boolean allShifts) {}

  /**
   * Builds an {@code layers}-layer spectral ReduNet on {@code in.train} by forward construction
   * (REDUNET_SPEC §5), carrying the test set through every layer, and evaluates the reference
   * classifiers (REDUNET_SPEC §6) on the test set and on every cyclic shift of every test sample,
   * after {@code layers} and after each depth of {@code settings.reportAt}.
   *
   * @param progress receives one line per report (construction progress and each evaluation)
   * @return the summary, as the experiment commands print it (JSON object fields in order)
   */
  public static Map<String, Object> run(
      Input in, Settings settings, int layers, MathExecutor math, Consumer<String> progress) {
    return run(in, settings, layers, progress, System.nanoTime(), math);
  }

  private static Map<String, Object> run(
      Input in, Settings o, int layers, Consumer<String> progress, long t0, MathExecutor math) {
    int threads = math.threads();
    int classes = in.classLabels().size();
    SignalShape shape = in.shape();
    SpectralNetwork identity = new SpectralNetwork(shape, List.of());
    SpectralBatch train = identity.preprocess(in.train());
    SpectralBatch test = identity.preprocess(in.test());

    // A few test samples, shifted by seeded random offsets, go through the layers as well.
    SplittableRandom r = new SplittableRandom(o.seed());
    int checked = Math.min(CHECKED, in.test().length);
    int[][] offsets = new int[checked][2];
    double[][] shiftedInputs = new double[checked][];
    for (int i = 0; i < checked; i++) {
      offsets[i][0] = shape.is1d() ? 0 : r.nextInt(shape.height());
      offsets[i][1] = r.nextInt(shape.width());
      shiftedInputs[i] = Shifts.shift(in.test()[i], shape, offsets[i][0], offsets[i][1]);
    }
    SpectralBatch check = identity.preprocess(shiftedInputs);

    SpectralParameters p = new SpectralParameters(o.epsSq(), o.eta(), o.lambda());
    TreeSet<Integer> depths = new TreeSet<>(o.reportAt());
    depths.add(layers);
    progress.accept(
        String.format(
            Locale.ROOT,
            "experiment %s: %s, %d training and %d test samples, %d classes, L=%d, ε²=%s, η=%s,"
                + " λ=%s, membership %s, %d thread(s)",
            in.name(),
            shape,
            in.train().length,
            in.test().length,
            classes,
            layers,
            o.epsSq(),
            o.eta(),
            o.lambda(),
            o.membership().name().toLowerCase(Locale.ROOT),
            threads));

    List<Map<String, Object>> byDepth = new ArrayList<>();
    Map<String, Object> last = null;
    Rates rates = null;
    int done = 0;
    double constructionSeconds = 0;
    long[] lastReport = {System.nanoTime()};
    for (int depth : depths) {
      long c0 = System.nanoTime();
      int base = done;
      SpectralConstruction.Result res =
          SpectralConstruction.run(
              train,
              in.trainClasses(),
              in.classLabels().stream().mapToInt(Integer::intValue).toArray(),
              depth - done,
              p,
              o.membership(),
              List.of(test, check),
              false,
              math,
              (l, layer, inputRates, step) -> {
                long now = System.nanoTime();
                if ((now - lastReport[0]) / 1e9 >= o.progressSeconds()) {
                  lastReport[0] = now;
                  progress.accept(
                      String.format(
                          Locale.ROOT,
                          "experiment %s: layer %d/%d  ΔR of its input %.6f",
                          in.name(),
                          base + l + 1,
                          layers,
                          inputRates.deltaR()));
                }
              });
      constructionSeconds += (System.nanoTime() - c0) / 1e9;
      train = res.trainFeatures();
      test = res.passengerFeatures().get(0);
      check = res.passengerFeatures().get(1);
      rates = res.inputRates().get(res.inputRates().size() - 1);
      done = depth;
      Map<String, Object> eval = evaluate(in, o, identity, train, test, math);
      eval.put("deltaR", rates.deltaR());
      progress.accept(
          String.format(
              Locale.ROOT,
              "experiment %s: L=%d  test %s  all shifts %s  ΔR %.6f",
              in.name(),
              depth,
              eval.get("test_accuracy"),
              eval.get("all_shifts_accuracy"),
              rates.deltaR()));
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("layers", depth);
      row.putAll(eval);
      byDepth.add(row);
      last = eval;
    }

    double[][] z = identity.postprocess(test);
    double[][] zc = identity.postprocess(check);
    double equivarianceError = 0;
    for (int i = 0; i < checked; i++) {
      double[] expected = Shifts.shift(z[i], shape, offsets[i][0], offsets[i][1]);
      for (int q = 0; q < expected.length; q++) {
        equivarianceError = Math.max(equivarianceError, Math.abs(zc[i][q] - expected[q]));
      }
    }

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("experiment", in.name());
    json.put("test_accuracy", last.get("test_accuracy"));
    json.put("all_shifts_accuracy", last.get("all_shifts_accuracy"));
    json.put("seconds", (System.nanoTime() - t0) / 1e9);
    json.put("layers", layers);
    json.put("ms_per_layer", layers == 0 ? null : constructionSeconds * 1000 / layers);
    json.put("R", rates.r());
    json.put("Rc", rates.rc());
    json.put("deltaR", rates.deltaR());
    json.put("shifts", in.shiftsDescription());
    json.put("shifts_per_sample", shape.positions());
    json.put("all_shifts_samples", (long) in.test().length * shape.positions());
    json.put("equivariance_max_error", equivarianceError);
    json.put("equivariance_checked_samples", checked);
    json.put("classes", in.classLabels());
    json.put("train_samples", in.train().length);
    json.put("test_samples", in.test().length);
    json.putAll(in.settings());
    json.put("channels", shape.channels());
    json.put("kernel", o.kernel());
    json.put("filter_seed", o.seed());
    json.put("eps_sq", o.epsSq());
    json.put("eta", o.eta());
    json.put("lambda", o.lambda());
    json.put("membership", o.membership().name().toLowerCase(Locale.ROOT));
    json.put("threads", threads);
    json.put("nearest_subspace_components", COMPONENTS);
    json.put("knn_k", CosineKnn.DEFAULT_K);
    json.put(
        "linear_classifier",
        "LinearSvm (stand-in for LinearSVC): squared hinge, C = 1, regularised intercept,"
            + " one-vs-rest, dual coordinate descent, tol 1e-4");
    json.put("linear_converged", last.get("linear_converged"));
    if (byDepth.size() > 1) {
      json.put("by_depth", byDepth);
    }
    return json;
  }

  /** The three classifiers on the original test set and, if asked, on all its shifts. */
  private static Map<String, Object> evaluate(
      Input in,
      Settings o,
      SpectralNetwork identity,
      SpectralBatch trainFeatures,
      SpectralBatch testFeatures,
      MathExecutor math) {
    SignalShape shape = in.shape();
    double[][] ztr = identity.postprocess(trainFeatures);
    double[][] zte = identity.postprocess(testFeatures);
    int classes = in.classLabels().size();

    Classifiers fitted = Classifiers.fit(ztr, in.trainClasses(), o.seed());
    NearestSubspace ns = fitted.nearestSubspace();
    LinearSvm svm = fitted.linear();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("test_accuracy", fitted.accuracies(zte, in.testClasses()));
    out.put("all_shifts_accuracy", null);
    out.put("linear_converged", svm.converged());
    if (!o.allShifts()) {
      return out;
    }
    ShiftScoring scoring = new ShiftScoring(shape, math);
    SpectralBatch z = SpectralBatch.fromSignals(shape, zte, math);
    List<SpectralBatch> bases = new ArrayList<>();
    for (int j = 0; j < classes; j++) {
      bases.add(SpectralBatch.fromSignals(shape, ns.basis(j), math));
    }
    double[][] w = new double[classes][];
    double[] b = new double[classes];
    for (int j = 0; j < classes; j++) {
      w[j] = svm.weights(j);
      b[j] = svm.bias(j);
    }
    Map<String, Object> all = new LinkedHashMap<>();
    all.put(
        "nearest_subspace",
        ShiftScoring.accuracy(scoring.nearestSubspace(bases, z), in.testClasses()));
    all.put(
        "knn",
        ShiftScoring.accuracy(
            scoring.nearestNeighbours(
                SpectralBatch.fromSignals(shape, ztr, math),
                in.trainClasses(),
                classes,
                CosineKnn.DEFAULT_K,
                z),
            in.testClasses()));
    all.put(
        "linear",
        ShiftScoring.accuracy(
            scoring.linear(SpectralBatch.fromSignals(shape, w, math), b, z), in.testClasses()));

    out.put("all_shifts_accuracy", all);
    return out;
  }

  /**
   * The reference evaluation's three classifiers (REDUNET_SPEC §6) fitted on training features:
   * nearest subspace ({@value #COMPONENTS} components), cosine kNN (k = 5) and the linear SVM.
   *
   * @param nearestSubspace the nearest-subspace classifier
   * @param knn the cosine k-nearest-neighbour classifier
   * @param linear the linear SVM (LinearSvm, standing in for LinearSVC)
   */
  public record Classifiers(NearestSubspace nearestSubspace, CosineKnn knn, LinearSvm linear) {

    /**
     * Fits the three on unit-norm training features.
     *
     * @param features m rows of d features
     * @param classes m class indices
     * @param seed the linear SVM's seed
     */
    public static Classifiers fit(double[][] features, int[] classes, long seed) {
      Matrix m = Matrix.fromColumns(features);
      return new Classifiers(
          NearestSubspace.fit(m, classes, COMPONENTS),
          CosineKnn.fit(m, classes, CosineKnn.DEFAULT_K),
          LinearSvm.fit(features, classes, LinearSvm.DEFAULT_C, seed));
    }

    /**
     * The accuracy of each on test features: {@code nearest_subspace}, {@code knn}, {@code linear},
     * in that order.
     *
     * @param features n rows of d features
     * @param classes their n true class indices
     */
    public Map<String, Object> accuracies(double[][] features, int[] classes) {
      Matrix m = Matrix.fromColumns(features);
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("nearest_subspace", accuracy(nearestSubspace.predict(m), classes));
      out.put("knn", accuracy(knn.predict(m), classes));
      out.put("linear", accuracy(linear.predict(features), classes));
      return out;
    }
  }

  private static double accuracy(int[] predicted, int[] truth) {
    int right = 0;
    for (int i = 0; i < truth.length; i++) {
      right += predicted[i] == truth[i] ? 1 : 0;
    }
    return (double) right / truth.length;
  }
}
