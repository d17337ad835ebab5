package dev.redunet.app.http;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * What {@code GET /model/export} answers: a model version as the JSON of docs/MODEL_FORMAT.md.
 * Called from HTTP threads, concurrently.
 */
@FunctionalInterface
public interface ModelExportSource {

  /**
   * The export of a version.
   *
   * @param version the version, or empty for the one in force
   * @return the JSON text, or empty when this instance does not hold that version (or none yet)
   */
  Optional<String> export(OptionalLong version);

  /** A source that never has a model. */
  static ModelExportSource none() {
    return v -> Optional.empty();
  }
}
