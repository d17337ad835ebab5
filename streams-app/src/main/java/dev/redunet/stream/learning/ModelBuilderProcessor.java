package dev.redunet.stream.learning;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.eval.ConfusionMatrix;
import dev.redunet.learn.LearnerSettings;
import dev.redunet.learn.LearnerSettings.Construction;
import dev.redunet.learn.ModelBuilder;
import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.ModelStatistics;
import dev.redunet.learn.StatisticsWindows;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.Matrix;
import dev.redunet.rate.Rates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The builder of one model (one task: the learning topic has one partition, keyed by model name).
 * It merges the deltas and raw samples the scoring tasks send into the current window's statistics,
 * and at every window boundary (W labelled samples, or {@code redunet.window.ms} of stream time)
 * closes the window, builds the next version ({@link ModelBuilder}) and publishes it to the
 * compacted model topic, part by part, header last. Its state (the open window as the log of the
 * records that contributed to it, the combined statistics of the closed windows, buffered raw
 * samples, class names, version) lives in {@value LearningPlugin#BUILDER_STORE}, so a restarted or
 * migrated builder continues where it stopped; under exactly-once a merge commits if and only if
 * its input is consumed.
 *
 * <p>A version is computed on the builder's own thread ({@code redunet.rebuild=background}, the
 * default): the stream thread only reads the inputs, submits, and publishes the result from the
 * next record or a 100 ms wall-clock punctuation, so it keeps polling and committing however long
 * the construction takes (L·(k+1) inversions of d×d matrices: milliseconds at d = 64, seconds at d
 * = 784 without a projection). The request is saved first; a builder restarted before publishing
 * computes it again. While a version is computed, the next window keeps filling and closes after it
 * is published. {@code redunet.rebuild=inline} computes on the stream thread (deterministic
 * sequencing, for tests).
 */
final class ModelBuilderProcessor implements Processor<String, byte[], String, Object> {

  private static final Logger LOG = LoggerFactory.getLogger(ModelBuilderProcessor.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The log of the open window's contributions: {@value} + a 19-digit sequence number. */
  private static final String WINDOW_PREFIX = "window/";

  /** The state key of the version requested and not yet published. */
  private static final String BUILD_KEY = "build";

  /** Samples wait to be multiplied out until they take more than this or the statistics' size. */
  static final long WAITING_BYTES = 16L << 20;

  private final String modelName;
  private final LearnerSettings settings;
  private final ModelBuilder builder;
  private final ModelCache cache;
  private ProcessorContext<String, Object> context;
  private KeyValueStore<String, byte[]> state;
  private ReadOnlyKeyValueStore<String, byte[]> models;

  private Optional<StreamingModel> model = Optional.empty();
  private final List<String> names = new ArrayList<>();
  private int dimension = -1;
  private long nextRaw;

  private long nextContribution;

  /** Raw samples of the open window (after the first model), not yet in {@link #window}. */
  private final List<LearningRecord.Raw> waitingRaw = new ArrayList<>();

  private long waitingBytes;
  private final long waitingLimit;
  private long rawCount;
  private ModelStatistics window;
  private long windowLabelled;
  private StatisticsWindows windows;
  private final Map<String, Long> outcomes = new LinkedHashMap<>();
  private long windowStartMs;

  private final LearningListener listener;
  private final long windowMs;
  private final boolean inline;
  private final Supplier<ExecutorService> executors;
  private ExecutorService executor;

  /** The version being computed, or null; see {@link BuildRequest}. */
  private Future<Computed> building;

  private BuildRequest buildRequest;
  private boolean replayingBehindBuild;

  /** The buffered raw samples at which the first version may be requested (again). */
  private long firstAttemptAt;

  private long streamTime = Long.MIN_VALUE;
  private long windowOpenedAt = -1;

  /**
   * A builder.
   *
   * @param windowMs also close a window after this much stream time, 0 = by count only
   * @param waitingLimit waiting raw samples are multiplied out once they take more than this and
   *     the statistics' size; 0: at every contribution (tests)
   * @param executors creates the executor versions are computed on (one per task), or null to
   *     compute them inline, on the stream thread
   */
  ModelBuilderProcessor(
      String modelName,
      LearnerSettings settings,
      LearningListener listener,
      long windowMs,
      long waitingLimit,
      Supplier<ExecutorService> executors) {
    this.waitingLimit = waitingLimit;
    this.executors = executors;
    this.inline = executors == null;
    this.modelName = modelName;
    this.listener = listener;
    this.windowMs = windowMs;
    this.settings = settings;
    this.builder = new ModelBuilder(settings);
    this.cache = new ModelCache(modelName);
    this.windows = StatisticsWindows.start(settings);
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.state = context.getStateStore(LearningPlugin.BUILDER_STORE);
    this.models = context.getStateStore(LearningPlugin.MODEL_STORE);
    this.windowStartMs = context.currentSystemTimeMs();
    if (!inline) {
      executor = executors.get();
      context.schedule(
          Duration.ofMillis(100), PunctuationType.WALL_CLOCK_TIME, now -> publishIfBuilt());
    }
    restore();
  }

  /** The default executor of versions: one daemon thread named after the model. */
  static ExecutorService builderThread(String modelName) {
    return Executors.newSingleThreadExecutor(
        r -> {
          Thread t = new Thread(r, "redunet-builder-" + modelName);
          t.setDaemon(true);
          return t;
        });
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow(); // a build in flight is requested again by the next owner's restore
    }
  }

