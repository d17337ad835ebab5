package dev.redunet.learn;

import dev.redunet.data.Lifting;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.linalg.DoubleIo;
import dev.redunet.linalg.HermitianCholesky;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingMode;
import dev.redunet.micl.MiclModel;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.Layer;
import dev.redunet.redunet.LayerStatistics;
import dev.redunet.redunet.Provenance;
import dev.redunet.redunet.ReduNet;
import dev.redunet.redunet.ReduNetCodec;
import dev.redunet.redunet.VectorLayer;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralMicl;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Binary forms of model versions and statistics, split into parts so that no single record holds
 * more than one layer, one class or the projection (ARCHITECTURE.md §4: Kafka's record limit).
 *
 * <p>A model is a {@value #HEADER} part (version, dimensions, class names, rates, provenance and
 * the list of the other parts) plus {@code projection}, {@code layer/ℓ} and {@code micl/j} parts.
 * Statistics are {@code depth/ℓ/j} parts (the statistics of class j at depth ℓ, upper triangle) and
 * {@code output/j} parts (the centred output statistics of class j).
 *
 * <p>A spectral model is written in format 3: its {@code micl/j} parts hold class j's {@link
 * SpectralStatistics} of the output, and the header ends with the sample shape and the lifting
 * (channels, kernel, seed). Vector models are still written in format 2; formats 1 and 2 read as
 * before.
 */
public final class ModelCodec {
  private ModelCodec() {}

  /** The name of the part that describes the model and lists the others. */
  public static final String HEADER = "header";

  /** Format 2 ("RDM2"): format 1 ("RDM1") and the novelty threshold at the end. */
  private static final int MAGIC = 0x52444d32;

  private static final int MAGIC_1 = 0x52444d31;

  /** Format 3 ("RDM3"): format 2, then the spectral model's sample shape and lifting. */
  private static final int MAGIC_3 = 0x52444d33;

  /** Every layer type a model may hold: vector and spectral. */
  private static final ReduNetCodec LAYERS =
      ReduNetCodec.of(
          Map.of(
              VectorLayer.TAG,
              VectorLayer::readPayload,
              SpectralLayer.TAG,
              SpectralLayer::readPayload));

  /**
   * The parts of a model, header first.
   *
   * @param builtAtMillis when the version was built (epoch milliseconds), recorded in the header
   * @param rebuildSeconds how long the build took, recorded in the header
   * @return part name → bytes, in a stable order
   */
  public static Map<String, byte[]> parts(
      StreamingModel model, long builtAtMillis, double rebuildSeconds) {
    return parts(model, Optional.empty(), builtAtMillis, rebuildSeconds);
  }

  /**
   * The parts of a model with the statistics it was built from (the builder's {@link
   * StatisticsWindows} after it), header first: besides the model's parts, {@code
   * stats/total/<statistics part>} and {@code stats/recent/<i>/<statistics part>} ({@link
   * #statisticsParts}, plus {@code labelled}: the labelled-sample count as 8 bytes). Read back with
   * {@link #windowStatistics}; {@link #assemble} ignores them. Vector models only: a spectral
   * model's statistics are not written.
   *
   * @param statistics the statistics after the version, or empty to write none
   */
  public static Map<String, byte[]> parts(
      StreamingModel model,
      Optional<WindowStatistics> statistics,
      long builtAtMillis,
      double rebuildSeconds) {
    Map<String, byte[]> body = new LinkedHashMap<>();
    model.projection().ifPresent(p -> body.put("projection", bytes(p::write)));
    List<Layer> layers = model.network().layers();
    for (int l = 0; l < layers.size(); l++) {
      body.put("layer/" + l, LAYERS.layerToBytes(layers.get(l)));
    }
    if (model.isSpectral()) {
      List<SpectralStatistics> classes = model.spectralMicl().orElseThrow().statistics();
      for (int j = 0; j < classes.size(); j++) {
        SpectralStatistics c = classes.get(j);
        body.put("micl/" + j, bytes(c::write));
      }
    } else {
      MiclModel micl = model.micl();
      for (int j = 0; j < micl.numClasses(); j++) {
        double[] a = micl.statistics(j).toArray();
        body.put("micl/" + j, bytes(out -> writeDoubles(out, a)));
      }
      statistics.ifPresent(
          w -> {
            w.total().ifPresent(t -> putStatistics(body, STATISTICS + "total/", t));
            for (int i = 0; i < w.recent().size(); i++) {
              putStatistics(body, STATISTICS + "recent/" + i + "/", w.recent().get(i));
            }
          });
    }
    Map<String, byte[]> parts = new LinkedHashMap<>();
    parts.put(
        HEADER,
        bytes(
            out -> {
              writeHeader(out, model, List.copyOf(body.keySet()));
              out.writeLong(builtAtMillis);
              out.writeDouble(rebuildSeconds);
              out.writeDouble(model.noveltyThreshold().orElse(Double.NaN));
              if (model.isSpectral()) {
                writeSpectralInput(out, model.spectralInput().orElseThrow());
              }
            }));
    parts.putAll(body);
    return parts;
  }

