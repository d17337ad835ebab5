package dev.redunet.app;

import dev.redunet.avro.Cluster;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKeys;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.ConfluentAvro;
import dev.redunet.wire.JsonRecordReader;
import dev.redunet.wire.JsonRecordWriter;
import dev.redunet.wire.PredictionCodec;
import dev.redunet.wire.SampleDecoder;
import dev.redunet.wire.SchemaRegistryClient;
import dev.redunet.wire.WireFormatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./redunet consume}: prints the records of a topic as JSON lines, reading only committed
 * records ({@code isolation.level=read_committed}), from all partitions, without a consumer group
 * (nothing is committed).
 *
 * <p>Each value is decoded by what it is, record by record, so a topic written in either output
 * format ({@code redunet.output.format}), or in both, reads the same: Avro single-object records by
 * their schema fingerprint (Sample, Features, Prediction, RejectedRecord, Cluster); JSON objects
 * whose field names are those of Features, Prediction, RejectedRecord or Cluster with {@link
 * JsonRecordReader}; any other JSON as a sample with the strict sample reader (a sample without id
 * taking the record key, as the stream does). Each is printed with {@link JsonRecordWriter}, so a
 * record prints the same line in either format. A value that none of them reads (an invalid sample,
 * a record of another schema) is printed as {@code {"_error": "<reason>: <message>", "_partition":
 * p, "_offset": o, "_value_base64": "..."}}, a tombstone as {@code {"_tombstone": true,
 * "_partition": p, "_offset": o}}.
 *
 * <p>It stops after {@code --max} records or when no record arrived for {@code --timeout} seconds.
 * The last stdout line is {@code {"records": N, "topic": T, "undecodable": U}}: N records printed,
 * U of them undecodable. Exit code 0; 1 if Kafka is unreachable, refuses the credentials, or the
 * schema registry fails (a record is never reported undecodable for that); 2 for bad arguments or a
 * missing topic.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the committed records of a topic as JSON lines.",
      "The last line is JSON with records, topic, undecodable."
    })
