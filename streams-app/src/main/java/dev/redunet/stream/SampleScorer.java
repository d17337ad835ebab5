package dev.redunet.stream;

import java.util.function.Function;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The scoring stage: turns every {@link ValidSample} into its {@link Scored} output records. This
 * is the seam where the model plugs in: the topology calls {@link #score} once per valid sample, in
 * offset order per partition, and the scorer emits the sample's outputs through {@link Output} — at
 * once, or later (from a punctuation) when the sample waits for the model version it is owed. They
 * go to the predictions and features topics, keyed by the sample id, in the transaction of the task
 * that emits them.
 *
 * <p>One instance serves one stream task (one input partition) and is used by one thread at a time:
 * the lifecycle is {@link #init} once, {@link #score} per sample, {@link #close} once. An exception
 * thrown by {@link #score} does not stop the application: the record goes to the rejected topic
 * with reason OTHER and processing continues (see {@code RedunetExceptionHandlers}).
 *
 * <p>The default implementation is {@link IdentityScorer}: the behaviour before the first model.
 */
public interface SampleScorer {

  /** Where a scorer sends the outputs of a scored sample. */
  @FunctionalInterface
  interface Output {
    /**
     * Forwards a sample's prediction and features.
     *
     * @param timestamp the timestamp of the output records (the input record's)
     */
    void emit(Scored scored, long timestamp);
  }

  /**
   * Called once before the first sample, with the context of the scoring processor: state stores
   * (connected through {@link ScoringPlugin#stores()}, or global), punctuators, metrics, and
   * forwarding to any further children the plugin added below {@link RedunetTopology#SCORE}.
   *
   * @param output where scored samples go
   */
  default void init(ProcessorContext<String, Object> context, Output output) {}

  /**
   * Takes one sample: scores it now or later, and emits its outputs exactly once.
   *
   * @param timestamp the input record's timestamp
   */
  void score(ValidSample sample, long timestamp);

  /** Called once when the task closes. */
  default void close() {}

  /** A scorer that scores every sample at once with {@code scoring}, stateless. */
  static SampleScorer synchronous(Function<ValidSample, Scored> scoring) {
    return new SampleScorer() {
      private Output output;

      @Override
      public void init(ProcessorContext<String, Object> context, Output output) {
        this.output = output;
      }

      @Override
      public void score(ValidSample sample, long timestamp) {
        output.emit(scoring.apply(sample), timestamp);
      }
    };
  }
}
