package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.app.Main;
import dev.redunet.avro.ClassScore;
import dev.redunet.avro.Features;
import dev.redunet.avro.Prediction;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.data.SensorSignals;
import dev.redunet.data.Shifts;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.SpectralInput;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.spectral.SpectralConstruction;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.signal.SignalShape;
import dev.redunet.stream.PredictionsRead.Outcome;
import dev.redunet.stream.learning.LearningListener;
import dev.redunet.stream.learning.LearningPlugin;
import dev.redunet.testing.KafkaBrokerExtension;
import dev.redunet.testing.KafkaCluster;
import dev.redunet.wire.AvroCodec;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spectral (shift-invariant) network on the stream, on a real broker (issue #14's "Done when"):
 * multichannel transient events of 4 classes (3 channels, T = 64, noise 0.5), nearly aligned at
 * first and then delayed at random ({@link SensorSignals#driftingEvents}), sent as JSON lines with
 * their shape by {@code ./redunet produce} into a fresh application with {@code
 * redunet.network=spectral} (lifting to 8 channels, kernel 5; every other setting its default), and
 * for comparison into one with the vector network and its defaults.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SpectralLearningIT {

  private static final Logger LOG = LoggerFactory.getLogger(SpectralLearningIT.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SignalShape SHAPE = SignalShape.of1d(3, 64);
  private static final int PARTITIONS = 3;

  /** The spectral keys, for the stream and for offline evaluate alike. */
  private static final Map<String, String> SPECTRAL =
      Map.of(
          "redunet.network", "spectral",
          "redunet.feature.shape", "3,64",
          "redunet.lifting.channels", "8",
          "redunet.lifting.kernel", "5");

  @TempDir Path tmp;
  @AutoClose private final MathExecutor math = MathExecutor.create(2, "it-math");

  /** One JSON line {@code {"id":...,"features":[...],"shape":[3,64],"label":...}}. */
  private static String line(String id, double[] x, String label) {
    StringBuilder b = new StringBuilder("{\"id\":\"").append(id).append("\",\"features\":[");
    for (int a = 0; a < x.length; a++) {
      b.append(a == 0 ? "" : ",").append((float) x[a]);
    }
    b.append("],\"shape\":[3,64]");
    if (label != null) {
      b.append(",\"label\":\"").append(label).append('"');
    }
    return b.append('}').toString();
  }

  /** The values as they travel: 32-bit floats. */
  private static double[] asFloats(double[] x) {
    double[] out = new double[x.length];
    for (int a = 0; a < x.length; a++) {
      out[a] = (float) x[a];
    }
    return out;
  }

  private static void write(Path file, List<String> lines) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (String l : lines) {
        w.write(l);
        w.newLine();
      }
    }
  }

  /** Runs {@code ./redunet args...} in-process; fails on a non-zero exit code. */
  private static void redunet(String... args) {
    assertThat(Main.execute(args)).as("exit code of %s", List.of(args)).isZero();
  }

  /**
   * Produces the file into a fresh application's samples topic, starts the application (the
   * learner's {@code keys}) and reads its predictions until every one of {@code valid} ids has one;
   * {@code whileRunning} then sees the running application.
   */
  /** The features topic of the last {@link #stream}. */
  private String featuresTopic;

  private PredictionsRead stream(
      KafkaCluster kafka,
      Path file,
      int valid,
      Map<String, String> keys,
      Consumer<KafkaStreams> whileRunning)
      throws Exception {
    String prefix = kafka.uniqueName("spectral") + ".";
    Map<String, String> settings = new HashMap<>(keys);
    settings.put("redunet.bootstrap.servers", kafka.bootstrapServers());
    settings.put("redunet.application.id", prefix + "app");
    settings.put("redunet.topic.prefix", prefix);
    settings.put("redunet.state.dir", Files.createDirectories(tmp.resolve(prefix)).toString());
    settings.put("redunet.replication.factor", "1");
    AppConfig config = AppConfig.of(settings);
    RedunetTopics topics = RedunetTopics.of(config);
    featuresTopic = topics.features();
    try (Admin admin = kafka.admin()) {
      TopicProvisioner.ensure(admin, config, List.of(), Duration.ofSeconds(60));
    }
    redunet(
        "produce",
        "--bootstrap-servers",
        kafka.bootstrapServers(),
        "--topic",
        topics.samples(),
        "--jsonl",
        file.toString(),
        "--start-time",
        Long.toString(System.currentTimeMillis()));
    IngressMetrics metrics = new IngressMetrics();
    KafkaStreams streams =
        new KafkaStreams(
            RedunetTopology.build(
                config,
                new LearningPlugin(
                    config, LearnerConfig.settings(config), new LearningListener() {}, math),
                metrics),
            StreamsProperties.of(config, metrics));
    long t0 = System.nanoTime();
    try {
      streams.start();
      PredictionsRead read =
          PredictionsRead.until(kafka, topics.predictions(), PARTITIONS, valid, 120, n -> {});
      LOG.info(
          "{} predictions in {} s",
          read.byId.size(),
          String.format("%.1f", (System.nanoTime() - t0) / 1e9));
      assertThat(read.byId).as("one prediction per sample").hasSize(valid);
      whileRunning.accept(streams);
      return read;
    } finally {
      TestStreams.closeWithin30s(streams, config);
    }
  }

  /** The stream's published version v of the default model, from the global model store. */
  private static StreamingModel published(KafkaStreams streams, long v) {
    ReadOnlyKeyValueStore<String, byte[]> store =
        streams.store(
            StoreQueryParameters.fromNameAndType(
                LearningPlugin.MODEL_STORE, QueryableStoreTypes.<String, byte[]>keyValueStore()));
    return LearningPlugin.model(store, "default", v).orElseThrow().model();
  }

  @Test
  void replayConstructionPublishesTheBatchSpectralConstructionOfTheFirstWindow(KafkaCluster kafka)
      throws Exception {
    int w = 120;
    SensorSignals.Dataset data = SensorSignals.driftingEvents(4, 3, 64, w + 10, 60, 2, 0.5, 21);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < w + 10; i++) {
      lines.add(line("r" + i, data.samples()[i], "k" + data.labels()[i]));
    }
    Path file = tmp.resolve("replay.jsonl");
    write(file, lines);
    Map<String, String> keys = new HashMap<>(SPECTRAL);
    keys.put("redunet.construction", "replay");
    keys.put("redunet.window", Integer.toString(w));
    List<StreamingModel> v1 = new ArrayList<>();
    stream(kafka, file, w + 10, keys, streams -> v1.add(published(streams, 1)));
    StreamingModel model = v1.get(0);
    assertThat(model.isSpectral()).isTrue();

    // The batch spectral construction (SpectralConstruction, as the invariance experiments run
    // it) on the window's samples as the stream got them; classes numbered by first appearance.
    Map<String, String> all = new HashMap<>(keys);
    all.put("redunet.bootstrap.servers", "unused:9092");
    LearnerSettings settings = LearnerConfig.settings(AppConfig.of(all));
    List<String> names = new ArrayList<>();
    int[] labels = new int[w];
    double[][] x = new double[w][];
    for (int i = 0; i < w; i++) {
      String label = "k" + data.labels()[i];
      if (!names.contains(label)) {
        names.add(label);
      }
      labels[i] = names.indexOf(label);
      x[i] = asFloats(data.samples()[i]);
    }
    assertThat(model.classNames()).isEqualTo(names);
    List<SpectralLayer> batch =
        SpectralConstruction.run(
                SpectralInput.of(settings).prepare(Matrix.fromColumns(x), math),
                labels,
                IntStream.range(0, names.size()).toArray(),
                settings.layers(),
                new SpectralParameters(settings.epsSq(), settings.eta(), settings.lambda()),
                settings.membership(),
                List.of(),
                true,
                math,
                null)
            .layers();
    assertThat(model.network().layers()).hasSize(settings.layers());
    for (int l = 0; l < batch.size(); l++) {
      SpectralLayer a = (SpectralLayer) model.network().layers().get(l);
      SpectralLayer b = batch.get(l);
      assertThat(a.classes()).isEqualTo(b.classes());
      double max = 0;
      for (int f = 0; f < b.grid().bins(); f++) {
        max = Math.max(max, maxDifference(a.expansionOperator(f), b.expansionOperator(f)));
        for (int j = 0; j < b.classes(); j++) {
          assertThat(a.hasClass(j)).isEqualTo(b.hasClass(j));
          if (b.hasClass(j)) {
            max =
                Math.max(
                    max, maxDifference(a.compressionOperator(j, f), b.compressionOperator(j, f)));
          }
        }
      }
      LOG.info("layer {}: largest operator difference to the batch construction {}", l + 1, max);
      assertThat(max)
          .as("layer %d: E(ω), C_j(ω) of the batch construction", l + 1)
          .isLessThan(1e-9);
    }
  }

  private static double maxDifference(double[][] a, double[][] b) {
    double max = 0;
    for (int p = 0; p < 2; p++) {
      for (int i = 0; i < b[p].length; i++) {
        max = Math.max(max, Math.abs(a[p][i] - b[p][i]));
      }
    }
    return max;
  }

  /** What offline evaluate predicts for every valid line, by id, and its prequential accuracy. */
  private Offline evaluate(Path file, String name, Map<String, String> keys) throws IOException {
    Path out = tmp.resolve(name + ".jsonl");
    Path config = tmp.resolve(name + ".properties");
    Properties p = new Properties();
    p.putAll(keys);
    try (var w = Files.newBufferedWriter(config, StandardCharsets.UTF_8)) {
      p.store(w, null);
    }
    redunet(
        "evaluate",
        "--jsonl",
        file.toString(),
        "--classifier",
        "redunet-micl",
        "--config",
        config.toString(),
        "--predictions",
        out.toString());
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    long scored = 0;
    long correct = 0;
    for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
      JsonNode n = JSON.readTree(line);
      String predicted = n.get("predictedLabel").isNull() ? null : n.get("predictedLabel").asText();
      outcomes.put(
          n.get("sampleId").asText(), new Outcome(n.get("modelVersion").asLong(), predicted));
      JsonNode truth = n.get("trueLabel");
      if (predicted != null && truth != null && !truth.isNull()) {
        scored++;
        correct += predicted.equals(truth.asText()) ? 1 : 0;
      }
    }
    return new Offline(outcomes, correct / (double) scored, scored);
  }

  private record Offline(Map<String, Outcome> byId, double accuracy, long scored) {}

  @Test
  void underDriftingDelaysTheStreamIsExactlyShiftInvariantAndPredictsAsOfflineEvaluate(
      KafkaCluster kafka) throws Exception {
    int n = 2000;
    SensorSignals.Dataset data = SensorSignals.driftingEvents(4, 3, 64, n, 500, 2, 0.5, 14);
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      lines.add(line("e" + i, data.samples()[i], "k" + data.labels()[i]));
    }
    // After the labelled stream: one new event and every one of its T cyclic shifts, unlabelled.
    double[] probe = SensorSignals.driftingEvents(4, 3, 64, 1, 0, 0, 0.5, 15).samples()[0];
    double[][] shifts = Shifts.all(asFloats(probe), SHAPE);
    for (int t = 0; t < shifts.length; t++) {
      lines.add(line("shift" + t, shifts[t], null));
    }
    int valid = lines.size();
    Path file = tmp.resolve("drifting.jsonl");
    write(file, lines);

    Offline spectral = evaluate(file, "spectral", SPECTRAL);
    assertThat(spectral.byId()).hasSize(valid);

    PredictionsRead read = stream(kafka, file, valid, SPECTRAL, streams -> {});
    String spectralFeatures = featuresTopic;
    // The vector network with its default settings on the same stream.
    PredictionsRead vector = stream(kafka, file, valid, Map.of(), streams -> {});
    long vectorScored = 0;
    long vectorCorrect = 0;
    for (List<Prediction> ps : vector.byId.values()) {
      Prediction p = ps.get(0);
      if (p.getPredictedLabel() != null && p.getTrueLabel() != null) {
        vectorScored++;
        vectorCorrect += p.getPredictedLabel().equals(p.getTrueLabel()) ? 1 : 0;
      }
    }
    double vectorAccuracy = vectorCorrect / (double) vectorScored;
    Map<String, Outcome> stream = read.outcomes();

    // Per id: the version owed and the label, as offline evaluate.
    long sameVersion = 0;
    long sameLabel = 0;
    long scored = 0;
    long correct = 0;
    for (Map.Entry<String, Outcome> e : stream.entrySet()) {
      Outcome o = spectral.byId().get(e.getKey());
      sameVersion += o != null && o.version() == e.getValue().version() ? 1 : 0;
      sameLabel += o != null && Objects.equals(o.label(), e.getValue().label()) ? 1 : 0;
      Prediction p = read.byId.get(e.getKey()).get(0);
      assertThat(p.getStale()).as("%s stale", p.getSampleId()).isFalse();
      if (p.getPredictedLabel() != null && p.getTrueLabel() != null) {
        scored++;
        correct += p.getPredictedLabel().equals(p.getTrueLabel()) ? 1 : 0;
      }
    }
    double accuracy = correct / (double) scored;
    LOG.info(
        "drifting delays, {} samples: stream vs offline same version {}, same label {};"
            + " prequential accuracy spectral {} (stream, {} scored), {} (offline); vector {}"
            + " (stream, {} scored)",
        valid,
        sameVersion,
        sameLabel,
        String.format("%.4f", accuracy),
        scored,
        String.format("%.4f", spectral.accuracy()),
        String.format("%.4f", vectorAccuracy),
        vectorScored);
    assertThat(sameVersion).as("the version owed, per id").isEqualTo(valid);
    assertThat(sameLabel).as("the label, per id").isEqualTo(valid);
    assertThat(scored).as("every labelled sample after the first window").isEqualTo(n - 500);
    assertThat(accuracy).isGreaterThanOrEqualTo(0.93);
    assertThat(vectorScored).isEqualTo(scored);
    assertThat(accuracy - vectorAccuracy)
        .as("points above the vector network")
        .isGreaterThanOrEqualTo(0.05);

    // Features out, through the broker: a consumer rebuilds z_L of every shift as a [C', T] array
    // from the record alone, in the signal domain, where the network is shift-equivariant: the
    // features of shift t are those of shift 0 shifted by t.
    Map<String, Features> features = readFeatures(kafka, spectralFeatures, "shift", shifts.length);
    SignalShape lifted = SignalShape.of1d(8, 64);
    double[] z0 = asDoubles(features.get("shift0"));
    double[][] expected = Shifts.all(z0, lifted);
    for (int t = 0; t < shifts.length; t++) {
      Features f = features.get("shift" + t);
      assertThat(f.getShape()).as("shape of shift %d", t).containsExactly(8, 64);
      double[] z = asDoubles(f);
      double norm = 0;
      for (int a = 0; a < z.length; a++) {
        norm += z[a] * z[a];
        assertThat(z[a]).as("shift %d, value %d", t, a).isCloseTo(expected[t][a], within(1e-5));
      }
      assertThat(Math.sqrt(norm)).isCloseTo(1.0, within(1e-5));
    }

    // Exact invariance on the stream's model: the signal and its T shifts, scored by the stream
    // with the same (newest) version, get the same label and the same scores (relative 1e-9).
    Prediction first = read.byId.get("shift0").get(0);
    assertThat(first.getModelVersion()).isEqualTo(n / 500);
    assertThat(first.getPredictedLabel()).isNotNull();
    for (int t = 0; t < shifts.length; t++) {
      Prediction p = read.byId.get("shift" + t).get(0);
      assertThat(p.getModelVersion()).isEqualTo(first.getModelVersion());
      assertThat(p.getPredictedLabel())
          .as("label of shift %d", t)
          .isEqualTo(first.getPredictedLabel());
      for (int j = 0; j < first.getScores().size(); j++) {
        ClassScore a = first.getScores().get(j);
        ClassScore b = p.getScores().get(j);
        assertThat(b.getLabel()).isEqualTo(a.getLabel());
        assertThat(Math.abs(b.getDeltaLBits() - a.getDeltaLBits()))
            .as("δL of %s, shift %d", a.getLabel(), t)
            .isLessThanOrEqualTo(1e-9 * Math.abs(a.getDeltaLBits()));
      }
    }
  }

  /** The Features records (Avro) of the ids that start with {@code prefix}, once all n came. */
  private static Map<String, Features> readFeatures(
      KafkaCluster kafka, String topic, String prefix, int n) {
    AvroCodec<Features> codec = AvroCodec.of(Features.class);
    Map<String, Features> byId = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            kafka.consumerConfig(kafka.uniqueName("features")),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps =
          IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(topic, p)).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (byId.size() < n && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          Features f = codec.decode(r.value());
          if (f.getSampleId().startsWith(prefix)) {
            byId.put(f.getSampleId(), f);
          }
        }
      }
    }
    assertThat(byId).as("features records of the %s samples", prefix).hasSize(n);
    return byId;
  }

  private static double[] asDoubles(Features f) {
    return f.getFeatures().stream().mapToDouble(Float::doubleValue).toArray();
  }
}
