package dev.redunet.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.avro.Sample;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.config.ConfigKeys;
import dev.redunet.data.MalformedDataException;
import dev.redunet.stream.TopicProvisioner;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.ConfluentAvro;
import dev.redunet.wire.JsonRecordWriter;
import dev.redunet.wire.SchemaRegistryClient;
import java.io.Closeable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./redunet produce}: sends samples to a topic, keyed by sample id, with an idempotent
 * producer ({@code acks=all}).
 *
 * <p>Input, exactly one of:
 *
 * <ul>
 *   <li>{@code --jsonl FILE}: one JSON sample per line. Every non-blank line is sent: with {@code
 *       --format json} exactly as it is; with {@code --format avro} a valid line is converted to
 *       Avro single-object encoding (with {@code --format confluent-avro}, to the Confluent framing
 *       through a schema registry) and an invalid one is sent unchanged, so that bad input
 *       exercises the topology's validation. Blank lines are skipped.
 *   <li>{@code --images FILE [--labels FILE]}: IDX files (MNIST format, plain or gzipped), one
 *       sample per image with its shape (e.g. {@code [28, 28]}; none for 1-D items) and, with
 *       {@code --labels}, its label ("0", "1", ...);
 *   <li>{@code --data FILE}: CSV (RFC 4180), one labelled sample per row, label first or in the
 *       header column {@code --label-column} names ({@link dev.redunet.data.CsvReader});
 *   <li>{@code --dataset mnist10k}: the 10,000 MNIST digits shipped inside the jar ({@link
 *       dev.redunet.data.ShippedDatasets#mnist10k()}), shape {@code [28, 28]}, labels "0" … "9", in
 *       their fixed class-mixed order (no file needed: the demo producer of docker-compose uses
 *       it).
 * </ul>
 *
 * Samples read from IDX or CSV get the ids {@code <prefix><index>} ({@code --id-prefix}, default
 * the file name up to its first dot and a dash, e.g. {@code train-17}; {@code mnist10k-17} for the
 * shipped set; {@link SampleIds}, which {@code evaluate} uses too) and the file name as source. The
 * files are read whole before sending (about 16 bytes per value while loading).
 *
 * <p>Event times: record {@code i} (from 0: the i-th sample of a data set, the i-th non-blank line
 * of a JSON-lines file) is stamped {@code start + i} milliseconds ({@code --start-time}, default
 * the start of the command): the sample's event time, unless it is a JSON line with its own {@code
 * timestamp}, which keeps it, and the Kafka record timestamp of every record (so that the stream
 * also reads a JSON record without timestamp at that time, and Kafka Streams, which picks the
 * partition with the oldest record first, processes the records in file order). Timestamps far in
 * the past or future may meet the topic's {@code retention.ms} or the broker's {@code
 * log.message.timestamp.*.max.ms}.
 *
 * <p>stdout ends with one JSON line: {@code sent} (records acknowledged by Kafka), {@code topic},
 * {@code seconds} (from the first send to the last acknowledgement), {@code format}, {@code
 * invalid} (input lines that are not valid samples, sent unchanged), {@code failed} (records Kafka
 * did not accept). Exit code 0; 1 if a record failed or Kafka is unreachable; 2 for bad arguments.
 *
 * <p>The topic defaults to the configured samples topic, which is created (with the settings of
 * {@link TopicProvisioner}) if it is missing; another topic must exist.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = {
      "Sends samples to a topic (keys = sample ids), from JSON lines, IDX (MNIST) or CSV files.",
      "Prints one JSON line with sent, topic, seconds, format, invalid, failed."
    })
