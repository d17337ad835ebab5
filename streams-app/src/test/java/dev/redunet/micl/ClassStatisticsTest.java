package dev.redunet.micl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.redunet.testing.GoldenVectors;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ClassStatisticsTest {

  private static final double GOLDEN_TOL = 1e-9;

  @Test
  void centredStatisticsOfTheGoldenClassesMatchTheReference() {
    JsonNode root = GoldenVectors.load("micl_static.json");
    for (JsonNode cls : root.get("classes")) {
      double[][] points = GoldenVectors.rows(cls.get("points"));
      JsonNode ref = cls.get("stats");
      ClassStatistics twoPass = ClassStatistics.of(points);
      ClassStatistics welford = ClassStatistics.empty(points[0].length);
      for (double[] x : points) {
        welford = welford.plus(x);
      }
      StatisticsAccumulator acc = new StatisticsAccumulator(points[0].length);
      for (double[] x : points) {
        acc.add(x);
      }
      for (ClassStatistics s : new ClassStatistics[] {twoPass, welford, acc.snapshot()}) {
        assertThat(s.count()).isEqualTo(ref.get("n").asDouble());
        assertVectorClose(s.mean(), GoldenVectors.doubles(ref.get("mean")), GOLDEN_TOL);
        assertMatrixClose(s.scatter(), GoldenVectors.rows(ref.get("scatter_centered")), GOLDEN_TOL);
        assertVectorClose(s.rawSum(), GoldenVectors.doubles(ref.get("sum")), GOLDEN_TOL);
        assertMatrixClose(s.rawScatter(), GoldenVectors.rows(ref.get("scatter_raw")), GOLDEN_TOL);
      }
    }
  }

  @Test
  void decayedStatisticsOfTheForgettingVectorMatchTheReference() {
    JsonNode root = GoldenVectors.load("micl_decay.json");
    double lambda = root.get("conventions").get("lambda_").asDouble();
    int finalTick = root.get("final_tick").asInt();
    int k = root.get("final_stats").size();
    ClassStatistics[] byValue = new ClassStatistics[k];
    StatisticsAccumulator[] inPlace = new StatisticsAccumulator[k];
    for (int j = 0; j < k; j++) {
      byValue[j] = ClassStatistics.empty(3);
      inPlace[j] = new StatisticsAccumulator(3);
    }
    int t = 0;
    for (JsonNode sample : root.get("samples")) {
      assertThat(sample.get("t").asInt()).isEqualTo(t);
      int label = sample.get("label").asInt();
      double[] x = GoldenVectors.doubles(sample.get("x"));
      byValue[label] = byValue[label].plus(x);
      inPlace[label].add(x);
      for (int j = 0; j < k; j++) {
        byValue[j] = byValue[j].scaled(lambda);
        inPlace[j].scale(lambda);
      }
      t++;
    }
    assertThat(t).isEqualTo(finalTick);
    for (int j = 0; j < k; j++) {
      JsonNode ref = root.get("final_stats").get(j);
      for (ClassStatistics s : new ClassStatistics[] {byValue[j], inPlace[j].snapshot()}) {
        assertThat(GoldenVectors.close(s.count(), ref.get("n").asDouble(), GOLDEN_TOL, 0)).isTrue();
        assertVectorClose(s.mean(), GoldenVectors.doubles(ref.get("mean")), GOLDEN_TOL);
        assertMatrixClose(s.scatter(), GoldenVectors.rows(ref.get("scatter_centered")), GOLDEN_TOL);
        assertMatrixClose(s.rawScatter(), GoldenVectors.rows(ref.get("scatter_raw")), GOLDEN_TOL);
      }
    }
  }

  @Test
  void mergeIsAssociativeCommutativeAndEqualsAccumulatingEverything() {
    Random rnd = new Random(11);
    int d = 7;
    double[][] a = gaussian(rnd, 9, d, 3.0);
    double[][] b = gaussian(rnd, 4, d, -2.0);
    double[][] c = gaussian(rnd, 13, d, 0.5);
    ClassStatistics sa = ClassStatistics.of(a);
    ClassStatistics sb = ClassStatistics.of(b);
    ClassStatistics sc = ClassStatistics.of(c);
    ClassStatistics all = ClassStatistics.of(concat(a, b, c));

    ClassStatistics left = sa.merge(sb).merge(sc);
    ClassStatistics right = sa.merge(sb.merge(sc));
    ClassStatistics swapped = sc.merge(sa).merge(sb);
    for (ClassStatistics s : new ClassStatistics[] {left, right, swapped}) {
      assertStatsClose(s, all, 1e-12);
    }
    StatisticsAccumulator acc = new StatisticsAccumulator(sa);
    acc.merge(sb);
    for (double[] x : c) {
      acc.add(x);
    }
    assertStatsClose(acc.snapshot(), all, 1e-12);
  }

  @Test
  void emptyIsTheIdentityOfMerge() {
    ClassStatistics s = ClassStatistics.of(gaussian(new Random(2), 5, 4, 1.0));
    ClassStatistics e = ClassStatistics.empty(4);
    assertThat(s.merge(e)).isEqualTo(s);
    assertThat(e.merge(s)).isEqualTo(s);
    assertThat(e.merge(e).isEmpty()).isTrue();
  }

  @Test
  void accumulatorMatchesSampleBySampleWelfordAcrossBlockBoundaries() {
    Random rnd = new Random(5);
    int d = 11;
    double[][] x = gaussian(rnd, 3 * StatisticsAccumulator.BLOCK + 5, d, 1.5);
    ClassStatistics welford = ClassStatistics.empty(d);
    StatisticsAccumulator acc = new StatisticsAccumulator(d);
    for (int i = 0; i < x.length; i++) {
      welford = welford.plus(x[i]);
      acc.add(x[i]);
      if (i % 7 == 3) {
        assertStatsClose(acc.snapshot(), welford, 1e-12);
      }
    }
    assertStatsClose(acc.snapshot(), welford, 1e-12);
    assertThat(acc.count()).isEqualTo(x.length);
  }

  @Test
  void weightedInsertAndDecayEqualExplicitlyWeightedStatistics() {
    Random rnd = new Random(8);
    int d = 5;
    int m = 40;
    double lambda = 0.93;
    double[][] x = gaussian(rnd, m, d, 2.0);
    StatisticsAccumulator acc = new StatisticsAccumulator(d);
    ClassStatistics byValue = ClassStatistics.empty(d);
    for (double[] xi : x) {
      acc.scale(lambda);
      acc.add(xi);
      byValue = byValue.scaled(lambda).plus(xi);
    }
    // Explicit weights w_i = λ^(m-1-i): N = Σ w, μ = Σ w x / N, C = Σ w (x-μ)(x-μ)ᵀ.
    double n = 0.0;
    double[] mu = new double[d];
    for (int i = 0; i < m; i++) {
      double w = Math.pow(lambda, m - 1 - i);
      n += w;
      for (int j = 0; j < d; j++) {
        mu[j] += w * x[i][j];
      }
    }
    for (int j = 0; j < d; j++) {
      mu[j] /= n;
    }
    double[][] c = new double[d][d];
    for (int i = 0; i < m; i++) {
      double w = Math.pow(lambda, m - 1 - i);
      for (int p = 0; p < d; p++) {
        for (int q = 0; q < d; q++) {
          c[p][q] += w * (x[i][p] - mu[p]) * (x[i][q] - mu[q]);
        }
      }
    }
    ClassStatistics explicit = ClassStatistics.ofCentred(n, mu, c);
    assertStatsClose(acc.snapshot(), explicit, 1e-12);
    assertStatsClose(byValue, explicit, 1e-12);
    assertStatsClose(ClassStatistics.empty(d).plus(x[0], 2.5), scaleOne(x[0], 2.5), 0);
  }

  @Test
  void extremeDecayIsFoldedBeforeItUnderflowsAndMergingIntoAnEmptyAccumulatorCopies() {
    Random rnd = new Random(9);
    int d = 3;
    double[][] x = gaussian(rnd, 6, d, 1.0);
    StatisticsAccumulator acc = new StatisticsAccumulator(d);
    ClassStatistics byValue = ClassStatistics.empty(d);
    for (int i = 0; i < x.length; i++) {
      acc.add(x[i]);
      byValue = byValue.plus(x[i]);
      // The pending factor reaches 1e-200 (below the fold threshold 1e-150) and comes back.
      double f = new double[] {1e-100, 1e-100, 1e100, 1e100, 1e-100, 1e100}[i];
      acc.scale(f);
      byValue = byValue.scaled(f);
    }
    assertStatsClose(acc.snapshot(), byValue, 1e-12);

    StatisticsAccumulator empty = new StatisticsAccumulator(d);
    ClassStatistics s = ClassStatistics.of(x);
    empty.merge(s);
    assertThat(empty.snapshot()).isEqualTo(s);
    empty.scale(0.0);
    assertThat(empty.isEmpty()).isTrue();
  }

  @Test
  void centredStatisticsKeepPrecisionFarFromTheOriginWhereRawSumsLoseIt() {
    Random rnd = new Random(3);
    int d = 4;
    int m = 200;
    double offset = 1e4;
    double[][] noise = new double[m][d];
    double[][] points = new double[m][d];
    for (int i = 0; i < m; i++) {
      for (int j = 0; j < d; j++) {
        points[i][j] = offset + 1e-2 * rnd.nextGaussian();
        noise[i][j] = points[i][j] - offset; // exact (Sterbenz)
      }
    }
    double[][] reference = ClassStatistics.of(noise).scatter();
    StatisticsAccumulator acc = new StatisticsAccumulator(d);
    ClassStatistics welford = ClassStatistics.empty(d);
    for (double[] x : points) {
      acc.add(x);
      welford = welford.plus(x);
    }
    ClassStatistics raw =
        ClassStatistics.fromRawSums(m, welford.rawSum(), rawScatterDirect(points));
    assertThat(relativeError(welford.scatter(), reference)).isLessThan(1e-8);
    assertThat(relativeError(acc.snapshot().scatter(), reference)).isLessThan(1e-8);
    assertThat(relativeError(raw.scatter(), reference)).isGreaterThan(1e-6);
  }

  @Test
  void serializationRoundTripsExactly() {
    ClassStatistics s = ClassStatistics.of(gaussian(new Random(4), 6, 5, 1.0)).scaled(0.7);
    double[] data = s.toArray();
    assertThat(data).hasSize(2 + 5 + 15);
    assertThat(ClassStatistics.fromArray(data)).isEqualTo(s);
    assertThat(ClassStatistics.fromArray(ClassStatistics.empty(3).toArray()).isEmpty()).isTrue();
  }

  @Test
  void invalidInputIsRejectedWithTheShapeInTheMessage() {
    ClassStatistics s = ClassStatistics.empty(3);
    assertThatThrownBy(() -> s.plus(new double[4]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("length 4")
        .hasMessageContaining("dimension 3");
    assertThatThrownBy(() -> s.plus(new double[] {1, Double.NaN, 0}))
        .hasMessageContaining("non-finite");
    assertThatThrownBy(() -> s.plus(new double[3], 0.0)).hasMessageContaining("weight");
    assertThatThrownBy(() -> s.scaled(-1)).hasMessageContaining("scale");
    assertThatThrownBy(() -> s.merge(ClassStatistics.empty(2))).hasMessageContaining("3 vs 2");
    assertThatThrownBy(() -> ClassStatistics.fromArray(new double[] {3, 1, 0}))
        .hasMessageContaining("must have length 11");
    assertThatThrownBy(() -> ClassStatistics.of(new double[][] {{1, 2}, {3}}))
        .hasMessageContaining("sample 1 has length 1");
  }

  @Test
  void scalingByZeroEmptiesAndDecayKeepsTheMean() {
    ClassStatistics s = ClassStatistics.of(gaussian(new Random(6), 5, 3, 2.0));
    assertThat(s.scaled(0.0).isEmpty()).isTrue();
    ClassStatistics half = s.scaled(0.5);
    assertThat(half.count()).isEqualTo(2.5);
    assertThat(half.mean()).containsExactly(s.mean());
    assertThat(half.scatter(1, 2)).isEqualTo(0.5 * s.scatter(1, 2));
  }

  // ---------------------------------------------------------------- helpers

  private static ClassStatistics scaleOne(double[] x, double w) {
    return ClassStatistics.ofCentred(w, x, new double[x.length][x.length]);
  }

  private static double[][] rawScatterDirect(double[][] points) {
    int d = points[0].length;
    double[][] s = new double[d][d];
    for (double[] x : points) {
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          s[i][j] += x[i] * x[j];
        }
      }
    }
    return s;
  }

  static double[][] gaussian(Random rnd, int m, int d, double offset) {
    double[][] x = new double[m][d];
    for (double[] row : x) {
      for (int j = 0; j < d; j++) {
        row[j] = offset + rnd.nextGaussian() * (1.0 + 0.3 * j);
      }
    }
    return x;
  }

  static double[][] concat(double[][]... parts) {
    return Arrays.stream(parts).flatMap(Arrays::stream).toArray(double[][]::new);
  }

  private static double relativeError(double[][] actual, double[][] expected) {
    double num = 0.0;
    double den = 0.0;
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected.length; j++) {
        num = Math.max(num, Math.abs(actual[i][j] - expected[i][j]));
        den = Math.max(den, Math.abs(expected[i][j]));
      }
    }
    return num / den;
  }

  static void assertStatsClose(ClassStatistics actual, ClassStatistics expected, double tol) {
    assertThat(actual.dimension()).isEqualTo(expected.dimension());
    assertThat(GoldenVectors.close(actual.count(), expected.count(), tol, 0))
        .as("count %s vs %s", actual.count(), expected.count())
        .isTrue();
    assertVectorClose(actual.mean(), expected.mean(), tol);
    assertMatrixClose(actual.scatter(), expected.scatter(), tol);
  }

  /** Entry-wise relative closeness, with the largest magnitude of the array as floor. */
  static void assertVectorClose(double[] actual, double[] expected, double tol) {
    assertThat(actual).hasSameSizeAs(expected);
    double scale = 0.0;
    for (double e : expected) {
      scale = Math.max(scale, Math.abs(e));
    }
    for (int i = 0; i < expected.length; i++) {
      assertThat(GoldenVectors.close(actual[i], expected[i], tol, 1e-3 * scale))
          .as("entry %d: %s vs %s", i, actual[i], expected[i])
          .isTrue();
    }
  }

  static void assertMatrixClose(double[][] actual, double[][] expected, double tol) {
    assertThat(actual.length).isEqualTo(expected.length);
    double scale = 0.0;
    for (double[] row : expected) {
      for (double e : row) {
        scale = Math.max(scale, Math.abs(e));
      }
    }
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        assertThat(GoldenVectors.close(actual[i][j], expected[i][j], tol, 1e-3 * scale))
            .as("entry (%d,%d): %s vs %s", i, j, actual[i][j], expected[i][j])
            .isTrue();
      }
    }
  }
}
