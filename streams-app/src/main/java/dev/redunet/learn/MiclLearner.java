package dev.redunet.learn;

import dev.redunet.eval.StreamingClassifier;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingLength;
import dev.redunet.micl.CodingMode;
import dev.redunet.micl.MiclModel;
import dev.redunet.micl.StatisticsAccumulator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Streaming MICL: per-class statistics accumulated from labelled samples, with an optional
 * exponential forgetting, and a {@link MiclModel} refreshed every {@code refreshEvery} labelled
 * samples.
 *
 * <p>Clock (MICL_SPEC §4). Labelled sample {@code t} (0-based) arrives at tick {@code t}; at tick
 * {@code t} a sample learned at tick {@code i} weighs {@code λ^(t−i)}. Every class decays on every
 * tick. The model built at a refresh after sample {@code t} holds the statistics at tick {@code
 * t+1}, the tick of the next sample, so with {@code refreshEvery = 1} the learner reproduces the
 * spec's "decay, score, insert" loop exactly; with a larger window the model stays frozen between
 * refreshes.
 *
 * <p>Classes are indexed {@code 0, 1, …} and created on first use; a class without samples is
 * skipped when scoring. Mutable, not thread-safe.
 */
public final class MiclLearner implements StreamingClassifier {

  /** Largest supported class index + 1. */
  public static final int MAX_CLASSES = 1 << 16;

  /**
   * Learner settings.
   *
   * @param epsSq {@code ε² > 0}
   * @param coding affine (MICL) or linear coding length
   * @param forgetting {@code λ ∈ (0, 1]}; {@code 1} keeps everything
   * @param refreshEvery number of labelled samples between model refreshes ({@code ≥ 1})
   * @param parallel whether factorization and batch scoring run on the learner's executor (else on
   *     the calling thread; the predictions are the same)
   */
  public record Settings(
      double epsSq, CodingMode coding, double forgetting, int refreshEvery, boolean parallel) {

    /** Validates. */
    public Settings {
      CodingLength.checkEpsSq(epsSq);
      if (coding == null) {
        throw new IllegalArgumentException("coding mode is required");
      }
      if (!(forgetting > 0.0 && forgetting <= 1.0)) {
        throw new IllegalArgumentException("forgetting λ must be in (0, 1], got " + forgetting);
      }
      if (refreshEvery < 1) {
        throw new IllegalArgumentException("refreshEvery must be ≥ 1, got " + refreshEvery);
      }
    }

    /** Affine coding, no forgetting, single-threaded scoring. */
    public static Settings of(double epsSq, int refreshEvery) {
      return new Settings(epsSq, CodingMode.AFFINE, 1.0, refreshEvery, false);
    }
  }

  private final int dimension;
  private final Settings settings;
  private final MathExecutor math;
  private final List<StatisticsAccumulator> accumulators = new ArrayList<>();
  private final List<ClassStatistics> snapshots = new ArrayList<>();
  private boolean[] dirty = new boolean[0];
  private MiclModel model;
  private long labelled;
  private int sinceRefresh;

  /**
   * A learner with no data, on the calling thread.
   *
   * @param dimension {@code D}
   * @param settings the settings
   */
  public MiclLearner(int dimension, Settings settings) {
    this(dimension, settings, MathExecutor.sequential());
  }

  /**
   * A learner with no data whose factorizations and batch scoring run on {@code math} when the
   * settings allow it ({@link Settings#parallel()}).
   *
   * @param dimension {@code D}
   * @param settings the settings
   * @param math the threads to use
   */
  public MiclLearner(int dimension, Settings settings, MathExecutor math) {
    ClassStatistics.checkDimension(dimension);
    this.dimension = dimension;
    this.settings = settings;
    this.math = settings.parallel() ? math : MathExecutor.sequential();
  }

  /** The dimension {@code D}. */
  public int dimension() {
    return dimension;
  }

  /** Number of classes seen so far (largest label + 1). */
  public int numClasses() {
    return accumulators.size();
  }

  /** Number of labelled samples learned (the clock). */
  public long labelledCount() {
    return labelled;
  }

  /** The model used for scoring: absent until the first refresh with data. */
  public Optional<MiclModel> model() {
    return Optional.ofNullable(model);
  }

  /** The current statistics of class {@code label} (decayed to the current tick). */
  public ClassStatistics statistics(int label) {
    return accumulators.get(label).snapshot();
  }

  /**
   * Learns one labelled sample: inserts it into its class, advances the clock (decaying every class
   * by {@code λ}) and refreshes the model every {@code refreshEvery} samples.
   *
   * @param sample length {@code D}, finite; not modified
   * @param label class index in {@code [0, MAX_CLASSES)}
   */
  @Override
  public void learn(double[] sample, int label) {
    if (label < 0 || label >= MAX_CLASSES) {
      throw new IllegalArgumentException("label must be in [0, " + MAX_CLASSES + "), got " + label);
    }
    while (accumulators.size() <= label) {
      accumulators.add(new StatisticsAccumulator(dimension));
      snapshots.add(ClassStatistics.empty(dimension));
      dirty = Arrays.copyOf(dirty, accumulators.size());
    }
    accumulators.get(label).add(sample);
    dirty[label] = true;
    if (settings.forgetting() < 1.0) {
      for (int j = 0; j < accumulators.size(); j++) {
        if (accumulators.get(j).count() > 0.0) {
          accumulators.get(j).scale(settings.forgetting());
          dirty[j] = true;
        }
      }
    }
    labelled++;
    sinceRefresh++;
    if (sinceRefresh >= settings.refreshEvery()) {
      refresh();
    }
  }

  /**
   * Rebuilds the model now from the current statistics; only classes that changed since the last
   * refresh are refactored.
   */
  public void refresh() {
    sinceRefresh = 0;
    boolean anyData = false;
    for (int j = 0; j < accumulators.size(); j++) {
      if (dirty[j]) {
        snapshots.set(j, accumulators.get(j).snapshot());
        dirty[j] = false;
      }
      anyData |= !snapshots.get(j).isEmpty();
    }
    if (!anyData) {
      return;
    }
    List<ClassStatistics> classes = List.copyOf(snapshots);
    model =
        model == null
            ? MiclModel.build(classes, settings.epsSq(), settings.coding(), math)
            : model.update(classes, math);
  }

  /** Predicts with the current model; {@code -1} for every sample while there is none. */
  @Override
  public int[] predict(double[][] samples) {
    if (model == null) {
      int[] none = new int[samples.length];
      Arrays.fill(none, -1);
      return none;
    }
    return model.classify(samples, math);
  }

  @Override
  public int stableHorizon() {
    return settings.refreshEvery() - sinceRefresh;
  }
}
