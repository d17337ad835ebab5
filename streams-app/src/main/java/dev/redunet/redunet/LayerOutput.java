package dev.redunet.redunet;

import dev.redunet.linalg.Matrix;

/**
 * What a layer produces for a batch.
 *
 * @param features the output features, d × m, unit-norm columns
 * @param membership the estimated membership π̂, k × m (rows in the layer's class order)
 */
public record LayerOutput(Matrix features, Matrix membership) {}