  private void restore() {
    byte[] n = state.get("names");
    if (n != null) {
      names.addAll(readNames(n));
    }
    byte[] d = state.get("dimension");
    dimension = d == null ? -1 : ByteBuffer.wrap(d).getInt();
    nextRaw = longOf("raw-next");
    rawCount = longOf("raw-count");
    windowLabelled = longOf("window-labelled");
    byte[] opened = state.get("window-opened");
    windowOpenedAt = opened == null ? -1 : ByteBuffer.wrap(opened).getLong();
    model = cache.current(models);
    if (model.isPresent() && model.get().version() != longOf("version")) {
      LOG.warn(
          "model {}: the model topic has v{} but the builder's state says v{}; using the topic's",
          modelName,
          model.get().version(),
          longOf("version"));
    }
    byte[] request = state.get(BUILD_KEY);
    int d0 = model.map(StreamingModel::featureDimension).orElse(-1);
    if (d0 > 0) {
      Optional<ModelStatistics> total = readStatistics("total/", d0);
      List<ModelStatistics> recent = new ArrayList<>();
      for (int i = 0; i < settings.slidingWindows(); i++) {
        readStatistics("recent/" + i + "/", d0).ifPresent(recent::add);
      }
      windows = StatisticsWindows.restore(settings, total, recent);
    }
    BuildRequest pending = null;
    if (request != null) {
      BuildRequest r = BuildRequest.decode(request);
      if (r.version() > model.map(StreamingModel::version).orElse(0L)) {
        pending = r;
      } else {
        state.delete(BUILD_KEY);
      }
    }
    // With a version still to publish, the window's samples waited live: they wait again here.
    replayingBehindBuild = pending != null;
    if (d0 > 0) {
      window = ModelStatistics.empty(d0, settings.layers());
      try (KeyValueIterator<String, byte[]> it =
          state.prefixScan(WINDOW_PREFIX, new StringSerializer())) {
        while (it.hasNext()) {
          KeyValue<String, byte[]> kv = it.next();
          absorb(LearningRecord.decode(kv.value));
          nextContribution =
              Long.parseLong(kv.key.substring(WINDOW_PREFIX.length())) + 1; // keys sort by number
        }
      }
    }
    replayingBehindBuild = false;
    byte[] o = state.get("outcomes");
    if (o != null) {
      outcomes.putAll(readOutcomes(o));
    }
    if (pending != null) {
      LOG.info(
          "model {}: computing v{} again (requested before a restart)",
          modelName,
          pending.version());
      submit(pending); // with the state restored: inline, it is published right away
    }
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (!modelName.equals(record.key()) || record.value() == null) {
      return;
    }
    publishIfBuilt();
    long eventTime = LearningRecord.eventTime(record);
    streamTime = Math.max(streamTime, eventTime);
    if (windowOpenedAt < 0) {
      windowOpenedAt = eventTime;
      state.put("window-opened", longBytes(windowOpenedAt));
    }
    LearningRecord r = LearningRecord.decode(record.value());
    if (r instanceof LearningRecord.Raw raw) {
      raws(List.of(raw));
    } else if (r instanceof LearningRecord.Raws raws) {
      raws(raws.samples());
    } else if (window == null) {
      LOG.warn("model {}: a statistics delta arrived before the first model; ignored", modelName);
    } else {
      contribute(r, record.value());
    }
  }

