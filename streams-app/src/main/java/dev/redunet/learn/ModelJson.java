package dev.redunet.learn;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redunet.data.Lifting;
import dev.redunet.linalg.Matrix;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.CodingMode;
import dev.redunet.micl.MiclModel;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.Layer;
import dev.redunet.redunet.LayerStatistics;
import dev.redunet.redunet.Provenance;
import dev.redunet.redunet.ReduNet;
import dev.redunet.redunet.VectorLayer;
import dev.redunet.redunet.spectral.SpectralGrid;
import dev.redunet.redunet.spectral.SpectralLayer;
import dev.redunet.redunet.spectral.SpectralMicl;
import dev.redunet.redunet.spectral.SpectralStatistics;
import dev.redunet.signal.SignalShape;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * A model version as JSON (docs/MODEL_FORMAT.md, JSON Schema {@code
 * schemas/model-export.schema.json}): everything needed to score a sample outside the JVM, as
 * {@link StreamingModel#score} does. Numbers are written in Java's shortest round-trip decimal
 * form, so a reader that parses them as IEEE doubles gets the very operators the JVM uses.
 *
 * <p>Top level: {@code format} ({@value #FORMAT}), {@code formatVersion} ({@value
 * #FORMAT_VERSION}), {@code network} ({@code "vector"} or {@code "spectral"}), {@code model},
 * {@code version}, {@code inputDimension} D, {@code featureDimension} d, {@code classes} (the name
 * of every class index), {@code projection} (null, or D, p, μ (D) and P (p rows of D)), {@code
 * layers} (each {@code {"type": "vector", "dimension": d, "classes": [class indices], "epsSq",
 * "eta", "lambda", "gamma": [k], "E": d×d, "C": k × d×d}}, rows of symmetric matrices), {@code
 * micl} ({@code epsSq}, {@code mode} "affine", {@code classes}: per class index {@code {"count",
 * "mean": d, "scatter": d×d}}, the centred statistics), {@code noveltyThreshold} (null or bits per
 * dimension), {@code rates} (R, R^c, ΔR per layer), {@code inputRates} (those of z₀), {@code
 * provenance} (settings, windows, sample counts, build time) and {@code learning} (null, or the
 * statistics the builder had after this version: {@code total} and {@code recent}, each {@code
 * {"labelled", "depths": per depth ℓ = 0…L [{"class", "count", "scatter": d×d}], "output":
 * [{"class", "count", "mean", "scatter"}]}}).
 *
 * <p>A spectral model ({@code "network": "spectral"}) has no projection and adds {@code spectral}
 * (the raw and the layers' signal shapes, the lifting with its filter weights, the kept bins of the
 * ortho DFT and their weights); its layers are {@code {"type": "spectral", "channels": C',
 * "classes", "epsSq", "eta", "lambda", "gamma", "E": {"re", "im"}, "C": [{"re", "im"} or null]}},
 * the explicit operators of every kept bin (B × C' × C' each), and its {@code micl} holds per class
 * index the per-frequency statistics {@code {"count", "dcSum": C', "scatter": {"re", "im"} or
 * null}} the shift-invariant MICL is built from. Its {@code learning} is null.
 *
 * <p>{@link #write} streams the export as it produces it (the HTTP export and {@code model export}
 * use it: a spectral export runs to tens of megabytes); {@link #toJson} is its parse, for tests and
 * small models.
 *
 * <p>{@link #read} parses an export back into the very model (the same operators, so the same
 * scores to the bit) and its statistics, for {@code redunet.model.initial}.
 */
public final class ModelJson {

  /** The value of the {@code format} field. */
  public static final String FORMAT = "redunet-model";

  /**
   * The version of this format: 2 adds {@code inputRates}, {@code provenance.trainedClasses} and
   * {@code learning} (the statistics a builder continues from) to version 1, which is still read.
   */
  public static final int FORMAT_VERSION = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelJson() {}

  /**
   * The export of a model version.
   *
   * @param modelName the model's name ({@code redunet.model.name})
   * @param m the version
   * @param build when it was built and how long that took
   * @return the JSON object of docs/MODEL_FORMAT.md
   * @throws IllegalArgumentException if the model holds a layer type the format does not carry
   */
  public static ObjectNode toJson(String modelName, StreamingModel m, ModelCodec.BuildInfo build) {
    return toJson(modelName, m, build, Optional.empty());
  }

  /**
   * The export of a model version with the statistics the builder had after it, as a JSON tree (the
   * parse of what {@link #write} writes).
   *
   * @param modelName the model's name ({@code redunet.model.name})
   * @param m the version
   * @param build when it was built and how long that took
   * @param statistics the builder's statistics after the version ({@code learning}), or empty
   *     ({@code "learning": null})
   * @return the JSON object of docs/MODEL_FORMAT.md
   * @throws IllegalArgumentException if the model holds a layer type the format does not carry
   */
  public static ObjectNode toJson(
      String modelName,
      StreamingModel m,
      ModelCodec.BuildInfo build,
      Optional<WindowStatistics> statistics) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try {
      write(out, modelName, m, build, statistics);
      return (ObjectNode) JSON.readTree(out.toByteArray());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("writing to memory", e);
    }
  }

  /**
   * Checks that the format carries every layer of the model, so that {@link #write} fails only when
   * writing does.
   *
   * @param m the version
   * @throws IllegalArgumentException if the model holds a layer type the format does not carry
   */
  public static void checkExportable(StreamingModel m) {
    for (Layer layer : m.network().layers()) {
      if (!(layer instanceof VectorLayer) && !(layer instanceof SpectralLayer)) {
        throw new IllegalArgumentException(
            "the export format carries vector and spectral layers; this model has a "
                + layer.tag()
                + " layer");
      }
    }
  }

  /**
   * Writes the export of a model version as JSON text (UTF-8, compact) while it is produced: no
   * tree and no text of the whole export is held in memory (a spectral model's export runs to tens
   * of megabytes). Does not close {@code out}.
   *
   * @param out where to write
   * @param modelName the model's name ({@code redunet.model.name})
   * @param m the version
   * @param build when it was built and how long that took
   * @param statistics the builder's statistics after the version ({@code learning}), or empty
   *     ({@code "learning": null})
   * @throws IllegalArgumentException if the model holds a layer type the format does not carry
   *     (checked before anything is written)
   * @throws IOException if writing fails
   */
  public static void write(
      OutputStream out,
      String modelName,
      StreamingModel m,
      ModelCodec.BuildInfo build,
      Optional<WindowStatistics> statistics)
      throws IOException {
    checkExportable(m);
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      write(g, modelName, m, build, statistics);
    }
  }

  private static void write(
      JsonGenerator g,
      String modelName,
      StreamingModel m,
      ModelCodec.BuildInfo build,
      Optional<WindowStatistics> statistics)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("format", FORMAT);
    g.writeNumberField("formatVersion", FORMAT_VERSION);
    g.writeStringField("network", m.isSpectral() ? SpectralLayer.TAG : VectorLayer.TAG);
    g.writeStringField("model", modelName);
    g.writeNumberField("version", m.version());
    g.writeNumberField("inputDimension", m.inputDimension());
    g.writeNumberField("featureDimension", m.featureDimension());
    g.writeArrayFieldStart("classes");
    for (String name : m.classNames()) {
      g.writeString(name);
    }
    g.writeEndArray();
    if (m.projection().isPresent()) {
      Projection p = m.projection().get();
      g.writeObjectFieldStart("projection");
      g.writeNumberField("inputDimension", p.inputDimension());
      g.writeNumberField("outputDimension", p.outputDimension());
      g.writeFieldName("mean");
      vector(g, p.mean());
      g.writeArrayFieldStart("components");
      for (int r = 0; r < p.outputDimension(); r++) {
        vector(g, p.component(r));
      }
      g.writeEndArray();
      g.writeEndObject();
    } else {
      g.writeNullField("projection");
    }
    if (m.isSpectral()) {
      g.writeFieldName("spectral");
      spectralInput(g, m.spectralInput().orElseThrow());
    }
    g.writeArrayFieldStart("layers");
    for (Layer layer : m.network().layers()) {
      if (layer instanceof VectorLayer v) {
        vectorLayer(g, v);
      } else {
        spectralLayer(g, (SpectralLayer) layer);
      }
    }
    g.writeEndArray();
    double samples;
    g.writeFieldName("micl");
    if (m.isSpectral()) {
      samples = spectralMicl(g, m.spectralMicl().orElseThrow());
    } else {
      MiclModel micl = m.micl();
      g.writeStartObject();
      g.writeNumberField("epsSq", micl.epsSq());
      g.writeStringField("mode", micl.mode().name().toLowerCase(Locale.ROOT));
      g.writeArrayFieldStart("classes");
      for (int j = 0; j < micl.numClasses(); j++) {
        ClassStatistics s = micl.statistics(j);
        g.writeStartObject();
        g.writeNumberField("count", s.count());
        g.writeFieldName("mean");
        vector(g, s.mean());
        g.writeFieldName("scatter");
        rows(g, s.scatter());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
      samples = micl.totalCount();
    }
    if (m.noveltyThreshold().isPresent()) {
      g.writeNumberField("noveltyThreshold", m.noveltyThreshold().getAsDouble());
    } else {
      g.writeNullField("noveltyThreshold");
    }
    g.writeArrayFieldStart("rates");
    List<Rates> layerRates = m.layerRates();
    for (int l = 0; l < layerRates.size(); l++) {
      Rates r = layerRates.get(l);
      g.writeStartObject();
      g.writeNumberField("layer", l + 1);
      g.writeNumberField("r", r.r());
      g.writeNumberField("rc", r.rc());
      g.writeNumberField("deltaR", r.deltaR());
      g.writeEndObject();
    }
    g.writeEndArray();
    Rates in = m.network().inputRates();
    g.writeObjectFieldStart("inputRates");
    g.writeNumberField("r", in.r());
    g.writeNumberField("rc", in.rc());
    g.writeNumberField("deltaR", in.deltaR());
    g.writeEndObject();
    g.writeObjectFieldStart("provenance");
    g.writeStringField("builtAt", Instant.ofEpochMilli(build.builtAtMillis()).toString());
    g.writeNumberField("rebuildSeconds", build.rebuildSeconds());
    g.writeNumberField("windows", m.version());
    g.writeNumberField("samples", samples);
    g.writeArrayFieldStart("classCounts");
    for (int j = 0; j < m.classNames().size(); j++) {
      g.writeNumber(m.classCount(j));
    }
    g.writeEndArray();
    Provenance p = m.network().provenance();
    g.writeArrayFieldStart("trainedClasses");
    for (int i = 0; i < p.classLabels().length; i++) {
      g.writeStartObject();
      g.writeNumberField("class", p.classLabels()[i]);
      g.writeNumberField("count", p.classCounts()[i]);
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeObjectFieldStart("settings");
    for (Map.Entry<String, String> e : p.parameters().entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeEndObject();
    if (statistics.isPresent() && !m.isSpectral()) {
      g.writeObjectFieldStart("learning");
      if (statistics.get().total().isPresent()) {
        g.writeFieldName("total");
        statistics(g, statistics.get().total().get());
      } else {
        g.writeNullField("total");
      }
      g.writeArrayFieldStart("recent");
      for (ModelStatistics w : statistics.get().recent()) {
        statistics(g, w);
      }
      g.writeEndArray();
      g.writeEndObject();
    } else {
      g.writeNullField("learning");
    }
    g.writeEndObject();
  }

  private static void vectorLayer(JsonGenerator g, VectorLayer v) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", VectorLayer.TAG);
    g.writeNumberField("dimension", v.inputDimension());
    g.writeArrayFieldStart("classes");
    for (int c : v.classLabels()) {
      g.writeNumber(c);
    }
    g.writeEndArray();
    g.writeNumberField("epsSq", v.epsSq());
    g.writeNumberField("eta", v.eta());
    g.writeNumberField("lambda", v.lambda());
    g.writeFieldName("gamma");
    vector(g, v.gamma());
    g.writeFieldName("E");
    matrix(g, v.expansion());
    g.writeArrayFieldStart("C");
    for (int j = 0; j < v.classLabels().length; j++) {
      matrix(g, v.compression(j));
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * How a spectral model reads its samples: the raw and the layers' shapes, the lifting with its
   * filter weights (the numbers, not only the seed), and the kept bins of the half spectrum.
   */
  private static void spectralInput(JsonGenerator g, SpectralInput input) throws IOException {
    g.writeStartObject();
    g.writeFieldName("inputShape");
    shape(g, input.shape());
    SignalShape layerShape = input.layerShape();
    g.writeFieldName("layerShape");
    shape(g, layerShape);
    if (input.lifting().isPresent()) {
      Lifting lifting = input.lifting().get();
      SignalShape in = lifting.inputShape();
      int k = lifting.kernel();
      g.writeObjectFieldStart("lifting");
      g.writeNumberField("inputChannels", in.channels());
      g.writeNumberField("outputChannels", lifting.outputShape().channels());
      g.writeNumberField("kernel", k);
      g.writeNumberField("seed", lifting.seed());
      g.writeStringField("correlation", "circular");
      g.writeStringField("nonlinearity", "relu");
      g.writeArrayFieldStart("weights");
      for (int o = 0; o < lifting.outputShape().channels(); o++) {
        g.writeStartArray();
        for (int i = 0; i < in.channels(); i++) {
          g.writeStartArray();
          if (in.is1d()) {
            for (int b = 0; b < k; b++) {
              g.writeNumber(lifting.weight(o, i, 0, b));
            }
          } else {
            for (int a = 0; a < k; a++) {
              g.writeStartArray();
              for (int b = 0; b < k; b++) {
                g.writeNumber(lifting.weight(o, i, a, b));
              }
              g.writeEndArray();
            }
          }
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      g.writeEndArray();
      g.writeEndObject();
    } else {
      g.writeNullField("lifting");
    }
    g.writeStringField("transform", "ortho");
    SpectralGrid grid = new SpectralGrid(layerShape.height(), layerShape.width());
    g.writeArrayFieldStart("bins");
    for (int f = 0; f < grid.bins(); f++) {
      g.writeStartArray();
      g.writeNumber(grid.row(f));
      g.writeNumber(grid.column(f));
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("binWeights");
    for (int f = 0; f < grid.bins(); f++) {
      g.writeNumber(grid.weight(f));
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void shape(JsonGenerator g, SignalShape s) throws IOException {
    g.writeStartArray();
    g.writeNumber(s.channels());
    if (!s.is1d()) {
      g.writeNumber(s.height());
    }
    g.writeNumber(s.width());
    g.writeEndArray();
  }

  /** The explicit C × C operator of one kept bin, {@code {re, im}} of C·C values. */
  @FunctionalInterface
  private interface PerBin {
    double[][] at(int bin);
  }

  /**
   * A spectral layer: its parameters and the explicit per-bin operators E(f) = α(I + αS(f))⁻¹ and
   * Cʲ(f) = α_j(I + α_j S_j(f))⁻¹ of the kept bins, computed from the layer's own factors one bin
   * at a time as they are written.
   */
  private static void spectralLayer(JsonGenerator g, SpectralLayer s) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", SpectralLayer.TAG);
    g.writeNumberField("channels", s.channels());
    g.writeArrayFieldStart("classes");
    for (int c : s.classLabels()) {
      g.writeNumber(c);
    }
    g.writeEndArray();
    g.writeNumberField("epsSq", s.parameters().epsSq());
    g.writeNumberField("eta", s.parameters().eta());
    g.writeNumberField("lambda", s.parameters().lambda());
    g.writeFieldName("gamma");
    vector(g, s.gamma());
    int bins = s.grid().bins();
    g.writeFieldName("E");
    complexMatrices(g, bins, s.channels(), s::expansionOperator);
    g.writeArrayFieldStart("C");
    for (int j = 0; j < s.classes(); j++) {
      if (s.hasClass(j)) {
        int cls = j;
        complexMatrices(g, bins, s.channels(), f -> s.compressionOperator(cls, f));
      } else {
        g.writeNull();
      }
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * The spectral MICL: per class index its statistics (count m_j, DC sum s_j, and the scatter
   * S_j(f) of every kept bin), from which the classifier is built.
   *
   * @return the total count M = Σ m_j
   */
  private static double spectralMicl(JsonGenerator g, SpectralMicl micl) throws IOException {
    g.writeStartObject();
    g.writeNumberField("epsSq", micl.epsSq());
    g.writeStringField("mode", micl.mode().name().toLowerCase(Locale.ROOT));
    g.writeArrayFieldStart("classes");
    double total = 0;
    int bins = micl.grid().bins();
    for (SpectralStatistics s : micl.statistics()) {
      g.writeStartObject();
      g.writeNumberField("count", s.count());
      total += s.count();
      g.writeFieldName("dcSum");
      vector(g, s.dcSum());
      g.writeFieldName("scatter");
      if (s.count() > 0) {
        complexMatrices(g, bins, s.channels(), s::scatter);
      } else {
        g.writeNull();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
    return total;
  }

  /**
   * {@code {"re": B × C × C, "im": B × C × C}} of B row-major C × C complex matrices. Each bin's
   * matrix is asked for twice (once for the real parts, once for the imaginary ones) rather than
   * kept: only one C × C matrix is in memory at a time.
   */
  private static void complexMatrices(JsonGenerator g, int bins, int c, PerBin perBin)
      throws IOException {
    g.writeStartObject();
    for (int part = 0; part < 2; part++) {
      g.writeArrayFieldStart(part == 0 ? "re" : "im");
      for (int f = 0; f < bins; f++) {
        double[] a = perBin.at(f)[part];
        g.writeStartArray();
        for (int r = 0; r < c; r++) {
          g.writeStartArray();
          for (int q = 0; q < c; q++) {
            g.writeNumber(a[r * c + q]);
          }
          g.writeEndArray();
        }
        g.writeEndArray();
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private static void statistics(JsonGenerator g, ModelStatistics s) throws IOException {
    g.writeStartObject();
    g.writeNumberField("labelled", s.labelled());
    g.writeArrayFieldStart("depths");
    int d = s.dimension();
    for (int l = 0; l <= s.layers(); l++) {
      LayerStatistics depth = s.depth(l);
      g.writeStartArray();
      for (int j : depth.labels()) {
        g.writeStartObject();
        g.writeNumberField("class", j);
        g.writeNumberField("count", depth.count(j));
        double[] scatter = depth.scatter(j);
        g.writeArrayFieldStart("scatter");
        for (int i = 0; i < d; i++) {
          g.writeStartArray();
          for (int k = 0; k < d; k++) {
            g.writeNumber(scatter[i * d + k]);
          }
          g.writeEndArray();
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    }
    g.writeEndArray();
    g.writeArrayFieldStart("output");
    List<ClassStatistics> classes = s.output();
    for (int j = 0; j < classes.size(); j++) {
      ClassStatistics c = classes.get(j);
      if (c.isEmpty()) {
        continue;
      }
      g.writeStartObject();
      g.writeNumberField("class", j);
      g.writeNumberField("count", c.count());
      g.writeFieldName("mean");
      vector(g, c.mean());
      g.writeFieldName("scatter");
      rows(g, c.scatter());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void vector(JsonGenerator g, double[] v) throws IOException {
    g.writeStartArray();
    for (double x : v) {
      g.writeNumber(x);
    }
    g.writeEndArray();
  }

  private static void rows(JsonGenerator g, double[][] rows) throws IOException {
    g.writeStartArray();
    for (double[] row : rows) {
      vector(g, row);
    }
    g.writeEndArray();
  }

  private static void matrix(JsonGenerator g, Matrix a) throws IOException {
    g.writeStartArray();
    for (int i = 0; i < a.rows(); i++) {
      g.writeStartArray();
      for (int j = 0; j < a.cols(); j++) {
        g.writeNumber(a.get(i, j));
      }
      g.writeEndArray();
    }
    g.writeEndArray();
  }

  // --- reading --------------------------------------------------------------------------------

  /**
   * An export read back.
   *
   * @param modelName the {@code model} field
   * @param model the version, with the same operators as the exported one
   * @param build when it was built and how long that took
   * @param settings the learner's settings it was built with ({@code provenance.settings})
   * @param statistics the statistics a builder continues from ({@code learning}), empty when the
   *     export has none (format 1, or {@code "learning": null})
   */
  public record Restored(
      String modelName,
      StreamingModel model,
      ModelCodec.BuildInfo build,
      Map<String, String> settings,
      Optional<WindowStatistics> statistics) {
    public Restored {
      settings = Map.copyOf(settings);
    }
  }

  /**
   * Reads an export (format version 1 or 2, vector network).
   *
   * @param text the JSON text
   * @throws IllegalArgumentException naming the field that is missing, malformed or inconsistent,
   *     or if the format, its version or the network type is not one this reader knows
   */
  public static Restored read(String text) {
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not JSON: " + e.getOriginalMessage() + " at " + e.getLocation(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON object");
    }
    String format = root.path("format").asText("");
    if (!format.equals(FORMAT)) {
      throw new IllegalArgumentException(
          "format is \"" + format + "\", not \"" + FORMAT + "\" (not a model export)");
    }
    int formatVersion = root.path("formatVersion").asInt(-1);
    if (formatVersion != 1 && formatVersion != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "formatVersion " + root.path("formatVersion") + " is not one this release reads (1, 2)");
    }
    String network = text(root, "network");
    if (!network.equals("vector")) {
      throw new IllegalArgumentException(
          "network \""
              + network
              + "\": only vector models can be read back (a spectral export is for scoring"
              + " outside the JVM)");
    }
    String modelName = text(root, "model");
    long version = integer(root, "version");
    if (version < 1) {
      throw new IllegalArgumentException("version must be ≥ 1, got " + version);
    }
    int inputDimension = (int) integer(root, "inputDimension");
    int d = (int) integer(root, "featureDimension");
    List<String> classNames = new ArrayList<>();
    for (JsonNode n : array(root, "classes")) {
      classNames.add(n.asText());
    }
    Optional<Projection> projection = Optional.empty();
    JsonNode proj = root.path("projection");
    if (!proj.isNull() && !proj.isMissingNode()) {
      projection =
          Optional.of(
              Projection.of(
                  doubles(proj.path("mean"), inputDimension, "projection.mean"),
                  rows(proj.path("components"), d, inputDimension, "projection.components")));
    } else if (d != inputDimension) {
      throw new IllegalArgumentException(
          "featureDimension "
              + d
              + " ≠ inputDimension "
              + inputDimension
              + " without a projection");
    }
    List<Layer> layers = new ArrayList<>();
    JsonNode layerNodes = array(root, "layers");
    for (int l = 0; l < layerNodes.size(); l++) {
      layers.add(layer(layerNodes.get(l), d, "layers[" + l + "]"));
    }
    JsonNode mi = root.path("micl");
    String mode = text(mi, "mode");
    CodingMode codingMode =
        switch (mode) {
          case "affine" -> CodingMode.AFFINE;
          case "linear" -> CodingMode.LINEAR;
          default -> throw new IllegalArgumentException("micl.mode \"" + mode + "\"");
        };
    List<ClassStatistics> micl = new ArrayList<>();
    JsonNode miclClasses = array(mi, "classes");
    for (int j = 0; j < miclClasses.size(); j++) {
      JsonNode c = miclClasses.get(j);
      String at = "micl.classes[" + j + "]";
      micl.add(
          ClassStatistics.ofCentred(
              number(c, "count", at),
              doubles(c.path("mean"), d, at + ".mean"),
              rows(c.path("scatter"), d, d, at + ".scatter")));
    }
    List<Rates> rates = new ArrayList<>();
    for (JsonNode r : array(root, "rates")) {
      rates.add(Rates.of(number(r, "r", "rates"), number(r, "rc", "rates")));
    }
    if (rates.size() != layers.size()) {
      throw new IllegalArgumentException(
          rates.size() + " entries in rates for " + layers.size() + " layers");
    }
    JsonNode in = root.path("inputRates");
    Rates inputRates =
        in.isObject()
            ? Rates.of(number(in, "r", "inputRates"), number(in, "rc", "inputRates"))
            : Rates.of(Double.NaN, Double.NaN);
    JsonNode prov = root.path("provenance");
    Map<String, String> settings = new TreeMap<>();
    prov.path("settings")
        .properties()
        .forEach(e -> settings.put(e.getKey(), e.getValue().asText()));
    JsonNode trained = prov.path("trainedClasses");
    int[] trainedLabels = new int[trained.size()];
    double[] trainedCounts = new double[trained.size()];
    for (int i = 0; i < trained.size(); i++) {
      trainedLabels[i] = (int) integer(trained.get(i), "class");
      trainedCounts[i] = number(trained.get(i), "count", "provenance.trainedClasses");
    }
    ModelCodec.BuildInfo build =
        new ModelCodec.BuildInfo(
            prov.hasNonNull("builtAt")
                ? Instant.parse(prov.get("builtAt").asText()).toEpochMilli()
                : 0,
            prov.path("rebuildSeconds").asDouble(Double.NaN));
    ReduNet net =
        new ReduNet(
            layers,
            new Provenance("stream", OptionalLong.empty(), settings, trainedLabels, trainedCounts),
            inputRates,
            rates);
    JsonNode threshold = root.path("noveltyThreshold");
    StreamingModel model =
        new StreamingModel(
                version,
                inputDimension,
                projection,
                net,
                MiclModel.build(micl, number(mi, "epsSq", "micl"), codingMode),
                classNames,
                rates)
            .withNoveltyThreshold(threshold.isNumber() ? threshold.asDouble() : Double.NaN);
    Optional<WindowStatistics> statistics = Optional.empty();
    JsonNode learning = root.path("learning");
    if (learning.isObject()) {
      JsonNode total = learning.path("total");
      List<ModelStatistics> recent = new ArrayList<>();
      JsonNode recentNodes = learning.path("recent");
      for (int i = 0; i < recentNodes.size(); i++) {
        recent.add(statistics(recentNodes.get(i), d, layers.size(), "learning.recent[" + i + "]"));
      }
      statistics =
          Optional.of(
              new WindowStatistics(
                  total.isObject()
                      ? Optional.of(statistics(total, d, layers.size(), "learning.total"))
                      : Optional.empty(),
                  recent));
    }
    return new Restored(modelName, model, build, settings, statistics);
  }

  private static VectorLayer layer(JsonNode l, int d, String at) {
    String type = text(l, "type");
    if (!type.equals(VectorLayer.TAG)) {
      throw new IllegalArgumentException(at + ".type \"" + type + "\" is not a vector layer");
    }
    if (integer(l, "dimension") != d) {
      throw new IllegalArgumentException(
          at + ".dimension " + l.get("dimension") + " ≠ featureDimension " + d);
    }
    JsonNode labelNodes = array(l, "classes");
    int k = labelNodes.size();
    int[] labels = new int[k];
    for (int j = 0; j < k; j++) {
      labels[j] = labelNodes.get(j).asInt();
    }
    List<Matrix> c = new ArrayList<>(k);
    JsonNode cs = array(l, "C");
    if (cs.size() != k) {
      throw new IllegalArgumentException(
          at + ".C has " + cs.size() + " operators for " + k + " classes");
    }
    for (int j = 0; j < k; j++) {
      c.add(Matrix.fromRows(rows(cs.get(j), d, d, at + ".C[" + j + "]")));
    }
    try {
      return VectorLayer.of(
          labels,
          doubles(l.path("gamma"), k, at + ".gamma"),
          Matrix.fromRows(rows(l.path("E"), d, d, at + ".E")),
          c,
          number(l, "epsSq", at),
          number(l, "eta", at),
          number(l, "lambda", at));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ": " + e.getMessage(), e);
    }
  }

  private static ModelStatistics statistics(JsonNode s, int d, int layers, String at) {
    JsonNode depths = array(s, "depths");
    if (depths.size() != layers + 1) {
      throw new IllegalArgumentException(
          at + ".depths has " + depths.size() + " entries for " + layers + " layers (need L + 1)");
    }
    ModelStatistics out = ModelStatistics.empty(d, layers).plusLabelled(integer(s, "labelled"));
    for (int l = 0; l <= layers; l++) {
      JsonNode classes = depths.get(l);
      for (int i = 0; i < classes.size(); i++) {
        JsonNode c = classes.get(i);
        String where = at + ".depths[" + l + "][" + i + "]";
        out =
            out.mergeDepth(
                l,
                LayerStatistics.ofClass(
                    (int) integer(c, "class"),
                    number(c, "count", where),
                    rows(c.path("scatter"), d, d, where + ".scatter")));
      }
    }
    for (JsonNode c : array(s, "output")) {
      String where = at + ".output";
      out =
          out.mergeOutput(
              (int) integer(c, "class"),
              ClassStatistics.ofCentred(
                  number(c, "count", where),
                  doubles(c.path("mean"), d, where + ".mean"),
                  rows(c.path("scatter"), d, d, where + ".scatter")));
    }
    return out;
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (!v.isTextual()) {
      throw new IllegalArgumentException("field " + field + " is missing or not a string");
    }
    return v.asText();
  }

  private static long integer(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (!v.canConvertToLong() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("field " + field + " is missing or not an integer");
    }
    return v.asLong();
  }

  private static double number(JsonNode node, String field, String at) {
    JsonNode v = node.path(field);
    if (!v.isNumber()) {
      throw new IllegalArgumentException(at + "." + field + " is missing or not a number");
    }
    return v.asDouble();
  }

  private static JsonNode array(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (!v.isArray()) {
      throw new IllegalArgumentException("field " + field + " is missing or not an array");
    }
    return v;
  }

  private static double[] doubles(JsonNode v, int n, String at) {
    if (!v.isArray() || v.size() != n) {
      throw new IllegalArgumentException(
          at + " must be an array of " + n + " numbers" + (v.isArray() ? ", has " + v.size() : ""));
    }
    double[] out = new double[n];
    for (int i = 0; i < n; i++) {
      if (!v.get(i).isNumber()) {
        throw new IllegalArgumentException(at + "[" + i + "] is not a number");
      }
      out[i] = v.get(i).asDouble();
    }
    return out;
  }

  private static double[][] rows(JsonNode v, int rows, int cols, String at) {
    if (!v.isArray() || v.size() != rows) {
      throw new IllegalArgumentException(
          at + " must have " + rows + " rows" + (v.isArray() ? ", has " + v.size() : ""));
    }
    double[][] out = new double[rows][];
    for (int i = 0; i < rows; i++) {
      out[i] = doubles(v.get(i), cols, at + "[" + i + "]");
    }
    return out;
  }
}
