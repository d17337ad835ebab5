package dev.redunet.wire;

import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import org.apache.kafka.common.serialization.Serde;

/** Factories of the serdes of the topics; every call returns a new instance. */
public final class WireSerdes {

  private WireSerdes() {}

  /** Samples: writes Avro, reads Avro or JSON (see {@link SampleSerde}). */
  public static Serde<Sample> sample() {
    return SampleSerde.create();
  }

  /** Features records, Avro single-object encoding. */
  public static Serde<Features> features() {
    return AvroSerde.of(Features.class);
  }

  /** Prediction records, Avro single-object encoding (reads every earlier schema version). */
  public static Serde<Prediction> prediction() {
    return new AvroSerde<>(PredictionCodec.create());
  }

  /** Rejected records, Avro single-object encoding. */
  public static Serde<RejectedRecord> rejected() {
    return AvroSerde.of(RejectedRecord.class);
  }
}
