package dev.redunet.app.http;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
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
   * @return the JSON, ready to be written, or empty when this instance does not hold that version
   *     (or none yet)
   */
  Optional<Body> export(OptionalLong version);

  /**
   * The JSON of an export, written to the response as it is produced (a spectral model's export
   * runs to tens of megabytes: it is not first copied into a string). Whatever can fail other than
   * the writing itself has failed before a body is returned, so the answer's status is known.
   */
  @FunctionalInterface
  interface Body {

    /**
     * Writes the JSON text (UTF-8) to {@code out}, without closing it.
     *
     * @throws IOException if writing fails (the response is then aborted)
     */
    void writeTo(OutputStream out) throws IOException;

    /** A body that writes the given text. */
    static Body text(String json) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      return out -> out.write(bytes);
    }
  }

  /** A source that never has a model. */
  static ModelExportSource none() {
    return v -> Optional.empty();
  }
}
