package dev.redunet.stream;

import dev.redunet.avro.Sample;
import dev.redunet.data.LabelledDataset;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Produces labelled MNIST digits as a live source would: at most {@code inFlight} samples ahead of
 * the predictions read so far, so that new model versions reach the scorers within about one delta
 * whatever the machine's load (with a backlog, scoring would race ahead of learning and a test
 * would measure that lag, not the learner). Sample i has id {@code d<i>} and key = id.
 */
final class PacedMnistProducer {
  private PacedMnistProducer() {}

  /** Digit i as a sample: id {@code d<i>}, event time base + i, float features, its label. */
  static Sample sample(LabelledDataset mnist, int i) {
    List<Float> f = new ArrayList<>(mnist.dimension());
    for (double v : mnist.sample(i)) {
      f.add((float) v);
    }
    return Sample.newBuilder()
        .setId("d" + i)
        .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L + i))
        .setFeatures(f)
        .setLabel(mnist.label(i))
        .build();
  }

  static void produce(
      KafkaCluster kafka,
      String topic,
      LabelledDataset mnist,
      int n,
      AtomicLong predicted,
      int inFlight,
      long limitSeconds) {
    AvroCodec<Sample> samples = AvroCodec.of(Sample.class);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(
            kafka.producerConfig(), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Future<RecordMetadata>> sent = new ArrayList<>(n);
      long start = System.nanoTime();
      long limit = TimeUnit.SECONDS.toNanos(limitSeconds);
      for (int i = 0; i < n; i++) {
        Sample s = sample(mnist, i);
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic, s.getId().getBytes(StandardCharsets.UTF_8), samples.encode(s))));
        if (i % 10 == 9) {
          producer.flush();
        }
        while (i + 1 - predicted.get() > inFlight && System.nanoTime() - start < limit) {
          TimeUnit.MILLISECONDS.sleep(2);
        }
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      throw new IllegalStateException("producing the MNIST stream failed", e);
    }
  }
}