public final class ProduceCommand implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(ProduceCommand.class);
  private static final String NAME = "produce";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final String CONFLUENT_AVRO = "confluent-avro";

  @Mixin ConfigOptions options;

  @Option(
      names = "--topic",
      paramLabel = "T",
      description = "Topic to write to. Default: the samples topic of the configuration.")
  String topic;

  @Option(
      names = "--format",
      paramLabel = "avro|json|confluent-avro",
      defaultValue = "avro",
      description =
          "Encoding of valid samples: Avro single-object encoding, JSON, or Avro in the Confluent"
              + " framing (magic byte 0, schema id; needs --schema-registry-url). Default:"
              + " ${DEFAULT-VALUE}.")
  String format;

  @Option(
      names = "--schema-registry-url",
      paramLabel = "URL",
      description =
          "Confluent-compatible schema registry (key redunet.schema.registry.url) for --format"
              + " confluent-avro; the Sample schema is registered under <topic>-value.")
  String schemaRegistryUrl;

  @Mixin SampleFileOptions input;

  @Option(
      names = "--start-time",
      paramLabel = "MILLIS",
      description =
          "Event time (epoch ms) of the first record; record i gets MILLIS + i, as event time when"
              + " it carries none and as Kafka record timestamp. Default: now.")
  Long startTime;

  @Option(
      names = "--max-samples",
      paramLabel = "N",
      description = "Send at most N records. Default: all.")
  Long maxSamples;

  @Option(
      names = "--rate",
      paramLabel = "R",
      description = "Send at most R records per second. Default: as fast as possible.")
  Double rate;

  private final PrintStream out;
  private final PrintStream err;

  /** The command as run from the command line. */
  public ProduceCommand() {
    this(System.out, System.err);
  }

  ProduceCommand(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * How valid samples are written ({@code --format confluent-avro} is {@link #AVRO} with the
   * Confluent framing as its binary encoding).
   */
  enum Format {
    AVRO,
    JSON
  }

  /** One record to send. */
  static final class Outgoing {
    private final byte[] key;
    private final byte[] value;
    private final long timestamp;
    private final boolean valid;

    Outgoing(byte[] key, byte[] value, long timestamp, boolean valid) {
      this.key = key;
      this.value = value;
      this.timestamp = timestamp;
      this.valid = valid;
    }

    boolean valid() {
      return valid;
    }

    byte[] key() {
      return key;
    }

    byte[] value() {
      return value;
    }

    /** The Kafka record timestamp (epoch ms). */
    long timestamp() {
      return timestamp;
    }
  }

  /** A sequence of records; {@link #next()} returns null at the end. */
  interface Source extends Closeable {
    Outgoing next() throws IOException;
  }

  @Override
  public Integer call() {
    Format fmt;
    boolean confluent = format.trim().equalsIgnoreCase(CONFLUENT_AVRO);
    try {
      fmt = confluent ? Format.AVRO : Format.valueOf(format.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return CommandSupport.usageError(
          err, NAME, "--format must be avro, json or confluent-avro, got " + format);
    }
    String inputProblem = input.problem(false);
    if (inputProblem != null) {
      return CommandSupport.usageError(err, NAME, inputProblem);
    }
    if (maxSamples != null && maxSamples < 0) {
      return CommandSupport.usageError(err, NAME, "--max-samples must be >= 0, got " + maxSamples);
    }
    if (rate != null && !(rate > 0 && Double.isFinite(rate))) {
      return CommandSupport.usageError(err, NAME, "--rate must be a positive number, got " + rate);
    }
    if (startTime != null && startTime < 0) {
      return CommandSupport.usageError(
          err, NAME, "--start-time must be epoch milliseconds >= 0, got " + startTime);
    }
    long start = startTime != null ? startTime : System.currentTimeMillis();
    AppConfig config;
    Map<String, Object> client;
    Optional<SchemaRegistryClient> registry;
    try {
      config =
          options.load(
              schemaRegistryUrl == null
                  ? Map.of()
                  : Map.of(ConfigKeys.SCHEMA_REGISTRY_URL.name(), schemaRegistryUrl));
      client = CommandSupport.clientSettings(config);
      registry = SchemaRegistryClient.of(config);
    } catch (ConfigException | IllegalArgumentException e) {
      return CommandSupport.usageError(err, NAME, e.getMessage());
    }
    if (confluent && registry.isEmpty()) {
      return CommandSupport.usageError(
          err,
          NAME,
          "--format confluent-avro needs a schema registry: --schema-registry-url URL (or"
              + " redunet.schema.registry.url)");
    }
    String target = topic != null ? topic : config.topic(ConfigKeys.TOPIC_SAMPLES);
    Function<Sample, byte[]> binary;
    if (confluent) {
      ConfluentAvro<Sample> codec = new ConfluentAvro<>(Sample.class, registry.orElseThrow());
      binary = s -> codec.encode(target, s);
    } else {
      AvroCodec<Sample> codec = AvroCodec.of(Sample.class);
      binary = codec::encode;
    }
    try {
      if (!ensureTopic(config, client, target)) {
        return CommandSupport.usageError(
            err,
            NAME,
            "topic "
                + target
                + " does not exist; create it first, or omit --topic to use the samples topic");
      }
    } catch (IllegalStateException e) {
      err.println("redunet produce: cannot reach Kafka: " + CommandSupport.kafkaProblem(e));
      return 1;
    }
    retentionMs(client, target)
        .flatMap(r -> oldTimestampWarning(start, System.currentTimeMillis(), r, target))
        .ifPresent(w -> err.println("redunet produce: warning: " + w));
    try (Source source = openSource(fmt, start, binary)) {
      return send(
          client, target, confluent ? CONFLUENT_AVRO : fmt.name().toLowerCase(Locale.ROOT), source);
    } catch (SchemaRegistryClient.SchemaRegistryException e) {
      err.println("redunet produce: " + e.getMessage());
      return 1;
    } catch (MalformedDataException e) {
      return CommandSupport.usageError(err, NAME, e.getMessage());
    } catch (IOException e) {
      return CommandSupport.usageError(err, NAME, "cannot read the input: " + e);
    }
  }

  private Source openSource(Format fmt, long start, Function<Sample, byte[]> binary)
      throws IOException {
    if (input.jsonl != null) {
      return new JsonLinesSource(input.jsonl, fmt, start, binary);
    }
    DatasetInput samples = DatasetInput.open(input);
    return new DatasetSource(samples, fmt, start, binary);
  }

  /**
   * The warning for records stamped from {@code start} (epoch ms) into a topic that deletes records
   * older than {@code retentionMs}: the broker may delete them before anyone reads them (it judges
   * a record by its timestamp, not by when it arrived). Empty when they are young enough, or the
   * topic keeps records forever ({@code retentionMs} &lt; 0).
   */
  static Optional<String> oldTimestampWarning(
      long start, long nowMs, long retentionMs, String topic) {
    if (retentionMs < 0 || nowMs - start < retentionMs / 2) {
      return Optional.empty();
    }
    return Optional.of(
        String.format(
            Locale.ROOT,
            "the records are stamped from %s, %.1f days ago, and topic %s deletes records older"
                + " than %.1f days (retention.ms=%d): the broker may delete them before they are"
                + " read. Stamp them later (--start-time), or raise the topic's retention.ms.",
            Instant.ofEpochMilli(start),
            (nowMs - start) / 86_400_000.0,
            topic,
            retentionMs / 86_400_000.0,
            retentionMs));
  }

  /** The topic's {@code retention.ms}, empty if it cannot be read. */
  private static Optional<Long> retentionMs(Map<String, Object> client, String target) {
    try (Admin admin = Admin.create(client)) {
      ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, target);
      Config c =
          admin
              .describeConfigs(List.of(r))
              .all()
              .get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)
              .get(r);
      ConfigEntry e = c == null ? null : c.get(TopicConfig.RETENTION_MS_CONFIG);
      return e == null || e.value() == null
          ? Optional.empty()
          : Optional.of(Long.parseLong(e.value()));
    } catch (ExecutionException | TimeoutException | NumberFormatException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** True if {@code target} exists or was created (the configured samples topic only). */
  private static boolean ensureTopic(AppConfig config, Map<String, Object> client, String target) {
    try (Admin admin = Admin.create(client)) {
      if (target.equals(config.topic(ConfigKeys.TOPIC_SAMPLES))) {
        TopicProvisioner.ensure(admin, config, List.of("samples"), ADMIN_TIMEOUT);
        return true;
      }
      Set<String> names =
          admin.listTopics().names().get(ADMIN_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return names.contains(target);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(e.toString(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private int send(Map<String, Object> client, String target, String formatName, Source source)
      throws IOException {
    Map<String, Object> p = new LinkedHashMap<>(client);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, 5);
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    AtomicReference<Exception> firstError = new AtomicReference<>();
    long invalid = 0;
    long count = 0;
    long limit = maxSamples == null ? Long.MAX_VALUE : maxSamples;
    long t0 = System.nanoTime();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      Outgoing next;
      while (count < limit && (next = source.next()) != null) {
        if (rate != null) {
          pace(t0, count);
        }
        if (!next.valid()) {
          invalid++;
        }
        Future<RecordMetadata> unused =
            producer.send(
                new ProducerRecord<>(target, null, next.timestamp, next.key, next.value),
                (metadata, exception) -> {
                  if (exception == null) {
                    acked.incrementAndGet();
                  } else {
                    failed.incrementAndGet();
                    firstError.compareAndSet(null, exception);
                  }
                });
        count++;
        if (count % 10_000 == 0) {
          LOG.info("Sent {} records to {}", count, target);
        }
      }
      producer.flush();
    } catch (org.apache.kafka.common.KafkaException e) {
      err.println("redunet produce: Kafka refused the records: " + CommandSupport.kafkaProblem(e));
      return 1;
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    LOG.info(
        "Sent {} records to {} in {} s ({} invalid input lines sent unchanged, {} failed)",
        acked.get(),
        target,
        String.format(Locale.ROOT, "%.3f", seconds),
        invalid,
        failed.get());
    if (firstError.get() != null) {
      err.println(
          "redunet produce: "
              + failed.get()
              + " record(s) failed: "
              + CommandSupport.kafkaProblem(firstError.get()));
    }
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("sent", acked.get());
    result.put("topic", target);
    result.put("seconds", Math.round(seconds * 1000) / 1000.0);
    result.put("format", formatName);
    result.put("invalid", invalid);
    result.put("failed", failed.get());
    out.println(CommandSupport.json(result));
    out.flush();
    return failed.get() == 0 ? 0 : 1;
  }

  private void pace(long t0, long index) {
    long due = t0 + (long) (index * 1e9 / rate);
    long wait = due - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Samples of an in-memory data set (IDX or CSV), as Avro or JSON. */
  static final class DatasetSource implements Source {
    private final DatasetInput input;
    private final Format format;
    private final Function<Sample, byte[]> binary;
    private final long start;
    private int next;

    DatasetSource(DatasetInput input, Format format, long start) {
      this(input, format, start, AvroCodec.of(Sample.class)::encode);
    }

    /** With {@code binary} writing the Avro samples (single-object or Confluent framing). */
    DatasetSource(DatasetInput input, Format format, long start, Function<Sample, byte[]> binary) {
      this.input = input;
      this.format = format;
      this.start = start;
      this.binary = binary;
    }

    @Override
    public Outgoing next() {
      if (next >= input.size()) {
        return null;
      }
      int i = next++;
      double[] row = input.row(i);
      List<Float> values = new ArrayList<>(row.length);
      for (double v : row) {
        values.add((float) v);
      }
      input.release(i); // sent: let it go
      Sample s =
          Sample.newBuilder()
              .setId(input.id(i))
              .setEventTime(Instant.ofEpochMilli(start + i))
              .setSource(input.source())
              .setFeatures(values)
              .setShape(input.shape())
              .setLabel(input.label(i))
              .build();
      byte[] value =
          format == Format.AVRO
              ? binary.apply(s)
              : JsonRecordWriter.toJson(s).getBytes(StandardCharsets.UTF_8);
      return new Outgoing(s.getId().getBytes(StandardCharsets.UTF_8), value, start + i, true);
    }

    @Override
    public void close() {}
  }

  /**
   * Lines of a JSON-lines file ({@link JsonSampleLines}: read as bytes, so that a line is sent byte
   * for byte as it is, even if it is not valid UTF-8; a trailing CR is removed, blank lines are
   * skipped). Line {@code i} (from 0, blank lines not counted) is sent with the record timestamp
   * {@code start + i}, which is also its event time unless it carries a {@code timestamp}.
   */
  static final class JsonLinesSource implements Source {
    private final JsonSampleLines lines;
    private final Format format;
    private final Function<Sample, byte[]> binary;

    JsonLinesSource(Path file, Format format, long start) throws IOException {
      this(file, format, start, AvroCodec.of(Sample.class)::encode);
    }

    /** With {@code binary} writing the Avro samples (single-object or Confluent framing). */
    JsonLinesSource(Path file, Format format, long start, Function<Sample, byte[]> binary)
        throws IOException {
      this.lines = new JsonSampleLines(file, start);
      this.format = format;
      this.binary = binary;
    }

    @Override
    public Outgoing next() throws IOException {
      JsonSampleLines.Line line = lines.next();
      if (line == null) {
        return null;
      }
      long timestamp = lines.time(line.index());
      if (line.valid()) {
        Sample s = line.sample();
        byte[] key = s.getId().getBytes(StandardCharsets.UTF_8);
        byte[] value = format == Format.AVRO ? binary.apply(s) : line.bytes();
        return new Outgoing(key, value, timestamp, true);
      }
      return new Outgoing(bestEffortId(line.bytes()), line.bytes(), timestamp, false);
    }

    /** The "id" of a line that is JSON but not a valid sample, else null. */
    private static byte[] bestEffortId(byte[] line) {
      try {
        JsonNode n = JSON.readTree(line);
        JsonNode id = n == null ? null : n.get("id");
        if (id != null && (id.isTextual() || id.isIntegralNumber()) && !id.asText().isEmpty()) {
          return id.asText().getBytes(StandardCharsets.UTF_8);
        }
      } catch (IOException | RuntimeException e) {
        // not JSON: no key
      }
      return null;
    }

    @Override
    public void close() throws IOException {
      lines.close();
    }
  }
}
