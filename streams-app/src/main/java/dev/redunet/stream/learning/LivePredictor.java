package dev.redunet.stream.learning;

import dev.redunet.avro.Prediction;
import dev.redunet.avro.RejectReason;
import dev.redunet.avro.internal.ModelProgress;
import dev.redunet.learn.StreamingModel;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.stream.IdentityScorer;
import dev.redunet.stream.IngressSettings;
import dev.redunet.stream.SampleValidation;
import dev.redunet.stream.ShapeRule;
import dev.redunet.stream.ValidSample;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Synchronous predictions with the model in force, for {@code POST /predict}: every sample passes
 * the stream's own checks ({@link SampleValidation}), then the valid ones are scored as one batch
 * by the newest published version, through the stream's own scoring code ({@link ModelScoring}). It
 * learns nothing: nothing is written anywhere, no counter moves.
 *
 * <p>The version in force is the newest one this instance knows: the global model store's, or,
 * sooner, its own builder's ({@link LocalVersions}), as the scorers see it. Before the first
 * version, a sample gets the identity's prediction ({@code modelVersion} 0, no class), as in the
 * stream. Beyond the ingress checks, a sample is WRONG_DIMENSION when it does not fit the input
 * shape the stream has fixed, or the model's input dimension.
 *
 * <p>Thread-safe: the model lookup is serialized, the scoring is not.
 */
public final class LivePredictor {

  /** What became of one sample. */
  public sealed interface Outcome {}

  /** A prediction, with the Prediction record's fields. */
  public record Predicted(Prediction prediction) implements Outcome {}

  /**
   * A sample that was not scored.
   *
   * @param reason the reason code of the rejected topic
   * @param message what was wrong, and where
   */
  public record Rejected(RejectReason reason, String message) implements Outcome {}

  /** Thrown when the model store cannot be read now (the instance is starting or restoring). */
  public static final class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An unavailable store, and why. */
    public UnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final String modelName;
  private final Supplier<ReadOnlyKeyValueStore<String, byte[]>> stores;
  private final LocalVersions local;
  private final IngressSettings ingress;
  private final MathExecutor math;
  private ModelView view;

  LivePredictor(
      String modelName,
      Supplier<ReadOnlyKeyValueStore<String, byte[]>> stores,
      LocalVersions local,
      IngressSettings ingress,
      MathExecutor math) {
    this.modelName = Objects.requireNonNull(modelName, "modelName");
    this.stores = Objects.requireNonNull(stores, "stores");
    this.local = Objects.requireNonNull(local, "local");
    this.ingress = Objects.requireNonNull(ingress, "ingress");
    this.math = Objects.requireNonNull(math, "math");
  }

  /** The model in force and the stream's progress, read together. */
  private record InForce(Optional<StreamingModel> model, Optional<ModelProgress> progress) {}

  private synchronized InForce inForce() {
    try {
      if (view == null) {
        view = new ModelView(modelName, stores.get(), local);
      }
      return new InForce(view.latest(), view.progress());
    } catch (InvalidStateStoreException e) {
      view = null;
      throw new UnavailableException("the model store cannot be read now: " + e.getMessage(), e);
    }
  }

  /**
   * Predicts every sample.
   *
   * @param samples the record values, JSON (or Avro) samples as the samples topic takes them
   * @param now the event time of a sample that carries none
   * @return one outcome per sample, in order
   * @throws UnavailableException if the model store cannot be read now
   */
  public List<Outcome> predict(List<byte[]> samples, Instant now) {
    Outcome[] out = new Outcome[samples.size()];
    ValidSample[] valid = new ValidSample[samples.size()];
    for (int i = 0; i < samples.size(); i++) {
      SampleValidation.Outcome o;
      try {
        o = SampleValidation.validate(ingress, null, samples.get(i), now);
      } catch (RuntimeException e) {
        o = new SampleValidation.Rejected(RejectReason.OTHER, "validation failed: " + e, e);
      }
      if (o instanceof SampleValidation.Accepted a) {
        valid[i] = a.sample();
      } else if (o instanceof SampleValidation.Rejected r) {
        out[i] = new Rejected(r.reason(), r.message());
      }
    }
    InForce now0 = inForce();
    List<Integer> fixedShape =
        now0.progress().map(ModelProgress::getShape).filter(s -> !s.isEmpty()).orElse(List.of());
    List<ValidSample> batch = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < valid.length; i++) {
      ValidSample s = valid[i];
      if (s == null) {
        continue;
      }
      Optional<String> misfit =
          fixedShape.isEmpty()
              ? Optional.empty()
              : ShapeRule.misfit(s.shape(), fixedShape, "fixed by the first labelled sample");
      if (misfit.isEmpty()
          && now0.model().isPresent()
          && now0.model().get().inputDimension() != s.dimension()) {
        misfit =
            Optional.of(
                "features: "
                    + s.dimension()
                    + " values, the model in force (v"
                    + now0.model().get().version()
                    + ") takes "
                    + now0.model().get().inputDimension());
      }
      if (misfit.isPresent()) {
        out[i] = new Rejected(RejectReason.WRONG_DIMENSION, misfit.get());
      } else if (now0.model().isEmpty()) {
        out[i] = new Predicted(IdentityScorer.identity(s).prediction());
      } else {
        batch.add(s);
        positions.add(i);
      }
    }
    if (!batch.isEmpty()) {
      var scored = ModelScoring.score(batch, now0.model().get(), false, null, math);
      for (int b = 0; b < scored.size(); b++) {
        out[positions.get(b)] = new Predicted(scored.get(b).prediction());
      }
    }
    return Arrays.asList(out);
  }
}
