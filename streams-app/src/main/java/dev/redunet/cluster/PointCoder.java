package dev.redunet.cluster;

import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;

/**
 * Groups of points: {@code L(A ∪ B)} by the cheapest exact form for the sizes at hand (MICL_SPEC
 * §1.3, §5 "known tricks"), all equal to eq. (1)/(1') up to rounding. With {@code n = n_A + n_B},
 * {@code a = D/(ε²n)} and {@code M} the union's scatter ({@code C} affine, {@code S} linear):
 *
 * <ul>
 *   <li>two points: the closed forms, {@code O(D)};
 *   <li>a group of more than {@code D/2} points {@code A} and one of at most 4 points {@code B}:
 *       the determinant lemma {@code det(K + a·VVᵀ) = det K·det(I_r + a·VᵀK⁻¹V)} with the Cholesky
 *       factor of {@code K = I + a·M_A}, cached per group and scale, and {@code V} the {@code r ≤
 *       n_B + 1} columns that {@code B} adds to the scatter ({@code x_i} linear; {@code x_i − μ_B}
 *       and {@code √(n_A n_B/n)(μ_B − μ_A)} affine), {@code O(D²r)} once the factor is known;
 *   <li>a group of 16 to {@code D/2} points and one of at most 4: the same lemma on the Gram side,
 *       the cached factor of {@code I_{n_A} + a·YᵀY} ({@code Y}: A's points, centred for affine
 *       coding) and the Schur complement {@code I_r + a·VᵀV − a²·(YᵀV)ᵀ(I + a·YᵀY)⁻¹(YᵀV)}, {@code
 *       O(n_A rD + n_A²r)};
 *   <li>else, {@code n ≤ D}: the Gram (dual) form {@code det(I_D + a·XXᵀ) = det(I_n + a·XᵀX)}
 *       (Sylvester), on the raw Gram matrix (linear; the groups keep theirs, so only the {@code
 *       n_A×n_B} cross block is new) or on the union's centred points (affine, computed from the
 *       points: a centred Gram matrix formed from raw dot products would cancel), {@code O(n²D +
 *       n³)};
 *   <li>otherwise the merged statistics (Chan et al.) and one {@code D×D} Cholesky factorization,
 *       {@code O(D³)}.
 * </ul>
 *
 * <p>Under linear coding, up to {@value #TABLE_LIMIT} points, the dot products of all pairs of
 * points are tabulated once ({@code O(m²D)}), so the cross terms of the Gram forms are look-ups.
 */
final class PointCoder implements GroupCoder {

  /** Largest small side priced by the determinant lemma. */
  static final int LEMMA_RANK = 4;

  /** Most points whose dot products are tabulated (linear coding): 72 MB. */
  static final int TABLE_LIMIT = 3000;

  /** Smallest large side priced by the determinant lemma on the Gram side. */
  static final int DUAL_LEMMA_MIN = 16;

  private static final double LN2 = Math.log(2.0);

  /** Each thread's {@code D×D} matrix for {@link #primal}. */
  private static final ThreadLocal<double[]> WORKSPACE =
      ThreadLocal.withInitial(() -> new double[0]);

  private final double[][] points;
  private final int d;
  private final double epsSq;
  private final CodingMode mode;
  private final int gramLimit;
  private final boolean centred;

  /**
   * Row-major {@code m×m} dot products of the points (linear coding, {@code m ≤ 3000}), or null.
   */
  private final double[] table;

  /**
   * @param points {@code points[i]} is point {@code i} of length {@code D}; kept, not modified
   * @param epsSq {@code ε² > 0}
   * @param mode affine or linear coding
   * @param math the threads that tabulate the dot products
   */
  PointCoder(double[][] points, double epsSq, CodingMode mode, MathExecutor math) {
    this.points = points;
    this.d = points[0].length;
    this.epsSq = epsSq;
    this.mode = mode;
    this.gramLimit = d;
    this.centred = mode == CodingMode.AFFINE;
    int m = points.length;
    if (!centred && m <= TABLE_LIMIT) {
      double[] t = new double[m * m];
      math.forEach(
          m,
          i -> {
            for (int j = 0; j <= i; j++) {
              double v = dot(points[i], points[j]);
              t[i * m + j] = v;
              t[j * m + i] = v;
            }
          });
      table = t;
    } else {
      table = null;
    }
  }

  /** {@code x_iᵀx_j}, from the table when there is one. */
  private double pointDot(int i, int j) {
    return table != null ? table[i * points.length + j] : dot(points[i], points[j]);
  }