  /**
   * Appends a contribution to the window's log in the state store (one write of the record as it
   * arrived, so persisting the window does not cost k·(L+2)·d² per record), adds it to the window
   * ({@link #absorb}), and counts its labelled samples and outcomes.
   */
  private void contribute(LearningRecord r, byte[] encoded) {
    state.put(windowKey(nextContribution++), encoded);
    absorb(r);
    long labelled;
    if (r instanceof LearningRecord.Raws raws) {
      labelled = raws.samples().size(); // their outcomes were counted on arrival
    } else {
      LearningRecord.End end =
          r instanceof LearningRecord.Delta delta
              ? delta.end()
              : r instanceof LearningRecord.End e ? e : null;
      if (end == null) {
        return; // a part: its end follows
      }
      end.outcomes().forEach((k, v) -> outcomes.merge(k, v, Long::sum));
      labelled = end.labelled();
    }
    windowLabelled += labelled;
    saveCounters();
    maybeRebuild();
  }

  /**
   * Adds one contribution to the window (the statistics only, not the counters); a restarted
   * builder replays the log through it. Statistics deltas are added at once. Raw samples wait in
   * memory, and the window's model (fixed until the window closes) pushes them through together, in
   * one batch, when the window closes or they outgrow the statistics ({@link #materialize}).
   */
  private void absorb(LearningRecord r) {
    if (r instanceof LearningRecord.Raws raws) {
      for (LearningRecord.Raw raw : raws.samples()) {
        waitingRaw.add(raw);
        waitingBytes += 8L * raw.features().length;
      }
    } else if (r instanceof LearningRecord.Part part) {
      window = ModelCodec.addPart(window, part.name(), part.bytes());
    } else if (r instanceof LearningRecord.Delta delta) {
      for (Map.Entry<String, byte[]> part : delta.parts().entrySet()) {
        window = ModelCodec.addPart(window, part.getKey(), part.getValue());
      }
      window = window.plusLabelled(delta.end().labelled());
    } else if (r instanceof LearningRecord.End end) {
      window = window.plusLabelled(end.labelled());
    } else {
      throw new IllegalArgumentException("not a statistics contribution: " + r);
    }
    long statisticsBytes =
        ModelCodec.statisticsBytes(
            Math.max(1, names.size()), settings.layers(), window.dimension());
    if (building == null
        && !replayingBehindBuild
        && waitingBytes > (waitingLimit == 0 ? 0 : Math.max(statisticsBytes, waitingLimit))) {
      materialize();
    }
  }

  /** Adds the waiting samples to the window's statistics, in one batch, and forgets them. */
  private void materialize() {
    if (!waitingRaw.isEmpty()) {
      double[][] columns = new double[waitingRaw.size()][];
      int[] labels = new int[waitingRaw.size()];
      for (int i = 0; i < columns.length; i++) {
        columns[i] = waitingRaw.get(i).features();
        labels[i] = names.indexOf(waitingRaw.get(i).label());
      }
      window =
          window.merge(
              model
                  .orElseThrow()
                  .statistics(Matrix.fromColumns(columns), labels, settings.membership()));
      waitingRaw.clear();
    }
    waitingBytes = 0;
  }

