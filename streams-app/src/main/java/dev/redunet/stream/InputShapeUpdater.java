package dev.redunet.stream;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Update processor of the global store {@value RedunetTopology#INPUT_SHAPE_STORE}: keeps the first
 * {@link InputShape} proposal per model (key) and ignores later ones, so that every instance agrees
 * on the input shape (see {@link InputShape}). Unreadable records are skipped with a WARN: an
 * exception here would stop the global thread, and with it the application.
 */
final class InputShapeUpdater implements Processor<String, byte[], Void, Void> {

  private static final Logger LOG = LoggerFactory.getLogger(InputShapeUpdater.class);

  private KeyValueStore<String, InputShape> store;

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(RedunetTopology.INPUT_SHAPE_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    if (record.key() == null || record.value() == null) {
      LOG.warn("Ignoring an input-shape record without key or value (key {})", record.key());
      return;
    }
    InputShape proposal;
    try {
      proposal = InputShape.fromJson(record.value());
    } catch (IllegalArgumentException e) {
      LOG.warn(
          "Ignoring an unreadable input-shape record for model {}: {}",
          record.key(),
          e.getMessage());
      return;
    }
    InputShape current = store.get(record.key());
    if (current == null) {
      store.put(record.key(), proposal);
      LOG.info("Input shape of model '{}': {}", record.key(), proposal);
    } else if (!current.shape().equals(proposal.shape())) {
      LOG.warn(
          "Model '{}': ignoring the input shape {} proposed by {}; the first proposal, {}, stands",
          record.key(),
          proposal.shape(),
          proposal.provenance(),
          current);
    }
  }
}
