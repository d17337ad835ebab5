package dev.redunet.app;

import dev.redunet.data.CsvReader;
import dev.redunet.data.IdxReader;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.MalformedDataException;
import dev.redunet.data.ShippedDatasets;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Samples of a data set file (IDX, CSV) or of the shipped set, as {@code produce} sends them and
 * {@code evaluate} reads them: one loader, so that both give sample {@code i} the same id ({@link
 * SampleIds}), values, shape and label. Holds the rows it was given (not copied).
 */
final class DatasetInput {

  /** The name of the shipped data set. */
  static final String MNIST10K = "mnist10k";

  private static final List<Integer> MNIST_SHAPE = List.of(28, 28);

  private final double[][] rows;
  private final String[] labels;
  private final List<Integer> shape;
  private final String prefix;
  private final String source;

  private DatasetInput(
      double[][] rows, String[] labels, List<Integer> shape, String prefix, String source) {
    this.rows = rows;
    this.labels = labels;
    this.shape = shape;
    this.prefix = prefix;
    this.source = source;
  }

  /**
   * The samples the options name: the shipped set, else a CSV file (its label in the column {@code
   * --label-column} names, or the first column), else IDX images (with their labels, if given). Not
   * for JSON lines ({@link JsonSampleLines}).
   */
  static DatasetInput open(SampleFileOptions in) throws IOException {
    if (in.dataset != null) {
      return mnist10k(in.idPrefix);
    }
    return in.data != null
        ? csv(in.data, in.labelColumn.name, in.idPrefix)
        : idx(in.images, in.labels, in.idPrefix);
  }

  /** The shipped MNIST digits: shape {@code [28, 28]}, ids {@code mnist10k-<i>} by default. */
  static DatasetInput mnist10k(String idPrefix) throws IOException {
    LabelledDataset d = ShippedDatasets.mnist10k();
    return of(d, MNIST_SHAPE, SampleIds.datasetPrefix(idPrefix, MNIST10K), MNIST10K);
  }

  /**
   * A CSV file ({@link CsvReader}): plain vectors, labelled.
   *
   * @param labelColumn the header name of the label column; null: the first column
   */
  static DatasetInput csv(Path file, String labelColumn, String idPrefix) throws IOException {
    LabelledDataset d = CsvReader.read(file, labelColumn);
    return of(d, null, SampleIds.prefix(idPrefix, file), String.valueOf(file.getFileName()));
  }

  /**
   * IDX images, one sample per item, with the item's shape (none for 1-D items) and, with a labels
   * file, labels "0", "1", …
   *
   * @param labelsFile null for unlabelled samples
   */
  static DatasetInput idx(Path images, Path labelsFile, String idPrefix) throws IOException {
    IdxReader.IdxArray array = IdxReader.read(images);
    int[] dims = array.shape();
    if (dims.length < 2 || array.items() == 0) {
      throw new MalformedDataException(
          images.toString(),
          "expected at least one item of at least one dimension, shape is "
              + Arrays.toString(dims));
    }
    List<Integer> itemShape =
        dims.length == 2
            ? null
            : Arrays.stream(Arrays.copyOfRange(dims, 1, dims.length)).boxed().toList();
    String[] names = null;
    if (labelsFile != null) {
      int[] ints = IdxReader.readLabels(labelsFile);
      if (ints.length != array.items()) {
        throw new MalformedDataException(
            labelsFile.toString(), ints.length + " labels for " + array.items() + " images");
      }
      names = Arrays.stream(ints).mapToObj(Integer::toString).toArray(String[]::new);
    }
    return new DatasetInput(
        array.rows(),
        names,
        itemShape,
        SampleIds.prefix(idPrefix, images),
        String.valueOf(images.getFileName()));
  }

  private static DatasetInput of(
      LabelledDataset d, List<Integer> shape, String prefix, String source) {
    String[] names = new String[d.size()];
    double[][] rows = new double[d.size()][];
    for (int i = 0; i < d.size(); i++) {
      names[i] = d.label(i);
      rows[i] = d.sample(i);
    }
    return new DatasetInput(rows, names, shape, prefix, source);
  }

  /** Number of samples. */
  int size() {
    return rows.length;
  }

  /** The id of sample {@code i}. */
  String id(int i) {
    return SampleIds.id(prefix, i);
  }

  /** The values of sample {@code i}, row-major (the loader's array: do not modify). */
  double[] row(int i) {
    return rows[i];
  }

  /** Lets the values of sample {@code i} go (once sent). */
  void release(int i) {
    rows[i] = null;
  }

  /** The label of sample {@code i}, null if the samples are unlabelled. */
  String label(int i) {
    return labels == null ? null : labels[i];
  }

  /** The shape of every sample, null for plain vectors. */
  List<Integer> shape() {
    return shape;
  }

  /** The source of the samples: the file name, or the data set's name. */
  String source() {
    return source;
  }
}
