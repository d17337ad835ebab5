package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.WireFormatException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records on the rejected topic carry the dead-letter headers of KIP-1034 ({@link
 * DeadLetterHeaders}) through a real broker, from each place that rejects: the parse-and-validate
 * processor (a decoder error and a failed check), the streaming learner's scorer (a sample of
 * another shape than the first labelled one), and the processing exception handler (a scorer that
 * throws). The coordinates in the headers are those the producer got back for the input record.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DeadLetterIT {

  private static final AvroCodec<RejectedRecord> REJECTED = AvroCodec.of(RejectedRecord.class);

  @TempDir Path stateDir;

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String json(String id, String features, String label) {
    return "{\"id\":\""
        + id
        + "\",\"features\":["
        + features
        + "]"
        + (label == null ? "" : ",\"label\":\"" + label + "\"")
        + "}";
  }

  /** One rejected record as read back: its value, headers and key. */
  private record Read(String key, RejectedRecord value, Headers headers) {}

  private static AppConfig config(KafkaCluster kafka, String prefix, Path state) {
    Map<String, String> s = new HashMap<>();
    s.put("redunet.bootstrap.servers", kafka.bootstrapServers());
    s.put("redunet.application.id", kafka.uniqueName("dlq-app"));
    s.put("redunet.topic.prefix", prefix);
    s.put("redunet.state.dir", state.toString());
    s.put("redunet.partitions", "1");
    s.put("redunet.replication.factor", "1");
    s.put("redunet.window", "4");
    s.put("redunet.layers", "1");
    s.put("kafka.commit.interval.ms", "100");
    return AppConfig.of(s);
  }

  /** Sends the records in order; returns each one's coordinates by key. */
  private static Map<String, RecordMetadata> send(
      KafkaCluster kafka, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
    Map<String, RecordMetadata> sent = new LinkedHashMap<>();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      for (ProducerRecord<byte[], byte[]> r : records) {
        sent.put(
            new String(r.key(), StandardCharsets.UTF_8),
            producer.send(r).get(30, TimeUnit.SECONDS));
      }
    }
    return sent;
  }

  /** Runs the topology until {@code expected} rejected records are read; returns them by key. */
  private static Map<String, Read> runUntilRejected(
      KafkaCluster kafka, AppConfig config, ScoringPlugin plugin, int expected) throws Exception {
    RedunetTopics topics = RedunetTopics.of(config);
    IngressMetrics metrics = new IngressMetrics();
    Map<String, Read> rejected = new LinkedHashMap<>();
    KafkaStreams streams =
        new KafkaStreams(
            RedunetTopology.build(config, plugin, metrics), StreamsProperties.of(config, metrics));
    try {
      streams.start();
      try (KafkaConsumer<byte[], byte[]> consumer =
          new KafkaConsumer<>(
              kafka.consumerConfig("dlq-read"),
              new ByteArrayDeserializer(),
              new ByteArrayDeserializer())) {
        TopicPartition p = new TopicPartition(topics.rejected(), 0);
        consumer.assign(List.of(p));
        consumer.seekToBeginning(List.of(p));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (rejected.size() < expected && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(rejected).as("one rejected record per input").doesNotContainKey(key);
            rejected.put(key, new Read(key, REJECTED.decode(r.value()), r.headers()));
          }
        }
      }
    } finally {
      TestStreams.closeWithin30s(streams, config);
    }
    assertThat(rejected).as("rejected records read").hasSize(expected);
    return rejected;
  }

  /** The headers of {@code r} say {@code exception} and point at the input record {@code at}. */
  private static void assertDeadLetter(Read r, Class<?> exception, RecordMetadata at) {
    Headers h = r.headers();
    for (String name : DeadLetterHeaders.NAMES) {
      assertThat(h.headers(name)).as("%s: header %s once", r.key(), name).hasSize(1);
    }
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.EXCEPTION))
        .as(r.key())
        .isEqualTo(exception.getName());
    String message = DeadLetterHeaders.text(h, DeadLetterHeaders.MESSAGE);
    assertThat(message).as(r.key()).isNotBlank();
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.STACKTRACE))
        .as(r.key())
        .startsWith(exception.getName() + ": " + message + System.lineSeparator())
        .contains("\tat dev.redunet.");
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.TOPIC)).isEqualTo(at.topic());
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.PARTITION))
        .isEqualTo(Integer.toString(at.partition()));
    assertThat(DeadLetterHeaders.text(h, DeadLetterHeaders.OFFSET))
        .isEqualTo(Long.toString(at.offset()));
    assertThat(r.value().getSourceTopic()).isEqualTo(at.topic());
    assertThat(r.value().getSourceOffset()).isEqualTo(at.offset());
  }

  @Test
  void theValidatorAndTheLearnersScorerWriteTheDeadLetterHeaders(KafkaCluster kafka)
      throws Exception {
    String prefix = kafka.uniqueName("dlq") + ".";
    AppConfig config = config(kafka, prefix, stateDir.resolve("a"));
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
    }
    String samples = RedunetTopics.of(config).samples();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    String[] labels = {"a", "b"};
    for (int i = 0; i < 4; i++) {
      records.add(record(samples, "s" + i, json("s" + i, (i + 1) + ",1,0.5", labels[i % 2])));
    }
    ProducerRecord<byte[], byte[]> unparsable = record(samples, "garbage", "not json at all");
    unparsable.headers().add("trace-id", utf8("t-42"));
    records.add(unparsable);
    records.add(record(samples, "zeros", json("zeros", "0,0,0", "a")));
    records.add(record(samples, "odd", json("odd", "1,2,3,4", "a")));
    for (int i = 4; i < 10; i++) {
      records.add(record(samples, "s" + i, json("s" + i, (i + 1) + ",1,0.5", labels[i % 2])));
    }
    Map<String, RecordMetadata> sent = send(kafka, records);

    AppConfig c = config;
    Map<String, Read> rejected =
        runUntilRejected(kafka, c, new LearningPlugin(c, LearnerConfig.settings(c)), 3);

    Read garbage = rejected.get("garbage");
    assertThat(garbage.value().getReason()).isEqualTo(RejectReason.UNPARSABLE);
    assertDeadLetter(garbage, WireFormatException.class, sent.get("garbage"));
    assertThat(DeadLetterHeaders.text(garbage.headers(), DeadLetterHeaders.MESSAGE))
        .isEqualTo(garbage.value().getMessage());
    Header first = garbage.headers().toArray()[0];
    assertThat(first.key()).as("the input's own header is kept, first").isEqualTo("trace-id");
    assertThat(new String(first.value(), StandardCharsets.UTF_8)).isEqualTo("t-42");

    Read zeros = rejected.get("zeros");
    assertThat(zeros.value().getReason()).isEqualTo(RejectReason.EMPTY_VECTOR);
    assertDeadLetter(zeros, InvalidSampleException.class, sent.get("zeros"));
    assertThat(DeadLetterHeaders.text(zeros.headers(), DeadLetterHeaders.MESSAGE))
        .isEqualTo(zeros.value().getMessage());
    assertThat(DeadLetterHeaders.text(zeros.headers(), DeadLetterHeaders.STACKTRACE))
        .contains("at dev.redunet.stream.SampleValidation.validate(")
        .contains("at dev.redunet.stream.ValidateProcessor.process(");

    Read odd = rejected.get("odd");
    assertThat(odd.value().getReason()).isEqualTo(RejectReason.WRONG_DIMENSION);
    assertDeadLetter(odd, InvalidSampleException.class, sent.get("odd"));
    assertThat(DeadLetterHeaders.text(odd.headers(), DeadLetterHeaders.MESSAGE))
        .isEqualTo(odd.value().getMessage())
        .contains("fixed by the first labelled sample");
  }

  @Test
  void aScorerThatThrowsSendsItsInputWithTheExceptionInTheHeaders(KafkaCluster kafka)
      throws Exception {
    String prefix = kafka.uniqueName("dlq2") + ".";
    AppConfig config = config(kafka, prefix, stateDir.resolve("b"));
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
    }
    String samples = RedunetTopics.of(config).samples();
    ScoringPlugin throwing =
        () ->
            SampleScorer.synchronous(
                s -> {
                  if (s.id().equals("boom")) {
                    throw new IllegalStateException("the scorer cannot take " + s.id());
                  }
                  return IdentityScorer.identity(s);
                });
    ProducerRecord<byte[], byte[]> boom = record(samples, "boom", json("boom", "1,2", null));
    boom.headers().add("origin", utf8("sensor-9"));
    Map<String, RecordMetadata> sent =
        send(
            kafka,
            List.of(
                record(samples, "fine", json("fine", "1,2", null)),
                boom,
                record(samples, "also-fine", json("also-fine", "2,1", null))));

    Map<String, Read> rejected = runUntilRejected(kafka, config, throwing, 1);

    Read r = rejected.get("boom");
    assertThat(r.value().getReason()).isEqualTo(RejectReason.OTHER);
    assertDeadLetter(r, IllegalStateException.class, sent.get("boom"));
    assertThat(DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.MESSAGE))
        .isEqualTo("the scorer cannot take boom");
    assertThat(DeadLetterHeaders.text(r.headers(), DeadLetterHeaders.STACKTRACE))
        .contains("at dev.redunet.stream.DeadLetterIT.lambda$");
    assertThat(DeadLetterHeaders.text(r.headers(), "origin")).isEqualTo("sensor-9");
  }

  private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
    return new ProducerRecord<>(topic, utf8(key), utf8(value));
  }
}
