package dev.redunet.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import dev.redunet.avro.Sample;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;

/**
 * Writes records as one line of plain JSON: the JSON output format of the output topics ({@code
 * redunet.output.format=json}), and what {@code consume} prints.
 *
 * <ul>
 *   <li>A {@link Sample} is written in the JSON sample format of {@link JsonSampleReader}, so the
 *       line reads back to an equal sample: {@code id, timestamp, source, features, shape, label}.
 *   <li>Any other record is one JSON object with the schema's fields, in schema order, under the
 *       schema's names: a nullable union is the value or {@code null} (no Avro-JSON union wrapper),
 *       an enum is its symbol, {@code bytes} and {@code fixed} are Base64 strings (RFC 4648, with
 *       padding), numbers are JSON numbers, a {@code timestamp-millis} value is its number of
 *       milliseconds since the Unix epoch (as in the schema). {@link JsonRecordReader} reads it
 *       back to an equal record.
 *   <li>JSON (RFC 8259) has no NaN or infinity: a non-finite {@code float} or {@code double} (e.g.
 *       the infinite MICL length of a class without statistics) is written as {@code null}.
 * </ul>
 *
 * The output is valid RFC 8259 JSON, UTF-8 when taken as bytes, with no line break inside.
 * Stateless and thread-safe.
 */
public final class JsonRecordWriter {

  // Non-finite values never reach the generator (they are written as null), so it is never asked
  // to write NaN: neither as a string nor as a bare token.
  private static final JsonFactory FACTORY =
      JsonFactory.builder().disable(JsonWriteFeature.WRITE_NAN_AS_STRINGS).build();

  private JsonRecordWriter() {}

  /** The record as a single line of JSON, without a line terminator. */
  public static String toJson(IndexedRecord record) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      if (record instanceof Sample s) {
        writeSample(g, s);
      } else {
        write(g, record.getSchema(), record);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }

  private static void writeSample(JsonGenerator g, Sample s) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", s.getId());
    g.writeStringField("timestamp", s.getEventTime().toString());
    g.writeStringField("source", s.getSource());
    g.writeArrayFieldStart("features");
    for (Float f : s.getFeatures()) {
      number(g, f);
    }
    g.writeEndArray();
    g.writeFieldName("shape");
    if (s.getShape() == null) {
      g.writeNull();
    } else {
      g.writeStartArray();
      for (Integer d : s.getShape()) {
        g.writeNumber(d);
      }
      g.writeEndArray();
    }
    g.writeFieldName("label");
    if (s.getLabel() == null) {
      g.writeNull();
    } else {
      g.writeString(s.getLabel());
    }
    g.writeEndObject();
  }

  private static void write(JsonGenerator g, Schema s, Object v) throws IOException {
    if (v == null) {
      g.writeNull();
      return;
    }
    switch (s.getType()) {
      case UNION -> write(g, nonNullBranch(s, v), v);
      case RECORD -> {
        IndexedRecord r = (IndexedRecord) v;
        g.writeStartObject();
        for (Schema.Field f : s.getFields()) {
          g.writeFieldName(f.name());
          write(g, f.schema(), r.get(f.pos()));
        }
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (Object item : (Collection<?>) v) {
          write(g, s.getElementType(), item);
        }
        g.writeEndArray();
      }
      case MAP -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
          g.writeFieldName(e.getKey().toString());
          write(g, s.getValueType(), e.getValue());
        }
        g.writeEndObject();
      }
      case STRING, ENUM -> g.writeString(v.toString());
      case BYTES -> {
        ByteBuffer b = ((ByteBuffer) v).duplicate();
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        g.writeString(Base64.getEncoder().encodeToString(copy));
      }
      case FIXED -> g.writeString(Base64.getEncoder().encodeToString(((GenericFixed) v).bytes()));
      case INT -> g.writeNumber(((Number) v).intValue());
      case LONG -> {
        if (v instanceof Instant t) {
          g.writeNumber(t.toEpochMilli());
        } else {
          g.writeNumber(((Number) v).longValue());
        }
      }
      case FLOAT -> number(g, ((Number) v).floatValue());
      case DOUBLE -> number(g, ((Number) v).doubleValue());
      case BOOLEAN -> g.writeBoolean((Boolean) v);
      case NULL -> g.writeNull();
    }
  }

  /** A float as a JSON number (its shortest decimal form), or null when it is not finite. */
  private static void number(JsonGenerator g, float v) throws IOException {
    if (Float.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }

  /** A double as a JSON number (its shortest decimal form), or null when it is not finite. */
  private static void number(JsonGenerator g, double v) throws IOException {
    if (Double.isFinite(v)) {
      g.writeNumber(v);
    } else {
      g.writeNull();
    }
  }

  /** The branch of a union that {@code v} (not null) belongs to. */
  private static Schema nonNullBranch(Schema union, Object v) {
    List<Schema> branches = union.getTypes();
    if (branches.size() == 2 && branches.get(0).getType() == Schema.Type.NULL) {
      return branches.get(1);
    }
    if (branches.size() == 2 && branches.get(1).getType() == Schema.Type.NULL) {
      return branches.get(0);
    }
    return branches.get(SpecificData.get().resolveUnion(union, v));
  }

  /** The record as UTF-8 bytes of one line of JSON, without a line terminator. */
  public static byte[] toJsonBytes(IndexedRecord record) {
    return toJson(record).getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON lines of several records, each terminated by a newline. */
  public static String toJsonLines(List<? extends IndexedRecord> records) {
    StringBuilder sb = new StringBuilder();
    for (IndexedRecord r : records) {
      sb.append(toJson(r)).append('\n');
    }
    return sb.toString();
  }
}
