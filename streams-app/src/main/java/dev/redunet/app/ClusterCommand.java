package dev.redunet.app;

import dev.redunet.cluster.ClusteringResult;
import dev.redunet.cluster.ClusteringSettings;
import dev.redunet.cluster.CompressionClustering;
import dev.redunet.cluster.KMeansBaseline;
import dev.redunet.cluster.LabelMatching;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigException;
import dev.redunet.eval.PrequentialEvaluator;
import dev.redunet.micl.CodingMode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./redunet cluster}: segments samples by lossy compression ({@link CompressionClustering}),
 * finding the number of groups by itself, reading the input as {@code produce} and {@code evaluate}
 * read it ({@link JsonSampleLines}, {@link DatasetInput}, the stream's checks {@link
 * IngressChecks}); labels, when present, only score the result.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Finds the groups in samples, and how many there are, by lossy compression.",
      "",
      "Greedy pairwise merging while the total coding length falls (Ma, Derksen, Hong, Wright,"
          + " TPAMI 2007). Labels are not needed; when the input has some, the result is scored"
          + " against them (accuracy under the best matching of clusters to labels, and purity).",
      "",
      "Data: --jsonl (JSON lines as for ./redunet produce --jsonl; the label may be absent),"
          + " --data (CSV, as for ./redunet evaluate), --images with or without --labels (IDX), or"
          + " --dataset mnist10k. Records the stream would reject are skipped and counted by"
          + " reason, as ./redunet evaluate does; every sample must have the dimension of the"
          + " first one (else WRONG_DIMENSION). CSV and IDX values are used in double precision,"
          + " JSON values as the 32-bit floats of the wire format.",
      "",
      "Up to --exact-limit samples the exact greedy merge runs (every pair of groups a"
          + " candidate, O(m²) memory); above it, an over-segmentation merged by compression"
          + " along a neighbour graph first, then the exact merge of its groups.",
      "",
      "Example: ./redunet cluster --jsonl samples.jsonl --eps-sq 0.05 --assignments a.jsonl",
      "",
      "Progress goes to stderr. The last line of stdout is one JSON object: k, cluster_sizes,"
          + " initial_length_bits and final_length_bits (the total coding length L^c of the"
          + " singletons and of the result, membership included), merges, algorithm and"
          + " over_segments, seconds (the clustering), samples, dimension, labelled, classes,"
          + " accuracy and purity (null without labels), kmeans (with --kmeans), skipped and"
          + " skipped_reasons, and the settings.",
      ""
    })
public final class ClusterCommand implements Callable<Integer> {

  private static final String NAME = "cluster";

  @Spec CommandSpec spec;

  @Mixin SampleFileOptions input;

  @Option(
      names = "--max-samples",
      paramLabel = "N",
      description =
          "Use only the first N input records (samples, or non-blank lines of --jsonl, valid or"
              + " not), as ./redunet produce --max-samples N sends them. Default: all.")
  Integer maxSamples;

  @Option(
      names = "--eps-sq",
      paramLabel = "X",
      defaultValue = "0.05",
      description =
          "ε², the allowed mean squared distortion per sample (default ${DEFAULT-VALUE}). It"
              + " must exceed the noise energy per sample; larger values merge more.")
  double epsSq;

  @Option(
      names = "--coding",
      paramLabel = "MODE",
      defaultValue = "linear",
      description =
          "Coding length: linear (default: zero-mean, the paper's model for subspaces through"
              + " the origin) or affine (mean-coded).")
  String coding;

  @Option(
      names = "--normalize",
      paramLabel = "MODE",
      defaultValue = "none",
      description = "none (default) or unit: scale each sample to unit Euclidean norm.")
  String normalize;

  @Option(
      names = "--assignments",
      paramLabel = "FILE",
      description =
          "Write one JSON line per clustered sample, in input order: sampleId and cluster (0 to"
              + " k−1, numbered in order of each cluster's first sample).")
  Path assignments;

  @Option(
      names = "--kmeans",
      paramLabel = "K",
      arity = "0..1",
      fallbackValue = "0",
      description =
          "Also run k-means (Apache Commons Math, k-means++, best of --kmeans-trials seeded"
              + " runs) on the same samples with K clusters; without K, the number of labels. It"
              + " is reported next to the compression clustering.")
  Integer kmeans;

