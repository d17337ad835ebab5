package dev.redunet.stream.learning;

import dev.redunet.learn.ModelCodec;
import dev.redunet.learn.StreamingModel;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model in force, read from the global model store and assembled once per version. The store
 * holds the parts of every published version under {@code <model>/v<version>/<part>} and, under
 * {@code <model>}, the header of the current version, written after its parts: whoever sees a
 * header finds all of its parts. Not thread-safe: one per task.
 */
final class ModelCache {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

  private final String modelName;
  private Optional<StreamingModel> cached = Optional.empty();
  private byte[] cachedHeader;

  ModelCache(String modelName) {
    this.modelName = modelName;
  }

  /** The current model, if one was published. */
  Optional<StreamingModel> current(ReadOnlyKeyValueStore<String, byte[]> store) {
    byte[] header = store.get(modelName);
    if (header == null || Arrays.equals(header, cachedHeader)) {
      return cached; // per sample: a byte comparison, not a parse of the header
    }
    long version = ModelCodec.version(header);
    if (cached.isPresent() && cached.get().version() == version) {
      cachedHeader = header;
      return cached;
    }
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put(ModelCodec.HEADER, header);
    for (String part : ModelCodec.listedParts(header)) {
      byte[] bytes = store.get(LearningPlugin.partKey(modelName, version, part));
      if (bytes == null) {
        LOG.warn(
            "model {} v{}: part {} not in the store yet; keeping the model in force",
            modelName,
            version,
            part);
        return cached;
      }
      parts.put(part, bytes);
    }
    cached = Optional.of(ModelCodec.assemble(parts));
    cachedHeader = header;
    return cached;
  }

  /** Replaces the cached model (the builder caches what it publishes). */
  void set(StreamingModel model) {
    cached = Optional.of(model);
    cachedHeader = null;
  }
}