  /**
   * Labelled raw samples, in order: each names its class (new classes are numbered in order of
   * first appearance) and counts its outcome; before the first model it joins the buffer the first
   * version is built from (and always in {@code replay}); once a model exists, the samples join the
   * window, logged as one record.
   */
  private void raws(List<LearningRecord.Raw> samples) {
    List<LearningRecord.Raw> toWindow = new ArrayList<>();
    for (LearningRecord.Raw raw : samples) {
      if (dimension < 0) {
        dimension = raw.features().length;
        state.put("dimension", ByteBuffer.allocate(4).putInt(dimension).array());
      }
      if (raw.features().length != dimension) {
        LOG.warn(
            "model {}: dropping a labelled sample of dimension {} (the model's is {})",
            modelName,
            raw.features().length,
            dimension);
        continue;
      }
      if (!names.contains(raw.label())) {
        names.add(raw.label());
        state.put("names", writeNames(names));
      }
      LearningRecord.Raw unpredicted =
          new LearningRecord.Raw(raw.label(), raw.features(), Optional.empty());
      raw.predicted()
          .ifPresent(p -> outcomes.merge(LearningRecord.outcome(raw.label(), p), 1L, Long::sum));
      if (model.isEmpty() || settings.construction() == Construction.REPLAY) {
        state.put(rawKey(nextRaw++), LearningRecord.encode(unpredicted));
        state.put("raw-next", longBytes(nextRaw));
        rawCount++;
        trimRaw();
        state.put("raw-count", longBytes(rawCount));
      }
      if (model.isEmpty()) {
        if (building == null
            && rawCount >= firstAttemptAt
            && (rawCount >= settings.window() || (rawCount > 1 && windowTimeIsUp()))) {
          requestFirstVersion();
        }
        saveCounters();
      } else {
        toWindow.add(unpredicted);
      }
    }
    if (!toWindow.isEmpty()) {
      LearningRecord.Raws logged = new LearningRecord.Raws(toWindow);
      contribute(logged, LearningRecord.encode(logged));
    }
  }

  /** Whether {@code redunet.window.ms} of stream time have passed since the window opened. */
  private boolean windowTimeIsUp() {
    return windowMs > 0 && windowOpenedAt >= 0 && streamTime - windowOpenedAt >= windowMs;
  }

  /** Requests the first version: the batch construction on the raw samples buffered so far. */
  private void requestFirstVersion() {
    BuildRequest r = new BuildRequest(1, true, nextRaw - 1, rawCount, samplesPerSecond(), outcomes);
    outcomes.clear();
    state.put(BUILD_KEY, r.encode());
    saveCounters();
    submit(r);
  }

  /**
   * Closes the window when it is full (by count or stream time) and no version is being computed:
   * its statistics join the combined ones (saved), a new window opens, and the next version is
   * requested. While a version is computed the window keeps filling.
   */
  private void maybeRebuild() {
    boolean byCount = windowLabelled >= settings.window();
    if (model.isEmpty()
        || building != null
        || !(byCount || (windowLabelled > 0 && windowTimeIsUp()))) {
      return;
    }
    materialize();
    windows = windows.close(window);
    saveWindows();
    BuildRequest r =
        new BuildRequest(
            model.get().version() + 1, false, -1, windowLabelled, samplesPerSecond(), outcomes);
    state.put(BUILD_KEY, r.encode());
    deletePrefix(WINDOW_PREFIX);
    nextContribution = 0;
    waitingRaw.clear();
    waitingBytes = 0;
    window = ModelStatistics.empty(window.dimension(), settings.layers());
    windowLabelled = 0;
    windowOpenedAt = -1;
    state.delete("window-opened");
    outcomes.clear();
    saveCounters();
    windowStartMs = context.currentSystemTimeMs();
    submit(r);
  }

  private double samplesPerSecond() {
    double seconds = Math.max(1e-3, (context.currentSystemTimeMs() - windowStartMs) / 1000.0);
    return windowLabelled / seconds;
  }

