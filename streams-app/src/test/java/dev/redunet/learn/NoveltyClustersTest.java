package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The clusters of the unknown across windows: a window's groups join the cluster whose merge lowers
 * the total coding length, and so keep its id; an unlike group starts a new cluster.
 */
class NoveltyClustersTest {

  private static final int D = 16;
  private static final double EPS_SQ = 0.05;

  /** Unit-norm points near a random 2-dimensional subspace of R^D per kind, seeded. */
  private static final class Kinds {
    final double[][][] bases = new double[3][2][D];

    Kinds(long seed) {
      SplittableRandom r = new SplittableRandom(seed);
      for (double[][] basis : bases) {
        for (double[] v : basis) {
          for (int a = 0; a < D; a++) {
            v[a] = r.nextDouble(-1, 1);
          }
        }
      }
    }

    double[] point(int kind, SplittableRandom r) {
      double[] x = new double[D];
      for (double[] v : bases[kind]) {
        double c = r.nextDouble(-1, 1);
        for (int a = 0; a < D; a++) {
          x[a] += c * v[a];
        }
      }
      double norm = 0;
      for (int a = 0; a < D; a++) {
        x[a] += 0.01 * r.nextDouble(-1, 1);
        norm += x[a] * x[a];
      }
      for (int a = 0; a < D; a++) {
        x[a] /= Math.sqrt(norm);
      }
      return x;
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // a test fixture
  private record Batch(double[][] points, List<String> ids) {}

  private static Batch batch(Kinds kinds, int[] kindOf, long seed, String prefix) {
    SplittableRandom r = new SplittableRandom(seed);
    double[][] points = new double[kindOf.length][];
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < kindOf.length; i++) {
      points[i] = kinds.point(kindOf[i], r);
      ids.add(prefix + "k" + kindOf[i] + "-" + i);
    }
    return new Batch(points, ids);
  }

  private static int[] alternating(int n, int... kinds) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = kinds[i % kinds.length];
    }
    return out;
  }

  @Test
  void groupsOfLaterWindowsJoinTheirClustersAndAnUnlikeGroupStartsANewOne() {
    Kinds kinds = new Kinds(3);
    Batch first = batch(kinds, alternating(60, 0, 1), 10, "w1-");
    NoveltyClusters.Absorbed a =
        NoveltyClusters.empty().absorb(first.points(), first.ids(), 4, EPS_SQ);
    assertThat(a.clusters().clusters()).hasSize(2);
    assertThat(a.updates()).hasSize(2);
    long idOfKind0 = clusterOf(a.clusters(), "w1-k0-0").id();
    long idOfKind1 = clusterOf(a.clusters(), "w1-k1-1").id();
    assertThat(idOfKind0).isNotEqualTo(idOfKind1);
    for (NoveltyClusters.Cluster c : a.clusters().clusters()) {
      assertThat(c.size()).isEqualTo(30);
      assertThat(c.members())
          .allMatch(id -> id.startsWith(c.id() == idOfKind0 ? "w1-k0" : "w1-k1"));
      assertThat(c.firstVersion()).isEqualTo(4);
    }

    Batch second = batch(kinds, alternating(40, 0, 1, 2, 0), 11, "w2-");
    NoveltyClusters.Absorbed b = a.clusters().absorb(second.points(), second.ids(), 5, EPS_SQ);
    assertThat(b.clusters().clusters()).as("kind 2 is new").hasSize(3);
    NoveltyClusters.Cluster grown0 = clusterOf(b.clusters(), "w2-k0-0");
    NoveltyClusters.Cluster grown1 = clusterOf(b.clusters(), "w2-k1-1");
    NoveltyClusters.Cluster fresh = clusterOf(b.clusters(), "w2-k2-2");
    assertThat(grown0.id()).as("kind 0 keeps its id").isEqualTo(idOfKind0);
    assertThat(grown1.id()).as("kind 1 keeps its id").isEqualTo(idOfKind1);
    assertThat(fresh.id()).isEqualTo(2);
    assertThat(grown0.size()).isEqualTo(30 + 20);
    assertThat(grown0.members()).contains("w1-k0-0", "w2-k0-0");
    assertThat(grown0.lastVersion()).isEqualTo(5);
    assertThat(grown0.firstVersion()).isEqualTo(4);
    assertThat(b.updates()).extracting(u -> u.cluster().id()).containsExactly(0L, 1L, 2L);
    assertThat(b.updates()).extracting(NoveltyClusters.Update::added).containsExactly(20, 10, 10);
    assertThat(b.clusters().nextId()).isEqualTo(3);
    for (NoveltyClusters.Update u : b.updates()) {
      assertThat(u.codingLengthBits())
          .isCloseTo(u.cluster().codingLengthBits(EPS_SQ), within(1e-9))
          .isPositive();
      double norm = 0;
      for (double m : u.cluster().mean()) {
        norm += m * m;
      }
      assertThat(norm).as("the mean of unit vectors").isLessThanOrEqualTo(1 + 1e-12);
    }
  }

  @Test
  void theStoredPartsGiveTheSameClusters() {
    Kinds kinds = new Kinds(4);
    Batch first = batch(kinds, alternating(30, 0, 1, 2), 20, "");
    NoveltyClusters c =
        NoveltyClusters.empty().absorb(first.points(), first.ids(), 1, EPS_SQ).clusters();
    NoveltyClusters back = NoveltyClusters.fromParts(c.toParts());
    assertThat(back.nextId()).isEqualTo(c.nextId());
    assertThat(back.clusters()).isEqualTo(c.clusters());
    assertThat(NoveltyClusters.fromParts(java.util.Map.of()).clusters()).isEmpty();
  }

  @Test
  void noPointsChangeNothing() {
    NoveltyClusters.Absorbed a =
        NoveltyClusters.empty().absorb(new double[0][], List.of(), 1, EPS_SQ);
    assertThat(a.updates()).isEmpty();
    assertThat(a.clusters().clusters()).isEmpty();
  }

  private static NoveltyClusters.Cluster clusterOf(NoveltyClusters clusters, String member) {
    return clusters.clusters().stream()
        .filter(c -> c.members().contains(member))
        .findFirst()
        .orElseThrow(() -> new AssertionError(member + " is in no cluster"));
  }
}
