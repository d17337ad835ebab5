package dev.redunet.stream;

import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * The scoring stage: turns one {@link ValidSample} into its {@link Scored} output records. This is
 * the seam where the model plugs in: the topology calls {@link #score} once per valid sample, in
 * offset order per partition, and writes the result to the predictions and features topics, keyed
 * by the sample id, in the same transaction as the consumption of the input record.
 *
 * <p>One instance serves one stream task (one input partition) and is used by one thread at a time:
 * the lifecycle is {@link #init} once, {@link #score} per sample, {@link #close} once. An exception
 * thrown by {@link #score} does not stop the application: the record goes to the rejected topic
 * with reason OTHER and processing continues (see {@code RedunetExceptionHandlers}).
 *
 * <p>The default implementation is {@link IdentityScorer}: the behaviour before the first model.
 */
public interface SampleScorer {

  /**
   * Called once before the first sample, with the context of the scoring processor: state stores
   * (connected through {@link ScoringPlugin#stores()}, or global), punctuators, metrics, and
   * forwarding to any further children the plugin added below {@link RedunetTopology#SCORE}.
   */
  default void init(ProcessorContext<String, Object> context) {}

  /**
   * Scores one sample with the current model.
   *
   * @return the prediction and the features of the sample, both with {@code sampleId = sample.id()}
   */
  Scored score(ValidSample sample);

  /** Called once when the task closes. */
  default void close() {}
}
