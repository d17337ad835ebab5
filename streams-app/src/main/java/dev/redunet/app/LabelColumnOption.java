package dev.redunet.app;

import picocli.CommandLine.Option;

/** {@code --label-column}: which CSV column holds the label (a picocli mixin). */
final class LabelColumnOption {

  @Option(
      names = "--label-column",
      paramLabel = "NAME",
      description =
          "Name of the label column in the CSV header (every other column is a feature)."
              + " Default: the first column, with or without a header.")
  String name;

  /** Whether the option was given: a name, possibly blank. */
  boolean given() {
    return name != null;
  }
}
