package dev.redunet.learn;

import dev.redunet.data.Lifting;
import dev.redunet.learn.LearnerSettings.LiftingSettings;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.linalg.Matrix;
import dev.redunet.redunet.spectral.SpectralBatch;
import dev.redunet.signal.SignalShape;
import java.util.Objects;
import java.util.Optional;

/**
 * How a spectral model reads its raw samples (REDUNET_SPEC §3.1, §4): a flat multichannel signal of
 * {@code shape} (channel-major), lifted by fixed random filters when a lifting is set, then the
 * ortho DFT normalised over all C·H·W coefficients: z₀ in the frequency domain. Lifting commutes
 * with cyclic shifts, so z₀ of a shifted sample is z₀ shifted. Immutable.
 *
 * @param shape the shape of the raw samples
 * @param lifting the lifting, if any
 */
public record SpectralInput(SignalShape shape, Optional<Lifting> lifting) {

  /** Checks that the lifting reads this shape. */
  public SpectralInput {
    Objects.requireNonNull(shape, "shape");
    Objects.requireNonNull(lifting, "lifting");
    if (lifting.isPresent() && !lifting.get().inputShape().equals(shape)) {
      throw new IllegalArgumentException(
          "a lifting of " + lifting.get().inputShape() + " for samples of " + shape);
    }
  }

  /**
   * The input of the settings' spectral network: their feature shape and lifting.
   *
   * @throws IllegalStateException if the settings have no feature shape
   */
  public static SpectralInput of(LearnerSettings settings) {
    SignalShape shape =
        settings
            .featureShape()
            .orElseThrow(() -> new IllegalStateException("the settings have no feature shape"));
    return new SpectralInput(shape, settings.lifting().map(l -> lifting(shape, l)));
  }

  /** The random lifting of samples of {@code shape} (1D or 2D filters by the shape). */
  public static Lifting lifting(SignalShape shape, LiftingSettings settings) {
    return shape.is1d()
        ? Lifting.random1d(shape, settings.channels(), settings.kernel(), settings.seed())
        : Lifting.random2d(shape, settings.channels(), settings.kernel(), settings.seed());
  }

  /** The shape of the layers' samples: the lifting's output shape, or the raw shape. */
  public SignalShape layerShape() {
    return lifting.map(Lifting::outputShape).orElse(shape);
  }

  /**
   * z₀ of a batch: {@code normalize(DFT_ortho(lift(x)))} per column.
   *
   * @param raw D × m raw samples (D = C·H·W of {@link #shape()}), not modified
   * @param math the threads of the transforms (the result does not depend on them)
   */
  public SpectralBatch prepare(Matrix raw, MathExecutor math) {
    if (raw.rows() != shape.size()) {
      throw new IllegalArgumentException(
          "samples of shape "
              + shape
              + " have "
              + shape.size()
              + " values, got a "
              + raw.shape()
              + " batch");
    }
    double[][] signals = new double[raw.cols()][];
    for (int i = 0; i < signals.length; i++) {
      double[] x = raw.column(i);
      signals[i] = lifting.map(l -> l.apply(x)).orElse(x);
    }
    return SpectralBatch.fromSignals(layerShape(), signals, math).normalized();
  }

  /**
   * The signal-domain features of frequency-domain ones: inverse ortho DFT, each sample normalised
   * (REDUNET_SPEC §3.1 postprocess).
   *
   * @param features m samples of {@link #layerShape()}
   * @return C'·H·W × m, unit-norm columns
   */
  public static Matrix toSignals(SpectralBatch features, MathExecutor math) {
    return Matrix.fromColumns(features.toSignals(math)).normalizeColumns();
  }
}
