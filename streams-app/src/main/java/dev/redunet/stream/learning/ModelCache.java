package dev.redunet.stream.learning;

import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.StreamingModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Model versions read from the global model store, each assembled once. The store holds every
 * retained version v: its parts under {@code <model>/v<v>/<part>}, written first, then its header
 * under {@code <model>/v<v>/header}; and, under {@code <model>} alone, the header of the newest
 * version (written last). Whoever sees a header finds all of its parts. A few assembled versions
 * are kept (the scorer needs the newest and, briefly, the one before). Not thread-safe: one per
 * task.
 */
final class ModelCache {

  private static final int KEPT = 3;

  private final String modelName;
  private final Map<Long, StreamingModel> assembled =
      new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, StreamingModel> eldest) {
          return size() > KEPT;
        }
      };
  private byte[] latestHeader;
  private long latestVersion;

  ModelCache(String modelName) {
    this.modelName = modelName;
  }

  /** The newest published version's number, if any. */
  OptionalLong latestVersion(ReadOnlyKeyValueStore<String, byte[]> store) {
    byte[] header = store.get(ModelTopicKeys.latest(modelName));
    if (header == null) {
      return OptionalLong.empty();
    }
    if (!Arrays.equals(header, latestHeader)) { // per sample: a byte comparison, not a parse
      latestVersion = ModelCodec.version(header);
      latestHeader = header;
    }
    return OptionalLong.of(latestVersion);
  }

  /** The newest published version, if any. */
  Optional<StreamingModel> latest(ReadOnlyKeyValueStore<String, byte[]> store) {
    OptionalLong v = latestVersion(store);
    return v.isPresent() ? version(store, v.getAsLong()) : Optional.empty();
  }

  /** Version {@code v}, if it is in the store (published and not yet deleted). */
  Optional<StreamingModel> version(ReadOnlyKeyValueStore<String, byte[]> store, long v) {
    StreamingModel m = assembled.get(v);
    if (m != null) {
      return Optional.of(m);
    }
    byte[] header = store.get(ModelTopicKeys.part(modelName, v, ModelCodec.HEADER));
    if (header == null) {
      return Optional.empty();
    }
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put(ModelCodec.HEADER, header);
    for (String part : ModelCodec.listedParts(header)) {
      if (ModelCodec.isStatisticsPart(part)) {
        continue; // not needed to score (LearningPlugin.model reads them for the export)
      }
      byte[] bytes = store.get(ModelTopicKeys.part(modelName, v, part));
      if (bytes == null) {
        return Optional.empty(); // being deleted
      }
      parts.put(part, bytes);
    }
    m = ModelCodec.assemble(parts);
    assembled.put(v, m);
    return Optional.of(m);
  }

  /** Adds a version this task assembled itself (the builder, what it publishes). */
  void put(StreamingModel model) {
    assembled.put(model.version(), model);
  }
}
