package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.redunet.avro.Prediction;
import dev.redunet.config.AppConfig;
import dev.redunet.config.LearnerConfig;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.stream.learning.LearningPlugin;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The "Novelty" acceptance on the stream: the real topology (validation, the held store,
 * the learning topic, the builder, the model topic and global store) with the learner's default
 * settings. Digits 0–7 of the shipped MNIST subset are learned as labelled samples; the next 3,000
 * digits, 8s and 9s among them, are then sent unlabelled, and their predictions' {@code
 * noveltyBits} and {@code novel} flags must tell the unseen digits from the known ones.
 */
class NoveltyStreamTest {

  @TempDir Path stateDir;

  private static final int LEARNED = 4000;
  private static final int TESTED = 3000;

  @Test
  void unseenDigitsAreNovelOnTheStream() throws IOException {
    LabelledDataset mnist = ShippedDatasets.mnist10k();
    Map<String, String> s = new HashMap<>();
    s.put("redunet.rebuild", "inline"); // the driver runs one record at a time
    s.put("redunet.partitions", "1"); // the driver has one partition per topic
    AppConfig config = AppConfig.of(s);
    assertThat(LearnerConfig.settings(config))
        .as("the learner's default settings")
        .isEqualTo(dev.redunet.learn.LearnerSettings.defaults());
    List<String> testIds = new ArrayList<>();
    Map<String, Boolean> unknown = new HashMap<>();
    try (TopologyFixture f =
        new TopologyFixture(
            s, new LearningPlugin(config, LearnerConfig.settings(config)), stateDir)) {
      int learned = 0;
      int i = 0;
      for (; learned < LEARNED; i++) {
        if (isUnknown(mnist.label(i))) {
          continue; // 8s and 9s are never shown before the test
        }
        f.pipe("d" + i, encode("d" + i, mnist.sample(i), mnist.label(i)));
        learned++;
        if (learned % 250 == 0) {
          f.settle(2); // the builder feeds its core and builds; held samples are released
          f.predictions.readValuesToList();
        }
      }
      for (int t = i; t < i + TESTED; t++) {
        String id = "d" + t;
        f.pipe(id, encode(id, mnist.sample(t), null));
        testIds.add(id);
        unknown.put(id, isUnknown(mnist.label(t)));
      }
      f.settle(5);
      Map<String, Prediction> byId = new HashMap<>();
      for (Prediction p : f.predictions.readValuesToList()) {
        byId.put(p.getSampleId(), p);
      }
      assertThat(byId.keySet()).containsAll(testIds);

      List<Double> unknownBits = new ArrayList<>();
      List<Double> knownBits = new ArrayList<>();
      int caught = 0;
      int falseAlarms = 0;
      long version = -1;
      for (String id : testIds) {
        Prediction p = byId.get(id);
        assertThat(p.getStale()).isFalse();
        assertThat(p.getTrueLabel()).isNull();
        assertThat(p.getNoveltyBits()).as("noveltyBits of %s", id).isNotNull().isFinite();
        version = p.getModelVersion();
        if (unknown.get(id)) {
          unknownBits.add(p.getNoveltyBits());
          caught += p.getNovel() ? 1 : 0;
        } else {
          knownBits.add(p.getNoveltyBits());
          falseAlarms += p.getNovel() ? 1 : 0;
        }
      }
      assertThat(version).as("every test sample is owed the version of all 8 windows").isEqualTo(8);
      double wins = 0;
      for (double a : unknownBits) {
        for (double b : knownBits) {
          wins += a > b ? 1 : a == b ? 0.5 : 0;
        }
      }
      double auc = wins / ((double) unknownBits.size() * knownBits.size());
      double recall = caught / (double) unknownBits.size();
      double falseRate = falseAlarms / (double) knownBits.size();
      System.out.printf(
          "novelty on the stream after 0-7 (v%d): AUC %.4f, 8/9 flagged %.3f (%d of %d), 0-7"
              + " flagged %.3f (%d of %d)%n",
          version,
          auc,
          recall,
          caught,
          unknownBits.size(),
          falseRate,
          falseAlarms,
          knownBits.size());
      assertThat(unknownBits).hasSizeGreaterThan(400);
      assertThat(auc).isGreaterThanOrEqualTo(0.80);
      assertThat(recall).isGreaterThanOrEqualTo(0.35);
      assertThat(falseRate).isLessThanOrEqualTo(0.15);
      // The stream computes what the offline core computes on the same samples in the same order
      // (NoveltyTest prints 320 of 586 and 137 of 2,414 for the learner alone): the same counts.
      assertThat(List.of(caught, unknownBits.size(), falseAlarms, knownBits.size()))
          .containsExactly(320, 586, 137, 2414);
    }
  }

  private static boolean isUnknown(String label) {
    return label.equals("8") || label.equals("9");
  }

  private static byte[] encode(String id, double[] x, String label) {
    List<Float> f = new ArrayList<>(x.length);
    for (double v : x) {
      f.add((float) v);
    }
    return TopologyFixture.SAMPLES.encode(TopologyFixture.sample(id, f, null, label));
  }
}
