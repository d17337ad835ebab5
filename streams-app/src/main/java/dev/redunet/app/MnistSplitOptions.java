package dev.redunet.app;

import dev.redunet.data.IdxReader;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.ShippedDatasets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * MNIST input and the train/test split of the spectral experiments (a picocli mixin): the images of
 * the chosen digits in file order; the first N of each digit are the training set, the next M of
 * each digit the test set (disjoint).
 */
final class MnistSplitOptions {

  @Option(
      names = "--images",
      paramLabel = "FILE",
      description = "IDX images, plain or gzipped (default: the shipped mnist10k).")
  Path images;

  @Option(names = "--labels", paramLabel = "FILE", description = "IDX labels (with --images).")
  Path labels;

  @Option(
      names = "--classes",
      paramLabel = "D1,D2,…",
      split = ",",
      description = "Digits to classify, in class order (default: 0,1).")
  List<Integer> classes = new ArrayList<>(List.of(0, 1));

  @Option(
      names = "--train-per-class",
      paramLabel = "N",
      description = "Training images per digit: the first N in file order (default: see below).")
  Integer trainPerClass;

  @Option(
      names = "--test-per-class",
      paramLabel = "M",
      description = "Test images per digit: the next M in file order (default: see below).")
  Integer testPerClass;

  @Option(
      names = "--test-rest",
      description =
          "Test on every image of the chosen digits that is not a training image (instead of"
              + " --test-per-class).")
  boolean testRest;

  /** The selected images, as flat 28 × 28 rows of raw pixels, and their class indices. */
  static final class Split {
    final double[][] train;
    final int[] trainClasses;
    final double[][] test;
    final int[] testClasses;
    final String description;
    final int height;
    final int width;

    Split(
        double[][] train,
        int[] trainClasses,
        double[][] test,
        int[] testClasses,
        String description,
        int height,
        int width) {
      this.train = train;
      this.trainClasses = trainClasses;
      this.test = test;
      this.testClasses = testClasses;
      this.description = description;
      this.height = height;
      this.width = width;
    }
  }

  /** One line saying what is wrong and how to fix it, or null. */
  String validate(int trainDefault, int testDefault) {
    if ((images == null) != (labels == null)) {
      return "give both --images and --labels, or neither (the shipped mnist10k is used)";
    }
    for (Path p : new Path[] {images, labels}) {
      if (p != null && !Files.isRegularFile(p)) {
        return "file not found: " + p + " (check the path)";
      }
    }
    if (classes.size() < 2 || classes.stream().distinct().count() != classes.size()) {
      return "--classes needs at least two distinct digits, got " + classes;
    }
    if (testRest && testPerClass != null) {
      return "give --test-per-class or --test-rest, not both";
    }
    if (train(trainDefault) < 1 || (!testRest && test(testDefault) < 1)) {
      return "--train-per-class and --test-per-class must be ≥ 1";
    }
    return null;
  }

  int train(int fallback) {
    return trainPerClass != null ? trainPerClass : fallback;
  }

  int test(int fallback) {
    return testPerClass != null ? testPerClass : fallback;
  }

  /**
   * Reads the data and selects the split.
   *
   * @throws IOException if a file cannot be read
   * @throws IllegalArgumentException if a digit has too few images (the message says how many)
   */
  Split load(int trainDefault, int testDefault) throws IOException {
    LabelledDataset data =
        images != null ? IdxReader.readLabelled(images, labels) : ShippedDatasets.mnist10k();
    int side = (int) Math.round(Math.sqrt(data.dimension()));
    if (side * side != data.dimension()) {
      throw new IllegalArgumentException(
          "images of " + data.dimension() + " pixels are not square; the experiments need H = W");
    }
    int n = train(trainDefault);
    int m = testRest ? Integer.MAX_VALUE - n : test(testDefault);
    int k = classes.size();
    int[] seen = new int[k];
    List<double[]> train = new ArrayList<>();
    List<double[]> test = new ArrayList<>();
    List<Integer> trainY = new ArrayList<>();
    List<Integer> testY = new ArrayList<>();
    for (int i = 0; i < data.size(); i++) {
      int j = classes.indexOf(Integer.parseInt(data.label(i)));
      if (j < 0) {
        continue;
      }
      if (seen[j] < n) {
        train.add(data.sample(i));
        trainY.add(j);
      } else if (seen[j] < n + m) {
        test.add(data.sample(i));
        testY.add(j);
      }
      seen[j]++;
    }
    for (int j = 0; j < k; j++) {
      if (seen[j] < (testRest ? n + 1 : n + m)) {
        throw new IllegalArgumentException(
            "digit "
                + classes.get(j)
                + " has "
                + seen[j]
                + " images in "
                + data.source()
                + (testRest
                    ? ", not more than --train-per-class = " + n
                    : ", fewer than --train-per-class + --test-per-class = " + (n + m)));
      }
    }
    String description =
        String.format(
            "%s, digits %s in file order: the first %d of each digit train, %s test",
            data.source(),
            classes,
            n,
            testRest ? "all the others (" + test.size() + ")" : "the next " + m);
    return new Split(
        train.toArray(new double[0][]),
        trainY.stream().mapToInt(Integer::intValue).toArray(),
        test.toArray(new double[0][]),
        testY.stream().mapToInt(Integer::intValue).toArray(),
        description,
        side,
        side);
  }
}
