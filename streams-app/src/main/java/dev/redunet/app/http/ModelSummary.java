package dev.redunet.app.http;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What {@code /model} reports about the current model: a small immutable summary, independent of
 * how the model is stored.
 *
 * @param modelName the model's name ({@code redunet.model.name}, the key of its records)
 * @param version the model version (the one predictions carry), {@code >= 0}
 * @param classes the classes the model knows, with the number of labelled samples behind each
 * @param layers the coding rates of each layer's output, layer 1 first (empty when L = 0)
 * @param builtAt when this version was built
 * @param rebuildSeconds how long building this version took, in seconds ({@code >= 0})
 */
public record ModelSummary(
    String modelName,
    long version,
    List<ClassCount> classes,
    List<LayerRates> layers,
    Instant builtAt,
    double rebuildSeconds) {

  public ModelSummary {
    Objects.requireNonNull(modelName, "modelName");
    Objects.requireNonNull(builtAt, "builtAt");
    if (version < 0) {
      throw new IllegalArgumentException("version must be >= 0, got " + version);
    }
    if (!(rebuildSeconds >= 0) || !Double.isFinite(rebuildSeconds)) {
      throw new IllegalArgumentException(
          "rebuildSeconds must be finite and >= 0, got " + rebuildSeconds);
    }
    classes = List.copyOf(classes);
    layers = List.copyOf(layers);
    for (int i = 0; i < layers.size(); i++) {
      if (layers.get(i).layer() != i + 1) {
        throw new IllegalArgumentException(
            "layers must be numbered 1.." + layers.size() + " in order, got " + layers);
      }
    }
  }

  /**
   * One class of the model.
   *
   * @param name the label
   * @param count labelled samples of this class in the statistics the model was built from
   *     (possibly fractional with decayed statistics), {@code >= 0}
   */
  public record ClassCount(String name, double count) {
    public ClassCount {
      Objects.requireNonNull(name, "name");
      if (!(count >= 0) || !Double.isFinite(count)) {
        throw new IllegalArgumentException(
            "count of class " + name + " must be finite and >= 0, got " + count);
      }
    }
  }

  /**
   * The coding rates of one layer's output Z_ℓ, in nats (REDUNET_SPEC: R, R^c and ΔR = R − R^c).
   *
   * @param layer the layer number ℓ, from 1
   * @param r the coding rate R(Z_ℓ)
   * @param rc the class-wise coding rate R^c(Z_ℓ, Π)
   * @param deltaR the rate reduction ΔR = R − R^c
   */
  public record LayerRates(int layer, double r, double rc, double deltaR) {
    public LayerRates {
      if (layer < 1) {
        throw new IllegalArgumentException("layer must be >= 1, got " + layer);
      }
      if (!Double.isFinite(r) || !Double.isFinite(rc) || !Double.isFinite(deltaR)) {
        throw new IllegalArgumentException(
            "rates of layer "
                + layer
                + " must be finite, got R="
                + r
                + " Rc="
                + rc
                + " ΔR="
                + deltaR);
      }
    }
  }
}
