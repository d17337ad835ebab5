package dev.redunet.app;

import dev.redunet.avro.Sample;
import dev.redunet.data.CsvReader;
import dev.redunet.data.LabelledDataset;
import dev.redunet.data.Lifting;
import dev.redunet.data.SensorSignals;
import dev.redunet.experiment.SpectralExperiment;
import dev.redunet.signal.SignalShape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
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
      "Your own signals: --jsonl FILE reads labelled JSON lines {\"id\", \"features\","
          + " \"shape\": [C, T], \"label\"} (features channel-major; --shape C,T for lines"
          + " without a shape), or --data FILE --shape C,T a CSV file of flattened signals"
          + " (label first, or in --label-column), instead of generating them; the split is the"
          + " file's order.",
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
      names = "--jsonl",
      paramLabel = "FILE",
      description =
          "Your own labelled signals as JSON lines (id, features, shape [C, T], label) instead of"
              + " generated ones; --kinds, --sensors, --length, --noise and --data-seed then do"
              + " not apply.")
  Path jsonl;

  @Option(
      names = "--data",
      paramLabel = "FILE",
      description =
          "Your own labelled signals as CSV (RFC 4180, read as ./redunet evaluate --data reads"
              + " it: the label first, or in --label-column), one signal per row, channel-major;"
              + " needs --shape C,T.")
  Path data;

  @Mixin LabelColumnOption labelColumn;

  @Option(
      names = "--shape",
      paramLabel = "C,T",
      split = ",",
      description =
          "With --jsonl: the shape of every signal (default: each line's own shape); with --data:"
              + " required.")
  List<Integer> shape;

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
    if (problem == null && jsonl == null && data == null && options.kernel > length) {
      problem = "--kernel " + options.kernel + " exceeds the signal length " + length;
    }
    if (problem == null && shape != null && (shape.size() != 2 || shape.contains(0))) {
      problem = "--shape takes C,T (two positive numbers), got " + shape;
    }
    if (problem == null && jsonl != null && data != null) {
      problem = "give --jsonl or --data, not both";
    }
    if (problem == null && shape != null && jsonl == null && data == null) {
      problem = "--shape applies to --jsonl and --data only";
    }
    if (problem == null && data != null && shape == null) {
      problem = "--data needs --shape C,T: a CSV row holds the flattened signal";
    }
    if (problem == null && labelColumn.given() && data == null) {
      problem = "--label-column applies to --data only";
    }
    Path own = jsonl != null ? jsonl : data;
    Signals signals = null;
    if (problem == null && own != null) {
      try {
        signals = jsonl != null ? read(jsonl, shape) : readCsv(data, labelColumn.name, shape);
        if (options.kernel > signals.shape().width()) {
          problem =
              "--kernel "
                  + options.kernel
                  + " exceeds the signal length "
                  + signals.shape().width();
        }
      } catch (IOException e) {
        problem = "cannot read " + own + ": " + e.getMessage();
      } catch (IllegalArgumentException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      err.println("experiment sensors: " + problem);
      err.flush();
      return CommandSupport.USAGE;
    }
    if (signals == null) {
      SensorSignals.Dataset generated =
          SensorSignals.generate(
              kinds, sensors, length, trainPerClass + testPerClass, noise, dataSeed);
      List<String> names = IntStream.range(0, kinds).mapToObj(j -> "kind-" + j).toList();
      signals = new Signals(generated.shape(), generated.samples(), generated.labels(), names);
    }
    double[][] x = signals.samples();
    int[] y = signals.classes();
    int k = signals.names().size();
    int[] seen = new int[k];
    List<Integer> train = new ArrayList<>();
    List<Integer> test = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      int rank = seen[y[i]]++;
      if (rank < trainPerClass) {
        train.add(i);
      } else if (rank < trainPerClass + testPerClass) {
        test.add(i);
      }
    }
    if (test.isEmpty()) {
      err.println(
          "experiment sensors: no test signal: every class has at most "
              + trainPerClass
              + " (--train-per-class)");
      err.flush();
      return CommandSupport.USAGE;
    }
    Lifting lift =
        Lifting.random1d(signals.shape(), options.channels, options.kernel, options.seed);
    Map<String, Object> settings = new LinkedHashMap<>();
    if (jsonl != null) {
      settings.put(
          "split",
          String.format(
              "%s in file order: the first %d of each class train, the next %d test",
              jsonl, trainPerClass, testPerClass));
      settings.put("classes", signals.names());
    } else {
      settings.put(
          "split",
          String.format(
              "SensorSignals(kinds %d, sensors %d, length %d, noise %s, seed %d) in generated"
                  + " order: the first %d of each class train, the next %d test",
              kinds, sensors, length, noise, dataSeed, trainPerClass, testPerClass));
      settings.put("noise", noise);
      settings.put("data_seed", dataSeed);
    }
    settings.put("sensors", signals.shape().channels());
    settings.put("length", signals.shape().width());
    SpectralExperiment.Input in =
        new SpectralExperiment.Input(
            "sensors",
            lift.outputShape(),
            lift.applyAll(train.stream().map(i -> x[i]).toArray(double[][]::new)),
            train.stream().mapToInt(i -> y[i]).toArray(),
            lift.applyAll(test.stream().map(i -> x[i]).toArray(double[][]::new)),
            test.stream().mapToInt(i -> y[i]).toArray(),
            IntStream.range(0, k).boxed().toList(),
            "every cyclic delay of the signal",
            settings);
    return options.run(in, layers, spec.commandLine().getOut(), err);
  }

  /** Labelled 1D signals: their shape, values (channel-major), class indices and class names. */
  @SuppressWarnings("ArrayRecordComponent") // private, built once, never shared
  private record Signals(
      SignalShape shape, double[][] samples, int[] classes, List<String> names) {}

  /**
   * The labelled signals of a JSON-lines file, in file order, classes numbered by first appearance.
   *
   * @throws IllegalArgumentException naming the line of an invalid, unlabelled or misshapen sample
   */
  /** Labelled signals from a CSV file through the project's one CSV reader, flat rows of C·T. */
  private static Signals readCsv(Path file, String labelColumn, List<Integer> shape)
      throws IOException {
    LabelledDataset d = CsvReader.read(file, labelColumn);
    int size = shape.get(0) * shape.get(1);
    if (d.dimension() != size) {
      throw new IllegalArgumentException(
          file
              + ": "
              + d.dimension()
              + " values per row, but --shape "
              + shape.get(0)
              + ","
              + shape.get(1)
              + " holds "
              + size);
    }
    if (d.numClasses() < 2) {
      throw new IllegalArgumentException(
          file + ": " + d.numClasses() + " class(es); the experiment needs at least 2");
    }
    List<String> names = new ArrayList<>(); // in order of first appearance, as from JSON lines
    int[] classes = new int[d.size()];
    for (int i = 0; i < d.size(); i++) {
      if (!names.contains(d.label(i))) {
        names.add(d.label(i));
      }
      classes[i] = names.indexOf(d.label(i));
    }
    return new Signals(
        SignalShape.of1d(shape.get(0), shape.get(1)), d.toRows(), classes, List.copyOf(names));
  }

  private static Signals read(Path file, List<Integer> shape) throws IOException {
    List<double[]> samples = new ArrayList<>();
    List<Integer> classes = new ArrayList<>();
    List<String> names = new ArrayList<>();
    List<Integer> expected = shape;
    try (JsonSampleLines lines = new JsonSampleLines(file, 0L)) {
      JsonSampleLines.Line line;
      while ((line = lines.next()) != null) {
        String where = file + " line " + line.lineNumber() + ": ";
        if (!line.valid()) {
          throw new IllegalArgumentException(where + line.error().getMessage());
        }
        Sample s = line.sample();
        if (s.getLabel() == null) {
          throw new IllegalArgumentException(where + "no label (every signal needs one)");
        }
        List<Integer> own = s.getShape() == null || s.getShape().isEmpty() ? null : s.getShape();
        if (expected == null) {
          if (own == null || own.size() != 2) {
            throw new IllegalArgumentException(
                where + "shape " + own + " is not [C, T]; give --shape C,T");
          }
          expected = List.copyOf(own);
        }
        int size = expected.get(0) * expected.get(1);
        if (s.getFeatures().size() != size
            || (own != null && own.size() > 1 && !own.equals(expected))) {
          throw new IllegalArgumentException(
              where
                  + s.getFeatures().size()
                  + " values of shape "
                  + own
                  + ", expected "
                  + expected
                  + " ("
                  + size
                  + " values)");
        }
        double[] x = new double[size];
        for (int a = 0; a < size; a++) {
          x[a] = s.getFeatures().get(a);
        }
        if (!names.contains(s.getLabel())) {
          names.add(s.getLabel());
        }
        samples.add(x);
        classes.add(names.indexOf(s.getLabel()));
      }
    }
    if (names.size() < 2) {
      throw new IllegalArgumentException(
          file + ": " + names.size() + " class(es); the experiment needs at least 2");
    }
    return new Signals(
        SignalShape.of1d(expected.get(0), expected.get(1)),
        samples.toArray(double[][]::new),
        classes.stream().mapToInt(Integer::intValue).toArray(),
        List.copyOf(names));
  }
}