  @Option(
      names = "--kmeans-trials",
      paramLabel = "T",
      defaultValue = "10",
      description = "k-means runs, the best kept (default ${DEFAULT-VALUE}).")
  int kmeansTrials;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "0",
      description = "Seed of k-means (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--exact-limit",
      paramLabel = "M",
      defaultValue = "" + ClusteringSettings.DEFAULT_EXACT_LIMIT,
      description =
          "Up to M samples, the exact greedy merge; above, the over-segmentation first (default"
              + " ${DEFAULT-VALUE}).")
  int exactLimit;

  @Option(
      names = "--neighbours",
      paramLabel = "K",
      defaultValue = "" + ClusteringSettings.DEFAULT_NEIGHBOURS,
      description =
          "Over-segmentation: each sample's K cheapest pair merges form the neighbour graph"
              + " (default ${DEFAULT-VALUE}).")
  int neighbours;

  @Option(
      names = "--target-groups",
      paramLabel = "G",
      defaultValue = "" + ClusteringSettings.DEFAULT_TARGET_GROUPS,
      description =
          "Over-segmentation: groups of at most max(8, 2⌈m/G⌉) samples, so about G groups are"
              + " left for the exact merge (default ${DEFAULT-VALUE}).")
  int targetGroups;

  @Option(
      names = "--threads",
      paramLabel = "T",
      description = "Threads that price merges (default: the processors); same result for any.")
  Integer threads;

  @Option(
      names = "--progress-seconds",
      paramLabel = "S",
      defaultValue = "2",
      description = "Seconds between progress lines on stderr (default ${DEFAULT-VALUE}).")
  double progressSeconds;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter out = spec.commandLine().getOut();
    String problem = validate();
    if (problem != null) {
      return usage(err, problem);
    }
    ClusteringSettings settings;
    IngressChecks checks;
    try {
      settings =
          new ClusteringSettings(
              epsSq,
              "affine".equals(coding) ? CodingMode.AFFINE : CodingMode.LINEAR,
              exactLimit,
              neighbours,
              targetGroups,
              threads != null ? threads : Runtime.getRuntime().availableProcessors());
      checks = IngressChecks.of(AppConfig.load(Optional.empty(), System.getenv(), Map.of()));
    } catch (ConfigException | IllegalArgumentException e) {
      return usage(err, e.getMessage());
    }
    long t0 = System.nanoTime();
    String source = input.sourceName();
    EvaluationStream ds;
    try {
      ds =
          new SampleFileReader(NAME, err, checks)
              .read(input, maxSamples == null ? Long.MAX_VALUE : maxSamples);
    } catch (NoSuchFileException e) {
      return usage(err, "file not found: " + e.getFile() + " (check the path)");
    } catch (IOException | IllegalArgumentException | ConfigException e) {
      return usage(err, "cannot read the data: " + e.getMessage());
    }
    if (maxSamples != null) {
      source += " (first " + maxSamples + ")";
    }
    if (ds.size() == 0) {
      return usage(
          err,
          "no valid sample in " + source + " (" + ds.skippedTotal() + " input record(s) skipped)");
    }
    if ("unit".equals(normalize)) {
      ds.normalizeToUnitNorm();
    }
    int[] classes = ds.classIndices();
    List<String> classNames = ds.classNames();
    long labelled = ds.size() - ds.unlabelled();
    int kmeansK = kmeans == null ? 0 : kmeans == 0 ? classNames.size() : kmeans;
    if (kmeans != null && (kmeansK < 1 || kmeansK > ds.size())) {
      return usage(
          err,
          kmeans == 0
              ? "--kmeans without K takes the number of labels, and the input has none: give"
                  + " --kmeans K"
              : "--kmeans K must be at most the number of samples, " + ds.size());
    }
    err.printf(
        Locale.ROOT,
        "%s: %s: %d samples, d=%d, %d labelled in %d classes (loaded in %.1f s)%s%n",
        NAME,
        source,
        ds.size(),
        ds.dimension(),
        labelled,
        classNames.size(),
        (System.nanoTime() - t0) / 1e9,
        ds.skippedTotal() == 0
            ? ""
            : String.format(Locale.ROOT, "; %d skipped %s", ds.skippedTotal(), ds.skipped()));
    err.flush();

    double[][] rows = ds.rows();
    long start = System.nanoTime();
    long[] lastReport = {start};
    ClusteringResult result =
        CompressionClustering.segment(
            rows,
            settings,
            (phase, groups) -> {
              long now = System.nanoTime();
              if ((now - lastReport[0]) / 1e9 < progressSeconds) {
                return;
              }
              lastReport[0] = now;
              err.printf(
                  Locale.ROOT,
                  "%s: %s: %d %s (%.1f s)%n",
                  NAME,
                  phase,
                  groups,
                  "neighbours".equals(phase) ? "samples done" : "groups",
                  (now - start) / 1e9);
              err.flush();
            });
    double seconds = (System.nanoTime() - start) / 1e9;
    int k = result.numGroups();
    List<Integer> sizes = new ArrayList<>(k);
    for (int g = 0; g < k; g++) {
      sizes.add(result.members(g).length);
    }
    err.printf(
        Locale.ROOT,
        "%s: %d clusters in %.1f s, coding length %.1f → %.1f bits%n",
        NAME,
        k,
        seconds,
        result.initialLength(),
        result.finalLength());
    err.flush();

    if (assignments != null) {
      try {
        writeAssignments(assignments, ds, result.assignment());
      } catch (IOException e) {
        err.println(NAME + ": cannot write --assignments " + assignments + ": " + e.getMessage());
        err.flush();
        return 1;
      }
    }

    Map<String, Object> json = new LinkedHashMap<>();
    json.put("k", k);
    json.put("cluster_sizes", sizes);
    json.put("initial_length_bits", result.initialLength());
    json.put("final_length_bits", result.finalLength());
    json.put("merges", result.steps().size());
    json.put("algorithm", result.overSegments() == 0 ? "exact" : "over-segmentation+exact");
    json.put("over_segments", result.overSegments());
    json.put("seconds", seconds);
    json.put("samples", ds.size());
    json.put("dimension", ds.dimension());
    json.put("labelled", labelled);
    json.put("classes", classNames.size());
    LabelMatching.Agreement agreement =
        labelled > 0 ? agreement(result.assignment(), classes) : null;
    json.put("accuracy", agreement == null ? null : agreement.accuracy());
    json.put("purity", agreement == null ? null : agreement.purity());
    if (agreement != null) {
      err.printf(
          Locale.ROOT,
          "%s: against the labels: accuracy %.4f (best matching), purity %.4f%n",
          NAME,
          agreement.accuracy(),
          agreement.purity());
    }
    if (kmeans != null) {
      long km0 = System.nanoTime();
      int[] km = KMeansBaseline.cluster(rows, kmeansK, kmeansTrials, seed);
      double kmSeconds = (System.nanoTime() - km0) / 1e9;
      Map<String, Object> kmJson = new LinkedHashMap<>();
      kmJson.put("k", kmeansK);
      LabelMatching.Agreement ka = labelled > 0 ? agreement(km, classes) : null;
      kmJson.put("accuracy", ka == null ? null : ka.accuracy());
      kmJson.put("purity", ka == null ? null : ka.purity());
      kmJson.put("seconds", kmSeconds);
      kmJson.put("trials", kmeansTrials);
      kmJson.put("seed", seed);
      json.put("kmeans", kmJson);
      err.printf(
          Locale.ROOT,
          "%s: k-means (k=%d, best of %d) in %.1f s%s%n",
          NAME,
          kmeansK,
          kmeansTrials,
          kmSeconds,
          ka == null
              ? ""
              : String.format(
                  Locale.ROOT, ": accuracy %.4f, purity %.4f", ka.accuracy(), ka.purity()));
    }
    json.put("skipped", ds.skippedTotal());
    Map<String, Long> reasons = new LinkedHashMap<>();
    ds.skipped().forEach((reason, count) -> reasons.put(reason.name(), count));
    json.put("skipped_reasons", reasons);
    json.put("eps_sq", epsSq);
    json.put("coding", coding);
    json.put("normalize", normalize);
    json.put("exact_limit", exactLimit);
    json.put("source", source);
    if (assignments != null) {
      json.put("assignments", assignments.toString());
    }
    err.flush();
    out.println(CommandSupport.json(json));
    out.flush();
    return 0;
  }

  private static LabelMatching.Agreement agreement(int[] clusters, int[] classes) {
    int[] labels = new int[classes.length];
    for (int i = 0; i < labels.length; i++) {
      labels[i] =
          classes[i] == PrequentialEvaluator.UNLABELLED ? LabelMatching.UNLABELLED : classes[i];
    }
    return LabelMatching.of(clusters, labels);
  }

  private String validate() {
    String inputProblem = input.problem(false);
    if (inputProblem != null) {
      return inputProblem;
    }
    if (!(epsSq > 0) || Double.isInfinite(epsSq)) {
      return "--eps-sq must be a positive number, got " + epsSq;
    }
    if (!"linear".equals(coding) && !"affine".equals(coding)) {
      return "unknown --coding '" + coding + "': use linear or affine";
    }
    if (!"none".equals(normalize) && !"unit".equals(normalize)) {
      return "unknown --normalize '" + normalize + "': use none or unit";
    }
    if (maxSamples != null && maxSamples < 1) {
      return "--max-samples must be ≥ 1, got " + maxSamples;
    }
    if (kmeans != null && kmeans < 0) {
      return "--kmeans K must be ≥ 1 (or no K: the number of labels), got " + kmeans;
    }
    if (kmeansTrials < 1) {
      return "--kmeans-trials must be ≥ 1, got " + kmeansTrials;
    }
    if (exactLimit < 2) {
      return "--exact-limit must be ≥ 2, got " + exactLimit;
    }
    if (neighbours < 1) {
      return "--neighbours must be ≥ 1, got " + neighbours;
    }
    if (targetGroups < 2) {
      return "--target-groups must be ≥ 2, got " + targetGroups;
    }
    if (threads != null && threads < 1) {
      return "--threads must be ≥ 1, got " + threads;
    }
    if (!(progressSeconds >= 0) || Double.isInfinite(progressSeconds)) {
      return "--progress-seconds must be a number ≥ 0, got " + progressSeconds;
    }
    return null;
  }

  private static int usage(PrintWriter err, String message) {
    err.println(NAME + ": " + message);
    err.flush();
    return CommandSupport.USAGE;
  }

  private static void writeAssignments(Path file, EvaluationStream ds, int[] cluster)
      throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (int i = 0; i < cluster.length; i++) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("sampleId", ds.id(i));
        line.put("cluster", cluster[i]);
        w.write(CommandSupport.json(line));
        w.write('\n');
      }
    }
  }
}
