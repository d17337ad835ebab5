package dev.redunet.experiment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.redunet.data.LabelledDataset;
import dev.redunet.data.Lifting;
import dev.redunet.data.ShippedDatasets;
import dev.redunet.linalg.MathExecutor;
import dev.redunet.rate.Rates;
import dev.redunet.redunet.ForwardConstruction.TrainingMembership;
import dev.redunet.redunet.spectral.SpectralConstruction;
import dev.redunet.redunet.spectral.SpectralNetwork;
import dev.redunet.redunet.spectral.SpectralParameters;
import dev.redunet.signal.SignalShape;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/**
 * The forward row of the 10-digit table (docs/FINETUNE.md) at a small size, against the NumPy port
 * of the reference code (ryanchankh/redunet_paper {@code mnist2d.py}, {@code Lift2D}, {@code
 * Fourier2D}, {@code evaluate.knn}/{@code nearsub}) checked in as {@code
 * vectors/mnist10k_redunet2d_reference.py}: the shipped mnist10k, the first 20 images of each digit
 * in file order train, the next 10 of each digit test, raw pixels lifted by 9 × 9 N(0, 1) filters
 * (java.util.Random seed 10, which the port reproduces) to C = 4 channels, L = 3 layers, ε² = 0.1,
 * η = 0.5, λ = 500, π̂ membership for the training samples. The golden values are the port's output
 * (command in the script's docstring); they differ completely under any of the traps of
 * REDUNET_SPEC (a factor H·W in α, a flipped lifting kernel, labels instead of π̂ in the update).
 */
class SpectralMnistReferencePortTest {

  @AutoClose private final MathExecutor math = MathExecutor.create(2, "test-math");

  /** ΔR (true labels) of the lifted input, then of the output of layers 1, 2 and 3. */
  private static final double[] PORT_DELTA_R = {
    2.598971243594119e-4, 2.7224152360854313e-4, 2.853307966528638e-4, 2.9917468712748786e-4
  };

  /** Correct test predictions (of 100) of nearest subspace and kNN on the layer-3 features. */
  private static final long PORT_NEAREST_SUBSPACE = 94;

  private static final long PORT_KNN = 85;

  @Test
  void liftedMnistThroughThreeLayersMatchesTheNumPyPortOfTheReference() throws IOException {
    LabelledDataset mnist = ShippedDatasets.mnist10k();
    List<double[]> train = new ArrayList<>();
    List<double[]> test = new ArrayList<>();
    List<Integer> trainY = new ArrayList<>();
    List<Integer> testY = new ArrayList<>();
    int[] seen = new int[10];
    for (int i = 0; i < mnist.size(); i++) {
      int digit = Integer.parseInt(mnist.label(i));
      if (seen[digit] < 20) {
        train.add(mnist.sample(i));
        trainY.add(digit);
      } else if (seen[digit] < 30) {
        test.add(mnist.sample(i));
        testY.add(digit);
      }
      seen[digit]++;
    }
    int[] labels = trainY.stream().mapToInt(Integer::intValue).toArray();
    int[] testLabels = testY.stream().mapToInt(Integer::intValue).toArray();
    Lifting lift = Lifting.random2d(SignalShape.of2d(1, 28, 28), 4, 9, 10);
    SignalShape shape = lift.outputShape();
    SpectralNetwork identity = new SpectralNetwork(shape, List.of());

    SpectralConstruction.Result built =
        SpectralConstruction.run(
            identity.preprocess(lift.applyAll(train.toArray(new double[0][]))),
            labels,
            new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9},
            3,
            new SpectralParameters(0.1, 0.5, 500),
            TrainingMembership.SOFTMAX,
            List.of(identity.preprocess(lift.applyAll(test.toArray(new double[0][])))),
            false,
            math,
            null);

    List<Rates> rates = built.inputRates();
    assertThat(rates).hasSize(4);
    for (int l = 0; l < 4; l++) {
      assertThat(rates.get(l).deltaR())
          .as("ΔR after %d layers", l)
          .isCloseTo(PORT_DELTA_R[l], within(1e-9 * Math.abs(PORT_DELTA_R[l])));
    }
    Map<String, Object> accuracy =
        SpectralExperiment.Classifiers.fit(identity.postprocess(built.trainFeatures()), labels, 10)
            .accuracies(identity.postprocess(built.passengerFeatures().get(0)), testLabels);
    assertThat(Math.round((double) accuracy.get("nearest_subspace") * 100))
        .isEqualTo(PORT_NEAREST_SUBSPACE);
    assertThat(Math.round((double) accuracy.get("knn") * 100)).isEqualTo(PORT_KNN);
  }
}
