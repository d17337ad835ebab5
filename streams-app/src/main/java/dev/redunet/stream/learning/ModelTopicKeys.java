package dev.redunet.stream.learning;

/**
 * The keys of the compacted model topic (and of the global store that mirrors it), declared once
 * (docs/INTERNAL_FORMATS.md). A model name contains no {@code '/'} ({@code redunet.model.name} is
 * checked), so the grammar is unambiguous:
 *
 * <pre>
 * &lt;model&gt;                       the newest version's header (ModelCodec header part), written last
 * &lt;model&gt;/v&lt;version&gt;/header      version's header, written after its other parts
 * &lt;model&gt;/v&lt;version&gt;/&lt;part&gt;      one part of a version (ModelCodec: projection, layer/ℓ, micl/j)
 * &lt;model&gt;/boundary/&lt;version&gt;    UTF-8 StreamKey of the last sample of the window version was built from
 * &lt;model&gt;/progress              the builder's watermark (Avro ModelProgress, single-object encoding)
 * </pre>
 *
 * {@code <version>} is a decimal number ≥ 1. A tombstone deletes a version that left retention.
 */
public final class ModelTopicKeys {

  private ModelTopicKeys() {}

  /** The key of the newest version's header. */
  public static String latest(String modelName) {
    return modelName;
  }

  /** The key of part {@code part} of version {@code version} (its header: part {@code header}). */
  public static String part(String modelName, long version, String part) {
    return modelName + "/v" + version + "/" + part;
  }

  /** The key of the boundary of window (version) {@code version}. */
  public static String boundary(String modelName, long version) {
    return modelName + "/boundary/" + version;
  }

  /** The key of the builder's watermark. */
  public static String progress(String modelName) {
    return modelName + "/progress";
  }
}
