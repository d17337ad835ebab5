package dev.redunet.experiment;

import dev.redunet.data.LabelledDataset;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction;
import dev.redunet.redunet.ForwardConstruction.Parameters;
import dev.redunet.redunet.ReduNet;
import dev.redunet.redunet.classify.CosineKnn;
import dev.redunet.redunet.classify.NearestSubspace;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The vector experiment: forward construction of a ReduNet on labelled training samples
 * (REDUNET_SPEC §5), then the nearest-subspace classifier (and optionally cosine k-NN) on the
 * training features and on the test samples carried through the network (REDUNET_SPEC §6).
 */
public final class VectorExperiment {

  private VectorExperiment() {}

  /**
   * A labelled batch: samples as the columns of {@code features} (d × m) and an integer class code
   * per sample.
   */
  @SuppressWarnings("ArrayRecordComponent") // an experiment's input, read and never modified
  public record Data(Matrix features, int[] labels) {

    /**
     * A data set's samples with the class codes {@code codes} gives ({@link #classCodes}); a label
     * the codes do not know gets a fresh negative code (a class never trained on).
     */
    public static Data of(LabelledDataset ds, Map<String, Integer> codes) {
      int next = codes.values().stream().mapToInt(Integer::intValue).min().orElse(0);
      Map<String, Integer> all = new HashMap<>(codes);
      int[] y = new int[ds.size()];
      for (int i = 0; i < y.length; i++) {
        String label = ds.label(i);
        Integer code = all.get(label);
        if (code == null) {
          code = --next;
          all.put(label, code);
        }
        y[i] = code;
      }
      return new Data(Matrix.fromColumns(ds.toRows()), y);
    }
  }

  /**
   * Integer class codes for the network: the labels themselves if every training label is a
   * distinct integer, otherwise the position of the label among the training classes.
   */
  public static Map<String, Integer> classCodes(LabelledDataset train) {
    Map<String, Integer> codes = new HashMap<>();
    List<String> classes = train.classes();
    boolean integers = true;
    for (String c : classes) {
      try {
        codes.put(c, Integer.parseInt(c.trim()));
      } catch (NumberFormatException e) {
        integers = false;
        break;
      }
    }
    if (!integers || new HashSet<>(codes.values()).size() != classes.size()) {
      codes.clear();
      for (int i = 0; i < classes.size(); i++) {
        codes.put(classes.get(i), i);
      }
    }
    return codes;
  }

  /**
   * What the experiment found.
   *
   * @param network the constructed network
   * @param last the rates of the last layer's output (of the input if L = 0)
   * @param components r, the nearest-subspace components per class
   * @param trainAccuracy nearest subspace on the training features
   * @param testAccuracy nearest subspace on the test features, null without a test set
   * @param knnTrainAccuracy cosine k-NN on the training features, null if not asked
   * @param knnTestAccuracy cosine k-NN on the test features, null if not asked or no test set
   */
  public record Result(
      ReduNet network,
      Rates last,
      int components,
      double trainAccuracy,
      Double testAccuracy,
      Double knnTrainAccuracy,
      Double knnTestAccuracy) {}

  /**
   * Builds the network on {@code train} and evaluates it.
   *
   * @param test null for none
   * @param seed the construction's seed (used by a random membership initialisation), null for the
   *     default
   * @param components r, the nearest-subspace components per class
   * @param knn whether to evaluate cosine k-NN too (k = min(CosineKnn.DEFAULT_K, m))
   * @param source the data's name, recorded in the network's provenance
   * @param listener told about every layer as it is built
   */
  public static Result run(
      Data train,
      Data test,
      Parameters parameters,
      Long seed,
      int components,
      boolean knn,
      String source,
      MathExecutor math,
      ForwardConstruction.Listener listener) {
    ForwardConstruction construction =
        ForwardConstruction.with(parameters)
            .withSource(source)
            .withExecutor(math)
            .withListener(listener);
    if (seed != null) {
      construction = construction.withSeed(seed);
    }
    ForwardConstruction.Result result = construction.fit(train.features(), train.labels());
    ReduNet net = result.network();

    NearestSubspace ns = NearestSubspace.fit(result.trainFeatures(), train.labels(), components);
    double trainAccuracy = ns.accuracy(result.trainFeatures(), train.labels());
    Matrix testFeatures = test == null ? null : net.transform(test.features(), math);
    Double testAccuracy = test == null ? null : ns.accuracy(testFeatures, test.labels());
    Double knnTrain = null;
    Double knnTest = null;
    if (knn) {
      CosineKnn cknn =
          CosineKnn.fit(
              result.trainFeatures(),
              train.labels(),
              Math.min(CosineKnn.DEFAULT_K, train.labels().length));
      knnTrain = cknn.accuracy(result.trainFeatures(), train.labels());
      knnTest = test == null ? null : cknn.accuracy(testFeatures, test.labels());
    }
    int layers = net.depth();
    Rates last = layers == 0 ? net.inputRates() : net.layerRates().get(layers - 1);
    return new Result(net, last, ns.components(), trainAccuracy, testAccuracy, knnTrain, knnTest);
  }
}
