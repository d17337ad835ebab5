package dev.redunet.stream.learning;

import dev.redunet.avro.internal.ModelProgress;
import dev.redunet.learn.StreamingModel;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the builder task of this application instance has published, handed at once to the scoring
 * tasks of the same instance, before it reaches them through the model topic and the global store
 * (a transaction commit and a fetch later, 0.2–1 s with a 2 MB model): the window boundaries, the
 * watermark ({@link ModelProgress}) and the versions.
 *
 * <p>Scoring with them before the builder's transaction commits keeps the determinism of consistent
 * scoring: each of them is a function of the learning records the builder has read (the boundary
 * and the version of window v, and the owed version of every key at or before the watermark), so a
 * builder that crashes and restarts publishes the same values again. Other instances read them from
 * the global store only.
 *
 * <p>Thread-safe: written by the builder task's thread, read by the scoring tasks' threads. Bounded
 * by the builder, which drops a version (and its boundary) when it leaves retention.
 */
final class LocalVersions {

  private final Map<Long, StreamingModel> versions = new ConcurrentHashMap<>();
  private final Map<Long, String> boundaries = new ConcurrentHashMap<>();
  private volatile ModelProgress progress;
  private volatile long latest = -1;

  /** Window {@code version} closed after the sample at {@code boundary}. */
  void closed(long version, String boundary) {
    boundaries.put(version, boundary);
  }

  /** The builder published {@code p}. */
  void progress(ModelProgress p) {
    progress = p;
  }

  /** The builder published {@code model}. */
  void built(StreamingModel model) {
    versions.put(model.version(), model);
    latest = Math.max(latest, model.version());
  }

  /** Version {@code version} left retention. */
  void dropped(long version) {
    versions.remove(version);
    boundaries.remove(version);
  }

  Optional<ModelProgress> progress() {
    return Optional.ofNullable(progress);
  }

  Optional<String> boundary(long version) {
    return Optional.ofNullable(boundaries.get(version));
  }

  Optional<StreamingModel> version(long version) {
    return Optional.ofNullable(versions.get(version));
  }

  OptionalLong latestVersion() {
    long v = latest;
    return v < 0 ? OptionalLong.empty() : OptionalLong.of(v);
  }
}
