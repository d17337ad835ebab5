package dev.redunet.wire;

import java.util.Locale;

/**
 * How the application writes the records of its output topics (predictions, features, rejected):
 * {@code redunet.output.format} and its per-topic overrides.
 */
public enum OutputFormat {
  /** Avro single-object encoding ({@link AvroCodec}): compact, schema-evolvable; the default. */
  AVRO,
  /**
   * One UTF-8 JSON object per record ({@link JsonRecordWriter}), readable by any client: the Avro
   * schema's field names, numbers as JSON numbers, non-finite doubles as {@code null}.
   */
  JSON;

  /** The format named {@code name} ({@code avro} or {@code json}, any case). */
  public static OutputFormat of(String name) {
    for (OutputFormat f : values()) {
      if (f.name().equalsIgnoreCase(name.trim())) {
        return f;
      }
    }
    throw new IllegalArgumentException("an output format is avro or json, got \"" + name + "\"");
  }

  /** The name as written in the configuration: {@code avro} or {@code json}. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
