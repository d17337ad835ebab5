package dev.redunet.learn;

import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The one windowed-learning core (ARCHITECTURE.md §3, DETERMINISM.md): labelled samples in stream
 * order in, model versions out. The Kafka builder task and offline {@code evaluate} both drive it,
 * so the stream equals the offline learner by construction.
 *
 * <p>The rule. Labelled samples, in stream order, fill windows: a window closes with its W-th
 * sample, or (with {@code windowMs} &gt; 0) with the first sample whose time is at least {@code
 * windowMs} after the window's first sample. Version v is built from windows 1…v:
 *
 * <ul>
 *   <li>v = 1: the batch forward construction on window 1 (after fitting the projection, if the
 *       settings ask for one; then frozen);
 *   <li>v ≥ 2: window v's samples pushed through version v−1 in one batch give its statistics at
 *       every depth; they close into the combined statistics ({@link StatisticsWindows}) and the
 *       layers are rebuilt from them ({@code statistics}), or by the batch construction on window v
 *       ({@code replay}).
 * </ul>
 *
 * A sample that comes after window v's last sample, and not after window v+1's, is owed version v
 * (0: no model). The input dimension is fixed by the first labelled sample; labelled samples of
 * another dimension are refused ({@link Added#WRONG_DIMENSION}) and change nothing.
 *
 * <p>Computing a version is a pure {@link Job}, so that a caller may run it on another thread while
 * it adds further samples: {@link #add} closes windows into a queue (of at most the caller's
 * choosing), {@link #nextJob} hands out the job of the oldest closed window once the version before
 * it is installed, {@link #nextChained} the job of the next closed window to compute on top of the
 * one handed out before it (before that one is installed: the same inputs, so the same version),
 * and {@link #install} makes the computed version the model in force. Not thread-safe (a {@link
 * Job} and a {@link Chained} are). A job's kernels run on the learner's {@link MathExecutor}; the
 * versions do not depend on its threads.
 */
public final class WindowedLearner {

  /** What {@link #add} did with a sample. */
  public enum Added {
    /** The sample joined the open window. */
    ADDED,
    /** The sample joined the open window and closed it. */
    CLOSED,
    /** The sample's dimension is not the learner's: it was refused. */
    WRONG_DIMENSION
  }

  /**
   * A labelled sample.
   *
   * @param time its time in the stream (ms; only {@code windowMs} reads it)
   * @param features the raw features (not copied: do not modify)
   * @param label its class name
   */
  @SuppressWarnings("ArrayRecordComponent") // a transient message
  public record Sample(long time, double[] features, String label) {
    public Sample {
      Objects.requireNonNull(features, "features");
      Objects.requireNonNull(label, "label");
    }
  }

  /**
   * An unlabelled sample a window keeps (for self-training and clustering).
   *
   * @param id its id (may be null offline)
   * @param features the raw features (not copied: do not modify)
   */
  @SuppressWarnings("ArrayRecordComponent") // a transient message
  public record Unlabelled(String id, double[] features) {
    public Unlabelled {
      Objects.requireNonNull(features, "features");
    }
  }

  /**
   * A closed window: what version {@code version} is built from, with the class names known when it
   * closed (its labels index them), and the unlabelled samples it kept, in the stream's order (none
   * unless the settings {@link LearnerSettings#keepsUnlabelled() keep them}).
   */
  @SuppressWarnings("ArrayRecordComponent") // copied in and out
  public record Window(
      long version,
      Matrix samples,
      int[] labels,
      List<String> classNames,
      long first,
      long last,
      List<Unlabelled> unlabelled) {
    public Window {
      labels = labels.clone();
      classNames = List.copyOf(classNames);
      unlabelled = List.copyOf(unlabelled);
    }

    /** A window without unlabelled samples. */
    public Window(
        long version,
        Matrix samples,
        int[] labels,
        List<String> classNames,
        long first,
        long last) {
      this(version, samples, labels, classNames, first, last, List.of());
    }

    @Override
    public int[] labels() {
      return labels.clone();
    }

    /** The number of samples in the window. */
    public int size() {
      return labels.length;
    }
  }

  /**
   * A version computed from a window.
   *
   * @param model the new version
   * @param windows the statistics of windows 1…v combined
   * @param predicted the label version v−1 predicted for each sample of the window (−1: none; all
   *     −1 for the first window): the window's prequential outcomes
   * @param noveltyBits the novelty ({@link StreamingModel#noveltyBits}) of each sample of the
   *     window under version v−1 (NaN: none; all NaN for the first window); the version's novelty
   *     threshold is their {@link LearnerSettings#noveltyQuantile()} quantile
   * @param window the window it was built from
   * @param seconds the time the computation took
   * @param selfLearned the window's unlabelled samples learned as their predicted class ({@link
   *     LearnerSettings.Unlabelled#SELF}: those version v−1 predicted with a margin of at least
   *     {@link LearnerSettings#unlabelledMargin()})
   * @param clusters the clusters of the unknown after this window ({@link NoveltyClusters})
   * @param clusterUpdates the clusters the window's novel unlabelled samples started or grew
   */
  @SuppressWarnings("ArrayRecordComponent") // a transient result
  public record Built(
      StreamingModel model,
      StatisticsWindows windows,
      int[] predicted,
      double[] noveltyBits,
      Window window,
      double seconds,
      int selfLearned,
      NoveltyClusters clusters,
      List<NoveltyClusters.Update> clusterUpdates) {}

  /** The computation of one version: pure, may run on any thread, once or again. */
  public static final class Job {
    private final LearnerSettings settings;
    private final MathExecutor math;
    private final Window window;
    private final Optional<StreamingModel> previous;
    private final StatisticsWindows windows;
    private final NoveltyClusters clusters;

    private Job(
        LearnerSettings settings,
        MathExecutor math,
        Window window,
        Optional<StreamingModel> previous,
        StatisticsWindows windows,
        NoveltyClusters clusters) {
      this.settings = settings;
      this.math = math;
      this.window = window;
      this.previous = previous;
      this.windows = windows;
      this.clusters = clusters;
    }

    /** The version this job builds. */
    public long version() {
      return window.version();
    }

    /** The window it builds from. */
    public Window window() {
      return window;
    }

    /** Computes the version. */
    public Built compute() {
      long t0 = System.nanoTime();
      ModelBuilder builder = new ModelBuilder(settings, math);
      int[] labels = window.labels();
      int[] predicted = new int[labels.length];
      Arrays.fill(predicted, -1);
      double[] novelty = new double[labels.length];
      Arrays.fill(novelty, Double.NaN);
      StreamingModel next;
      StatisticsWindows combined;
      int selfLearned = 0;
      NoveltyClusters.Absorbed absorbed = new NoveltyClusters.Absorbed(clusters, List.of());
      if (previous.isEmpty()) {
        ModelBuilder.Built b =
            builder.construct(
                window.version(), window.samples(), labels, window.classNames(), Optional.empty());
        next = b.model();
        combined = windows.close(b.statistics());
      } else {
        StreamingModel m = previous.get();
        Matrix samples = window.samples();
        int[] learnedLabels = labels;
        if (!window.unlabelled().isEmpty()) {
          FromUnlabelled u = unlabelled(m);
          if (u.labels().length > 0) {
            samples = appendColumns(samples, u.confident());
            learnedLabels = concat(labels, u.labels());
            selfLearned = u.labels().length;
          }
          absorbed = u.absorbed();
        }
        StreamingModel.Learned learned =
            m.learn(samples, learnedLabels, settings.membership(), math);
        predicted = Arrays.copyOf(learned.predicted(), labels.length);
        novelty = Arrays.copyOf(learned.noveltyBits(), labels.length);
        ModelStatistics stats = learned.statistics();
        combined = windows.close(stats);
        ModelStatistics total = combined.total().orElseThrow();
        next =
            settings.construction() == Construction.STATISTICS
                ? builder.fromStatistics(
                    window.version(),
                    m.inputDimension(),
                    m.projection(),
                    total,
                    window.classNames())
                : builder.replay(
                    window.version(),
                    samples,
                    learnedLabels,
                    window.classNames(),
                    m.projection(),
                    total);
      }
      next =
          next.withNoveltyThreshold(
              StreamingModel.noveltyQuantile(novelty, settings.noveltyQuantile()));
      return new Built(
          next,
          combined,
          predicted,
          novelty,
          window,
          (System.nanoTime() - t0) / 1e9,
          selfLearned,
          absorbed.clusters(),
          absorbed.updates());
    }

    /**
     * What the window's unlabelled samples give, under version v−1 (the version every sample of
     * window v is owed, so the one that scored them on the stream): the confident ones as their
     * predicted class (self-training), and the clusters after the novel ones joined them.
     */
    @SuppressWarnings("ArrayRecordComponent") // a transient result
    private record FromUnlabelled(
        Matrix confident, int[] labels, NoveltyClusters.Absorbed absorbed) {}

    private FromUnlabelled unlabelled(StreamingModel m) {
      List<Unlabelled> kept = window.unlabelled();
      double[][] columns = new double[kept.size()][];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = kept.get(i).features();
      }
      Matrix x = Matrix.fromColumns(columns);
      StreamingModel.Scores scores = m.score(x, math);
      List<double[]> confident = new ArrayList<>();
      List<Integer> confidentLabels = new ArrayList<>();
      List<Integer> novel = new ArrayList<>();
      for (int i = 0; i < columns.length; i++) {
        double[] deltaL = scores.deltaL()[i];
        int p = scores.predicted()[i];
        if (settings.unlabelled() == LearnerSettings.Unlabelled.SELF
            && p >= 0
            && m.marginBits(deltaL) >= settings.unlabelledMargin()) {
          confident.add(columns[i]);
          confidentLabels.add(window.classNames().indexOf(m.classNames().get(p)));
        }
        if (settings.clusters() && m.novel(m.noveltyBits(deltaL))) {
          novel.add(i);
        }
      }
      NoveltyClusters.Absorbed absorbed = new NoveltyClusters.Absorbed(clusters, List.of());
      if (!novel.isEmpty()) {
        double[][] novelColumns = new double[novel.size()][];
        List<String> ids = new ArrayList<>(novel.size());
        for (int i = 0; i < novelColumns.length; i++) {
          novelColumns[i] = columns[novel.get(i)];
          String id = kept.get(novel.get(i)).id();
          ids.add(id == null ? "#" + novel.get(i) : id);
        }
        Matrix z0 = m.prepare(Matrix.fromColumns(novelColumns));
        double[][] points = new double[novelColumns.length][];
        for (int i = 0; i < points.length; i++) {
          points[i] = z0.column(i);
        }
        absorbed = clusters.absorb(points, ids, m.version(), settings.clustersEpsSq());
      }
      return new FromUnlabelled(
          confident.isEmpty() ? null : Matrix.fromColumns(confident.toArray(double[][]::new)),
          confidentLabels.stream().mapToInt(Integer::intValue).toArray(),
          absorbed);
    }
  }

  /**
   * The job of a closed window whose previous version is handed out but not installed: computed
   * with that version's result ({@link #after}), it is the job {@link #nextJob} would hand out once
   * that version is installed.
   */
  public static final class Chained {
    private final LearnerSettings settings;
    private final MathExecutor math;
    private final Window window;

    private Chained(LearnerSettings settings, MathExecutor math, Window window) {
      this.settings = settings;
      this.math = math;
      this.window = window;
    }

    /** The version it builds. */
    public long version() {
      return window.version();
    }

    /**
     * The job on top of {@code built}, the previous version's result.
     *
     * @throws IllegalArgumentException if {@code built} is not the previous version
     */
    public Job after(Built built) {
      if (built.model().version() != window.version() - 1) {
        throw new IllegalArgumentException(
            "v" + window.version() + " cannot follow v" + built.model().version());
      }
      return new Job(
          settings, math, window, Optional.of(built.model()), built.windows(), built.clusters());
    }
  }

  private static Matrix appendColumns(Matrix a, Matrix b) {
    double[][] columns = new double[a.cols() + b.cols()][];
    for (int i = 0; i < a.cols(); i++) {
      columns[i] = a.column(i);
    }
    for (int i = 0; i < b.cols(); i++) {
      columns[a.cols() + i] = b.column(i);
    }
    return Matrix.fromColumns(columns);
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  private final LearnerSettings settings;
  private final MathExecutor math;
  private final long windowMs;
  private final List<String> names;
  private int dimension;
  private Optional<StreamingModel> model;
  private StatisticsWindows windows;
  private final List<double[]> open = new ArrayList<>();
  private final List<Integer> openLabels = new ArrayList<>();
  private final List<Unlabelled> openUnlabelled = new ArrayList<>();
  private NoveltyClusters clusters = NoveltyClusters.empty();
  private long openFirst;
  private long openLast;
  private final Deque<Window> closed = new ArrayDeque<>();

  /** How many of the first {@link #closed} windows have their jobs handed out. */
  private int handedOut;

  private WindowedLearner(
      LearnerSettings settings,
      MathExecutor math,
      long windowMs,
      Optional<StreamingModel> model,
      StatisticsWindows windows,
      List<String> names,
      int dimension) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.math = Objects.requireNonNull(math, "math");
    if (windowMs < 0) {
      throw new IllegalArgumentException("windowMs must be ≥ 0, got " + windowMs);
    }
    this.windowMs = windowMs;
    this.model = Objects.requireNonNull(model, "model");
    this.windows = Objects.requireNonNull(windows, "windows");
    this.names = new ArrayList<>(names);
    this.dimension = dimension;
  }

  /**
   * A learner with no model yet.
   *
   * @param windowMs also close a window once this much time has passed since its first sample; 0 =
   *     by count only
   */
  public static WindowedLearner start(LearnerSettings settings, long windowMs) {
    return start(settings, windowMs, MathExecutor.sequential());
  }

  /** {@link #start(LearnerSettings, long)} whose jobs run their kernels on {@code math}. */
  public static WindowedLearner start(LearnerSettings settings, long windowMs, MathExecutor math) {
    return new WindowedLearner(
        settings,
        math,
        windowMs,
        Optional.empty(),
        StatisticsWindows.start(settings),
        List.of(),
        -1);
  }

  /**
   * A learner restored after version {@code model}: the state it had right after installing it.
   * Feeding it the samples that followed that version's window, in the same order, gives the same
   * windows and versions as before.
   *
   * @param model the version in force
   * @param windows the combined statistics of windows 1…v
   * @param classNames the class names known when window v closed
   */
  public static WindowedLearner restore(
      LearnerSettings settings,
      long windowMs,
      StreamingModel model,
      StatisticsWindows windows,
      List<String> classNames) {
    return restore(settings, windowMs, model, windows, classNames, MathExecutor.sequential());
  }

  /**
   * {@link #restore(LearnerSettings, long, StreamingModel, StatisticsWindows, List)} whose jobs run
   * their kernels on {@code math}.
   */
  public static WindowedLearner restore(
      LearnerSettings settings,
      long windowMs,
      StreamingModel model,
      StatisticsWindows windows,
      List<String> classNames,
      MathExecutor math) {
    return new WindowedLearner(
        settings, math, windowMs, Optional.of(model), windows, classNames, model.inputDimension());
  }

  /**
   * {@link #restore(LearnerSettings, long, StreamingModel, StatisticsWindows, List, MathExecutor)}
   * with the clusters of the unknown as they were after version {@code model}.
   */
  public static WindowedLearner restore(
      LearnerSettings settings,
      long windowMs,
      StreamingModel model,
      StatisticsWindows windows,
      List<String> classNames,
      NoveltyClusters clusters,
      MathExecutor math) {
    WindowedLearner l = restore(settings, windowMs, model, windows, classNames, math);
    l.clusters = Objects.requireNonNull(clusters, "clusters");
    return l;
  }

  /**
   * Adds the next unlabelled sample in stream order to the open window, when the settings {@link
   * LearnerSettings#keepsUnlabelled() keep unlabelled samples}: it does not count toward the
   * window's size W nor its time, and is used when the window's version is computed (self-training
   * and clustering, under the version the sample is owed). A window keeps at most {@link
   * LearnerSettings#unlabelledPerWindow()} of them, the first in the stream's order; a sample
   * before the first labelled one (no version is ever owed to it) or of another dimension is not
   * kept.
   *
   * @param id the sample's id (names it in a cluster; may be null)
   * @param features its raw features (not copied: do not modify)
   * @return whether the window kept it
   */
  public boolean addUnlabelled(String id, double[] features) {
    if (!settings.keepsUnlabelled()
        || dimension < 0
        || features.length != dimension
        || openUnlabelled.size() >= settings.unlabelledPerWindow()) {
      return false;
    }
    openUnlabelled.add(new Unlabelled(id, features));
    return true;
  }

  /**
   * Adds the next labelled sample in stream order.
   *
   * @return {@link Added#CLOSED} when it closes a window (then queued for {@link #nextJob})
   */
  public Added add(Sample sample) {
    int d = sample.features().length;
    if (dimension < 0) {
      dimension = d;
    } else if (d != dimension) {
      return Added.WRONG_DIMENSION;
    }
    int label = names.indexOf(sample.label());
    if (label < 0) {
      label = names.size();
      names.add(sample.label());
    }
    if (open.isEmpty()) {
      openFirst = sample.time();
    }
    open.add(sample.features());
    openLabels.add(label);
    openLast = sample.time();
    boolean full =
        open.size() >= settings.window() || (windowMs > 0 && sample.time() - openFirst >= windowMs);
    if (!full) {
      return Added.ADDED;
    }
    long version = lastVersion() + closed.size() + 1;
    closed.addLast(
        new Window(
            version,
            Matrix.fromColumns(open.toArray(double[][]::new)),
            openLabels.stream().mapToInt(Integer::intValue).toArray(),
            names,
            openFirst,
            openLast,
            openUnlabelled));
    open.clear();
    openLabels.clear();
    openUnlabelled.clear();
    return Added.CLOSED;
  }

  /**
   * The job of the oldest closed window, once the version before it is installed and no other job
   * is out; empty otherwise. Call {@link #install} with its result (or {@link #jobFailed}).
   */
  public Optional<Job> nextJob() {
    if (handedOut > 0 || closed.isEmpty()) {
      return Optional.empty();
    }
    handedOut = 1;
    return Optional.of(new Job(settings, math, closed.peekFirst(), model, windows, clusters));
  }

  /**
   * The job of the closed window after the last one handed out, while that one is not installed: to
   * compute once that one's result is known ({@link Chained#after}), without waiting for its
   * install. Empty when no job is out or no further window is closed. Install the results in order.
   */
  public Optional<Chained> nextChained() {
    if (handedOut == 0 || closed.size() <= handedOut) {
      return Optional.empty();
    }
    Window w = closed.stream().skip(handedOut).findFirst().orElseThrow();
    handedOut++;
    return Optional.of(new Chained(settings, math, w));
  }

  /**
   * The jobs handed out failed (or were abandoned): the oldest closed window's job is handed out
   * again by {@link #nextJob}.
   */
  public void jobFailed() {
    handedOut = 0;
  }

  /**
   * Installs a computed version: the model in force becomes {@code built.model()}.
   *
   * @throws IllegalStateException if it is not the version of the oldest closed window
   */
  public void install(Built built) {
    Window head = closed.peekFirst();
    if (head == null || head.version() != built.model().version()) {
      throw new IllegalStateException(
          "version "
              + built.model().version()
              + " is not the next to install ("
              + (head == null ? "none is pending" : "v" + head.version() + " is")
              + ")");
    }
    closed.removeFirst();
    model = Optional.of(built.model());
    windows = built.windows();
    clusters = built.clusters();
    handedOut = Math.max(0, handedOut - 1);
  }

  /** The model in force, if a version is installed. */
  public Optional<StreamingModel> model() {
    return model;
  }

  /** The version in force, 0 before the first. */
  public long lastVersion() {
    return model.map(StreamingModel::version).orElse(0L);
  }

  /** Closed windows whose version is not installed yet. */
  public int pendingWindows() {
    return closed.size();
  }

  /** The clusters of the unknown after the version in force. */
  public NoveltyClusters clusters() {
    return clusters;
  }

  /** The input dimension, fixed by the first labelled sample; −1 before it. */
  public int dimension() {
    return dimension;
  }

  /**
   * How many more labelled samples can be added before a window closes (by count: with {@code
   * windowMs} a window may close earlier).
   */
  public int untilClose() {
    return settings.window() - open.size();
  }
}