  /** The group of point {@code i} alone, {@code L({x})} by its closed form. */
  Group singleton(int i) {
    double[] x = points[i];
    double length =
        mode == CodingMode.AFFINE
            ? CodingLength.affineSingleton(x, epsSq)
            : CodingLength.linearSingleton(x, epsSq);
    int[] members = {i};
    Moments moments = storesMoments(1) ? Moments.of(points, members, centred) : null;
    double[] gram = keepsGram(1) ? new double[] {dot(x, x)} : null;
    return new Group(i, members, 1.0, length, null, moments, gram);
  }

  @Override
  public double unionLength(Group a, Group b) {
    int na = (int) a.count;
    int nb = (int) b.count;
    int n = na + nb;
    if (na == 1 && nb == 1) {
      double[] x = points[a.members[0]];
      double[] y = points[b.members[0]];
      return mode == CodingMode.AFFINE
          ? CodingLength.affinePair(x, y, epsSq)
          : CodingLength.linearPair(x, y, epsSq);
    }
    Group big = na >= nb ? a : b;
    Group small = big == a ? b : a;
    if (small.count <= LEMMA_RANK && 2.0 * big.count > d && big.moments != null) {
      return lemma(big, small, n);
    }
    if (small.count <= LEMMA_RANK && big.count >= DUAL_LEMMA_MIN) {
      return dualLemma(big, small, n);
    }
    if (n <= gramLimit) {
      return centred ? affineGram(a, b, n) : linearGram(a, b, n);
    }
    return primal(moments(a), moments(b), n);
  }

  @Override
  public Group merge(Group a, Group b, double unionLength) {
    int n = (int) (a.count + b.count);
    int[] members = concat(a.members, b.members);
    Moments moments = storesMoments(n) ? moments(a).merge(moments(b), centred) : null;
    double[] gram = null;
    if (keepsGram(n)) {
      gram = new double[n * n];
      int na = a.members.length;
      int nb = b.members.length;
      for (int i = 0; i < na; i++) {
        System.arraycopy(a.gram, i * na, gram, i * n, na);
      }
      for (int i = 0; i < nb; i++) {
        System.arraycopy(b.gram, i * nb, gram, (na + i) * n + na, nb);
      }
      for (int i = 0; i < na; i++) {
        for (int j = 0; j < nb; j++) {
          double v = pointDot(a.members[i], b.members[j]);
          gram[i * n + na + j] = v;
          gram[(na + j) * n + i] = v;
        }
      }
    }
    return new Group(Math.min(a.key, b.key), members, n, unionLength, null, moments, gram);
  }

  /** Linear coding, Gram form: {@code (n+D)/2·log2 det(I_n + a·G)} with G the raw Gram matrix. */
  private double linearGram(Group a, Group b, int n) {
    double s = d / (epsSq * n);
    int na = a.members.length;
    int nb = b.members.length;
    double[] k = new double[n * n];
    for (int i = 0; i < na; i++) {
      for (int j = 0; j <= i; j++) {
        k[i * n + j] = s * a.gram[i * na + j];
      }
    }
    for (int i = 0; i < nb; i++) {
      int row = (na + i) * n;
      for (int j = 0; j < na; j++) {
        k[row + j] = s * pointDot(b.members[i], a.members[j]);
      }
      for (int j = 0; j <= i; j++) {
        k[row + na + j] = s * b.gram[i * nb + j];
      }
    }
    for (int i = 0; i < n; i++) {
      k[i * n + i] += 1.0;
    }
    return 0.5 * (n + d) * Spd.log2Det(k, n);
  }

