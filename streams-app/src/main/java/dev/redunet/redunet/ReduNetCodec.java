package dev.redunet.redunet;

import dev.redunet.rate.Rates;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The compact binary form of a {@link ReduNet}, for storage and for a compacted Kafka topic.
 *
 * <p>Layout (big-endian, {@link DataOutput}):
 *
 * <pre>
 * int    magic 0x52444E54 ("RDNT")
 * int    version (1)
 * UTF    provenance source
 * bool   has seed; long seed
 * int    number of parameters; (UTF name, UTF value) each
 * int    k; int label × k; double training count × k
 * double R, Rc, ΔR of the input
 * int    L; then per layer: double R, Rc, ΔR of its output
 * per layer: UTF tag; int payload length; payload bytes (Layer.writePayload)
 * </pre>
 *
 * A vector layer's payload stores E and every Cʲ as upper triangles ({@link
 * VectorLayer#writePayload}). Layer types are found by tag.
 */
public final class ReduNetCodec {

  static final int MAGIC = 0x52444E54;
  static final int VERSION = 1;

  /** Reads the payload of one layer type. */
  @FunctionalInterface
  public interface LayerReader {
    /** Reads a layer written by its {@link Layer#writePayload}. */
    Layer read(DataInput in) throws IOException;
  }

  private final Map<String, LayerReader> readers;

  private ReduNetCodec(Map<String, LayerReader> readers) {
    this.readers = Map.copyOf(readers);
  }

  /**
   * A codec that reads the layer types given, by tag, e.g. {@code Map.of(VectorLayer.TAG,
   * VectorLayer::readPayload)}. Each layer type owns its payload format; whoever knows every type
   * (the learner's {@code ModelCodec}) puts them together, so this package knows none but its own.
   */
  public static ReduNetCodec of(Map<String, LayerReader> readers) {
    return new ReduNetCodec(readers);
  }

  /** A codec that knows the vector layer only. */
  public static ReduNetCodec vector() {
    return of(Map.of(VectorLayer.TAG, VectorLayer::readPayload));
  }

  /** Writes the network. */
  public void write(ReduNet net, DataOutput out) throws IOException {
    out.writeInt(MAGIC);
    out.writeInt(VERSION);
    Provenance p = net.provenance();
    out.writeUTF(p.source());
    out.writeBoolean(p.seed().isPresent());
    out.writeLong(p.seed().orElse(0L));
    out.writeInt(p.parameters().size());
    for (Map.Entry<String, String> e : p.parameters().entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
    int[] labels = p.classLabels();
    double[] counts = p.classCounts();
    out.writeInt(labels.length);
    for (int l : labels) {
      out.writeInt(l);
    }
    for (double c : counts) {
      out.writeDouble(c);
    }
    writeRates(out, net.inputRates());
    out.writeInt(net.depth());
    for (Rates r : net.layerRates()) {
      writeRates(out, r);
    }
    for (Layer layer : net.layers()) {
      writeLayer(layer, out);
    }
  }

  /**
   * Reads a network.
   *
   * @throws IOException on a wrong magic number or version, an unknown layer tag, or invalid
   *     content
   */
  public ReduNet read(DataInput in) throws IOException {
    int magic = in.readInt();
    if (magic != MAGIC) {
      throw new IOException("not a serialized ReduNet: magic " + Integer.toHexString(magic));
    }
    int version = in.readInt();
    if (version != VERSION) {
      throw new IOException("unsupported ReduNet format version " + version);
    }
    String source = in.readUTF();
    boolean hasSeed = in.readBoolean();
    long seed = in.readLong();
    int np = in.readInt();
    checkCount(np, "parameters");
    Map<String, String> params = new HashMap<>();
    for (int i = 0; i < np; i++) {
      params.put(in.readUTF(), in.readUTF());
    }
    int k = in.readInt();
    checkCount(k, "classes");
    int[] labels = new int[k];
    for (int j = 0; j < k; j++) {
      labels[j] = in.readInt();
    }
    double[] counts = new double[k];
    for (int j = 0; j < k; j++) {
      counts[j] = in.readDouble();
    }
    Rates inputRates = readRates(in);
    int depth = in.readInt();
    checkCount(depth, "layers");
    List<Rates> rates = new ArrayList<>(depth);
    for (int l = 0; l < depth; l++) {
      rates.add(readRates(in));
    }
    List<Layer> layers = new ArrayList<>(depth);
    for (int l = 0; l < depth; l++) {
      layers.add(readLayer(in, l));
    }
    try {
      Provenance p =
          new Provenance(
              source,
              hasSeed ? OptionalLong.of(seed) : OptionalLong.empty(),
              params,
              labels,
              counts);
      return new ReduNet(layers, p, inputRates, rates);
    } catch (IllegalArgumentException e) {
      throw new IOException("inconsistent serialized ReduNet: " + e.getMessage(), e);
    }
  }

  /** The network as bytes. */
  public byte[] toBytes(ReduNet net) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      write(net, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads a network from {@link #toBytes}. */
  public ReduNet fromBytes(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return read(in);
    }
  }

  /**
   * One layer on its own (tag, payload length, payload), for stores that keep a large network layer
   * by layer: a d = 256, k = 10 vector layer is about 2.9 MB, more than Kafka's default 1 MiB
   * record limit.
   */
  public byte[] layerToBytes(Layer layer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      writeLayer(layer, out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Reads a layer written by {@link #layerToBytes}. */
  public Layer layerFromBytes(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      return readLayer(in, 0);
    }
  }

  private static void writeLayer(Layer layer, DataOutput out) throws IOException {
    ByteArrayOutputStream payload = new ByteArrayOutputStream();
    try (DataOutputStream po = new DataOutputStream(payload)) {
      layer.writePayload(po);
    }
    out.writeUTF(layer.tag());
    out.writeInt(payload.size());
    out.write(payload.toByteArray());
  }

  private Layer readLayer(DataInput in, int index) throws IOException {
    String tag = in.readUTF();
    int length = in.readInt();
    checkCount(length, "payload bytes");
    LayerReader reader = readers.get(tag);
    if (reader == null) {
      throw new IOException(
          "layer " + index + " has the unknown type '" + tag + "'; known: " + readers.keySet());
    }
    byte[] payload = new byte[length];
    in.readFully(payload);
    try (DataInputStream pi = new DataInputStream(new ByteArrayInputStream(payload))) {
      return reader.read(pi);
    }
  }

  private static void writeRates(DataOutput out, Rates r) throws IOException {
    out.writeDouble(r.r());
    out.writeDouble(r.rc());
    out.writeDouble(r.deltaR());
  }

  private static Rates readRates(DataInput in) throws IOException {
    double r = in.readDouble();
    double rc = in.readDouble();
    double dr = in.readDouble();
    try {
      return new Rates(r, rc, dr);
    } catch (ArithmeticException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private static void checkCount(int n, String what) throws IOException {
    if (n < 0) {
      throw new IOException("negative number of " + what + ": " + n);
    }
  }
}
