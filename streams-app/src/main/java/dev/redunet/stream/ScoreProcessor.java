package dev.redunet.stream;

import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The scoring processor ({@value RedunetTopology#SCORE}): runs the plugin's {@link SampleScorer} on
 * every valid sample and forwards its {@link Scored} records to the predictions and features sinks,
 * keyed by the sample id, with the input record's timestamp. If the scorer throws, or returns the
 * records of another sample (an {@link IllegalStateException}), the exception reaches the
 * processing exception handler, which writes the input record to the rejected topic.
 */
final class ScoreProcessor implements Processor<String, ValidSample, String, Object> {

  private final SampleScorer scorer;
  private ProcessorContext<String, Object> context;

  ScoreProcessor(SampleScorer scorer) {
    this.scorer = Objects.requireNonNull(scorer, "scorer");
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    scorer.init(context);
  }

  @Override
  public void process(Record<String, ValidSample> record) {
    ValidSample sample = record.value();
    Scored scored = scorer.score(sample);
    if (scored == null || !sample.id().equals(scored.sampleId())) {
      throw new IllegalStateException(
          "the scorer returned "
              + (scored == null ? "null" : "the records of sample " + scored.sampleId())
              + " for sample "
              + sample.id());
    }
    context.forward(record.withValue(scored.prediction()), RedunetTopology.PREDICTIONS_SINK);
    context.forward(record.withValue(scored.features()), RedunetTopology.FEATURES_SINK);
  }

  @Override
  public void close() {
    scorer.close();
  }
}
