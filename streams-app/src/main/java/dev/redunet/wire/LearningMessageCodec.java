package dev.redunet.wire;

import dev.redunet.avro.internal.LearningMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.avro.Schema;

/**
 * The codec of the learning topic and of the builder's stored samples: writes the current {@link
 * LearningMessage} schema and also reads version 1 (shipped under {@code /avro/history/}), whose
 * samples always had a label and no id.
 */
public final class LearningMessageCodec {

  private static final String HISTORY = "/avro/history/LearningMessage-1.avsc";

  private LearningMessageCodec() {}

  /** A codec for every version of the LearningMessage schema. */
  public static AvroCodec<LearningMessage> create() {
    try (InputStream in = LearningMessageCodec.class.getResourceAsStream(HISTORY)) {
      if (in == null) {
        throw new IllegalStateException(HISTORY + " is missing from the jar");
      }
      return AvroCodec.of(LearningMessage.class).withWriterSchemas(new Schema.Parser().parse(in));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + HISTORY, e);
    }
  }
}
