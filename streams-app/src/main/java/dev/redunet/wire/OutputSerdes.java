package dev.redunet.wire;

import dev.redunet.avro.Cluster;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKey;
import dev.redunet.config.ConfigKeys;
import java.util.Objects;

/**
 * The serdes of the output topics, and <b>the one place that chooses how output records are
 * written</b>: the topology's sinks and the exception handlers' dead-letter records all take their
 * serializers from here.
 *
 * <p>Today the choice is {@code redunet.output.format} ({@code avro}, the default, or {@code
 * json}), overridden per topic by {@code redunet.output.format.predictions}, {@code .features} and
 * {@code .rejected}; <b>a schema registry ({@code redunet.schema.registry.url}) takes precedence
 * over all of them</b>: every output topic is then written in the Confluent framing ({@link
 * ConfluentAvro}), its schema registered under {@code <topic>-value}.
 *
 * <p>Every serde reads both formats (see {@link OutputSerde}), so consumers built from these serdes
 * keep working whatever the topic was written with.
 *
 * @param predictions the predictions topic's serde
 * @param features the features topic's serde
 * @param rejected the rejected topic's serde
 * @param clusters the clusters topic's serde (in the predictions topic's format)
 */
public record OutputSerdes(
    OutputSerde<Prediction> predictions,
    OutputSerde<Features> features,
    OutputSerde<RejectedRecord> rejected,
    OutputSerde<Cluster> clusters) {

  public OutputSerdes {
    Objects.requireNonNull(predictions, "predictions");
    Objects.requireNonNull(features, "features");
    Objects.requireNonNull(rejected, "rejected");
    Objects.requireNonNull(clusters, "clusters");
  }

  /** The serdes {@code config} asks for. */
  public static OutputSerdes of(AppConfig config) {
    OutputFormat all = OutputFormat.of(config.text(ConfigKeys.OUTPUT_FORMAT));
    OutputSerdes formats =
        new OutputSerdes(
            new OutputSerde<>(
                PredictionCodec.create(),
                format(config, ConfigKeys.OUTPUT_FORMAT_PREDICTIONS, all)),
            new OutputSerde<>(
                AvroCodec.of(Features.class),
                format(config, ConfigKeys.OUTPUT_FORMAT_FEATURES, all)),
            new OutputSerde<>(
                AvroCodec.of(RejectedRecord.class),
                format(config, ConfigKeys.OUTPUT_FORMAT_REJECTED, all)),
            new OutputSerde<>(
                AvroCodec.of(Cluster.class),
                format(config, ConfigKeys.OUTPUT_FORMAT_PREDICTIONS, all)));
    return SchemaRegistryClient.of(config)
        .map(
            registry ->
                new OutputSerdes(
                    formats
                        .predictions()
                        .withRegistry(registry, config.topic(ConfigKeys.TOPIC_PREDICTIONS)),
                    formats
                        .features()
                        .withRegistry(registry, config.topic(ConfigKeys.TOPIC_FEATURES)),
                    formats
                        .rejected()
                        .withRegistry(registry, config.topic(ConfigKeys.TOPIC_REJECTED)),
                    formats
                        .clusters()
                        .withRegistry(registry, config.topic(ConfigKeys.TOPIC_CLUSTERS))))
        .orElse(formats);
  }

  /** Every output topic in {@code format}. */
  public static OutputSerdes of(OutputFormat format) {
    return of(format, format, format);
  }

  /** Each output topic in its own format (the clusters topic in the predictions'). */
  public static OutputSerdes of(
      OutputFormat predictions, OutputFormat features, OutputFormat rejected) {
    return new OutputSerdes(
        new OutputSerde<>(PredictionCodec.create(), predictions),
        new OutputSerde<>(AvroCodec.of(Features.class), features),
        new OutputSerde<>(AvroCodec.of(RejectedRecord.class), rejected),
        new OutputSerde<>(AvroCodec.of(Cluster.class), predictions));
  }

  private static OutputFormat format(AppConfig config, ConfigKey key, OutputFormat otherwise) {
    return config.optionalText(key).map(OutputFormat::of).orElse(otherwise);
  }
}
