package dev.redunet.stream;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import dev.redunet.wire.SampleDecoder;
import dev.redunet.wire.SchemaRegistryClient;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What the parse-and-validate processor checks, resolved once from the configuration.
 *
 * @param decoder decodes Avro single-object, Confluent-framed Avro (with a schema registry) or
 *     JSON, with the record size limit
 * @param maxFeatures {@code redunet.max.features}
 * @param maxRecordBytes {@code redunet.max.record.bytes}
 * @param configuredShape {@code redunet.feature.shape}; empty = fixed by the first valid sample
 * @param labels {@code redunet.labels}; empty = any label
 * @param modelName {@code redunet.model.name}, the key of the input shape
 */
public record IngressSettings(
    SampleDecoder decoder,
    int maxFeatures,
    int maxRecordBytes,
    List<Integer> configuredShape,
    Set<String> labels,
    String modelName) {

  public IngressSettings {
    Objects.requireNonNull(decoder, "decoder");
    configuredShape = List.copyOf(configuredShape);
    labels = Set.copyOf(labels);
    Objects.requireNonNull(modelName, "modelName");
  }

  /** The settings of {@code config}. */
  public static IngressSettings of(AppConfig config) {
    int maxRecordBytes = config.integer(ConfigKeys.MAX_RECORD_BYTES);
    return new IngressSettings(
        SampleDecoder.create()
            .withMaxBytes(maxRecordBytes)
            .withRegistry(SchemaRegistryClient.of(config)),
        config.integer(ConfigKeys.MAX_FEATURES),
        maxRecordBytes,
        config.intList(ConfigKeys.FEATURE_SHAPE),
        new LinkedHashSet<>(config.textList(ConfigKeys.LABELS)),
        config.text(ConfigKeys.MODEL_NAME));
  }
}
