package dev.redunet.stream;

import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectedRecord;
import dev.redunet.avro.Sample;
import dev.redunet.config.AppConfig;
import dev.redunet.wire.AvroCodec;
import dev.redunet.wire.OutputSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/** A TopologyTestDriver around {@link RedunetTopology} with typed input and output topics. */
final class TopologyFixture implements AutoCloseable {

  static final AvroCodec<Sample> SAMPLES = AvroCodec.of(Sample.class);
  static final Instant START = Instant.parse("2024-05-01T12:00:00Z");

  final AppConfig config;
  final RedunetTopics topics;
  final IngressMetrics metrics = new IngressMetrics();
  final TopologyTestDriver driver;
  final TestInputTopic<byte[], byte[]> samples;
  final TestOutputTopic<String, Prediction> predictions;
  final TestOutputTopic<String, Features> features;
  final TestOutputTopic<byte[], RejectedRecord> rejected;
  private long time = START.toEpochMilli();

  TopologyFixture(Map<String, String> settings, ScoringPlugin plugin, Path stateDir) {
    Map<String, String> all = new HashMap<>(settings);
    all.putIfAbsent("redunet.bootstrap.servers", "unused:9092");
    all.putIfAbsent("redunet.state.dir", stateDir.toString());
    config = AppConfig.of(all);
    topics = RedunetTopics.of(config);
    Properties props = StreamsProperties.of(config, metrics);
    driver = new TopologyTestDriver(RedunetTopology.build(config, plugin, metrics), props, START);
    samples =
        driver.createInputTopic(
            topics.samples(), new ByteArraySerializer(), new ByteArraySerializer());
    // The output serdes read either format, so the fixture reads whatever redunet.output.format
    // the settings choose.
    OutputSerdes outputs = OutputSerdes.of(config);
    predictions =
        driver.createOutputTopic(
            topics.predictions(), new StringDeserializer(), outputs.predictions().deserializer());
    features =
        driver.createOutputTopic(
            topics.features(), new StringDeserializer(), outputs.features().deserializer());
    rejected =
        driver.createOutputTopic(
            topics.rejected(), new ByteArrayDeserializer(), outputs.rejected().deserializer());
    if (!props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG).equals("exactly_once_v2")) {
      throw new IllegalStateException("tests run the default guarantee, exactly_once_v2");
    }
  }

  TopologyFixture(Map<String, String> settings, Path stateDir) {
    this(settings, ScoringPlugin.identity(), stateDir);
  }

  /** Pipes one record with key {@code key} (may be null); returns its offset. */
  void pipe(String key, byte[] value) {
    time += 1000;
    samples.pipeInput(
        new TestRecord<>(
            key == null ? null : key.getBytes(StandardCharsets.UTF_8),
            value,
            Instant.ofEpochMilli(time)));
  }

  /**
   * Advances the wall clock in steps of 100 ms, {@code steps} times, running the punctuations (the
   * scorers report progress and release waiting samples, the builder advances its watermark).
   */
  void settle(int steps) {
    for (int i = 0; i < steps; i++) {
      driver.advanceWallClockTime(java.time.Duration.ofMillis(100));
    }
  }

  long lastTimestamp() {
    return time;
  }

  static Sample sample(String id, List<Float> values, List<Integer> shape, String label) {
    return Sample.newBuilder()
        .setId(id)
        .setEventTime(START)
        .setSource("test")
        .setFeatures(values)
        .setShape(shape)
        .setLabel(label)
        .build();
  }

  /** A valid sample with values 1, 2, ..., d (as Avro). */
  static byte[] avro(String id, int d, String label) {
    return SAMPLES.encode(sample(id, ramp(d), null, label));
  }

  /** A valid sample with values 1, 2, ..., d (as JSON). */
  static byte[] json(String id, int d, String label) {
    StringBuilder sb = new StringBuilder("{\"id\":\"" + id + "\",\"features\":[");
    for (int i = 1; i <= d; i++) {
      sb.append(i == 1 ? "" : ",").append(i);
    }
    sb.append("]");
    if (label != null) {
      sb.append(",\"label\":\"").append(label).append("\"");
    }
    return sb.append("}").toString().getBytes(StandardCharsets.UTF_8);
  }

  static List<Float> ramp(int d) {
    List<Float> v = new ArrayList<>();
    for (int i = 1; i <= d; i++) {
      v.add((float) i);
    }
    return v;
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  List<Prediction> predictions() {
    return predictions.readValuesToList();
  }

  /** The value of a Kafka Streams metric of the ingress group with the given tags, or null. */
  Double streamsMetric(String name, Map<String, String> tags) {
    for (Map.Entry<MetricName, ? extends org.apache.kafka.common.Metric> e :
        driver.metrics().entrySet()) {
      MetricName m = e.getKey();
      if (m.group().equals(IngressSensors.GROUP)
          && m.name().equals(name)
          && m.tags().entrySet().containsAll(tags.entrySet())) {
        return ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    return null;
  }

  @Override
  public void close() {
    driver.close();
  }
}
