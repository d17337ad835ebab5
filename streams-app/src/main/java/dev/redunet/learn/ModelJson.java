package dev.redunet.learn;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
   * The export of a model version with the statistics the builder had after it.
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
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    root.put("network", m.isSpectral() ? SpectralLayer.TAG : VectorLayer.TAG);
    root.put("model", modelName);
    root.put("version", m.version());
    root.put("inputDimension", m.inputDimension());
    root.put("featureDimension", m.featureDimension());
    ArrayNode classes = root.putArray("classes");
    m.classNames().forEach(classes::add);
    if (m.projection().isPresent()) {
      Projection p = m.projection().get();
      ObjectNode proj = root.putObject("projection");
      proj.put("inputDimension", p.inputDimension());
      proj.put("outputDimension", p.outputDimension());
      vector(proj.putArray("mean"), p.mean());
      ArrayNode rows = proj.putArray("components");
      for (int r = 0; r < p.outputDimension(); r++) {
        vector(rows.addArray(), p.component(r));
      }
    } else {
      root.putNull("projection");
    }
    if (m.isSpectral()) {
      spectralInput(root.putObject("spectral"), m.spectralInput().orElseThrow());
    }
    ArrayNode layers = root.putArray("layers");
    for (Layer layer : m.network().layers()) {
      if (layer instanceof VectorLayer v) {
        vectorLayer(layers.addObject(), v);
      } else if (layer instanceof SpectralLayer s) {
        spectralLayer(layers.addObject(), s);
      } else {
        throw new IllegalArgumentException(
            "the export format carries vector and spectral layers; this model has a "
                + layer.tag()
                + " layer");
      }
    }
    double samples;
    if (m.isSpectral()) {
      samples = spectralMicl(root.putObject("micl"), m.spectralMicl().orElseThrow());
    } else {
      MiclModel micl = m.micl();
      ObjectNode mi = root.putObject("micl");
      mi.put("epsSq", micl.epsSq());
      mi.put("mode", micl.mode().name().toLowerCase(Locale.ROOT));
      ArrayNode stats = mi.putArray("classes");
      for (int j = 0; j < micl.numClasses(); j++) {
        ClassStatistics s = micl.statistics(j);
        ObjectNode o = stats.addObject();
        o.put("count", s.count());
        vector(o.putArray("mean"), s.mean());
        ArrayNode scatter = o.putArray("scatter");
        for (double[] row : s.scatter()) {
          vector(scatter.addArray(), row);
        }
      }
      samples = micl.totalCount();
    }
    if (m.noveltyThreshold().isPresent()) {
      root.put("noveltyThreshold", m.noveltyThreshold().getAsDouble());
    } else {
      root.putNull("noveltyThreshold");
    }
    ArrayNode rates = root.putArray("rates");
    List<Rates> layerRates = m.layerRates();
    for (int l = 0; l < layerRates.size(); l++) {
      Rates r = layerRates.get(l);
      rates
          .addObject()
          .put("layer", l + 1)
          .put("r", r.r())
          .put("rc", r.rc())
          .put("deltaR", r.deltaR());
    }
    Rates in = m.network().inputRates();
    root.putObject("inputRates").put("r", in.r()).put("rc", in.rc()).put("deltaR", in.deltaR());
    ObjectNode prov = root.putObject("provenance");
    prov.put("builtAt", Instant.ofEpochMilli(build.builtAtMillis()).toString());
    prov.put("rebuildSeconds", build.rebuildSeconds());
    prov.put("windows", m.version());
    prov.put("samples", samples);
    ArrayNode counts = prov.putArray("classCounts");
    for (int j = 0; j < m.classNames().size(); j++) {
      counts.add(m.classCount(j));
    }
    Provenance p = m.network().provenance();
    ArrayNode trained = prov.putArray("trainedClasses");
    for (int i = 0; i < p.classLabels().length; i++) {
      trained.addObject().put("class", p.classLabels()[i]).put("count", p.classCounts()[i]);
    }
    ObjectNode settings = prov.putObject("settings");
    for (Map.Entry<String, String> e : p.parameters().entrySet()) {
      settings.put(e.getKey(), e.getValue());
    }
    if (statistics.isPresent() && !m.isSpectral()) {
      ObjectNode learning = root.putObject("learning");
      if (statistics.get().total().isPresent()) {
        statistics(learning.putObject("total"), statistics.get().total().get());
      } else {
        learning.putNull("total");
      }
      ArrayNode recent = learning.putArray("recent");
      statistics.get().recent().forEach(w -> statistics(recent.addObject(), w));
    } else {
      root.putNull("learning");
    }
    return root;
  }

  /**
   * Writes an export's JSON text (UTF-8, compact, as {@code export.toString()}) to {@code out}
   * without an intermediate string, and without closing {@code out}.
   *
   * @param export the JSON of {@link #toJson}
   * @param out where to write it
   * @throws IOException if writing fails
   */
  public static void write(JsonNode export, OutputStream out) throws IOException {
    try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      JSON.writeTree(g, export);
    }
  }

  private static void vectorLayer(ObjectNode l, VectorLayer v) {
    l.put("type", VectorLayer.TAG);
    l.put("dimension", v.inputDimension());
    ArrayNode labels = l.putArray("classes");
    for (int c : v.classLabels()) {
      labels.add(c);
    }
    l.put("epsSq", v.epsSq());
    l.put("eta", v.eta());
    l.put("lambda", v.lambda());
    vector(l.putArray("gamma"), v.gamma());
    matrix(l.putArray("E"), v.expansion());
    ArrayNode c = l.putArray("C");
    for (int j = 0; j < v.classLabels().length; j++) {
      matrix(c.addArray(), v.compression(j));
    }
  }

  /**
   * How a spectral model reads its samples: the raw and the layers' shapes, the lifting with its
   * filter weights (the numbers, not only the seed), and the kept bins of the half spectrum.
   */
  private static void spectralInput(ObjectNode out, SpectralInput input) {
    shape(out.putArray("inputShape"), input.shape());
    SignalShape layerShape = input.layerShape();
    shape(out.putArray("layerShape"), layerShape);
    if (input.lifting().isPresent()) {
      Lifting lifting = input.lifting().get();
      ObjectNode l = out.putObject("lifting");
      SignalShape in = lifting.inputShape();
      int k = lifting.kernel();
      l.put("inputChannels", in.channels());
      l.put("outputChannels", lifting.outputShape().channels());
      l.put("kernel", k);
      l.put("seed", lifting.seed());
      l.put("correlation", "circular");
      l.put("nonlinearity", "relu");
      ArrayNode weights = l.putArray("weights");
      for (int o = 0; o < lifting.outputShape().channels(); o++) {
        ArrayNode perOutput = weights.addArray();
        for (int i = 0; i < in.channels(); i++) {
          ArrayNode filter = perOutput.addArray();
          if (in.is1d()) {
            for (int b = 0; b < k; b++) {
              filter.add(lifting.weight(o, i, 0, b));
            }
          } else {
            for (int a = 0; a < k; a++) {
              ArrayNode row = filter.addArray();
              for (int b = 0; b < k; b++) {
                row.add(lifting.weight(o, i, a, b));
              }
            }
          }
        }
      }
    } else {
      out.putNull("lifting");
    }
    out.put("transform", "ortho");
    SpectralGrid grid = new SpectralGrid(layerShape.height(), layerShape.width());
    ArrayNode bins = out.putArray("bins");
    ArrayNode weights = out.putArray("binWeights");
    for (int f = 0; f < grid.bins(); f++) {
      bins.addArray().add(grid.row(f)).add(grid.column(f));
      weights.add(grid.weight(f));
    }
  }

  private static void shape(ArrayNode out, SignalShape s) {
    out.add(s.channels());
    if (!s.is1d()) {
      out.add(s.height());
    }
    out.add(s.width());
  }

  /**
   * A spectral layer: its parameters and the explicit per-bin operators E(f) = α(I + αS(f))⁻¹ and
   * Cʲ(f) = α_j(I + α_j S_j(f))⁻¹ of the kept bins, computed from the layer's own factors.
   */
  private static void spectralLayer(ObjectNode l, SpectralLayer s) {
    l.put("type", SpectralLayer.TAG);
    l.put("channels", s.channels());
    ArrayNode labels = l.putArray("classes");
    for (int c : s.classLabels()) {
      labels.add(c);
    }
    l.put("epsSq", s.parameters().epsSq());
    l.put("eta", s.parameters().eta());
    l.put("lambda", s.parameters().lambda());
    vector(l.putArray("gamma"), s.gamma());
    int bins = s.grid().bins();
    int c = s.channels();
    double[][][] e = new double[bins][][];
    for (int f = 0; f < bins; f++) {
      e[f] = s.expansionOperator(f);
    }
    complexMatrices(l.putObject("E"), e, c);
    ArrayNode cs = l.putArray("C");
    for (int j = 0; j < s.classes(); j++) {
      if (!s.hasClass(j)) {
        cs.addNull();
        continue;
      }
      double[][][] cj = new double[bins][][];
      for (int f = 0; f < bins; f++) {
        cj[f] = s.compressionOperator(j, f);
      }
      complexMatrices(cs.addObject(), cj, c);
    }
  }

  /**
   * The spectral MICL: per class index its statistics (count m_j, DC sum s_j, and the scatter
   * S_j(f) of every kept bin), from which the classifier is built.
   *
   * @return the total count M = Σ m_j
   */
  private static double spectralMicl(ObjectNode mi, SpectralMicl micl) {
    mi.put("epsSq", micl.epsSq());
    mi.put("mode", micl.mode().name().toLowerCase(Locale.ROOT));
    ArrayNode classes = mi.putArray("classes");
    double total = 0;
    int bins = micl.grid().bins();
    for (SpectralStatistics s : micl.statistics()) {
      ObjectNode o = classes.addObject();
      o.put("count", s.count());
      total += s.count();
      vector(o.putArray("dcSum"), s.dcSum());
      if (s.count() > 0) {
        double[][][] scatter = new double[bins][][];
        for (int f = 0; f < bins; f++) {
          scatter[f] = s.scatter(f);
        }
        complexMatrices(o.putObject("scatter"), scatter, s.channels());
      } else {
        o.putNull("scatter");
      }
    }
    return total;
  }

  /**
   * {@code {"re": B × C × C, "im": B × C × C}} of B row-major C × C complex matrices, each given as
   * {@code {re, im}} of C·C values.
   */
  private static void complexMatrices(ObjectNode out, double[][][] perBin, int c) {
    ArrayNode re = out.putArray("re");
    ArrayNode im = out.putArray("im");
    for (double[][] a : perBin) {
      ArrayNode rr = re.addArray();
      ArrayNode ri = im.addArray();
      for (int r = 0; r < c; r++) {
        ArrayNode rowRe = rr.addArray();
        ArrayNode rowIm = ri.addArray();
        for (int q = 0; q < c; q++) {
          rowRe.add(a[0][r * c + q]);
          rowIm.add(a[1][r * c + q]);
        }
      }
    }
  }

  private static void statistics(ObjectNode out, ModelStatistics s) {
    out.put("labelled", s.labelled());
    ArrayNode depths = out.putArray("depths");
    int d = s.dimension();
    for (int l = 0; l <= s.layers(); l++) {
      LayerStatistics depth = s.depth(l);
      ArrayNode classes = depths.addArray();
      for (int j : depth.labels()) {
        ObjectNode c = classes.addObject();
        c.put("class", j);
        c.put("count", depth.count(j));
        double[] scatter = depth.scatter(j);
        ArrayNode rows = c.putArray("scatter");
        for (int i = 0; i < d; i++) {
          ArrayNode row = rows.addArray();
          for (int k = 0; k < d; k++) {
            row.add(scatter[i * d + k]);
          }
        }
      }
    }
    ArrayNode output = out.putArray("output");
    List<ClassStatistics> classes = s.output();
    for (int j = 0; j < classes.size(); j++) {
      ClassStatistics c = classes.get(j);
      if (c.isEmpty()) {
        continue;
      }
      ObjectNode o = output.addObject();
      o.put("class", j);
      o.put("count", c.count());
      vector(o.putArray("mean"), c.mean());
      ArrayNode scatter = o.putArray("scatter");
      for (double[] row : c.scatter()) {
        vector(scatter.addArray(), row);
      }
    }
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

  private static void vector(ArrayNode out, double[] v) {
    for (double x : v) {
      out.add(x);
    }
  }

  private static void matrix(ArrayNode out, Matrix a) {
    for (int i = 0; i < a.rows(); i++) {
      ArrayNode row = out.addArray();
      for (int j = 0; j < a.cols(); j++) {
        row.add(a.get(i, j));
      }
    }
  }
}
