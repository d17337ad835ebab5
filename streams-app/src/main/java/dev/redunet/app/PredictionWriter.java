package dev.redunet.app;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.redunet.eval.PrequentialEvaluator;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Writes {@code evaluate --predictions}: one JSON object per line and per processed sample, in
 * stream order, with the field names of the stream's {@code Prediction} record:
 *
 * <pre>{@code
 * {"sampleId":"mnist10k-512","modelVersion":1,"predictedLabel":"7","trueLabel":"7"}
 * }</pre>
 *
 * {@code predictedLabel} is null for a sample the classifier could not score yet, {@code trueLabel}
 * for a sample without a label; {@code modelVersion} is the classifier's version when the sample
 * was predicted (0 before the first).
 */
final class PredictionWriter implements PrequentialEvaluator.Predictions, Closeable {

  private static final JsonFactory JSON = new JsonFactory();

  private final JsonGenerator out;
  private final EvaluationStream stream;
  private final List<String> classNames;
  private final LongSupplier version;

  /**
   * Creates (or truncates) the file.
   *
   * @param stream the samples, for their ids and labels
   * @param classNames the class name of every class index
   * @param version the classifier's version now
   */
  PredictionWriter(
      Path file, EvaluationStream stream, List<String> classNames, LongSupplier version)
      throws IOException {
    this.out = JSON.createGenerator(Files.newBufferedWriter(file, StandardCharsets.UTF_8));
    out.setRootValueSeparator(null); // one object per line, no space before the next
    this.stream = stream;
    this.classNames = List.copyOf(classNames);
    this.version = version;
  }

  @Override
  public void predicted(int from, int[] predicted) {
    long v = version.getAsLong();
    try {
      for (int b = 0; b < predicted.length; b++) {
        int i = from + b;
        out.writeStartObject();
        out.writeStringField("sampleId", stream.id(i));
        out.writeNumberField("modelVersion", v);
        out.writeFieldName("predictedLabel");
        if (predicted[b] < 0) {
          out.writeNull();
        } else {
          out.writeString(classNames.get(predicted[b]));
        }
        out.writeFieldName("trueLabel");
        String label = stream.label(i);
        if (label == null) {
          out.writeNull();
        } else {
          out.writeString(label);
        }
        out.writeEndObject();
        out.writeRaw('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
