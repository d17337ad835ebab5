package dev.redunet.app.http;

import java.util.Optional;

/**
 * Read-only access to the summary of the current model, for {@code /model}.
 *
 * <p>The learning part of the topology implements it with an interactive query of the global model
 * store (every instance holds every model version, so every instance can answer). Implementations
 * are called from HTTP threads, concurrently: they must be thread-safe, must not block for long,
 * and return {@link Optional#empty()} when there is no model yet or the store cannot be queried
 * right now (for example while it is restoring) rather than throwing.
 */
@FunctionalInterface
public interface ModelSummarySource {

  /** The current model, if this instance has one. */
  Optional<ModelSummary> current();

  /** Version {@code version} of the model, if this instance holds it (a retained version). */
  default Optional<ModelSummary> version(long version) {
    return current().filter(m -> m.version() == version);
  }

  /** A source that never has a model (the scoring stage without learning). */
  static ModelSummarySource none() {
    return Optional::empty;
  }
}
