package dev.redunet.app;

import dev.redunet.data.Lifting;
import dev.redunet.data.SensorSignals;
import dev.redunet.experiment.SpectralExperiment;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./redunet experiment sensors}: shift-invariant classification of synthetic multichannel
 * sensor signals (class waveforms at random cyclic delays, with noise) by a 1D spectral ReduNet.
 */
@Command(
    name = "sensors",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Shift-invariant classification of synthetic multichannel sensor signals"
          + " (dev.redunet.data.SensorSignals): each class is a multichannel waveform, each"
          + " sample that waveform delayed cyclically by a random offset, scaled by a random gain"
          + " and with white noise. The signals are lifted by seeded random 1D filters to C"
          + " channels and passed through an L-layer 1D spectral ReduNet.",
      "",
      "Split: the generated stream in its (seeded, shuffled) order; the first N of each class"
          + " train, the next M test. 'All shifts' = every cyclic delay of every test signal.",
      "",
      "Example: ./redunet experiment sensors --kinds 4 --sensors 3 --length 128 --noise 2.0"
          + " --layers 50",
      "",
      "Progress goes to stderr. The last line of stdout is one JSON object as for the rotation"
          + " experiment (test_accuracy, all_shifts_accuracy per classifier, seconds, …).",
      ""
    })
public final class SensorsExperimentCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin SpectralExperimentOptions options;

  @Option(
      names = "--kinds",
      paramLabel = "K",
      defaultValue = "4",
      description = "Number of signal classes (default ${DEFAULT-VALUE}).")
  int kinds;

  @Option(
      names = "--sensors",
      paramLabel = "S",
      defaultValue = "3",
      description = "Sensor channels per signal (default ${DEFAULT-VALUE}).")
  int sensors;

  @Option(
      names = "--length",
      paramLabel = "T",
      defaultValue = "128",
      description = "Samples per signal (default ${DEFAULT-VALUE}).")
  int length;

  @Option(
      names = "--noise",
      paramLabel = "σ",
      defaultValue = "2.0",
      description = "Noise standard deviation; waveforms have unit RMS (default ${DEFAULT-VALUE}).")
  double noise;

  @Option(
      names = "--data-seed",
      paramLabel = "S",
      defaultValue = "1",
      description = "Seed of the generator (default ${DEFAULT-VALUE}).")
  long dataSeed;

  @Option(
      names = "--train-per-class",
      paramLabel = "N",
      defaultValue = "100",
      description = "Training signals per class (default ${DEFAULT-VALUE}).")
  int trainPerClass;

  @Option(
      names = "--test-per-class",
      paramLabel = "M",
      defaultValue = "100",
      description = "Test signals per class (default ${DEFAULT-VALUE}).")
  int testPerClass;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    int layers = options.layers != null ? options.layers : 50;
    String problem = options.validate(layers);
    if (problem == null && (kinds < 2 || sensors < 1 || length < 8)) {
      problem = "need --kinds ≥ 2, --sensors ≥ 1 and --length ≥ 8";
    }
    if (problem == null && (trainPerClass < 1 || testPerClass < 1)) {
      problem = "--train-per-class and --test-per-class must be ≥ 1";
    }
    if (problem == null && (!(noise >= 0) || !Double.isFinite(noise))) {
      problem = "--noise must be a number ≥ 0, got " + noise;
    }
    if (problem == null && options.kernel > length) {
      problem = "--kernel " + options.kernel + " exceeds the signal length " + length;
    }
    if (problem != null) {
      err.println("experiment sensors: " + problem);
      err.flush();
      return CommandSupport.USAGE;
    }
    SensorSignals.Dataset generated =
        SensorSignals.generate(
            kinds, sensors, length, trainPerClass + testPerClass, noise, dataSeed);
    double[][] x = generated.samples();
    int[] y = generated.labels();
    int[] seen = new int[kinds];
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      (seen[y[i]]++ < trainPerClass ? train : test).add(i);
    }
    Lifting lift =
        Lifting.random1d(generated.shape(), options.channels, options.kernel, options.seed);
    Map<String, Object> settings = new LinkedHashMap<>();
    settings.put(
        "split",
        String.format(
            "SensorSignals(kinds %d, sensors %d, length %d, noise %s, seed %d) in generated"
                + " order: the first %d of each class train, the next %d test",
            kinds, sensors, length, noise, dataSeed, trainPerClass, testPerClass));
    settings.put("sensors", sensors);
    settings.put("length", length);
    settings.put("noise", noise);
    settings.put("data_seed", dataSeed);
    SpectralExperiment.Input in =
        new SpectralExperiment.Input(
            "sensors",
            lift.outputShape(),
            lift.applyAll(train.stream().map(i -> x[i]).toArray(double[][]::new)),
            train.stream().mapToInt(i -> y[i]).toArray(),
            lift.applyAll(test.stream().map(i -> x[i]).toArray(double[][]::new)),
            test.stream().mapToInt(i -> y[i]).toArray(),
            IntStream.range(0, kinds).boxed().toList(),
            "every cyclic delay of the signal",
            settings);
    return options.run(in, layers, spec.commandLine().getOut(), err);
  }
}
