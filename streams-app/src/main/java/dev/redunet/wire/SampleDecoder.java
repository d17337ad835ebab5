package dev.redunet.wire;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Decodes a sample from record bytes in either accepted format, detected from the bytes:
 *
 * <ul>
 *   <li>{@link Format#AVRO}: the bytes start with the single-object magic {@code C3 01};
 *   <li>{@link Format#CONFLUENT_AVRO}: the first byte is the Confluent magic byte {@code 0},
 *       followed by a 4-byte schema id (decoded through the schema registry given to {@link
 *       #withRegistry}; without one, or with an id the registry does not know, UNKNOWN_SCHEMA);
 *   <li>{@link Format#JSON}: the first byte that is not JSON whitespace (after an optional UTF-8
 *       byte-order mark) is <code>{</code>.
 * </ul>
 *
 * Anything else (empty, null, other bytes) is UNPARSABLE. After decoding, the sample passes {@link
 * SampleChecks} (non-empty id and features, finite values, consistent shape), so both formats give
 * the same guarantees and the same {@link WireFormatException} for bad input. Records larger than
 * {@link #maxBytes()} are TOO_LARGE before any parsing.
 *
 * <p>Immutable and thread-safe.
 */
public final class SampleDecoder {

  /** The two input formats. */
  public enum Format {
    /** Avro single-object encoding. */
    AVRO,
    /** The JSON sample format of {@link JsonSampleReader}. */
    JSON,
    /** Confluent framing: magic byte 0, 4-byte schema id, Avro binary ({@link ConfluentAvro}). */
    CONFLUENT_AVRO
  }

  /** Default size limit of one record: 16 MiB. */
  public static final int DEFAULT_MAX_BYTES = 16 * 1024 * 1024;

  private final AvroCodec<Sample> avro;
  private final JsonSampleReader json;
  private final int maxBytes;
  private final Optional<ConfluentAvro<Sample>> confluent;

  private SampleDecoder(
      AvroCodec<Sample> avro,
      JsonSampleReader json,
      int maxBytes,
      Optional<ConfluentAvro<Sample>> confluent) {
    this.avro = avro;
    this.json = json;
    this.maxBytes = maxBytes;
    this.confluent = confluent;
  }

  /** Current Sample schema only, strict JSON, {@link #DEFAULT_MAX_BYTES}. */
  public static SampleDecoder create() {
    return new SampleDecoder(
        AvroCodec.of(Sample.class), JsonSampleReader.strict(), DEFAULT_MAX_BYTES, Optional.empty());
  }

  /** A copy that decodes Avro with {@code codec} (e.g. one that knows older schemas). */
  public SampleDecoder withAvro(AvroCodec<Sample> codec) {
    return new SampleDecoder(Objects.requireNonNull(codec, "codec"), json, maxBytes, confluent);
  }

  /** A copy with another size limit (bytes, at least 1). */
  public SampleDecoder withMaxBytes(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1, got " + limit);
    }
    return new SampleDecoder(avro, json, limit, confluent);
  }

  /**
   * A copy that decodes Confluent-framed samples through {@code registry} (empty: such records are
   * UNKNOWN_SCHEMA).
   */
  public SampleDecoder withRegistry(Optional<SchemaRegistryClient> registry) {
    return new SampleDecoder(
        avro, json, maxBytes, registry.map(r -> new ConfluentAvro<>(Sample.class, r)));
  }

  /** The size limit of one record, in bytes. */
  public int maxBytes() {
    return maxBytes;
  }

  /** The Avro codec in use. */
  public AvroCodec<Sample> avro() {
    return avro;
  }

  /** The format the bytes claim to be in, or empty if they look like neither. */
  public static Optional<Format> detect(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Optional.empty();
    }
    if (AvroCodec.hasSingleObjectMagic(bytes)) {
      return Optional.of(Format.AVRO);
    }
    if (ConfluentAvro.hasMagic(bytes)) {
      return Optional.of(Format.CONFLUENT_AVRO);
    }
    int i = 0;
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xEF
        && (bytes[1] & 0xff) == 0xBB
        && (bytes[2] & 0xff) == 0xBF) {
      i = 3;
    }
    while (i < bytes.length && isJsonWhitespace(bytes[i])) {
      i++;
    }
    return i < bytes.length && bytes[i] == '{' ? Optional.of(Format.JSON) : Optional.empty();
  }

  /**
   * Decodes and checks one sample.
   *
   * @param bytes the record value (null for a tombstone)
   * @param defaultTimestamp event time for a JSON sample without {@code timestamp} (normally the
   *     Kafka record timestamp)
   * @throws WireFormatException for anything that is not a valid sample
   */
  public Sample decode(byte[] bytes, Instant defaultTimestamp) {
    return decode(null, bytes, defaultTimestamp);
  }

  /**
   * Decodes and checks the sample of one Kafka record: as {@link #decode(byte[], Instant)}, except
   * that a JSON sample without {@code id} takes the record key as its id (see {@link
   * JsonSampleReader#read(byte[], int, int, Instant, byte[])}). An Avro sample always has its id.
   *
   * @param key the record key (null when the record has none)
   * @param bytes the record value (null for a tombstone)
   * @param defaultTimestamp event time for a JSON sample without {@code timestamp} (normally the
   *     Kafka record timestamp)
   * @throws WireFormatException for anything that is not a valid sample
   */
  public Sample decode(byte[] key, byte[] bytes, Instant defaultTimestamp) {
    Objects.requireNonNull(defaultTimestamp, "defaultTimestamp");
    if (bytes == null) {
      throw new WireFormatException(
          RejectReason.UNPARSABLE, WireFormatException.DOCUMENT, "null value (tombstone)");
    }
    if (bytes.length > maxBytes) {
      throw new WireFormatException(
          RejectReason.TOO_LARGE,
          WireFormatException.DOCUMENT,
          bytes.length + " bytes, over the limit of " + maxBytes);
    }
    Format format =
        detect(bytes)
            .orElseThrow(
                () ->
                    new WireFormatException(
                        RejectReason.UNPARSABLE,
                        WireFormatException.DOCUMENT,
                        bytes.length == 0
                            ? "empty value"
                            : "neither Avro single-object encoding (starts C3 01), Confluent"
                                + " framing (starts 00 and a 4-byte schema id) nor a JSON object"
                                + " (starts {); first byte "
                                + String.format("%02X", bytes[0] & 0xff)));
    return switch (format) {
      case AVRO -> SampleChecks.validate(avro.decode(bytes));
      case JSON -> json.read(bytes, 0, bytes.length, defaultTimestamp, key);
      case CONFLUENT_AVRO ->
          SampleChecks.validate(
              confluent.orElseThrow(() -> ConfluentAvro.noRegistry(bytes)).decode(bytes));
    };
  }

  private static boolean isJsonWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