  /**
   * Starts computing a version: its inputs are read here, on the stream thread (the state store is
   * not thread-safe), and the computation runs on the builder's thread (or here, inline).
   */
  private void submit(BuildRequest r) {
    List<String> classNames = List.copyOf(names);
    Callable<Computed> task;
    if (r.first()) {
      List<LearningRecord.Raw> buffered = bufferedRaw(Long.MIN_VALUE, r.lastRaw());
      Matrix x = samplesOf(buffered);
      int[] y = labelsOf(buffered);
      task =
          () -> {
            long t0 = System.nanoTime();
            ModelBuilder.Built b = builder.construct(1, x, y, classNames, Optional.empty());
            return new Computed(
                b.model(), Optional.of(b.statistics()), (System.nanoTime() - t0) / 1e9);
          };
    } else {
      StreamingModel current = model.orElseThrow();
      ModelStatistics total = windows.total().orElseThrow();
      if (settings.construction() == Construction.STATISTICS) {
        task =
            () -> {
              long t0 = System.nanoTime();
              StreamingModel next =
                  builder.fromStatistics(
                      r.version(),
                      current.inputDimension(),
                      current.projection(),
                      total,
                      classNames);
              return new Computed(next, Optional.empty(), (System.nanoTime() - t0) / 1e9);
            };
      } else {
        List<LearningRecord.Raw> buffered = bufferedRaw(Long.MIN_VALUE, Long.MAX_VALUE);
        Matrix x = samplesOf(buffered);
        int[] y = labelsOf(buffered);
        task =
            () -> {
              long t0 = System.nanoTime();
              StreamingModel next =
                  builder.replay(r.version(), x, y, classNames, current.projection(), total);
              return new Computed(next, Optional.empty(), (System.nanoTime() - t0) / 1e9);
            };
      }
    }
    buildRequest = r;
    if (inline) {
      FutureTask<Computed> now = new FutureTask<>(task);
      now.run();
      building = now;
      publishIfBuilt();
    } else {
      building = executor.submit(task);
    }
  }

  /** Publishes the version being computed if it is ready (from process() and a punctuation). */
  private void publishIfBuilt() {
    if (building == null || !building.isDone()) {
      return;
    }
    BuildRequest r = buildRequest;
    Computed c;
    try {
      c = building.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException | CancellationException e) {
      building = null;
      buildRequest = null;
      // The closed window's statistics are in the combined ones: the next window's request (the
      // same version number) includes them. Samples keep being scored by the version in force.
      if (r.first()) {
        firstAttemptAt = rawCount + settings.window(); // not again at every sample
      }
      LOG.error(
          "model {}: computing v{} failed; the version in force stays, and the next window"
              + " requests v{} again",
          modelName,
          r.version(),
          r.version(),
          e.getCause() == null ? e : e.getCause());
      return;
    }
    building = null;
    buildRequest = null;
    publish(c, r);
    maybeRebuild(); // a window may have filled while this version was computed
  }

  /** Publishes a version (parts first, header last) and makes it the builder's model. */
  private void publish(Computed c, BuildRequest r) {
    StreamingModel next = c.model();
    long now = context.currentSystemTimeMs();
    Map<String, byte[]> parts = ModelCodec.parts(next, now, c.seconds());
    for (Map.Entry<String, byte[]> p : parts.entrySet()) {
      if (!p.getKey().equals(ModelCodec.HEADER)) {
        forwardModel(
            LearningPlugin.partKey(modelName, next.version(), p.getKey()), p.getValue(), now);
      }
    }
    byte[] header = parts.get(ModelCodec.HEADER);
    forwardModel(modelName, header, now);
    state.put("header/" + next.version(), header);
    byte[] old = state.get("header/" + (next.version() - 2));
    if (old != null) {
      for (String part : ModelCodec.listedParts(old)) {
        forwardModel(LearningPlugin.partKey(modelName, next.version() - 2, part), null, now);
      }
      state.delete("header/" + (next.version() - 2));
    }
    state.put("version", longBytes(next.version()));
    state.delete(BUILD_KEY);
    emitMetrics(next, c.seconds(), now, r);
    model = Optional.of(next);
    cache.set(next);
    if (r.first()) {
      windows = windows.close(c.statistics().orElseThrow());
      saveWindows();
      window = ModelStatistics.empty(next.featureDimension(), settings.layers());
      // Raw samples that arrived while the first version was computed open its first window.
      List<LearningRecord.Raw> later = bufferedRaw(r.lastRaw(), Long.MAX_VALUE);
      if (settings.construction() == Construction.STATISTICS) {
        deletePrefix("raw/");
        rawCount = 0;
        state.put("raw-count", longBytes(rawCount));
      }
      windowStartMs = now;
      for (LearningRecord.Raws logged :
          LearningRecord.Raws.chunked(later, LearningScorer.MAX_DELTA_RECORD_BYTES)) {
        contribute(logged, LearningRecord.encode(logged));
      }
    }
    listener.modelBuilt(next, c.seconds());
  }

