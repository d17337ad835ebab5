package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class AvroCodecTest {

  private static final AvroCodec<Sample> SAMPLES = AvroCodec.of(Sample.class);

  static Sample fullSample() {
    return Sample.newBuilder()
        .setId("sample-42")
        .setEventTime(Instant.ofEpochMilli(1_714_564_800_123L))
        .setSource("sensor-7")
        .setFeatures(List.of(0.5f, -1.25f, 3.0f, 1e-30f, -0f, Float.MAX_VALUE))
        .setShape(List.of(2, 3))
        .setLabel("cat")
        .build();
  }

  static Schema sampleV1() throws IOException {
    try (InputStream in = AvroCodecTest.class.getResourceAsStream("/avro/sample-v1.avsc")) {
      return new Schema.Parser().parse(in);
    }
  }

  static byte[] writeV1(Schema v1) throws IOException {
    GenericRecord old = new GenericData.Record(v1);
    old.put("id", "old-1");
    old.put("eventTime", 1_700_000_000_000L);
    old.put("source", "sensor-1");
    old.put("features", List.of(0.5f, -1.25f, 3.0f));
    ByteBuffer b = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(old);
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  @Test
  void everyRecordTypeRoundTripsToAnEqualRecord() {
    Sample minimal =
        Sample.newBuilder()
            .setId("m")
            .setEventTime(Instant.ofEpochMilli(0))
            .setFeatures(List.of(1f))
            .build();
    Features features =
        Features.newBuilder()
            .setSampleId("s")
            .setModelVersion(3)
            .setFeatures(List.of(0.6f, 0.8f))
            .setShape(List.of(2))
            .build();
    Prediction prediction =
        Prediction.newBuilder()
            .setSampleId("s")
            .setModelVersion(3)
            .setPredictedLabel("b")
            .setScores(
                List.of(
                    new ClassScore("a", Double.POSITIVE_INFINITY, null),
                    new ClassScore("b", -12.5, 0.75)))
            .setTrueLabel(null)
            .build();
    RejectedRecord rejected =
        RejectedRecord.newBuilder()
            .setOriginalKey(null)
            .setOriginalValue(ByteBuffer.wrap(new byte[] {1, 2, (byte) 0xC3}))
            .setSourceTopic("samples")
            .setSourcePartition(2)
            .setSourceOffset(99)
            .setReason(RejectReason.NON_FINITE)
            .setMessage("features[1]: not finite: NaN")
            .setRejectedAt(Instant.ofEpochMilli(5))
            .build();

    assertThat(SAMPLES.decode(SAMPLES.encode(fullSample()))).isEqualTo(fullSample());
    assertThat(SAMPLES.decode(SAMPLES.encode(minimal))).isEqualTo(minimal);
    AvroCodec<Features> fc = AvroCodec.of(Features.class);
    assertThat(fc.decode(fc.encode(features))).isEqualTo(features);
    AvroCodec<Prediction> pc = AvroCodec.of(Prediction.class);
    assertThat(pc.decode(pc.encode(prediction))).isEqualTo(prediction);
    AvroCodec<RejectedRecord> rc = AvroCodec.of(RejectedRecord.class);
    assertThat(rc.decode(rc.encode(rejected))).isEqualTo(rejected);
  }

  @Test
  void theHeaderIsTheSingleObjectMagicAndTheLittleEndianFingerprintOfTheSchema() {
    byte[] bytes = SAMPLES.encode(fullSample());
    assertThat(bytes[0]).isEqualTo((byte) 0xC3);
    assertThat(bytes[1]).isEqualTo((byte) 0x01);
    long fp = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(fp)
        .isEqualTo(SAMPLES.fingerprint())
        .isEqualTo(AvroCodec.fingerprint(Sample.getClassSchema()));
    // The generated class's own encoder writes the same bytes.
    assertThat(SAMPLES.decode(bytes)).isEqualTo(fullSample());
  }

  @Test
  void aV1WriterIsReadByTheCurrentReaderOnceItsSchemaIsRegistered() throws IOException {
    Schema v1 = sampleV1();
    byte[] v1Bytes = writeV1(v1);

    WireFormatException unknown =
        catchThrowableOfType(WireFormatException.class, () -> SAMPLES.decode(v1Bytes));
    assertThat(unknown.reason()).isEqualTo(RejectReason.UNKNOWN_SCHEMA);
    assertThat(unknown.getMessage())
        .contains("unknown writer schema fingerprint " + AvroCodec.hex(AvroCodec.fingerprint(v1)));

    Sample decoded = SAMPLES.withWriterSchemas(v1).decode(v1Bytes);
    assertThat(decoded)
        .isEqualTo(
            Sample.newBuilder()
                .setId("old-1")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setSource("sensor-1")
                .setFeatures(List.of(0.5f, -1.25f, 3.0f))
                .setShape(null)
                .setLabel(null)
                .build());
  }

  @Test
  void anIncompatibleOlderSchemaIsRefusedWhenRegistered() {
    Schema incompatible =
        SchemaBuilder.record("Sample")
            .namespace("dev.redunet.avro")
            .fields()
            .requiredString("id")
            .requiredString("features")
            .endRecord();
    assertThatThrownBy(() -> SAMPLES.withWriterSchemas(incompatible))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot be read as the current dev.redunet.avro.Sample")
        .hasMessageContaining("eventTime");
  }

  @Test
  void everyTruncationIsRejectedAndNeverDecodes() {
    byte[] full = SAMPLES.encode(fullSample());
    for (int len = 0; len < full.length; len++) {
      byte[] prefix = Arrays.copyOf(full, len);
      WireFormatException e =
          catchThrowableOfType(WireFormatException.class, () -> SAMPLES.decode(prefix));
      assertThat(e).as("prefix of %d of %d bytes", len, full.length).isNotNull();
      assertThat(e.reason()).isEqualTo(RejectReason.UNPARSABLE);
    }
  }

  @Test
  void aTrailingByteIsRejected() {
    byte[] full = SAMPLES.encode(fullSample());
    byte[] longer = Arrays.copyOf(full, full.length + 1);
    assertThatThrownBy(() -> SAMPLES.decode(longer))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("document: 1 unexpected byte(s) after the end of the Sample");
  }

  /**
   * Single-object encoding has no checksum, so a flipped bit inside a float is a different valid
   * record. What must hold: every corruption is either rejected with the typed exception, or
   * decodes to exactly what the bytes say (re-encoding it gives the corrupted bytes back); flips in
   * the header are always rejected.
   */
  @Test
  void randomByteFlipsAreRejectedOrDecodeToExactlyWhatTheBytesSay() {
    byte[] original = SAMPLES.encode(fullSample());
    SplittableRandom random = new SplittableRandom(20240501L);
    int rejected = 0;
    int decoded = 0;
    int unknownSchema = 0;
    for (int trial = 0; trial < 5_000; trial++) {
      byte[] corrupted = original.clone();
      int flips = 1 + random.nextInt(3);
      for (int f = 0; f < flips; f++) {
        corrupted[random.nextInt(corrupted.length)] ^= (byte) (1 + random.nextInt(255));
      }
      int firstPos = Arrays.mismatch(original, corrupted);
      if (firstPos < 0) {
        continue; // two flips of one byte cancelled out
      }
      try {
        Sample s = SAMPLES.decode(corrupted);
        decoded++;
        assertThat(firstPos).as("a header flip must never decode").isGreaterThanOrEqualTo(10);
        assertThat(SAMPLES.encode(s)).as("trial %d", trial).isEqualTo(corrupted);
      } catch (WireFormatException e) {
        rejected++;
        if (e.reason() == RejectReason.UNKNOWN_SCHEMA) {
          unknownSchema++;
        }
        assertThat(e.reason()).isIn(RejectReason.UNPARSABLE, RejectReason.UNKNOWN_SCHEMA);
      }
    }
    // Both outcomes are exercised (otherwise the test would check nothing).
    assertThat(decoded).isGreaterThan(100);
    assertThat(rejected).isGreaterThan(1_000);
    assertThat(unknownSchema).isGreaterThan(100);
  }

  @Test
  void aCorruptedHugeLengthIsRejectedWithoutAllocatingIt() {
    byte[] full = SAMPLES.encode(fullSample());
    // Body starts with the id: a zig-zag varint length. Replace it by 2^40 (6 bytes).
    byte[] header = Arrays.copyOf(full, AvroCodec.HEADER_LENGTH);
    byte[] huge = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x40};
    byte[] bad = concat(header, huge, Arrays.copyOfRange(full, 11, full.length));
    assertThatThrownBy(() -> SAMPLES.decode(bad))
        .isInstanceOf(WireFormatException.class)
        .hasMessageStartingWith("id: length 1099511627776 exceeds the 60 bytes left");
  }

  @Test
  void aCorruptedNegativeBlockCountCannotClaimMoreItemsThanBytes() {
    Sample s =
        Sample.newBuilder()
            .setId("a")
            .setEventTime(Instant.ofEpochMilli(0))
            .setFeatures(List.of(1f))
            .build();
    byte[] full = SAMPLES.encode(s);
    int featuresAt = AvroCodec.HEADER_LENGTH + 2 + 1 + 1; // id(02 61), time(00), source(00)
    assertThat(full[featuresAt]).isEqualTo((byte) 0x02); // count 1
    // count -2^30 (zig-zag 2^31-1) followed by a block size of 4 bytes.
    byte[] block = {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x07, 0x08};
    byte[] bad =
        concat(
            Arrays.copyOf(full, featuresAt),
            block,
            Arrays.copyOfRange(full, featuresAt + 1, full.length));
    assertThatThrownBy(() -> SAMPLES.decode(bad))
        .isInstanceOf(WireFormatException.class)
        .hasMessageContaining("features[0]: item count 1073741824 cannot fit");
  }

  @Test
  void anOverlongVarintAndInvalidUtf8AreRejectedBecauseTheyWouldNotRoundTrip() {
    byte[] full = SAMPLES.encode(fullSample());
    int idLength = AvroCodec.HEADER_LENGTH;
    byte[] overlong =
        concat(
            Arrays.copyOf(full, idLength),
            new byte[] {(byte) (full[idLength] | 0x80), 0x00},
            Arrays.copyOfRange(full, idLength + 1, full.length));
    assertThatThrownBy(() -> SAMPLES.decode(overlong))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("id: over-long varint (not in shortest form)");

    byte[] badUtf8 = full.clone();
    badUtf8[idLength + 1] = (byte) 0xFF;
    assertThatThrownBy(() -> SAMPLES.decode(badUtf8))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("id: string is not valid UTF-8");
  }

  @Test
  void shortInputAndAForeignHeaderAreNamedInTheMessage() {
    assertThatThrownBy(() -> SAMPLES.decode(new byte[] {(byte) 0xC3, 0x01, 0}))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("document: only 3 byte(s); Avro single-object encoding needs a 10-byte header");
    byte[] foreign = SAMPLES.encode(fullSample());
    foreign[1] = 0x02;
    assertThatThrownBy(() -> SAMPLES.decode(foreign))
        .isInstanceOf(WireFormatException.class)
        .hasMessage("document: not Avro single-object encoding: header C3 02, expected C3 01");
  }

  @Test
  void encodingARecordThatBreaksItsSchemaIsAnIllegalArgument() {
    Sample broken = fullSample();
    broken.setId(null);
    assertThatThrownBy(() -> SAMPLES.encode(broken))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot encode Sample");
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }
}