public final class ConsumeCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ConsumeCommand.class);
  private static final String NAME = "consume";

  @Mixin ConfigOptions options;

  @Option(names = "--topic", paramLabel = "T", required = true, description = "Topic to read.")
  String topic;

  @Option(
      names = "--max",
      paramLabel = "N",
      description = "Stop after N records. Default: no limit.")
  Long max;

  @Option(
      names = "--timeout",
      paramLabel = "S",
      defaultValue = "10",
      description = "Stop when no record arrived for S seconds. Default: ${DEFAULT-VALUE}.")
  double timeoutSeconds;

  @Option(
      names = "--from-beginning",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Read from the first offset (default); --no-from-beginning reads only new records.")
  boolean fromBeginning;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      description =
          "Confluent-compatible schema registry (key redunet.schema.registry.url) for records in"
              + " the Confluent framing (magic byte 0, schema id, Avro).")
  String schemaRegistryUrl;

  private final PrintStream out;
  private final PrintStream err;

  /** The command as run from the command line. */
  public ConsumeCommand() {
    this(System.out, System.err);
  }

  ConsumeCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  @Override
  public Integer call() {
    if (max != null && max < 0) {
      return CommandSupport.usageError(err, NAME, "--max must be >= 0, got " + max);
    }
    if (!(timeoutSeconds > 0) || !Double.isFinite(timeoutSeconds)) {
      return CommandSupport.usageError(
          err, NAME, "--timeout must be a positive number of seconds, got " + timeoutSeconds);
    }
    Map<String, Object> p;
    Optional<SchemaRegistryClient> registry;
    try {
      AppConfig config =
          options.load(
              schemaRegistryUrl == null
                  ? Map.of()
                  : Map.of(ConfigKeys.SCHEMA_REGISTRY_URL.name(), schemaRegistryUrl));
      p = CommandSupport.clientSettings(config);
      registry = SchemaRegistryClient.of(config);
    } catch (ConfigException | IllegalArgumentException e) {
      return CommandSupport.usageError(err, NAME, e.getMessage());
    }
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.remove(ConsumerConfig.GROUP_ID_CONFIG);
    Duration idle = Duration.ofMillis((long) (timeoutSeconds * 1000));
    long limit = max == null ? Long.MAX_VALUE : max;
    RecordPrinter printer = new RecordPrinter(registry);
    long printed = 0;
    long undecodable = 0;
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<PartitionInfo> partitions;
      try {
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30));
      } catch (UnknownTopicOrPartitionException e) {
        partitions = List.of();
      }
      if (partitions == null || partitions.isEmpty()) {
        return CommandSupport.usageError(
            err, NAME, "topic " + topic + " does not exist (check --topic)");
      }
      List<TopicPartition> assigned =
          partitions.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(assigned);
      if (fromBeginning) {
        consumer.seekToBeginning(assigned);
      } else {
        consumer.seekToEnd(assigned);
      }
      long lastRecord = System.nanoTime();
      while (printed < limit && System.nanoTime() - lastRecord < idle.toNanos()) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (printed >= limit) {
            break;
          }
          RecordPrinter.Line line;
          try {
            line = printer.print(r);
          } catch (SchemaRegistryClient.SchemaRegistryException e) {
            err.println(
                "redunet consume: cannot decode the record at partition "
                    + r.partition()
                    + ", offset "
                    + r.offset()
                    + " of "
                    + topic
                    + ": "
                    + e.getMessage()
                    + " (the record is not lost: consume again once the registry answers)");
            return 1;
          }
          out.println(line.json());
          printed++;
          if (!line.decoded()) {
            undecodable++;
          }
          lastRecord = System.nanoTime();
        }
      }
    } catch (TimeoutException e) {
      err.println("redunet consume: no answer from Kafka: " + e.getMessage());
      return 1;
    } catch (InterruptException e) {
      Thread.currentThread().interrupt();
      return 1;
    } catch (KafkaException e) {
      err.println("redunet consume: " + CommandSupport.kafkaProblem(e));
      return 1;
    }
    LOG.info("Read {} records from {} ({} undecodable)", printed, topic, undecodable);
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("records", printed);
    result.put("topic", topic);
    result.put("undecodable", undecodable);
    out.println(CommandSupport.json(result));
    out.flush();
    return 0;
  }

  /** Decodes a record value by what it is and writes it as one JSON line. */
  static final class RecordPrinter {
    /** The output records a JSON value can be, told apart by their field names. */
    private static final List<Class<? extends SpecificRecord>> JSON_OUTPUTS =
        List.of(Features.class, Prediction.class, RejectedRecord.class, Cluster.class);

    private final Map<Long, AvroCodec<? extends SpecificRecord>> byFingerprint =
        new LinkedHashMap<>();
    private final SampleDecoder samples;
    private final Optional<SchemaRegistryClient> registry;
    private final Map<String, ConfluentAvro<? extends SpecificRecord>> byName =
        new LinkedHashMap<>();

    RecordPrinter() {
      this(Optional.empty());
    }

    RecordPrinter(Optional<SchemaRegistryClient> registry) {
      this.registry = registry;
      this.samples = SampleDecoder.create().withRegistry(registry);
      registry.ifPresent(
          r -> {
            for (Class<? extends SpecificRecord> c :
                List.of(
                    Sample.class,
                    Features.class,
                    Prediction.class,
                    RejectedRecord.class,
                    Cluster.class)) {
              byName.put(SpecificData.get().getSchema(c).getFullName(), new ConfluentAvro<>(c, r));
            }
          });
      for (AvroCodec<? extends SpecificRecord> c :
          List.of(
              AvroCodec.of(Sample.class),
              AvroCodec.of(Features.class),
              PredictionCodec.create(),
              AvroCodec.of(RejectedRecord.class),
              AvroCodec.of(Cluster.class))) {
        for (long fp : c.fingerprints()) {
          byFingerprint.put(fp, c);
        }
      }
    }

    /**
     * One printed line.
     *
     * @param json the line
     * @param decoded false if the value could not be decoded
     */
    record Line(String json, boolean decoded) {}

    /**
     * The record as one line: decoded, or an {@code _error} line if the record itself cannot be
     * decoded.
     *
     * @throws SchemaRegistryClient.SchemaRegistryException if the schema registry cannot be reached
     *     or fails ({@link SchemaRegistryClient.SchemaRegistryException#registryFailed()}): then
     *     nothing is known about the record
     */
    Line print(ConsumerRecord<byte[], byte[]> r) {
      byte[] v = r.value();
      if (v == null) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("_tombstone", true);
        m.put("_partition", r.partition());
        m.put("_offset", r.offset());
        return new Line(CommandSupport.json(m), true);
      }
      try {
        if (AvroCodec.hasSingleObjectMagic(v) && v.length >= AvroCodec.HEADER_LENGTH) {
          long fp = ByteBuffer.wrap(v, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
          AvroCodec<? extends SpecificRecord> codec = byFingerprint.get(fp);
          if (codec != null) {
            return new Line(JsonRecordWriter.toJson(codec.decode(v)), true);
          }
        }
        if (ConfluentAvro.hasMagic(v) && registry.isPresent()) {
          return new Line(confluent(registry.get(), v), true);
        }
        Optional<Class<? extends SpecificRecord>> output =
            SampleDecoder.detect(v).isPresent()
                ? JsonRecordReader.typeOf(v, JSON_OUTPUTS)
                : Optional.empty();
        if (output.isPresent()) {
          return new Line(JsonRecordWriter.toJson(JsonRecordReader.read(output.get(), v)), true);
        }
        return new Line(
            JsonRecordWriter.toJson(
                samples.decode(r.key(), v, Instant.ofEpochMilli(r.timestamp()))),
            true);
      } catch (WireFormatException | SchemaRegistryClient.SchemaRegistryException e) {
        if (e instanceof SchemaRegistryClient.SchemaRegistryException s && s.registryFailed()) {
          throw s; // the registry's failure, not the record's: consume stops
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
            "_error",
            (e instanceof WireFormatException w ? w.reason() : RejectReason.UNKNOWN_SCHEMA)
                + ": "
                + e.getMessage());
        m.put("_partition", r.partition());
        m.put("_offset", r.offset());
        m.put("_value_base64", Base64.getEncoder().encodeToString(v));
        return new Line(CommandSupport.json(m), false);
      }
    }

    /**
     * A Confluent-framed record: one of ours (by the writer schema's full name) as our JSON,
     * another as Avro's JSON rendering of the generic record.
     */
    private String confluent(SchemaRegistryClient r, byte[] v) {
      int id = ConfluentAvro.schemaId(v);
      Schema writer =
          r.schemaById(id)
              .orElseThrow(
                  () ->
                      new WireFormatException(
                          RejectReason.UNKNOWN_SCHEMA,
                          WireFormatException.DOCUMENT,
                          "schema id " + id + " is not in the schema registry " + r.url()));
      ConfluentAvro<? extends SpecificRecord> codec = byName.get(writer.getFullName());
      if (codec != null) {
        return JsonRecordWriter.toJson(codec.decode(v));
      }
      try {
        return String.valueOf(
            new GenericDatumReader<Object>(writer)
                .read(
                    null,
                    DecoderFactory.get()
                        .binaryDecoder(
                            v,
                            ConfluentAvro.HEADER_LENGTH,
                            v.length - ConfluentAvro.HEADER_LENGTH,
                            null)));
      } catch (IOException | RuntimeException e) {
        throw new WireFormatException(
            RejectReason.UNPARSABLE,
            WireFormatException.DOCUMENT,
            "schema id " + id + " (" + writer.getFullName() + "): " + e,
            e);
      }
    }
  }
}
