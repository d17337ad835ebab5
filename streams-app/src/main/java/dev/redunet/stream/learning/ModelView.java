package dev.redunet.stream.learning;

import dev.redunet.avro.internal.ModelProgress;
import dev.redunet.learn.StreamingModel;
import dev.redunet.wire.AvroCodec;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * A scoring task's view of what the builder published: the global model store (every instance)
 * merged with {@link LocalVersions} (this instance's builder, sooner). Both only grow the same
 * facts, so the view takes whichever knows more. Not thread-safe: one per task.
 */
final class ModelView {

  private static final AvroCodec<ModelProgress> PROGRESS = AvroCodec.of(ModelProgress.class);

  private final String modelName;
  private final ReadOnlyKeyValueStore<String, byte[]> store;
  private final LocalVersions local;
  private final ModelCache cache;
  private byte[] progressBytes;
  private ModelProgress storedProgress;

  ModelView(String modelName, ReadOnlyKeyValueStore<String, byte[]> store, LocalVersions local) {
    this.modelName = modelName;
    this.store = store;
    this.local = local;
    this.cache = new ModelCache(modelName);
  }

  /** The builder's newest progress: the one with more windows, then the later watermark. */
  Optional<ModelProgress> progress() {
    byte[] b = store.get(ModelTopicKeys.progress(modelName));
    if (b != null && !Arrays.equals(b, progressBytes)) {
      storedProgress = PROGRESS.decode(b);
      progressBytes = b;
    }
    ModelProgress stored = b == null ? null : storedProgress;
    ModelProgress here = local.progress().orElse(null);
    if (stored == null || here == null) {
      return Optional.ofNullable(stored == null ? here : stored);
    }
    int c = Long.compare(here.getWindows(), stored.getWindows());
    if (c == 0) {
      c = here.getWatermark().compareTo(stored.getWatermark());
    }
    return Optional.of(c > 0 ? here : stored);
  }

  /** The key of the last sample of window {@code v}, if still retained. */
  Optional<String> boundary(long v) {
    Optional<String> here = local.boundary(v);
    if (here.isPresent()) {
      return here;
    }
    byte[] b = store.get(ModelTopicKeys.boundary(modelName, v));
    return b == null ? Optional.empty() : Optional.of(new String(b, StandardCharsets.UTF_8));
  }

  /** The newest published version's number, if any. */
  OptionalLong latestVersion() {
    OptionalLong stored = cache.latestVersion(store);
    OptionalLong here = local.latestVersion();
    if (stored.isEmpty() || here.isEmpty()) {
      return stored.isEmpty() ? here : stored;
    }
    return OptionalLong.of(Math.max(stored.getAsLong(), here.getAsLong()));
  }

  /** Version {@code v}, if published and retained. */
  Optional<StreamingModel> version(long v) {
    Optional<StreamingModel> here = local.version(v);
    return here.isPresent() ? here : cache.version(store, v);
  }

  /** The newest published version, if any. */
  Optional<StreamingModel> latest() {
    OptionalLong v = latestVersion();
    return v.isPresent() ? version(v.getAsLong()) : Optional.empty();
  }
}
