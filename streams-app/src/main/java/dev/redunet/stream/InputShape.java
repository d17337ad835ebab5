package dev.redunet.stream;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The input shape of a model when it is not configured ({@code redunet.feature.shape} empty): fixed
 * by the first valid sample, with where that sample came from (provenance for the model).
 *
 * <p><b>Where it is remembered.</b> The parse-and-validate processor that accepts the first valid
 * sample of a model writes a proposal (this record, keyed by the model name) to the input-shape
 * topic, in the same transaction as the sample's outputs. Every instance reads that topic into the
 * global store {@value RedunetTopology#INPUT_SHAPE_STORE}; its update processor keeps the
 * <em>first</em> proposal per model and ignores later ones. The topic has one partition and is
 * never compacted, so "first" is the lowest offset, the same for every instance and after every
 * restart (Kafka Streams 4.x replays a global store's records through its processor on restore).
 * Between a proposal and its arrival in the global store (about one commit interval) the proposing
 * task uses its own proposal; if another partition's proposal won meanwhile, the task switches to
 * the winner and logs a WARN. Samples of the losing shape accepted during that window are the only
 * inconsistency possible, and only when differently shaped samples arrive on several partitions at
 * the very start: configure {@code redunet.feature.shape} to rule it out.
 *
 * @param shape the effective shape ({@code [d]} for vectors)
 * @param sampleId the sample that fixed it
 * @param topic source topic of that sample
 * @param partition source partition
 * @param offset source offset
 * @param fixedAt wall-clock time of the proposal
 */
public record InputShape(
    List<Integer> shape,
    String sampleId,
    String topic,
    int partition,
    long offset,
    Instant fixedAt) {

  private static final ObjectMapper JSON = new ObjectMapper();

  public InputShape {
    shape = List.copyOf(Objects.requireNonNull(shape, "shape"));
    if (shape.isEmpty() || shape.stream().anyMatch(d -> d < 1)) {
      throw new IllegalArgumentException("shape must be non-empty and positive, got " + shape);
    }
    Objects.requireNonNull(sampleId, "sampleId");
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(fixedAt, "fixedAt");
  }

  /** The number of values the shape holds. */
  public long size() {
    long p = 1;
    for (int d : shape) {
      p *= d;
    }
    return p;
  }

  /** Where the shape came from, for messages: {@code sample s-1 (redunet.samples-0@17)}. */
  public String provenance() {
    return "sample " + sampleId + " (" + topic + "-" + partition + "@" + offset + ")";
  }

  /** The record as compact JSON (UTF-8). */
  public byte[] toJson() {
    ObjectNode n = JSON.createObjectNode();
    ArrayNode dims = n.putArray("shape");
    shape.forEach(dims::add);
    n.put("sampleId", sampleId);
    n.put("topic", topic);
    n.put("partition", partition);
    n.put("offset", offset);
    n.put("fixedAt", fixedAt.toString());
    try {
      return JSON.writeValueAsBytes(n);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + this + " as JSON", e);
    }
  }

  /**
   * Parses {@link #toJson()} output.
   *
   * @throws IllegalArgumentException if the bytes are not such a record
   */
  public static InputShape fromJson(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n == null || !n.isObject() || !n.path("shape").isArray()) {
        throw new IllegalArgumentException("not an input-shape record");
      }
      List<Integer> dims = new ArrayList<>();
      for (JsonNode d : n.get("shape")) {
        if (!d.canConvertToInt()) {
          throw new IllegalArgumentException("shape dimension is not an int: " + d);
        }
        dims.add(d.intValue());
      }
      return new InputShape(
          dims,
          text(n, "sampleId"),
          text(n, "topic"),
          n.path("partition").asInt(-1),
          n.path("offset").asLong(-1),
          Instant.parse(text(n, "fixedAt")));
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("not an input-shape record: " + e.getMessage(), e);
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("missing text field " + field);
    }
    return v.textValue();
  }

  /** Kafka serde of the JSON form; a null value maps to null both ways. */
  public static Serde<InputShape> serde() {
    return new JsonSerde();
  }

  private static final class JsonSerde
      implements Serde<InputShape>, Serializer<InputShape>, Deserializer<InputShape> {
    @Override
    public byte[] serialize(String topic, InputShape data) {
      return data == null ? null : data.toJson();
    }

    @Override
    public InputShape deserialize(String topic, byte[] data) {
      return data == null ? null : fromJson(data);
    }

    @Override
    public Serializer<InputShape> serializer() {
      return this;
    }

    @Override
    public Deserializer<InputShape> deserializer() {
      return this;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {}

    @Override
    public void close() {}
  }

  /** For messages and logs: {@code [28, 28] from sample s-1 (redunet.samples-0@17)}. */
  @Override
  public String toString() {
    return shape + " from " + provenance() + " at " + fixedAt;
  }
}
