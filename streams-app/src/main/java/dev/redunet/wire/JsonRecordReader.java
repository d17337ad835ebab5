package dev.redunet.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.redunet.avro.RejectReason;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Reads the JSON output format of {@link JsonRecordWriter} back into generated Avro records (for
 * {@code consume}, the output topics' deserializers and tests). Strict: the bytes must be exactly
 * one RFC 8259 JSON object (UTF-8; no duplicate keys, comments or trailing content) whose fields
 * are fields of the schema; a field that is absent takes its schema default, and one without a
 * default is MISSING_FIELD. Values as the writer writes them: numbers for numeric fields (integral
 * ones for {@code int} and {@code long}, a {@code timestamp-millis} being milliseconds since the
 * epoch), strings, enum symbols, Base64 strings for {@code bytes}, {@code null} or the value for a
 * nullable union. A {@code null} in a {@code float} or {@code double} field that is not nullable is
 * how the writer wrote a non-finite value; it reads as NaN (which non-finite value it was is not
 * kept).
 *
 * <p>Every problem is a {@link WireFormatException} naming the field path ({@code
 * scores[2].deltaLBits}), UNPARSABLE unless a required field is missing. Thread-safe.
 */
public final class JsonRecordReader {

  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .build();

  private static final int MAX_DEPTH = 64;

  private JsonRecordReader() {}

  /**
   * Reads one record of class {@code type} from the JSON object in {@code json}.
   *
   * @throws WireFormatException if the bytes are not such an object
   */
  public static <T extends SpecificRecord> T read(Class<T> type, byte[] json) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(json, "json");
    SpecificData model = SpecificData.getForClass(type);
    Schema schema = model.getSchema(type);
    try (JsonParser p = MAPPER.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw unparsable(
            WireFormatException.DOCUMENT,
            first == null ? "empty (no JSON value)" : "expected a JSON object, got " + first);
      }
      Object value = new Reader(model, p).value(schema, "", 0);
      if (p.nextToken() != null) {
        throw unparsable(WireFormatException.DOCUMENT, "unexpected content after the JSON object");
      }
      return type.cast(value);
    } catch (JsonProcessingException e) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE,
          WireFormatException.DOCUMENT,
          "invalid JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE, WireFormatException.DOCUMENT, "invalid JSON: " + e, e);
    }
  }

  /**
   * Which of {@code types} the JSON object in {@code json} is, judged by its field names only: the
   * one type whose schema has every field the object has and whose fields without a default the
   * object all has. Empty when the bytes are not a JSON object, or no type or more than one fits.
   */
  public static Optional<Class<? extends SpecificRecord>> typeOf(
      byte[] json, List<Class<? extends SpecificRecord>> types) {
    JsonNode node;
    try {
      node = parse(json);
    } catch (WireFormatException e) {
      return Optional.empty();
    }
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    Class<? extends SpecificRecord> found = null;
    for (Class<? extends SpecificRecord> type : types) {
      Schema schema = SpecificData.getForClass(type).getSchema(type);
      boolean fits = true;
      for (String name : names) {
        fits &= schema.getField(name) != null;
      }
      for (Schema.Field f : schema.getFields()) {
        fits &= f.hasDefaultValue() || names.contains(f.name());
      }
      if (fits) {
        if (found != null) {
          return Optional.empty();
        }
        found = type;
      }
    }
    return Optional.ofNullable(found);
  }

  /** The JSON object in {@code json}, or UNPARSABLE. */
  private static JsonNode parse(byte[] json) {
    try (JsonParser p = MAPPER.createParser(json)) {
      JsonToken first = p.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw unparsable(
            WireFormatException.DOCUMENT,
            first == null ? "empty (no JSON value)" : "expected a JSON object, got " + first);
      }
      JsonNode node = p.readValueAsTree();
      if (p.nextToken() != null) {
        throw unparsable(WireFormatException.DOCUMENT, "unexpected content after the JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE,
          WireFormatException.DOCUMENT,
          "invalid JSON: " + e.getOriginalMessage(),
          e);
    } catch (IOException e) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE, WireFormatException.DOCUMENT, "invalid JSON: " + e, e);
    }
  }

  /**
   * Converts the tokens of one JSON value to the values of one generated-record model, reading
   * numbers from their text (so a float is rounded once, from the decimal, and -0.0 stays -0.0).
   */
  private static final class Reader {
    private final SpecificData model;
    private final JsonParser p;

    Reader(SpecificData model, JsonParser p) {
      this.model = model;
      this.p = p;
    }

    /** The value at the current token, which is left on the value's last token. */
    Object value(Schema s, String path, int depth) throws IOException {
      if (depth > MAX_DEPTH) {
        throw unparsable(at(path), "nested deeper than " + MAX_DEPTH + " levels");
      }
      JsonToken t = p.currentToken();
      return switch (s.getType()) {
        case NULL -> {
          if (t != JsonToken.VALUE_NULL) {
            throw expected(path, "null");
          }
          yield null;
        }
        case UNION -> union(s, path, depth);
        case RECORD -> record(s, path, depth);
        case ARRAY -> {
          if (t != JsonToken.START_ARRAY) {
            throw expected(path, "an array");
          }
          List<Object> items = new ArrayList<>();
          while (p.nextToken() != JsonToken.END_ARRAY) {
            items.add(value(s.getElementType(), path + "[" + items.size() + "]", depth + 1));
          }
          yield items;
        }
        case MAP -> {
          if (t != JsonToken.START_OBJECT) {
            throw expected(path, "an object");
          }
          Map<String, Object> map = new LinkedHashMap<>();
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            p.nextToken();
            map.put(key, value(s.getValueType(), prefix(path) + key, depth + 1));
          }
          yield map;
        }
        case STRING -> {
          if (t != JsonToken.VALUE_STRING) {
            throw expected(path, "a string");
          }
          yield p.getText();
        }
        case ENUM -> {
          if (t != JsonToken.VALUE_STRING || !s.getEnumSymbols().contains(p.getText())) {
            throw expected(path, "one of " + s.getEnumSymbols());
          }
          yield model.createEnum(p.getText(), s);
        }
        case BYTES -> ByteBuffer.wrap(base64(path));
        case FIXED -> {
          byte[] b = base64(path);
          if (b.length != s.getFixedSize()) {
            throw unparsable(at(path), "expected " + s.getFixedSize() + " bytes, got " + b.length);
          }
          yield model.createFixed(null, b, s);
        }
        case INT -> {
          if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw expected(path, "a 32-bit integer");
          }
          yield p.getIntValue();
        }
        case LONG -> {
          if (t != JsonToken.VALUE_NUMBER_INT
              || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw expected(path, "a 64-bit integer");
          }
          LogicalType logical = s.getLogicalType();
          boolean millis =
              logical != null && logical.getName().equals(LogicalTypes.timestampMillis().getName());
          yield millis ? Instant.ofEpochMilli(p.getLongValue()) : (Object) p.getLongValue();
        }
        case FLOAT -> {
          if (t == JsonToken.VALUE_NULL) {
            yield Float.NaN;
          }
          if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw expected(path, "a number");
          }
          yield Float.parseFloat(p.getText());
        }
        case DOUBLE -> {
          if (t == JsonToken.VALUE_NULL) {
            yield Double.NaN;
          }
          if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
            throw expected(path, "a number");
          }
          yield Double.parseDouble(p.getText());
        }
        case BOOLEAN -> {
          if (t != JsonToken.VALUE_TRUE && t != JsonToken.VALUE_FALSE) {
            throw expected(path, "true or false");
          }
          yield t == JsonToken.VALUE_TRUE;
        }
      };
    }

    private Object union(Schema s, String path, int depth) throws IOException {
      Schema nonNull = null;
      boolean nullable = false;
      for (Schema b : s.getTypes()) {
        if (b.getType() == Schema.Type.NULL) {
          nullable = true;
        } else if (nonNull == null) {
          nonNull = b;
        } else {
          throw unparsable(at(path), "unions of several non-null types are not supported");
        }
      }
      if (p.currentToken() == JsonToken.VALUE_NULL && nullable) {
        return null;
      }
      if (nonNull == null) {
        throw expected(path, "null");
      }
      return value(nonNull, path, depth + 1);
    }

    private Object record(Schema s, String path, int depth) throws IOException {
      if (p.currentToken() != JsonToken.START_OBJECT) {
        throw expected(path, "an object (" + s.getName() + ")");
      }
      IndexedRecord r = (IndexedRecord) model.newRecord(null, s);
      boolean[] seen = new boolean[s.getFields().size()];
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        Schema.Field f = s.getField(name);
        if (f == null) {
          throw unparsable(
              prefix(path) + name,
              "unknown field of "
                  + s.getName()
                  + " (its fields are "
                  + s.getFields().stream().map(Schema.Field::name).toList()
                  + ")");
        }
        p.nextToken();
        String fieldPath = prefix(path) + name;
        Object value = value(f.schema(), fieldPath, depth + 1);
        if (value == null && !isNullable(f.schema())) {
          throw unparsable(fieldPath, "null, but a " + f.schema().getType() + " is not nullable");
        }
        r.put(f.pos(), value);
        seen[f.pos()] = true;
      }
      for (Schema.Field f : s.getFields()) {
        if (!seen[f.pos()]) {
          if (!f.hasDefaultValue()) {
            throw new WireFormatException(
                RejectReason.MISSING_FIELD, prefix(path) + f.name(), "missing (required)");
          }
          r.put(f.pos(), model.deepCopy(f.schema(), model.getDefaultValue(f)));
        }
      }
      return r;
    }

    private static boolean isNullable(Schema s) {
      return s.getType() == Schema.Type.NULL
          || (s.getType() == Schema.Type.UNION
              && s.getTypes().stream().anyMatch(b -> b.getType() == Schema.Type.NULL));
    }

    private byte[] base64(String path) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        throw expected(path, "a Base64 string");
      }
      try {
        return Base64.getDecoder().decode(p.getText());
      } catch (IllegalArgumentException e) {
        throw unparsable(at(path), "not Base64: " + e.getMessage());
      }
    }

    private WireFormatException expected(String path, String what) throws IOException {
      JsonToken t = p.currentToken();
      String got =
          t == JsonToken.START_OBJECT
              ? "an object"
              : t == JsonToken.START_ARRAY
                  ? "an array"
                  : t == JsonToken.VALUE_STRING ? shorten("\"" + p.getText() + "\"") : p.getText();
      return unparsable(at(path), "expected " + what + ", got " + got);
    }
  }

  private static String at(String path) {
    return path.isEmpty() ? WireFormatException.DOCUMENT : path;
  }

  private static String prefix(String path) {
    return path.isEmpty() ? "" : path + ".";
  }

  private static String shorten(String text) {
    return text.length() <= 40 ? text : text.substring(0, 37) + "...";
  }

  private static WireFormatException unparsable(String field, String problem) {
    return new WireFormatException(RejectReason.UNPARSABLE, field, problem);
  }
}