  private void saveWindows() {
    deletePrefix("total/");
    windows.total().ifPresent(t -> writeStatistics("total/", t));
    deletePrefix("recent/");
    List<ModelStatistics> recent = windows.recent();
    for (int i = 0; i < recent.size(); i++) {
      writeStatistics("recent/" + i + "/", recent.get(i));
    }
  }

  /** A computed version; for the first one, also the statistics of its window. */
  private record Computed(
      StreamingModel model, Optional<ModelStatistics> statistics, double seconds) {}

  /**
   * A version requested and not yet published, saved under {@value #BUILD_KEY} so that a builder
   * restarted before publishing it computes it again from the saved inputs.
   *
   * @param version the version
   * @param first the first version: the construction on the raw samples up to {@code lastRaw}
   * @param lastRaw the sequence number of the last raw sample of the first window, or −1
   * @param windowLabelled labelled samples in the window it closes (for the metrics)
   * @param samplesPerSecond their rate (for the metrics)
   * @param outcomes (true, predicted) counts of the window (for the metrics)
   */
  private record BuildRequest(
      long version,
      boolean first,
      long lastRaw,
      long windowLabelled,
      double samplesPerSecond,
      Map<String, Long> outcomes) {
    BuildRequest {
      outcomes = Map.copyOf(outcomes);
    }

    byte[] encode() {
      ByteArrayOutputStream buf = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(buf)) {
        out.writeLong(version);
        out.writeBoolean(first);
        out.writeLong(lastRaw);
        out.writeLong(windowLabelled);
        out.writeDouble(samplesPerSecond);
        out.write(writeOutcomes(outcomes));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return buf.toByteArray();
    }

    static BuildRequest decode(byte[] bytes) {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        long version = in.readLong();
        boolean first = in.readBoolean();
        long lastRaw = in.readLong();
        long labelled = in.readLong();
        double rate = in.readDouble();
        Map<String, Long> outcomes = readOutcomes(in.readAllBytes());
        return new BuildRequest(version, first, lastRaw, labelled, rate, outcomes);
      } catch (IOException e) {
        throw new UncheckedIOException("corrupt build request in the builder's state", e);
      }
    }
  }

  private void emitMetrics(StreamingModel next, double rebuildSeconds, long now, BuildRequest w) {
    ConfusionMatrix confusion = new ConfusionMatrix();
    w.outcomes()
        .forEach(
            (k, count) -> {
              int sep = k.indexOf('\u0000');
              int t = names.indexOf(k.substring(0, sep));
              int p = names.indexOf(k.substring(sep + 1));
              for (long i = 0; i < count && t >= 0 && p >= 0; i++) {
                confusion.record(t, p);
              }
            });
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", modelName);
    m.put("version", next.version());
    m.put("window_labelled", w.windowLabelled());
    m.put("scored", confusion.total());
    m.put("accuracy", confusion.total() == 0 ? null : confusion.accuracy());
    m.put("kappa", confusion.total() == 0 ? null : finiteOrNull(confusion.kappa()));
    m.put("samples_per_second", w.samplesPerSecond());
    m.put("rebuild_seconds", rebuildSeconds);
    List<Map<String, Object>> layers = new ArrayList<>();
    List<Rates> rates = next.layerRates();
    for (int l = 0; l < rates.size(); l++) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("layer", l + 1);
      r.put("R", rates.get(l).r());
      r.put("Rc", rates.get(l).rc());
      r.put("deltaR", rates.get(l).deltaR());
      layers.add(r);
    }
    m.put("layers", layers);
    m.put("classes", names);
    try {
      String json = JSON.writeValueAsString(m);
      LOG.info("model {} v{}: {}", modelName, next.version(), json);
      context.forward(new Record<>(modelName, (Object) json, now), LearningPlugin.METRICS_SINK);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the metrics record", e);
    }
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }

  private void forwardModel(String key, byte[] value, long timestamp) {
    context.forward(new Record<>(key, (Object) value, timestamp), LearningPlugin.MODEL_SINK);
  }

  // --- state helpers ----------------------------------------------------------------------------

  private void saveCounters() {
    state.put("window-labelled", longBytes(windowLabelled));
    state.put("outcomes", writeOutcomes(outcomes));
  }

  private long longOf(String key) {
    byte[] b = state.get(key);
    return b == null ? 0 : ByteBuffer.wrap(b).getLong();
  }

  private static byte[] longBytes(long v) {
    return ByteBuffer.allocate(8).putLong(v).array();
  }

  private void deletePrefix(String prefix) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = state.prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        keys.add(it.next().key);
      }
    }
    keys.forEach(state::delete);
  }

  private void writeStatistics(String prefix, ModelStatistics s) {
    ModelCodec.statisticsParts(s).forEach((k, v) -> state.put(prefix + k, v));
    state.put(prefix + "labelled", longBytes(s.labelled()));
  }

  private Optional<ModelStatistics> readStatistics(String prefix, int d) {
    ModelStatistics s = ModelStatistics.empty(d, settings.layers());
    boolean any = false;
    try (KeyValueIterator<String, byte[]> it = state.prefixScan(prefix, new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        String name = kv.key.substring(prefix.length());
        if (name.equals("labelled")) {
          s = s.plusLabelled(ByteBuffer.wrap(kv.value).getLong());
        } else if (name.startsWith("depth/") || name.startsWith("output/")) {
          s = ModelCodec.addPart(s, name, kv.value);
        }
        any = true;
      }
    }
    return any ? Optional.of(s) : Optional.empty();
  }

  private static String windowKey(long seq) {
    return String.format("%s%019d", WINDOW_PREFIX, seq);
  }

  private static String rawKey(long seq) {
    return String.format("raw/%019d", seq);
  }

  /** Keeps at most W raw samples (the replay buffer is the last window). */
  private void trimRaw() {
    long excess = rawCount - settings.window();
    if (excess <= 0 || model.isEmpty()) {
      return;
    }
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = state.prefixScan("raw/", new StringSerializer())) {
      while (it.hasNext() && keys.size() < excess) {
        keys.add(it.next().key);
      }
    }
    keys.forEach(state::delete);
    rawCount -= keys.size();
  }

  /** The buffered raw samples with sequence numbers in ({@code after}, {@code last}], in order. */
  private List<LearningRecord.Raw> bufferedRaw(long after, long last) {
    List<LearningRecord.Raw> out = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = state.prefixScan("raw/", new StringSerializer())) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        long seq = Long.parseLong(kv.key.substring("raw/".length()));
        if (seq > after && seq <= last) {
          out.add((LearningRecord.Raw) LearningRecord.decode(kv.value));
        }
      }
    }
    return out;
  }

  private static Matrix samplesOf(List<LearningRecord.Raw> raws) {
    return Matrix.fromColumns(
        raws.stream().map(LearningRecord.Raw::features).toArray(double[][]::new));
  }

  private int[] labelsOf(List<LearningRecord.Raw> raws) {
    return raws.stream().mapToInt(r -> names.indexOf(r.label())).toArray();
  }

  private static byte[] writeNames(List<String> names) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.writeInt(names.size());
      for (String n : names) {
        out.writeUTF(n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static List<String> readNames(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int n = in.readInt();
      List<String> names = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        names.add(in.readUTF());
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt class names in the builder's state", e);
    }
  }

  private static byte[] writeOutcomes(Map<String, Long> outcomes) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      out.writeInt(outcomes.size());
      for (Map.Entry<String, Long> e : outcomes.entrySet()) {
        out.writeUTF(e.getKey());
        out.writeLong(e.getValue());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static Map<String, Long> readOutcomes(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int n = in.readInt();
      Map<String, Long> m = new TreeMap<>();
      for (int i = 0; i < n; i++) {
        m.put(in.readUTF(), in.readLong());
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("corrupt outcomes in the builder's state", e);
    }
  }
}
