package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * A spectral network's statistics as the builder stores them (ModelCodec's statistics parts): per
 * depth, class and range of frequency bins, each part under the smallest record limit, and the
 * parts added back in any order rebuild the statistics exactly.
 */
class SpectralStatisticsPartsTest {

  /** Statistics at depths 0 … 2 and the output of {@code m} random signals of {@code k} classes. */
  private static ModelStatistics statistics(SignalShape shape, int m, int k, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<SpectralBatch> depths = new ArrayList<>();
    int[] labels = new int[m];
    for (int i = 0; i < m; i++) {
      labels[i] = i % k;
    }
    for (int l = 0; l <= 2; l++) {
      double[][] x = new double[m][shape.size()];
      for (double[] row : x) {
        for (int a = 0; a < row.length; a++) {
          row[a] = r.nextGaussian();
        }
      }
      depths.add(SpectralBatch.fromSignals(shape, x, MathExecutor.sequential()));
    }
    return ModelStatistics.ofSpectral(
        depths, depths.get(2), labels, k + 1, MathExecutor.sequential()); // class k: no samples
  }

  private static ModelStatistics restored(Map<String, byte[]> parts, long seed) {
    List<String> names = new ArrayList<>(parts.keySet());
    Collections.shuffle(names, new Random(seed));
    ModelStatistics s = ModelStatistics.emptySpectral(2);
    for (String name : names) {
      s = ModelCodec.addPart(s, name, parts.get(name));
    }
    return s;
  }

  private static void assertSameStatistics(ModelStatistics actual, ModelStatistics expected) {
    assertThat(actual.layers()).isEqualTo(expected.layers());
    for (int l = 0; l <= expected.layers(); l++) {
      assertSameClasses(actual.spectralDepth(l), expected.spectralDepth(l));
    }
    assertSameClasses(actual.spectralOutput(), expected.spectralOutput());
  }

  private static void assertSameClasses(
      List<SpectralStatistics> actual, List<SpectralStatistics> expected) {
    assertThat(actual).hasSameSizeAs(expected);
    for (int j = 0; j < expected.size(); j++) {
      assertThat(actual.get(j).maxAbsDifference(expected.get(j))).as("class %d", j).isZero();
      assertThat(actual.get(j).count()).isEqualTo(expected.get(j).count());
    }
  }

  @Test
  void smallStatisticsAreOnePartPerDepthAndClass() {
    ModelStatistics s = statistics(SignalShape.of1d(3, 16), 12, 3, 1);
    Map<String, byte[]> parts = ModelCodec.statisticsParts(s);
    // 3 depths and the output, 4 class indices each (one of them empty), 9 bins in one part
    assertThat(parts).hasSize(16).containsKey("depth/1/2/bins/0").containsKey("output/3/bins/0");
    assertSameStatistics(restored(parts, 2), s);
  }

  @Test
  void largeStatisticsAreSplitByBinsUnderTheRecordLimitAndRebuiltExactly() {
    // C = 16 channels, T = 1024: 513 bins of 136 packed complex entries, 1.1 MB per class
    ModelStatistics s = statistics(SignalShape.of1d(16, 1024), 6, 2, 3);
    Map<String, byte[]> parts = ModelCodec.statisticsParts(s);
    int step = ModelCodec.SPECTRAL_PART_BYTES / (16 * 136);
    int perClass = (513 + step - 1) / step;
    assertThat(perClass).isEqualTo(3);
    assertThat(parts).hasSize(4 * 3 * perClass);
    assertThat(parts)
        .containsKeys("depth/0/0/bins/0", "depth/0/0/bins/" + step, "depth/0/0/bins/" + 2 * step);
    for (Map.Entry<String, byte[]> p : parts.entrySet()) {
      assertThat(p.getValue().length)
          .as(p.getKey())
          .isLessThanOrEqualTo(ModelCodec.SPECTRAL_PART_BYTES + 1024);
    }
    assertSameStatistics(restored(parts, 4), s);
    assertSameStatistics(restored(parts, 5), s);
  }

  @Test
  void theCountIsCarriedOnceWhateverTheNumberOfParts() {
    ModelStatistics s = statistics(SignalShape.of1d(16, 1024), 6, 2, 3);
    ModelStatistics back = restored(ModelCodec.statisticsParts(s), 6);
    assertThat(back.spectralDepth(0).get(0).count()).isEqualTo(3.0);
    assertThat(back.spectralDepth(0).get(0).dcSum()).isEqualTo(s.spectralDepth(0).get(0).dcSum());
  }

  @Test
  void aSpectralPartIsRefusedByVectorStatistics() {
    ModelStatistics s = statistics(SignalShape.of1d(2, 8), 4, 2, 7);
    Map.Entry<String, byte[]> part = ModelCodec.statisticsParts(s).entrySet().iterator().next();
    assertThatThrownBy(
            () -> ModelCodec.addPart(ModelStatistics.empty(16, 2), part.getKey(), part.getValue()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("vector");
  }

  @Test
  void aTruncatedPartIsACorruptPart() {
    ModelStatistics s = statistics(SignalShape.of1d(2, 8), 4, 2, 7);
    Map.Entry<String, byte[]> part = ModelCodec.statisticsParts(s).entrySet().iterator().next();
    byte[] cut = java.util.Arrays.copyOf(part.getValue(), part.getValue().length - 3);
    assertThatThrownBy(
            () -> ModelCodec.addPart(ModelStatistics.emptySpectral(2), part.getKey(), cut))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("corrupt statistics part " + part.getKey());
  }
}
