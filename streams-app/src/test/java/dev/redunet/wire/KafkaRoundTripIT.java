package dev.redunet.wire;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Samples in both wire formats, and output records, through a real broker and back. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaRoundTripIT {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaRoundTripIT.class);
  private static final int PER_FORMAT = 50;

  private static Sample sample(int i, Instant time) {
    return Sample.newBuilder()
        .setId("s-" + i)
        .setEventTime(time)
        .setSource(i % 2 == 0 ? "even" : "")
        .setFeatures(List.of(i * 0.5f, -1f / (i + 1), (float) Math.sqrt(i)))
        .setShape(i % 3 == 0 ? List.of(1, 3) : null)
        .setLabel(i % 4 == 0 ? null : "c" + (i % 4))
        .build();
  }

  @Test
  void avroAndJsonSamplesProducedInATransactionAreConsumedBackEqual(KafkaCluster kafka)
      throws Exception {
    LOG.info("KafkaRoundTripIT runs against {}", kafka);
    String topic = kafka.createTopic("samples", 3);
    AvroCodec<Sample> codec = AvroCodec.of(Sample.class);
    Map<String, Sample> expected = new LinkedHashMap<>();
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    for (int i = 0; i < 2 * PER_FORMAT; i++) {
      long recordTime = 1_714_564_800_000L + i;
      Sample s = sample(i, Instant.ofEpochMilli(recordTime));
      byte[] value;
      if (i % 2 == 0) {
        value = codec.encode(s);
      } else if (i % 4 == 1) {
        value = JsonRecordWriter.toJson(s).getBytes(StandardCharsets.UTF_8);
      } else {
        // JSON without a timestamp: the event time becomes the Kafka record timestamp.
        String json =
            "{\"id\":\""
                + s.getId()
                + "\",\"features\":"
                + s.getFeatures()
                + ",\"label\":"
                + (s.getLabel() == null ? "null" : "\"" + s.getLabel() + "\"")
                + ",\"source\":\""
                + s.getSource()
                + "\""
                + (s.getShape() == null
                    ? ""
                    : ",\"shape\":" + s.getShape().toString().replace(" ", ""))
                + "}";
        value = json.getBytes(StandardCharsets.UTF_8);
      }
      expected.put(s.getId(), s);
      records.add(
          new ProducerRecord<>(
              topic, null, recordTime, s.getId().getBytes(StandardCharsets.UTF_8), value));
    }
    records.add(
        new ProducerRecord<>(
            topic, null, 0L, null, "not a sample".getBytes(StandardCharsets.UTF_8)));

    long t0 = System.nanoTime();
    Map<String, Object> producerConfig = kafka.producerConfig();
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("round-trip"));
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      producer.beginTransaction();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ProducerRecord<byte[], byte[]> r : records) {
        sent.add(producer.send(r));
      }
      producer.commitTransaction();
      for (Future<RecordMetadata> f : sent) {
        f.get(30, TimeUnit.SECONDS);
      }
    }

    SampleDecoder decoder = SampleDecoder.create();
    Map<String, Sample> received = new HashMap<>();
    Map<SampleDecoder.Format, Integer> formats = new HashMap<>();
    List<WireFormatException> rejected = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            kafka.consumerConfig("round-trip"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (received.size() + rejected.size() < records.size() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          try {
            Sample s = decoder.decode(r.value(), Instant.ofEpochMilli(r.timestamp()));
            formats.merge(SampleDecoder.detect(r.value()).orElseThrow(), 1, Integer::sum);
            assertThat(received.put(s.getId(), s)).as("duplicate %s", s.getId()).isNull();
          } catch (WireFormatException e) {
            rejected.add(e);
          }
        }
      }
    }
    LOG.info(
        "Round trip of {} records ({}) through {} took {} ms",
        records.size(),
        formats,
        kafka.bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));

    assertThat(received).isEqualTo(expected);
    assertThat(formats)
        .containsEntry(SampleDecoder.Format.AVRO, PER_FORMAT)
        .containsEntry(SampleDecoder.Format.JSON, PER_FORMAT);
    assertThat(rejected)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(RejectReason.UNPARSABLE);
              assertThat(e.getMessage()).contains("first byte 6E");
            });
  }

  @Test
  void outputRecordsRoundTripThroughTheirSerdes(KafkaCluster kafka) throws Exception {
    String topic = kafka.createTopic("predictions", 1);
    Prediction p =
        Prediction.newBuilder()
            .setSampleId("s-1")
            .setModelVersion(2)
            .setPredictedLabel("a")
            .setScores(
                List.of(
                    new ClassScore("a", 1.5, 0.9),
                    new ClassScore("b", Double.POSITIVE_INFINITY, null)))
            .setTrueLabel(null)
            .build();
    try (KafkaProducer<String, Prediction> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new StringSerializer(), WireSerdes.prediction().serializer())) {
      producer.send(new ProducerRecord<>(topic, "s-1", p)).get(30, TimeUnit.SECONDS);
    }
    List<Prediction> back = new ArrayList<>();
    try (KafkaConsumer<String, Prediction> consumer =
        new KafkaConsumer<>(
            kafka.consumerConfig("predictions"),
            new StringDeserializer(),
            WireSerdes.prediction().deserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (back.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> back.add(r.value()));
      }
    }
    assertThat(back).containsExactly(p);
  }
}
