package dev.redunet.app;

import java.nio.file.Path;

/**
 * The ids {@code produce} gives samples that carry none (IDX, CSV and shipped data sets), and that
 * {@code evaluate} gives the same samples, so that its predictions join the stream's by id: {@code
 * <prefix><index>}, the index counting the file's samples from 0.
 */
final class SampleIds {

  private SampleIds() {}

  /**
   * The id prefix: {@code given} if not null, else the file name up to its first dot and a dash
   * ({@code train.csv} → {@code train-}).
   */
  static String prefix(String given, Path file) {
    if (given != null) {
      return given;
    }
    String name = String.valueOf(file.getFileName());
    int dot = name.indexOf('.');
    return (dot > 0 ? name.substring(0, dot) : name) + "-";
  }

  /** The id prefix of a shipped data set: {@code given} if not null, else {@code <name>-}. */
  static String datasetPrefix(String given, String dataset) {
    return given != null ? given : dataset + "-";
  }

  /** The id of sample {@code index} (from 0). */
  static String id(String prefix, long index) {
    return prefix + index;
  }
}
