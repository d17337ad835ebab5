package dev.redunet.stream;

import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The scoring processor ({@value RedunetTopology#SCORE}): hands every valid sample to the plugin's
 * {@link SampleScorer} and forwards the {@link Scored} records it emits (at once or later) to the
 * predictions and features sinks, keyed by the sample id. If the scorer throws, the exception
 * reaches the processing exception handler, which writes the input record to the rejected topic.
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
    scorer.init(context, this::emit);
  }

  private void emit(Scored scored, long timestamp) {
    context.forward(
        new Record<>(scored.sampleId(), (Object) scored.prediction(), timestamp),
        RedunetTopology.PREDICTIONS_SINK);
    context.forward(
        new Record<>(scored.sampleId(), (Object) scored.features(), timestamp),
        RedunetTopology.FEATURES_SINK);
  }

  @Override
  public void process(Record<String, ValidSample> record) {
    scorer.score(record.value(), record.timestamp());
  }

  @Override
  public void close() {
    scorer.close();
  }
}
