package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonSampleReaderTest {

  private static final JsonSampleReader READER = JsonSampleReader.strict();
  private static final Instant RECORD_TIME = Instant.ofEpochMilli(1_000_000L);

  private static Sample read(String json) {
    return READER.read(json, RECORD_TIME);
  }

  private static WireFormatException failure(JsonSampleReader reader, String json) {
    WireFormatException e =
        catchThrowableOfType(WireFormatException.class, () -> reader.read(json, RECORD_TIME));
    assertThat(e).as("expected %s to be rejected", json).isNotNull();
    return e;
  }

  @Test
  void aCompleteDocumentGivesEveryField() {
    Sample s =
        read(
            "{\"id\":\"s-1\",\"features\":[0.5,-1.25,3,1e-3],\"shape\":[2,2],\"label\":\"cat\","
                + "\"source\":\"sensor-7\",\"timestamp\":1714564800123}");
    assertThat(s)
        .isEqualTo(
            Sample.newBuilder()
                .setId("s-1")
                .setEventTime(Instant.ofEpochMilli(1_714_564_800_123L))
                .setSource("sensor-7")
                .setFeatures(List.of(0.5f, -1.25f, 3f, 1e-3f))
                .setShape(List.of(2, 2))
                .setLabel("cat")
                .build());
  }

  @Test
  void absentOptionalFieldsTakeTheirDefaultsAndTheRecordTimestamp() {
    Sample s = read(" {\"id\":\"a\",\"features\":[1]}\n");
    assertThat(s.getSource()).isEmpty();
    assertThat(s.getShape()).isNull();
    assertThat(s.getLabel()).isNull();
    assertThat(s.getEventTime()).isEqualTo(RECORD_TIME);
    Sample nulls =
        read(
            "{\"id\":\"a\",\"features\":[1],\"shape\":null,\"label\":null,\"source\":null,"
                + "\"timestamp\":null}");
    assertThat(nulls).isEqualTo(s);
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "\"2024-05-01T12:00:00Z\"        | 1714564800000",
        "\"2024-05-01T12:00:00.123Z\"    | 1714564800123",
        "\"2024-05-01T14:00:00.123+02:00\" | 1714564800123",
        "\"2024-05-01T12:00:00.1239Z\"   | 1714564800123",
        "1714564800123                   | 1714564800123",
        "-5                              | -5",
        "1.7145648E12                    | 1714564800000"
      })
  void aTimestampIsEpochMillisOrAnIsoDateTimeTruncatedToMillis(String json, long millis) {
    Sample s = read("{\"id\":\"a\",\"features\":[1],\"timestamp\":" + json + "}");
    assertThat(s.getEventTime()).isEqualTo(Instant.ofEpochMilli(millis));
  }

  @Test
  void integerIdsAndLabelsAreKeptAsTheirDecimalText() {
    Sample s = read("{\"id\":12345678901234567890,\"features\":[1],\"label\":7}");
    assertThat(s.getId()).isEqualTo("12345678901234567890");
    assertThat(s.getLabel()).isEqualTo("7");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      value = {
        // document-level
        "`[1,2]`                                   | UNPARSABLE    | document: expected a JSON"
            + " object, got [1,2]",
        "`{\"id\":\"a\",\"features\":[1]} {}`      | UNPARSABLE    | document: unexpected"
            + " content after the JSON object at line 1, column 28",
        "`{\"id\":\"a\",\"id\":\"b\",\"features\":[1]}` | UNPARSABLE | document: invalid JSON at"
            + " line 1, column 15: Duplicate field 'id'",
        "`{\"id\":\"a\",\"features\":[1]`          | UNPARSABLE    | document: invalid JSON",
        "`{\"id\":\"a\", /* c */ \"features\":[1]}` | UNPARSABLE   | document: invalid JSON",
        "`   `                                     | UNPARSABLE    | document: empty (no JSON"
            + " value)",
        // id
        "`{\"features\":[1]}`                      | MISSING_FIELD | id: missing (required)",
        "`{\"id\":null,\"features\":[1]}`          | MISSING_FIELD | id: null (required)",
        "`{\"id\":\"\",\"features\":[1]}`          | MISSING_FIELD | id: empty",
        "`{\"id\":1.5,\"features\":[1]}`           | UNPARSABLE    | id: expected a string or an"
            + " integer, got 1.5",
        // features
        "`{\"id\":\"a\"}`                          | MISSING_FIELD | features: missing (required)",
        "`{\"id\":\"a\",\"features\":null}`        | MISSING_FIELD | features: null (required)",
        "`{\"id\":\"a\",\"features\":[]}`          | EMPTY_VECTOR  | features: empty",
        "`{\"id\":\"a\",\"features\":\"1,2\"}`     | UNPARSABLE    | features: expected an array of"
            + " numbers, got \"1,2\"",
        "`{\"id\":\"a\",\"features\":[1,2,3,\"abc\"]}` | UNPARSABLE | features[3]: not a number:"
            + " \"abc\"",
        "`{\"id\":\"a\",\"features\":[1,null]}`    | UNPARSABLE    | features[1]: not a number:"
            + " null",
        "`{\"id\":\"a\",\"features\":[[1,2]]}`     | UNPARSABLE    | features[0]: not a number:"
            + " [1,2]",
        "`{\"id\":\"a\",\"features\":[1,NaN]}`     | NON_FINITE    | features[1]: not finite: NaN",
        "`{\"id\":\"a\",\"features\":[Infinity]}`  | NON_FINITE    | features[0]: not finite:"
            + " Infinity",
        "`{\"id\":\"a\",\"features\":[0,-Infinity]}` | NON_FINITE  | features[1]: not finite:"
            + " -Infinity",
        "`{\"id\":\"a\",\"features\":[1,2,1e39]}`  | NON_FINITE    | features[2]: out of float"
            + " range: 1e39",
        "`{\"id\":\"a\",\"features\":[1e400]}`     | NON_FINITE    | features[0]: out of float"
            + " range: 1e400",
        // shape
        "`{\"id\":\"a\",\"features\":[1,2,3],\"shape\":[2,2]}` | WRONG_DIMENSION | shape: product"
            + " of [2, 2] is 4 but features has 3 values",
        "`{\"id\":\"a\",\"features\":[1],\"shape\":[]}` | WRONG_DIMENSION | shape: empty (use null"
            + " for a plain vector)",
        "`{\"id\":\"a\",\"features\":[1],\"shape\":[1,0]}` | WRONG_DIMENSION | shape[1]: must be"
            + " positive, got 0",
        "`{\"id\":\"a\",\"features\":[1],\"shape\":[1.5]}` | UNPARSABLE | shape[0]: expected a"
            + " positive integer, got 1.5",
        "`{\"id\":\"a\",\"features\":[1],\"shape\":3}` | UNPARSABLE   | shape: expected an array of"
            + " positive integers, got 3",
        // other fields
        "`{\"id\":\"a\",\"features\":[1],\"label\":\"\"}` | UNPARSABLE | label: empty (omit it or"
            + " use null)",
        "`{\"id\":\"a\",\"features\":[1],\"label\":true}` | UNPARSABLE | label: expected a string or"
            + " an integer, got true",
        "`{\"id\":\"a\",\"features\":[1],\"source\":7}` | UNPARSABLE   | source: expected a string,"
            + " got 7",
        "`{\"id\":\"a\",\"features\":[1],\"timestamp\":1.5}` | UNPARSABLE | timestamp: epoch"
            + " milliseconds must be an integer, got 1.5",
        "`{\"id\":\"a\",\"features\":[1],\"timestamp\":\"yesterday\"}` | UNPARSABLE | timestamp:"
            + " expected epoch milliseconds or an ISO-8601 date-time with offset (e.g."
            + " 2024-05-01T12:00:00Z), got \"yesterday\"",
        "`{\"id\":\"a\",\"features\":[1],\"timestamp\":\"2024-05-01T12:00:00\"}` | UNPARSABLE |"
            + " timestamp: expected epoch milliseconds",
        "`{\"id\":\"a\",\"features\":[1],\"lable\":\"cat\"}` | UNPARSABLE | lable: unknown field"
            + " (the fields are features, id, label, shape, source, timestamp)",
      })
  void aBadDocumentIsRejectedWithTheFieldAndTheProblem(
      String json, RejectReason reason, String messageStart) {
    WireFormatException e = failure(READER, json);
    assertThat(e.reason()).isEqualTo(reason);
    assertThat(e.getMessage()).startsWith(messageStart);
    assertThat(e.getMessage()).isEqualTo(e.field() + ": " + e.problem());
  }

  @Test
  void theLenientReaderIgnoresUnknownFieldsButKeepsEveryOtherRule() {
    JsonSampleReader lenient = READER.allowingUnknownFields();
    Sample s = lenient.read("{\"id\":\"a\",\"features\":[1],\"gateway\":{\"x\":1}}", RECORD_TIME);
    assertThat(s.getId()).isEqualTo("a");
    assertThat(failure(lenient, "{\"id\":\"a\",\"features\":[NaN],\"x\":1}").reason())
        .isEqualTo(RejectReason.NON_FINITE);
    assertThat(failure(READER, "{\"id\":\"a\",\"features\":[1],\"gateway\":1}").field())
        .isEqualTo("gateway");
  }

  @Test
  void floatsWrittenByTheJsonWriterReadBackBitForBit() {
    SplittableRandom random = new SplittableRandom(7L);
    List<Float> values = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      float f;
      do {
        f = Float.intBitsToFloat(random.nextInt());
      } while (!Float.isFinite(f));
      values.add(f);
    }
    values.addAll(List.of(Float.MIN_VALUE, -Float.MAX_VALUE, 0.1f, 1f / 3, -0f));
    Sample s =
        Sample.newBuilder()
            .setId("bits")
            .setEventTime(Instant.ofEpochMilli(1))
            .setFeatures(values)
            .build();
    Sample back = read(JsonRecordWriter.toJson(s));
    for (int i = 0; i < values.size(); i++) {
      assertThat(Float.floatToRawIntBits(back.getFeatures().get(i)))
          .as("value %d: %s", i, values.get(i))
          .isEqualTo(Float.floatToRawIntBits(values.get(i)));
    }
  }

  @Test
  void decimalTextRoundsToTheNearestFloatOnce() {
    // 1.00000005960464477550 lies just above the midpoint between 1 and the next float:
    // the correctly rounded float is 1 + 2^-23; rounding to double first gives exactly the
    // midpoint, which then rounds (to even) down to 1.
    Sample s = read("{\"id\":\"a\",\"features\":[1.00000005960464477550]}");
    assertThat(s.getFeatures().get(0)).isEqualTo(Math.nextUp(1f));
  }

  @Test
  void everyTruncationOfADocumentIsRejected() {
    byte[] full =
        ("{\"id\":\"s-1\",\"features\":[0.5,-1.25,3],\"shape\":[3],\"label\":\"cat\","
                + "\"source\":\"x\",\"timestamp\":\"2024-05-01T12:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8);
    assertThat(READER.read(full, RECORD_TIME).getId()).isEqualTo("s-1");
    for (int len = 0; len < full.length; len++) {
      byte[] prefix = Arrays.copyOf(full, len);
      WireFormatException e =
          catchThrowableOfType(WireFormatException.class, () -> READER.read(prefix, RECORD_TIME));
      assertThat(e).as("prefix of %d bytes", len).isNotNull();
      assertThat(e.reason()).isEqualTo(RejectReason.UNPARSABLE);
    }
  }

  @Test
  void invalidUtf8IsUnparsable() {
    byte[] bytes = "{\"id\":\"a\",\"features\":[1]}".getBytes(StandardCharsets.UTF_8);
    bytes[7] = (byte) 0xFF;
    WireFormatException e =
        catchThrowableOfType(WireFormatException.class, () -> READER.read(bytes, RECORD_TIME));
    assertThat(e.reason()).isEqualTo(RejectReason.UNPARSABLE);
    assertThat(e.getMessage()).startsWith("document: invalid JSON at line 1, column");
  }
}
