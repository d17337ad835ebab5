package dev.redunet.learn;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redunet.linalg.Matrix;
import dev.redunet.micl.ClassStatistics;
import dev.redunet.micl.MiclModel;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.Layer;
import dev.redunet.redunet.Provenance;
import dev.redunet.redunet.VectorLayer;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A model version as JSON (docs/MODEL_FORMAT.md, JSON Schema {@code
 * schemas/model-export.schema.json}): everything needed to score a sample outside the JVM, as
 * {@link StreamingModel#score} does. Numbers are written in Java's shortest round-trip decimal
 * form, so a reader that parses them as IEEE doubles gets the very operators the JVM uses.
 *
 * <p>Top level: {@code format} ({@value #FORMAT}), {@code formatVersion} ({@value
 * #FORMAT_VERSION}), {@code network} ({@code "vector"}; {@code "spectral"} is reserved), {@code
 * model}, {@code version}, {@code inputDimension} D, {@code featureDimension} d, {@code classes}
 * (the name of every class index), {@code projection} (null, or D, p, μ (D) and P (p rows of D)),
 * {@code layers} (each {@code {"type": "vector", "dimension": d, "classes": [class indices],
 * "epsSq", "eta", "lambda", "gamma": [k], "E": d×d, "C": k × d×d}}, rows of symmetric matrices),
 * {@code micl} ({@code epsSq}, {@code mode} "affine", {@code classes}: per class index {@code
 * {"count", "mean": d, "scatter": d×d}}, the centred statistics), {@code noveltyThreshold} (null or
 * bits per dimension), {@code rates} (R, R^c, ΔR per layer) and {@code provenance} (settings,
 * windows, sample counts, build time).
 */
public final class ModelJson {

  /** The value of the {@code format} field. */
  public static final String FORMAT = "redunet-model";

  /** The version of this format. */
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private ModelJson() {}

  /**
   * The export of a model version.
   *
   * @param modelName the model's name ({@code redunet.model.name})
   * @param m the version
   * @param build when it was built and how long that took
   * @return the JSON object of docs/MODEL_FORMAT.md
   * @throws IllegalArgumentException if the model holds a layer type the format does not carry yet
   */
  public static ObjectNode toJson(String modelName, StreamingModel m, ModelCodec.BuildInfo build) {
    ObjectNode root = JSON.createObjectNode();
    root.put("format", FORMAT);
    root.put("formatVersion", FORMAT_VERSION);
    root.put("network", "vector");
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
    ArrayNode layers = root.putArray("layers");
    for (Layer layer : m.network().layers()) {
      if (!(layer instanceof VectorLayer v)) {
        throw new IllegalArgumentException(
            "the export format carries vector layers only so far; this model has a "
                + layer.tag()
                + " layer");
      }
      ObjectNode l = layers.addObject();
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
    MiclModel micl = m.micl();
    ObjectNode mi = root.putObject("micl");
    mi.put("epsSq", micl.epsSq());
    mi.put("mode", micl.mode().name().toLowerCase(java.util.Locale.ROOT));
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
    ObjectNode prov = root.putObject("provenance");
    prov.put("builtAt", Instant.ofEpochMilli(build.builtAtMillis()).toString());
    prov.put("rebuildSeconds", build.rebuildSeconds());
    prov.put("windows", m.version());
    prov.put("samples", micl.totalCount());
    ArrayNode counts = prov.putArray("classCounts");
    for (int j = 0; j < m.classNames().size(); j++) {
      counts.add(j < micl.numClasses() ? micl.statistics(j).count() : 0.0);
    }
    Provenance p = m.network().provenance();
    ObjectNode settings = prov.putObject("settings");
    for (Map.Entry<String, String> e : p.parameters().entrySet()) {
      settings.put(e.getKey(), e.getValue());
    }
    return root;
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
