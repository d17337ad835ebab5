package dev.redunet.wire;

import dev.redunet.avro.Prediction;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * The codec of the predictions topic: writes the current {@link Prediction} schema and also reads
 * the records of earlier versions (shipped under {@code /avro/history/}), their new fields taking
 * their defaults. Version 1 had no {@code stale} and {@code owedVersion}.
 */
public final class PredictionCodec {

  private static final String[] HISTORY = {"/avro/history/Prediction-1.avsc"};

  private PredictionCodec() {}

  /** A codec for every version of the Prediction schema. */
  public static AvroCodec<Prediction> create() {
    Schema[] older = new Schema[HISTORY.length];
    for (int i = 0; i < HISTORY.length; i++) {
      try (InputStream in = PredictionCodec.class.getResourceAsStream(HISTORY[i])) {
        if (in == null) {
          throw new IllegalStateException(HISTORY[i] + " is missing from the jar");
        }
        older[i] = new Schema.Parser().parse(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + HISTORY[i], e);
      }
    }
    return AvroCodec.of(Prediction.class).withWriterSchemas(older);
  }
}
