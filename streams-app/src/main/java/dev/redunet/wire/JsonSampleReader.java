package dev.redunet.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Strict reader of the JSON sample format: one JSON object per record,
 *
 * <pre>{@code
 * {"id": "s-1", "features": [0.5, -1.25, 3.0], "shape": [1, 3], "label": "cat",
 *  "source": "sensor-7", "timestamp": "2024-05-01T12:00:00.123Z"}
 * }</pre>
 *
 * <ul>
 *   <li>{@code id} (required): a non-empty string, or an integer (kept as its decimal text). A
 *       record read from Kafka whose document has no {@code id} (absent or null) takes its record
 *       key as its id, when the key is non-empty valid UTF-8 (see {@link #read(byte[], int, int,
 *       Instant, byte[])}); input without keys (a JSON-lines file) must have the field;
 *   <li>{@code features} (required): a non-empty array of JSON numbers, each finite after
 *       conversion to a 32-bit float; the non-standard literals {@code NaN}, {@code Infinity},
 *       {@code -Infinity} (as written by Python's {@code json}) are parsed only to be rejected as
 *       NON_FINITE with their position;
 *   <li>{@code shape} (optional, may be null): an array of positive integers whose product is the
 *       number of features;
 *   <li>{@code label} (optional, may be null): a non-empty string or an integer (kept as its
 *       decimal text);
 *   <li>{@code source} (optional, may be null): a string, {@code ""} when absent;
 *   <li>{@code timestamp} (optional, may be null): integer epoch milliseconds, or an ISO-8601
 *       date-time with an offset ({@code Z} or {@code +02:00}), truncated to milliseconds; when
 *       absent the caller's default (normally the Kafka record timestamp) is used.
 * </ul>
 *
 * <p>Strictness: malformed JSON, trailing content after the object, duplicate keys, comments and
 * any other non-standard syntax are UNPARSABLE. <b>Unknown fields are rejected</b> (UNPARSABLE,
 * naming the field), so that a misspelt optional field such as {@code "lable"} is not silently
 * ignored; {@link #allowingUnknownFields()} gives a reader that ignores them instead, for producers
 * that add their own metadata.
 *
 * <p>Reason codes: UNPARSABLE for invalid JSON or a field of the wrong type or value, MISSING_FIELD
 * for an absent or null required field, EMPTY_VECTOR, NON_FINITE, WRONG_DIMENSION (shape mismatch).
 * Messages name the field, e.g. {@code features[3]: not a number: "abc"}.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonSampleReader {

  /** The fields of the JSON sample format. */
  public static final Set<String> FIELDS =
      Set.of("id", "features", "shape", "label", "source", "timestamp");

  private static final int MAX_SHOWN = 40;

  private static final JsonMapper MAPPER =
      JsonMapper.builder(
              JsonFactory.builder()
                  .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                  .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                  .build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  private static final JsonSampleReader STRICT = new JsonSampleReader(false);

  private final boolean allowUnknownFields;

  private JsonSampleReader(boolean allowUnknownFields) {
    this.allowUnknownFields = allowUnknownFields;
  }

  /** The strict reader: unknown fields are rejected. */
  public static JsonSampleReader strict() {
    return STRICT;
  }

  /** A reader that ignores fields outside {@link #FIELDS} (all other rules unchanged). */
  public JsonSampleReader allowingUnknownFields() {
    return new JsonSampleReader(true);
  }

  /** Reads a sample from JSON text; see {@link #read(byte[], int, int, Instant)}. */
  public Sample read(String json, Instant defaultTimestamp) {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    return read(bytes, 0, bytes.length, defaultTimestamp);
  }

  /** Reads a sample from JSON bytes; see {@link #read(byte[], int, int, Instant)}. */
  public Sample read(byte[] json, Instant defaultTimestamp) {
    return read(json, 0, json.length, defaultTimestamp);
  }

  /**
   * Reads one sample from the JSON document in {@code json[offset, offset+length)} (UTF-8, or
   * UTF-16/32 detected from the bytes).
   *
   * @param defaultTimestamp event time used when the document has no {@code timestamp}
   * @throws WireFormatException for any document that is not a valid sample
   */
  public Sample read(byte[] json, int offset, int length, Instant defaultTimestamp) {
    return read(json, offset, length, defaultTimestamp, null);
  }

  /**
   * Reads one sample of a Kafka record: as {@link #read(byte[], int, int, Instant)}, except that a
   * document without {@code id} (absent or null) takes the record key as its id. The key must then
   * be non-empty, valid UTF-8 (it is decoded as such); otherwise the sample is MISSING_FIELD, with
   * the reason the key could not stand for the id. An {@code id} in the document wins over the key.
   *
   * @param key the record key; null when the record has none
   * @throws WireFormatException for any document that is not a valid sample
   */
  public Sample read(byte[] json, int offset, int length, Instant defaultTimestamp, byte[] key) {
    Objects.requireNonNull(defaultTimestamp, "defaultTimestamp");
    Objects.checkFromIndexSize(offset, length, json.length);
    Fields f = parse(json, offset, length);
    JsonNode idNode = f.nodes.get("id");
    String id =
        key != null && (idNode == null || idNode.isNull())
            ? keyAsId(key, idNode == null ? "missing" : "null")
            : requiredText(idNode, "id");
    if (!f.featuresPresent) {
      throw new WireFormatException(RejectReason.MISSING_FIELD, "features", "missing (required)");
    }
    List<Integer> shape = shape(f.nodes.get("shape"));
    String label = optionalText(f.nodes.get("label"), "label");
    String source = source(f.nodes.get("source"));
    Instant time = timestamp(f.nodes.get("timestamp"), defaultTimestamp);
    Sample sample =
        Sample.newBuilder()
            .setId(id)
            .setEventTime(time)
            .setSource(source)
            .setFeatures(f.features)
            .setShape(shape)
            .setLabel(label)
            .build();
    return SampleChecks.validate(sample);
  }

  /** The fields of one document: features converted while parsing, the others as trees. */
  private static final class Fields {
    final Map<String, JsonNode> nodes = new HashMap<>();
    boolean featuresPresent;
    List<Float> features;
  }

  private Fields parse(byte[] json, int offset, int length) {
    try (JsonParser p = MAPPER.createParser(json, offset, length)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw unparsable(WireFormatException.DOCUMENT, "empty (no JSON value)");
      }
      if (t != JsonToken.START_OBJECT) {
        throw unparsable(
            WireFormatException.DOCUMENT, "expected a JSON object, got " + show(tree(p)));
      }
      Fields f = new Fields();
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        p.nextToken();
        if (name.equals("features")) {
          f.featuresPresent = true;
          f.features = features(p);
        } else if (FIELDS.contains(name)) {
          f.nodes.put(name, tree(p));
        } else if (allowUnknownFields) {
          p.skipChildren();
        } else {
          throw unparsable(
              name, "unknown field (the fields are " + String.join(", ", sorted()) + ")");
        }
      }
      if (p.nextToken() != null) {
        throw unparsable(
            WireFormatException.DOCUMENT,
            "unexpected content after the JSON object" + where(p.currentLocation()));
      }
      return f;
    } catch (JsonProcessingException e) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE,
          WireFormatException.DOCUMENT,
          "invalid JSON" + where(e.getLocation()) + ": " + e.getOriginalMessage(),
          e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof WireFormatException w) {
        throw w;
      }
      throw new WireFormatException(
          RejectReason.UNPARSABLE, WireFormatException.DOCUMENT, "invalid JSON: " + e, e);
    }
  }

  private static String where(JsonLocation location) {
    return location == null
        ? ""
        : " at line " + location.getLineNr() + ", column " + location.getColumnNr();
  }

  /** The value at the current token as a tree (JSON null as NullNode). */
  private static JsonNode tree(JsonParser p) throws IOException {
    JsonNode n = p.readValueAsTree();
    return n == null ? NullNode.getInstance() : n;
  }

  /**
   * Converts the array at the current token, each number from its JSON text with {@link
   * Float#parseFloat} (correctly rounded, keeps -0.0; no rounding to double first).
   */
  private static List<Float> features(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.VALUE_NULL) {
      throw new WireFormatException(RejectReason.MISSING_FIELD, "features", "null (required)");
    }
    if (t != JsonToken.START_ARRAY) {
      throw unparsable("features", "expected an array of numbers, got " + show(tree(p)));
    }
    List<Float> values = new ArrayList<>();
    while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
      String field = "features[" + values.size() + "]";
      if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
        throw unparsable(field, "not a number: " + show(tree(p)));
      }
      String text = p.getText();
      char first = text.charAt(text.charAt(0) == '-' || text.charAt(0) == '+' ? 1 : 0);
      boolean numeral = first >= '0' && first <= '9';
      float v = numeral ? Float.parseFloat(text) : (float) p.getDoubleValue();
      if (!Float.isFinite(v)) {
        throw new WireFormatException(
            RejectReason.NON_FINITE,
            field,
            (numeral ? "out of float range: " : "not finite: ") + text);
      }
      values.add(v);
    }
    if (values.isEmpty()) {
      throw new WireFormatException(RejectReason.EMPTY_VECTOR, "features", "empty");
    }
    return values;
  }

  private static String requiredText(JsonNode n, String field) {
    if (n == null) {
      throw new WireFormatException(RejectReason.MISSING_FIELD, field, "missing (required)");
    }
    if (n.isNull()) {
      throw new WireFormatException(RejectReason.MISSING_FIELD, field, "null (required)");
    }
    String text = textOrInteger(n, field);
    if (text.isEmpty()) {
      throw new WireFormatException(RejectReason.MISSING_FIELD, field, "empty");
    }
    return text;
  }

  /** The record key as the id of a sample without one, or MISSING_FIELD saying why it cannot be. */
  private static String keyAsId(byte[] key, String idState) {
    String why;
    if (key.length == 0) {
      why = "the record key is empty";
    } else {
      try {
        return StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(key))
            .toString();
      } catch (CharacterCodingException e) {
        why = "the record key is not valid UTF-8";
      }
    }
    throw new WireFormatException(
        RejectReason.MISSING_FIELD,
        "id",
        idState + " (required: " + why + ", so it cannot stand for the id)");
  }

  private static String optionalText(JsonNode n, String field) {
    if (n == null || n.isNull()) {
      return null;
    }
    String text = textOrInteger(n, field);
    if (text.isEmpty()) {
      throw unparsable(field, "empty (omit it or use null)");
    }
    return text;
  }

  private static String textOrInteger(JsonNode n, String field) {
    if (n.isTextual()) {
      return n.textValue();
    }
    if (n.isIntegralNumber()) {
      return n.bigIntegerValue().toString();
    }
    throw unparsable(field, "expected a string or an integer, got " + show(n));
  }

  private static String source(JsonNode n) {
    if (n == null || n.isNull()) {
      return "";
    }
    if (!n.isTextual()) {
      throw unparsable("source", "expected a string, got " + show(n));
    }
    return n.textValue();
  }

  private static List<Integer> shape(JsonNode n) {
    if (n == null || n.isNull()) {
      return null;
    }
    if (!n.isArray()) {
      throw unparsable("shape", "expected an array of positive integers, got " + show(n));
    }
    List<Integer> dims = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      JsonNode d = n.get(i);
      if (!d.isIntegralNumber() || !d.canConvertToInt()) {
        throw unparsable("shape[" + i + "]", "expected a positive integer, got " + show(d));
      }
      dims.add(d.intValue());
    }
    return dims;
  }

  private static Instant timestamp(JsonNode n, Instant defaultTimestamp) {
    if (n == null || n.isNull()) {
      return defaultTimestamp;
    }
    try {
      if (n.isNumber()) {
        BigDecimal millis = n.decimalValue();
        if (millis.stripTrailingZeros().scale() > 0) {
          throw unparsable("timestamp", "epoch milliseconds must be an integer, got " + show(n));
        }
        return Instant.ofEpochMilli(millis.longValueExact());
      }
      if (n.isTextual()) {
        Instant t =
            OffsetDateTime.parse(n.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        return Instant.ofEpochMilli(t.toEpochMilli());
      }
    } catch (DateTimeException | ArithmeticException e) {
      throw unparsable(
          "timestamp",
          "expected epoch milliseconds or an ISO-8601 date-time with offset"
              + " (e.g. 2024-05-01T12:00:00Z), got "
              + show(n));
    }
    throw unparsable(
        "timestamp", "expected epoch milliseconds or an ISO-8601 string, got " + show(n));
  }

  private static List<String> sorted() {
    return FIELDS.stream().sorted().toList();
  }

  private static WireFormatException unparsable(String field, String problem) {
    return new WireFormatException(RejectReason.UNPARSABLE, field, problem);
  }

  /** A JSON value shown in a message: its JSON text, shortened. */
  static String show(JsonNode n) {
    String text = n.toString();
    return text.length() <= MAX_SHOWN ? text : text.substring(0, MAX_SHOWN - 3) + "...";
  }
}
