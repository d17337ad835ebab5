package dev.redunet.app;

import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options that name a file of samples, shared by the commands that read one ({@code evaluate},
 * {@code cluster}): exactly one of JSON lines, a CSV file, IDX images (with their labels), or the
 * shipped data set. {@link SampleFileReader} reads what they name.
 */
final class SampleFileOptions {

  @Option(
      names = "--jsonl",
      paramLabel = "FILE",
      description =
          "JSON-lines samples (id, features, optional label and shape), as sent by ./redunet"
              + " produce --jsonl; invalid lines are skipped and counted.")
  Path jsonl;

  @Option(
      names = "--data",
      paramLabel = "FILE",
      description =
          "CSV file (RFC 4180): label first, then the features, or the label in the column"
              + " --label-column names.")
  Path data;

  @Mixin LabelColumnOption labelColumn;

  @Option(names = "--images", paramLabel = "FILE", description = "IDX images.")
  Path images;

  @Option(names = "--labels", paramLabel = "FILE", description = "IDX labels of --images.")
  Path labels;

  @Option(
      names = "--dataset",
      paramLabel = "NAME",
      description = "A data set shipped in the jar: mnist10k.")
  String dataset;

  @Option(
      names = "--id-prefix",
      paramLabel = "P",
      description =
          "Id prefix of IDX, CSV and shipped samples, as for ./redunet produce. Default: the file"
              + " name up to its first dot and a dash (mnist10k- for the shipped set).")
  String idPrefix;

  /**
   * What is wrong with the options, or null: no source or more than one, a missing file, an unknown
   * data set, an option that does not go with the source.
   *
   * @param imagesNeedLabels whether IDX images must come with their labels file
   */
  String problem(boolean imagesNeedLabels) {
    boolean idx = images != null || labels != null;
    int sources =
        (idx ? 1 : 0)
            + (data != null ? 1 : 0)
            + (dataset != null ? 1 : 0)
            + (jsonl != null ? 1 : 0);
    String idxForm =
        imagesNeedLabels ? "--images FILE --labels FILE" : "--images FILE [--labels FILE]";
    if (labels != null && images == null) {
      return "--labels needs --images: give the IDX images too";
    }
    if (sources == 0) {
      return "no data: give --jsonl FILE, --data FILE, " + idxForm + ", or --dataset mnist10k";
    }
    if (sources > 1) {
      return "give only one of --jsonl, --images/--labels, --data, --dataset";
    }
    if (imagesNeedLabels && images != null && labels == null) {
      return "--images and --labels go together: give both IDX files";
    }
    if (dataset != null && !DatasetInput.MNIST10K.equals(dataset)) {
      return "unknown --dataset '" + dataset + "': the shipped data set is mnist10k";
    }
    if (labelColumn.given() && (data == null || labelColumn.name.isBlank())) {
      return "--label-column NAME goes with --data FILE (CSV) and names a header column";
    }
    if (jsonl != null && idPrefix != null) {
      return "--id-prefix is for IDX, CSV and the shipped set: JSON lines carry their own ids";
    }
    String[] names = {"--jsonl", "--images", "--labels", "--data"};
    Path[] files = {jsonl, images, labels, data};
    for (int i = 0; i < files.length; i++) {
      if (files[i] != null && !Files.isRegularFile(files[i])) {
        return "file not found: " + files[i] + " (check the " + names[i] + " path)";
      }
    }
    return null;
  }

  /** The input as a summary names it: the file, or the shipped set's name. */
  String sourceName() {
    if (dataset != null) {
      return DatasetInput.MNIST10K;
    }
    return String.valueOf(jsonl != null ? jsonl : data != null ? data : images);
  }
}