  /**
   * The prefix of the statistics parts of {@link #parts(StreamingModel, Optional, long, double)}.
   */
  public static final String STATISTICS = "stats/";

  /** Whether {@code part} is one of a version's statistics parts (not needed to score). */
  public static boolean isStatisticsPart(String part) {
    return part.startsWith(STATISTICS);
  }

  private static void putStatistics(Map<String, byte[]> body, String prefix, ModelStatistics s) {
    statisticsParts(s).forEach((k, v) -> body.put(prefix + k, v));
    body.put(prefix + LABELLED, bytes(out -> out.writeLong(s.labelled())));
  }

  private static final String LABELLED = "labelled";

  /**
   * The statistics written with a version ({@link #parts(StreamingModel, Optional, long, double)}).
   *
   * @param parts the version's parts (others are ignored)
   * @param dimension the feature dimension d of the model
   * @param layers the number of layers L of the model
   * @return empty when the parts hold no statistics
   * @throws IllegalArgumentException if a statistics part is corrupt
   */
  public static Optional<WindowStatistics> windowStatistics(
      Map<String, byte[]> parts, int dimension, int layers) {
    Map<String, Map<String, byte[]>> groups = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : parts.entrySet()) {
      if (!isStatisticsPart(e.getKey())) {
        continue;
      }
      String rest = e.getKey().substring(STATISTICS.length());
      String group;
      if (rest.startsWith("total/")) {
        group = "total";
      } else if (rest.startsWith("recent/") && rest.indexOf('/', 7) > 7) {
        group = rest.substring(0, rest.indexOf('/', 7));
      } else {
        throw new IllegalArgumentException("not a statistics part: " + e.getKey());
      }
      groups
          .computeIfAbsent(group, g -> new TreeMap<>())
          .put(rest.substring(group.length() + 1), e.getValue());
    }
    if (groups.isEmpty()) {
      return Optional.empty();
    }
    Optional<ModelStatistics> total =
        Optional.ofNullable(groups.remove("total")).map(g -> statistics(g, dimension, layers));
    List<ModelStatistics> recent = new ArrayList<>();
    for (int i = 0; groups.containsKey("recent/" + i); i++) {
      recent.add(statistics(groups.remove("recent/" + i), dimension, layers));
    }
    if (!groups.isEmpty()) {
      throw new IllegalArgumentException("statistics parts out of sequence: " + groups.keySet());
    }
    return Optional.of(new WindowStatistics(total, recent));
  }

  /**
   * Statistics from their parts ({@link #statisticsParts} and {@code labelled}, the labelled-sample
   * count as 8 bytes), in any order.
   */
  public static ModelStatistics statistics(Map<String, byte[]> parts, int dimension, int layers) {
    ModelStatistics s = ModelStatistics.empty(dimension, layers);
    for (Map.Entry<String, byte[]> e : parts.entrySet()) {
      if (e.getKey().equals(LABELLED)) {
        if (e.getValue().length != 8) {
          throw new IllegalArgumentException("corrupt statistics part labelled");
        }
        s = s.plusLabelled(java.nio.ByteBuffer.wrap(e.getValue()).getLong());
      } else {
        s = addPart(s, e.getKey(), e.getValue());
      }
    }
    return s;
  }

  /** The names of the parts a header lists (without the header itself). */
  public static List<String> listedParts(byte[] header) {
    try {
      return readHeader(header).parts;
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt model header: " + e.getMessage(), e);
    }
  }

  /** When the version a header describes was built (epoch ms) and how long it took (s). */
  public record BuildInfo(long builtAtMillis, double rebuildSeconds) {}

  /** The build metadata of a header. */
  public static BuildInfo buildInfo(byte[] header) {
    try {
      Header h = readHeader(header);
      return new BuildInfo(h.builtAtMillis, h.rebuildSeconds);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt model header: " + e.getMessage(), e);
    }
  }

  /** The version a header describes. */
  public static long version(byte[] header) {
    try {
      return readHeader(header).version;
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt model header: " + e.getMessage(), e);
    }
  }

  /**
   * The model from its parts.
   *
   * @param parts every part {@link #parts} produced (more are ignored)
   * @throws IllegalArgumentException if a part is missing or corrupt
   */
  public static StreamingModel assemble(Map<String, byte[]> parts) {
    try {
      Header h = readHeader(require(parts, HEADER));
      Optional<Projection> projection =
          parts.containsKey("projection") || h.parts.contains("projection")
              ? Optional.of(
                  Projection.read(
                      new DataInputStream(new ByteArrayInputStream(require(parts, "projection")))))
              : Optional.empty();
      List<Layer> layers = new ArrayList<>(h.depth);
      for (int l = 0; l < h.depth; l++) {
        layers.add(LAYERS.layerFromBytes(require(parts, "layer/" + l)));
      }
      Provenance provenance =
          new Provenance(
              "stream", OptionalLong.empty(), h.parameters, h.classLabels, h.classCounts);
      ReduNet network = new ReduNet(layers, provenance, h.inputRates, h.layerRates);
      if (h.spectralInput != null) {
        SpectralStatistics[] output = new SpectralStatistics[h.miclClasses];
        for (int j = 0; j < h.miclClasses; j++) {
          output[j] =
              SpectralStatistics.read(
                  new DataInputStream(new ByteArrayInputStream(require(parts, "micl/" + j))));
        }
        SpectralMicl micl =
            SpectralMicl.build(output, h.miclEpsSq, CodingMode.AFFINE, MathExecutor.sequential());
        return StreamingModel.spectral(
                h.version, h.spectralInput, network, micl, h.classNames, h.layerRates)
            .withNoveltyThreshold(h.noveltyThreshold);
      }
      List<ClassStatistics> classes = new ArrayList<>(h.miclClasses);
      for (int j = 0; j < h.miclClasses; j++) {
        classes.add(ClassStatistics.fromArray(readDoubles(require(parts, "micl/" + j))));
      }
      MiclModel micl = MiclModel.build(classes, h.miclEpsSq, CodingMode.AFFINE);
      return new StreamingModel(
              h.version, h.inputDimension, projection, network, micl, h.classNames, h.layerRates)
          .withNoveltyThreshold(h.noveltyThreshold);
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt model part: " + e.getMessage(), e);
    }
  }

  /**
   * The most bytes of scatter a spectral statistics part holds (a part is at least one bin): under
   * Kafka's smallest record limit this application allows (1 MiB), whatever C and the grid.
   */
  static final int SPECTRAL_PART_BYTES = 512 * 1024;

  /**
   * The parts of statistics: {@code depth/ℓ/j} and {@code output/j} for every class with samples.
   * Spectral statistics are {@code depth/ℓ/j/bins/<f>} and {@code output/j/bins/<f>} for every
   * class index: the bins from f on of class j's per-frequency statistics ({@link
   * SpectralStatistics#writeBins}), as many bins as fit {@value #SPECTRAL_PART_BYTES} bytes.
   */
  public static Map<String, byte[]> statisticsParts(ModelStatistics statistics) {
    if (statistics.isSpectral()) {
      return spectralStatisticsParts(statistics);
    }
    Map<String, byte[]> parts = new LinkedHashMap<>();
    for (int l = 0; l <= statistics.layers(); l++) {
      LayerStatistics s = statistics.depth(l);
      for (int j : s.labels()) {
        parts.put("depth/" + l + "/" + j, s.onlyClass(j).toBytes());
      }
    }
    List<ClassStatistics> output = statistics.output();
    for (int j = 0; j < output.size(); j++) {
      if (!output.get(j).isEmpty()) {
        double[] a = output.get(j).toArray();
        parts.put("output/" + j, bytes(out -> writeDoubles(out, a)));
      }
    }
    return parts;
  }

  private static Map<String, byte[]> spectralStatisticsParts(ModelStatistics statistics) {
    Map<String, byte[]> parts = new LinkedHashMap<>();
    for (int l = 0; l <= statistics.layers(); l++) {
      List<SpectralStatistics> classes = statistics.spectralDepth(l);
      for (int j = 0; j < classes.size(); j++) {
        putBins(parts, "depth/" + l + "/" + j, classes.get(j));
      }
    }
    List<SpectralStatistics> output = statistics.spectralOutput();
    for (int j = 0; j < output.size(); j++) {
      putBins(parts, "output/" + j, output.get(j));
    }
    return parts;
  }

  private static void putBins(Map<String, byte[]> parts, String name, SpectralStatistics s) {
    int bins = s.grid().bins();
    int perBin = 16 * HermitianCholesky.packedSize(s.channels());
    int step = Math.max(1, SPECTRAL_PART_BYTES / perBin);
    for (int from = 0; from < bins; from += step) {
      int f = from;
      int to = Math.min(bins, from + step);
      parts.put(name + "/bins/" + from, bytes(out -> s.writeBins(out, f, to)));
    }
  }

  /**
   * Adds one statistics part to {@code statistics}: the parts of {@link #statisticsParts} added one
   * by one, in any order, give back the statistics (but for {@link ModelStatistics#labelled()},
   * which the sender ships separately, see {@link ModelStatistics#plusLabelled}). Spectral parts
   * are added to spectral statistics ({@link ModelStatistics#emptySpectral} to start from).
   */
  public static ModelStatistics addPart(ModelStatistics statistics, String name, byte[] part) {
    try {
      String[] path = name.split("/", -1);
      if (path.length == 5 && path[0].equals("depth") && path[3].equals("bins")) {
        return statistics.mergeSpectralDepth(
            Integer.parseInt(path[1]), Integer.parseInt(path[2]), readBins(part));
      }
      if (path.length == 4 && path[0].equals("output") && path[2].equals("bins")) {
        return statistics.mergeSpectralOutput(Integer.parseInt(path[1]), readBins(part));
      }
      if (path.length == 3 && path[0].equals("depth")) {
        int l = Integer.parseInt(path[1]);
        LayerStatistics s = LayerStatistics.fromBytes(part);
        return statistics.mergeDepth(l, s);
      }
      if (path.length == 2 && path[0].equals("output")) {
        int j = Integer.parseInt(path[1]);
        return statistics.mergeOutput(j, ClassStatistics.fromArray(readDoubles(part)));
      }
      throw new IllegalArgumentException("not a statistics part: " + name);
    } catch (IOException | NumberFormatException e) {
      throw new IllegalArgumentException("corrupt statistics part " + name + ": " + e, e);
    }
  }

  private static SpectralStatistics readBins(byte[] part) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(part));
    SpectralStatistics s = SpectralStatistics.readBins(in);
    if (in.available() > 0) {
      throw new IOException(in.available() + " bytes after the statistics");
    }
    return s;
  }

  private static byte[] require(Map<String, byte[]> parts, String name) {
    byte[] b = parts.get(name);
    if (b == null) {
      throw new IllegalArgumentException("model part missing: " + name);
    }
    return b;
  }

  private interface Writer {
    void write(DataOutput out) throws IOException;
  }

  private static byte[] bytes(Writer w) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buf)) {
      w.write(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  private static void writeDoubles(DataOutput out, double[] a) throws IOException {
    out.writeInt(a.length);
    DoubleIo.write(out, a);
  }

  private static double[] readDoubles(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int n = in.readInt();
    if (n < 0 || n > bytes.length / 8) {
      throw new IOException("bad array length " + n);
    }
    return DoubleIo.read(in, n);
  }

  private static void writeRates(DataOutput out, Rates r) throws IOException {
    out.writeDouble(r.r());
    out.writeDouble(r.rc());
  }

  private static Rates readRates(DataInput in) throws IOException {
    return Rates.of(in.readDouble(), in.readDouble());
  }

  private static void writeSpectralInput(DataOutput out, SpectralInput input) throws IOException {
    SignalShape shape = input.shape();
    out.writeInt(shape.channels());
    out.writeInt(shape.height());
    out.writeInt(shape.width());
    out.writeBoolean(input.lifting().isPresent());
    if (input.lifting().isPresent()) {
      Lifting l = input.lifting().get();
      out.writeInt(l.outputShape().channels());
      out.writeInt(l.kernel());
      out.writeLong(l.seed());
    }
  }

  private static SpectralInput readSpectralInput(DataInput in) throws IOException {
    try {
      SignalShape shape = new SignalShape(in.readInt(), in.readInt(), in.readInt());
      Optional<Lifting> lifting = Optional.empty();
      if (in.readBoolean()) {
        LiftingSettings l = new LiftingSettings(in.readInt(), in.readInt(), in.readLong());
        lifting = Optional.of(SpectralInput.lifting(shape, l));
      }
      return new SpectralInput(shape, lifting);
    } catch (IllegalArgumentException e) {
      throw new IOException("invalid spectral model input: " + e.getMessage(), e);
    }
  }

  private static void writeHeader(DataOutput out, StreamingModel m, List<String> parts)
      throws IOException {
    out.writeInt(m.isSpectral() ? MAGIC_3 : MAGIC);
    out.writeLong(m.version());
    out.writeInt(m.inputDimension());
    out.writeInt(m.classNames().size());
    for (String name : m.classNames()) {
      out.writeUTF(name);
    }
    ReduNet net = m.network();
    out.writeInt(net.depth());
    writeRates(out, net.inputRates());
    for (Rates r : net.layerRates()) {
      writeRates(out, r);
    }
    Provenance p = net.provenance();
    out.writeInt(p.parameters().size());
    for (Map.Entry<String, String> e : p.parameters().entrySet()) {
      out.writeUTF(e.getKey());
      out.writeUTF(e.getValue());
    }
    int[] labels = p.classLabels();
    double[] counts = p.classCounts();
    out.writeInt(labels.length);
    for (int i = 0; i < labels.length; i++) {
      out.writeInt(labels[i]);
      out.writeDouble(counts[i]);
    }
    if (m.isSpectral()) {
      SpectralMicl micl = m.spectralMicl().orElseThrow();
      out.writeDouble(micl.epsSq());
      out.writeInt(micl.classes());
    } else {
      out.writeDouble(m.micl().epsSq());
      out.writeInt(m.micl().numClasses());
    }
    out.writeInt(parts.size());
    for (String part : parts) {
      out.writeUTF(part);
    }
  }

  private static final class Header {
    long version;
    int inputDimension;
    List<String> classNames;
    int depth;
    Rates inputRates;
    List<Rates> layerRates;
    SortedMap<String, String> parameters;
    int[] classLabels;
    double[] classCounts;
    double miclEpsSq;
    int miclClasses;
    List<String> parts;
    long builtAtMillis;
    double rebuildSeconds;
    double noveltyThreshold = Double.NaN;
    SpectralInput spectralInput;
  }

  private static Header readHeader(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
    int magic = in.readInt();
    if (magic != MAGIC && magic != MAGIC_1 && magic != MAGIC_3) {
      throw new IOException("not a model header (bad magic)");
    }
    Header h = new Header();
    h.version = in.readLong();
    h.inputDimension = in.readInt();
    int k = in.readInt();
    h.classNames = new ArrayList<>(k);
    for (int j = 0; j < k; j++) {
      h.classNames.add(in.readUTF());
    }
    h.depth = in.readInt();
    h.inputRates = readRates(in);
    h.layerRates = new ArrayList<>(h.depth);
    for (int l = 0; l < h.depth; l++) {
      h.layerRates.add(readRates(in));
    }
    int np = in.readInt();
    h.parameters = new TreeMap<>();
    for (int i = 0; i < np; i++) {
      h.parameters.put(in.readUTF(), in.readUTF());
    }
    int nl = in.readInt();
    h.classLabels = new int[nl];
    h.classCounts = new double[nl];
    for (int i = 0; i < nl; i++) {
      h.classLabels[i] = in.readInt();
      h.classCounts[i] = in.readDouble();
    }
    h.miclEpsSq = in.readDouble();
    h.miclClasses = in.readInt();
    int parts = in.readInt();
    h.parts = new ArrayList<>(parts);
    for (int i = 0; i < parts; i++) {
      h.parts.add(in.readUTF());
    }
    h.builtAtMillis = in.readLong();
    h.rebuildSeconds = in.readDouble();
    if (magic == MAGIC || magic == MAGIC_3) {
      h.noveltyThreshold = in.readDouble();
    }
    if (magic == MAGIC_3) {
      h.spectralInput = readSpectralInput(in);
    }
    return h;
  }
}