  /**
   * Affine coding, Gram form: {@code (n+D)/2·log2 det(I_n + a·ŶᵀŶ) + D/2·log2(1 + ‖μ‖²/ε²)} with
   * {@code Ŷ} the union's points minus their mean {@code μ}.
   */
  private double affineGram(Group a, Group b, int n) {
    double[][] y = new double[n][];
    int p = 0;
    for (int i : a.members) {
      y[p++] = points[i];
    }
    for (int i : b.members) {
      y[p++] = points[i];
    }
    double[] mu = new double[d];
    for (double[] x : y) {
      for (int j = 0; j < d; j++) {
        mu[j] += x[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mu[j] /= n;
    }
    for (int i = 0; i < n; i++) {
      double[] c = new double[d];
      for (int j = 0; j < d; j++) {
        c[j] = y[i][j] - mu[j];
      }
      y[i] = c;
    }
    double s = d / (epsSq * n);
    double[] k = new double[n * n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j <= i; j++) {
        k[i * n + j] = s * dot(y[i], y[j]);
      }
      k[i * n + i] += 1.0;
    }
    return 0.5 * (n + d) * Spd.log2Det(k, n) + meanBits(dot(mu, mu));
  }

  /**
   * A large group and a small one by the determinant lemma on the {@code D×D} side: {@code log2
   * det(K + a·VVᵀ) = log2 det K + log2 det(I_r + a·WᵀW)}, {@code W = L⁻¹V}, {@code K = I + a·M_big
   * = L·Lᵀ}.
   */
  private double lemma(Group big, Group small, int n) {
    double s = d / (epsSq * n);
    Spd factor = big.factor(n, tag -> factorOf(big.moments, s));
    double[] muUnion = centred ? new double[d] : null;
    double[][] v = added(big.count, big.moments.mean, small, n, muUnion);
    int r = v.length;
    for (double[] col : v) {
      factor.forwardInPlace(col);
    }
    double[] t = new double[r * r];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j <= i; j++) {
        t[i * r + j] = s * dot(v[i], v[j]);
      }
      t[i * r + i] += 1.0;
    }
    double ld = factor.log2Det() + Spd.log2Det(t, r);
    double length = 0.5 * (n + d) * ld;
    return muUnion == null ? length : length + meanBits(dot(muUnion, muUnion));
  }

  /**
   * A group of {@code n_A ≤ D} points and a small one by the determinant lemma on the Gram (dual)
   * side: with {@code Y} the large group's points (centred, affine), {@code K = I_{n_A} + a·YᵀY =
   * L·Lᵀ} cached, {@code det(I_D + a(YYᵀ + VVᵀ)) = det K·det(I_r + a·VᵀV − a²·WᵀW)}, {@code W =
   * L⁻¹YᵀV} (the Schur complement of the bordered Gram matrix), {@code O(n_A rD + n_A²r)} once the
   * factor is known.
   */
  private double dualLemma(Group big, Group small, int n) {
    double s = d / (epsSq * n);
    int na = big.members.length;
    double[] muBig = centred ? meanOf(big.members) : null;
    Spd factor = big.factor(n, tag -> dualFactorOf(big, muBig, s));
    double[] muUnion = centred ? new double[d] : null;
    double[][] v = added(big.count, muBig, small, n, muUnion);
    int r = v.length;
    double[][] w = new double[r][na];
    for (int c = 0; c < r; c++) {
      if (centred) {
        double shift = dot(muBig, v[c]);
        for (int i = 0; i < na; i++) {
          w[c][i] = dot(points[big.members[i]], v[c]) - shift;
        }
      } else {
        for (int i = 0; i < na; i++) {
          w[c][i] = pointDot(big.members[i], small.members[c]);
        }
      }
      factor.forwardInPlace(w[c]);
    }
    double[] t = new double[r * r];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j <= i; j++) {
        t[i * r + j] = s * dot(v[i], v[j]) - s * s * dot(w[i], w[j]);
      }
      t[i * r + i] += 1.0;
    }
    double ld = factor.log2Det() + Spd.log2Det(t, r);
    double length = 0.5 * (n + d) * ld;
    return muUnion == null ? length : length + meanBits(dot(muUnion, muUnion));
  }

  /**
   * The columns {@code V} that a small group adds to a large one's scatter, {@code M_∪ = M_big +
   * VVᵀ}: its points (linear), or its centred points (if it has two or more) and {@code √(n_big
   * n_small/n)(μ_small − μ_big)} (affine, Chan et al.), in new arrays.
   *
   * @param muUnion filled with the union's mean (affine), or null (linear)
   */
  private double[][] added(double nb, double[] muB, Group small, int n, double[] muUnion) {
    int ns = small.members.length;
    if (!centred) {
      double[][] v = new double[ns][];
      for (int i = 0; i < ns; i++) {
        v[i] = points[small.members[i]].clone();
      }
      return v;
    }
    double[] muS = meanOf(small.members);
    double[][] v = new double[ns == 1 ? 1 : ns + 1][];
    int c = 0;
    if (ns > 1) {
      for (int i : small.members) {
        double[] x = points[i];
        double[] col = new double[d];
        for (int j = 0; j < d; j++) {
          col[j] = x[j] - muS[j];
        }
        v[c++] = col;
      }
    }
    double w = Math.sqrt(nb * ns / n);
    double[] col = new double[d];
    for (int j = 0; j < d; j++) {
      col[j] = w * (muS[j] - muB[j]);
      muUnion[j] = (nb * muB[j] + ns * muS[j]) / n;
    }
    v[c] = col;
    return v;
  }

  /**
   * The factor of {@code I_n + a·YᵀY}, {@code Y} the group's points (centred on {@code mu},
   * affine).
   */
  private Spd dualFactorOf(Group g, double[] mu, double a) {
    int na = g.members.length;
    double[] k = new double[na * na];
    double[][] y = new double[na][];
    for (int i = 0; i < na; i++) {
      y[i] = points[g.members[i]];
      if (centred) {
        double[] c = new double[d];
        for (int j = 0; j < d; j++) {
          c[j] = y[i][j] - mu[j];
        }
        y[i] = c;
      }
    }
    for (int i = 0; i < na; i++) {
      for (int j = 0; j <= i; j++) {
        k[i * na + j] = a * (g.gram != null ? g.gram[i * na + j] : dot(y[i], y[j]));
      }
      k[i * na + i] += 1.0;
    }
    return Spd.factor(k, na);
  }

  private double[] meanOf(int[] members) {
    double[] mu = new double[d];
    for (int e : members) {
      double[] x = points[e];
      for (int j = 0; j < d; j++) {
        mu[j] += x[j];
      }
    }
    for (int j = 0; j < d; j++) {
      mu[j] /= members.length;
    }
    return mu;
  }

  /**
   * The merged statistics: {@code (n+D)/2·log2 det(I + a·M)} (+ {@code D/2·log2(1 + ‖μ‖²/ε²)}
   * affine), {@code M = M_A + M_B} (linear) or {@code C_A + C_B + (n_A n_B/n)δδᵀ} (affine).
   */
  private double primal(Moments ma, Moments mb, int n) {
    double s = d / (epsSq * n);
    double[] k = WORKSPACE.get();
    if (k.length < d * d) {
      k = new double[d * d];
      WORKSPACE.set(k);
    }
    double[] delta = new double[d];
    double w = ma.count * mb.count / n;
    double[] mu = new double[d];
    for (int j = 0; j < d; j++) {
      delta[j] = mb.mean[j] - ma.mean[j];
      mu[j] = ma.mean[j] + (mb.count / n) * delta[j];
    }
    int t = 0;
    for (int i = 0; i < d; i++) {
      double wdi = centred ? w * delta[i] : 0.0;
      for (int j = 0; j <= i; j++) {
        k[i * d + j] = s * (ma.scatter[t] + mb.scatter[t] + wdi * delta[j]);
        t++;
      }
      k[i * d + i] += 1.0;
    }
    double length = 0.5 * (n + d) * Spd.log2Det(k, d);
    return centred ? length + meanBits(dot(mu, mu)) : length;
  }

  /** The factor of {@code K = I + a·M} for the scatter {@code M} of the coding mode. */
  private Spd factorOf(Moments mm, double a) {
    double[] k = new double[d * d];
    int t = 0;
    for (int i = 0; i < d; i++) {
      for (int j = 0; j <= i; j++) {
        k[i * d + j] = a * mm.scatter[t++];
      }
      k[i * d + i] += 1.0;
    }
    return Spd.factor(k, d);
  }

  private Moments moments(Group g) {
    return g.moments != null ? g.moments : Moments.of(points, g.members, centred);
  }

  /**
   * Groups of more than {@code D/8} points keep their moments ({@code O(D²)} each, so at most
   * {@code 4mD} numbers in all); smaller ones are summed again when needed, in {@code O(nD²)}.
   */
  private boolean storesMoments(int n) {
    return 8L * n > d;
  }

  /** Under linear coding, groups of at most {@code D} points keep their Gram matrix. */
  private boolean keepsGram(int n) {
    return !centred && n <= gramLimit;
  }

  private double meanBits(double meanNormSq) {
    return 0.5 * d * Math.log1p(meanNormSq / epsSq) / LN2;
  }

  static double dot(double[] x, double[] y) {
    double s0 = 0.0;
    double s1 = 0.0;
    int j = 0;
    for (; j + 1 < x.length; j += 2) {
      s0 += x[j] * y[j];
      s1 += x[j + 1] * y[j + 1];
    }
    if (j < x.length) {
      s0 += x[j] * y[j];
    }
    return s0 + s1;
  }

  static int[] concat(int[] a, int[] b) {
    int[] out = new int[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
