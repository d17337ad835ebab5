package dev.redunet.stream;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which input shape one task expects: the configured one, else the shape agreed in the global
 * input-shape store, else the task's own proposal not yet visible there, else none (the next valid
 * sample fixes it). See {@link InputShape} for the agreement protocol. One instance per task; not
 * thread-safe.
 */
final class ShapeGuard {

  private static final Logger LOG = LoggerFactory.getLogger(ShapeGuard.class);

  /** An expected shape and where it comes from, for rejection messages. */
  record Expected(List<Integer> shape, String origin) {
    long size() {
      long p = 1;
      for (int d : shape) {
        p *= d;
      }
      return p;
    }
  }

  private final Optional<Expected> configured;
  private final String modelName;
  private final Function<String, InputShape> agreed;
  private InputShape proposal;

  /**
   * @param configured the configured shape (empty list = not configured)
   * @param modelName key of the model in the store
   * @param agreed reads the global store (model name → shape or null)
   */
  ShapeGuard(List<Integer> configured, String modelName, Function<String, InputShape> agreed) {
    this.configured =
        configured.isEmpty()
            ? Optional.empty()
            : Optional.of(new Expected(List.copyOf(configured), "redunet.feature.shape"));
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.agreed = Objects.requireNonNull(agreed, "agreed");
  }

  /** The shape samples must have now, if one is known. */
  Optional<Expected> expected() {
    if (configured.isPresent()) {
      return configured;
    }
    InputShape winner = agreed.apply(modelName);
    if (winner != null) {
      if (proposal != null) {
        if (!proposal.shape().equals(winner.shape())) {
          LOG.warn(
              "Model '{}': this task proposed the input shape {} but {} was fixed first; samples"
                  + " are now checked against {}",
              modelName,
              proposal,
              winner,
              winner.shape());
        }
        proposal = null;
      }
      return Optional.of(new Expected(winner.shape(), "fixed by " + winner.provenance()));
    }
    if (proposal != null) {
      return Optional.of(
          new Expected(proposal.shape(), "fixed by " + proposal.provenance() + ", unconfirmed"));
    }
    return Optional.empty();
  }

  /** Records this task's proposal (the caller also writes it to the input-shape topic). */
  void propose(InputShape shape) {
    if (configured.isPresent()) {
      throw new IllegalStateException("the shape is configured; nothing to propose");
    }
    this.proposal = Objects.requireNonNull(shape, "shape");
  }

  /** The model whose shape is guarded (key of the store and the topic). */
  String modelName() {
    return modelName;
  }
}
