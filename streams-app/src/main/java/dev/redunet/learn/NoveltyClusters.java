package dev.redunet.learn;

import dev.redunet.cluster.ClusteringResult;
import dev.redunet.cluster.ClusteringSettings;
import dev.redunet.cluster.CompressionClustering;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The clusters of the unknown: the unlabelled samples that the version in force flagged novel,
 * clustered by compression window by window, with clusters that keep their id as they grow.
 *
 * <p>The space: z₀ of the samples ({@link StreamingModel#prepare}: unit-norm, or the PCA
 * projection, frozen at version 1), which, unlike z_L, does not change from version to version, so
 * a cluster's statistics stay comparable across windows. Coding: linear (zero-mean, MICL_SPEC eq.
 * 1'), {@code L(W) = (n+d)/2·log2 det(I + d/(ε²n)·S)} with {@code S} the raw scatter, at ε² {@link
 * LearnerSettings#clustersEpsSq()}.
 *
 * <p><b>The rule</b> ({@link #absorb}). At a window's close its novel samples are segmented by
 * compression ({@link CompressionClustering#segment}, which finds the number of groups itself).
 * Then each group G, in the order of its first sample in the stream, joins the existing cluster C
 * whose merge with it lowers the total coding length the most, eq. (7) of Ma et al. (TPAMI 2007):
 * {@code Δ(G, C) = L(G ∪ C) − L(G) − L(C) + n_G log2 n_G + n_C log2 n_C − n log2 n}, n = n_G + n_C,
 * when {@code min_C Δ < 0} (ties: the oldest cluster); otherwise G becomes a new cluster with the
 * next id (0, 1, 2, …). A cluster that gains samples keeps its id; nothing is ever split.
 *
 * <p>Immutable; a pure function of the windows it absorbed, so the builder's crash-safe replay and
 * {@code evaluate} give the same clusters.
 */
public final class NoveltyClusters {

  /** Member ids a cluster keeps (the first ones, in the stream's order). */
  public static final int KEPT_MEMBER_IDS = 1000;

  private static final CodingMode MODE = CodingMode.LINEAR;

  /**
   * One cluster.
   *
   * @param id its id, kept while it grows
   * @param statistics its members' z₀ statistics (count, mean, scatter)
   * @param members the ids of its first {@value #KEPT_MEMBER_IDS} members, in the stream's order
   * @param size its number of members
   * @param firstVersion the version whose novel samples started it
   * @param lastVersion the version whose novel samples last joined it
   */
  public record Cluster(
      long id,
      ClassStatistics statistics,
      List<String> members,
      long size,
      long firstVersion,
      long lastVersion) {
    public Cluster {
      Objects.requireNonNull(statistics, "statistics");
      members = List.copyOf(members);
    }

    /** The mean z₀ of its members. */
    public double[] mean() {
      return statistics.mean();
    }

    /** Its coding length L(W) in bits (linear coding at {@code epsSq}). */
    public double codingLengthBits(double epsSq) {
      return CodingLength.of(statistics, epsSq, MODE);
    }
  }

  /**
   * A cluster that a window started or grew.
   *
   * @param cluster the cluster after the window
   * @param added the window's samples that joined it
   * @param codingLengthBits its coding length L(W) in bits
   */
  public record Update(Cluster cluster, int added, double codingLengthBits) {}

  /**
   * The clusters after a window, and what the window changed.
   *
   * @param clusters every cluster
   * @param updates the clusters the window started or grew, in order of their id
   */
  public record Absorbed(NoveltyClusters clusters, List<Update> updates) {
    public Absorbed {
      Objects.requireNonNull(clusters, "clusters");
      updates = List.copyOf(updates);
    }
  }

  private final List<Cluster> clusters;
  private final long nextId;

  private NoveltyClusters(List<Cluster> clusters, long nextId) {
    this.clusters = List.copyOf(clusters);
    this.nextId = nextId;
  }

  /** No clusters yet. */
  public static NoveltyClusters empty() {
    return new NoveltyClusters(List.of(), 0);
  }

  /** Every cluster, in order of its id. */
  public List<Cluster> clusters() {
    return clusters;
  }

  /** The id the next new cluster gets. */
  public long nextId() {
    return nextId;
  }

  /**
   * Absorbs a window's novel samples (the rule in the class comment).
   *
   * @param points the samples' z₀, {@code points[i]} of length d, in the stream's order; not
   *     modified
   * @param ids the samples' ids, one per point
   * @param version the version that flagged them novel
   * @param epsSq ε² of the coding lengths, &gt; 0
   */
  public Absorbed absorb(double[][] points, List<String> ids, long version, double epsSq) {
    if (points.length != ids.size()) {
      throw new IllegalArgumentException(points.length + " points but " + ids.size() + " ids");
    }
    if (points.length == 0) {
      return new Absorbed(this, List.of());
    }
    ClusteringResult segmented =
        CompressionClustering.segment(
            points,
            new ClusteringSettings(
                epsSq,
                MODE,
                ClusteringSettings.DEFAULT_EXACT_LIMIT,
                ClusteringSettings.DEFAULT_NEIGHBOURS,
                ClusteringSettings.DEFAULT_TARGET_GROUPS,
                1),
            null);
    List<Cluster> next = new ArrayList<>(clusters);
    Map<Long, Integer> added = new LinkedHashMap<>();
    long id = nextId;
    for (int g = 0; g < segmented.numGroups(); g++) { // groups in order of their first sample
      int[] members = segmented.members(g).clone();
      java.util.Arrays.sort(members);
      double[][] rows = new double[members.length][];
      List<String> memberIds = new ArrayList<>(members.length);
      for (int i = 0; i < members.length; i++) {
        rows[i] = points[members[i]];
        memberIds.add(ids.get(members[i]));
      }
      ClassStatistics group = ClassStatistics.of(rows);
      double groupLength = CodingLength.of(group, epsSq, MODE);
      int best = -1;
      double bestDelta = 0;
      for (int c = 0; c < next.size(); c++) {
        double delta = mergeDelta(group, groupLength, next.get(c).statistics(), epsSq);
        if (delta < bestDelta) {
          bestDelta = delta;
          best = c;
        }
      }
      Cluster joined;
      if (best >= 0) {
        Cluster c = next.get(best);
        List<String> kept = new ArrayList<>(c.members());
        for (String m : memberIds) {
          if (kept.size() < KEPT_MEMBER_IDS) {
            kept.add(m);
          }
        }
        joined =
            new Cluster(
                c.id(),
                c.statistics().merge(group),
                kept,
                c.size() + members.length,
                c.firstVersion(),
                version);
        next.set(best, joined);
      } else {
        joined =
            new Cluster(
                id++,
                group,
                memberIds.subList(0, Math.min(KEPT_MEMBER_IDS, memberIds.size())),
                members.length,
                version,
                version);
        next.add(joined);
      }
      added.merge(joined.id(), members.length, Integer::sum);
    }
    NoveltyClusters after = new NoveltyClusters(next, id);
    List<Update> updates = new ArrayList<>();
    for (Cluster c : after.clusters) {
      Integer n = added.get(c.id());
      if (n != null) {
        updates.add(new Update(c, n, c.codingLengthBits(epsSq)));
      }
    }
    return new Absorbed(after, updates);
  }

  /**
   * Eq. (7): {@code Δ(A, B) = L(A ∪ B) − L(A) − L(B) + n_A log2 n_A + n_B log2 n_B − n log2 n}, the
   * change of the total coding length L^c when A and B become one group.
   */
  private static double mergeDelta(
      ClassStatistics a, double lengthA, ClassStatistics b, double epsSq) {
    double na = a.count();
    double nb = b.count();
    double n = na + nb;
    return CodingLength.of(a.merge(b), epsSq, MODE)
        - lengthA
        - CodingLength.of(b, epsSq, MODE)
        + na * log2(na)
        + nb * log2(nb)
        - n * log2(n);
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }

  // --- the builder's store ------------------------------------------------------------------

  /** The clusters as named parts: {@code next} (the next id) and {@code c/<id>} per cluster. */
  public Map<String, byte[]> toParts() {
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put("next", write(out -> out.writeLong(nextId)));
    for (Cluster c : clusters) {
      parts.put(
          "c/" + c.id(),
          write(
              out -> {
                out.writeLong(c.id());
                out.writeLong(c.size());
                out.writeLong(c.firstVersion());
                out.writeLong(c.lastVersion());
                out.writeInt(c.members().size());
                for (String m : c.members()) {
                  out.writeUTF(m);
                }
                double[] s = c.statistics().toArray();
                out.writeInt(s.length);
                for (double v : s) {
                  out.writeDouble(v);
                }
              }));
    }
    return parts;
  }

  /** Inverse of {@link #toParts} (the parts in any order); empty parts give no clusters. */
  public static NoveltyClusters fromParts(Map<String, byte[]> parts) {
    long next = 0;
    List<Cluster> list = new ArrayList<>();
    for (Map.Entry<String, byte[]> e : parts.entrySet()) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(e.getValue()))) {
        if (e.getKey().equals("next")) {
          next = in.readLong();
        } else if (e.getKey().startsWith("c/")) {
          long id = in.readLong();
          long size = in.readLong();
          long first = in.readLong();
          long last = in.readLong();
          int m = in.readInt();
          List<String> members = new ArrayList<>(m);
          for (int i = 0; i < m; i++) {
            members.add(in.readUTF());
          }
          double[] s = new double[in.readInt()];
          for (int i = 0; i < s.length; i++) {
            s[i] = in.readDouble();
          }
          list.add(new Cluster(id, ClassStatistics.fromArray(s), members, size, first, last));
        }
      } catch (IOException ex) {
        throw new UncheckedIOException("cannot read the stored cluster part " + e.getKey(), ex);
      }
    }
    list.sort(java.util.Comparator.comparingLong(Cluster::id));
    return new NoveltyClusters(list, next);
  }

  private interface Writing {
    void to(DataOutputStream out) throws IOException;
  }

  private static byte[] write(Writing w) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      w.to(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }
}
