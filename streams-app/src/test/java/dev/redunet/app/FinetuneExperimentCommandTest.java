package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code ./redunet experiment finetune --quick}: the table's three rows on a small split. */
class FinetuneExperimentCommandTest {

  @Test
  void quickRunLowersTheTrainingLossAndFineTuningBeatsForwardConstruction() throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("experiment", "finetune", "--quick", "--threads", "2");
    assertThat(code).as(err.toString()).isZero();
    List<String> lines = out.toString().strip().lines().toList();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));

    assertThat(json.get("train_samples").asInt()).isEqualTo(100);
    assertThat(json.get("test_samples").asInt()).isEqualTo(200);
    assertThat(json.get("layers").asInt()).isEqualTo(4);
    int epochs = json.get("epochs").asInt();
    assertThat(epochs).isEqualTo(30);
    for (String row : List.of("bp_random_init", "bp_redunet_init")) {
      JsonNode loss = json.get("training_loss").get(row);
      assertThat(loss.size()).isEqualTo(epochs);
      assertThat(loss.get(epochs - 1).asDouble()).as(row).isLessThan(0.9 * loss.get(0).asDouble());
    }
    double forward = json.get("forward").asDouble();
    assertThat(forward).isEqualTo(json.get("forward_classifiers").get("linear").asDouble());
    // The table's message on the quick split: fine-tuning the constructed network beats both the
    // forward construction's linear classifier and back-propagation from random operators.
    assertThat(json.get("bp_redunet_init").asDouble()).isGreaterThan(forward);
    assertThat(json.get("bp_redunet_init").asDouble())
        .isGreaterThan(json.get("bp_random_init").asDouble());
    for (String key : List.of("forward", "after_bp_redunet_init", "after_bp_random_init")) {
      JsonNode dr = json.get("layer_delta_r").get(key);
      assertThat(dr.size()).as(key).isEqualTo(4);
      for (JsonNode v : dr) {
        assertThat(v.asDouble()).as(key).isPositive();
      }
    }
    assertThat(json.get("lectures").get("bp_redunet_init").asDouble()).isEqualTo(0.978);
    assertThat(json.get("seconds_per_epoch").asDouble()).isPositive();
    assertThat(json.get("gflops_per_second").asDouble()).isPositive();
  }

  @Test
  void forwardRowAloneAndTheSpectralMiclIgnoresTheTestTranslations() throws Exception {
    JsonNode plain = run("--quick", "--rows", "forward", "--threads", "1");
    JsonNode moved =
        run(
            "--quick",
            "--rows",
            "forward",
            "--translate",
            "test",
            "--max-shift",
            "14",
            "--threads",
            "1");

    for (JsonNode json : List.of(plain, moved)) {
      assertThat(json.get("bp_random_init").isNull()).isTrue();
      assertThat(json.get("bp_redunet_init").isNull()).isTrue();
      assertThat(json.get("training_loss").size()).isZero();
      assertThat(json.get("layer_delta_r").get("forward").size()).isEqualTo(4);
    }
    assertThat(plain.get("translate").asText()).isEqualTo("none");
    assertThat(plain.get("max_shift").asInt()).isZero();
    assertThat(moved.get("max_shift").asInt()).isEqualTo(14);
    // The training images are not translated in either run, so the network is the same one.
    assertThat(moved.get("layer_delta_r").get("forward"))
        .isEqualTo(plain.get("layer_delta_r").get("forward"));
    // The spectral MICL scores are invariant to cyclic shifts: the same accuracy on the moved
    // test images; the linear SVM on the (shift-equivariant) features loses accuracy.
    JsonNode a = plain.get("forward_classifiers");
    JsonNode b = moved.get("forward_classifiers");
    assertThat(a.get("spectral_micl").asDouble()).isGreaterThan(0.1);
    assertThat(b.get("spectral_micl").asDouble()).isEqualTo(a.get("spectral_micl").asDouble());
    assertThat(b.get("linear").asDouble()).isLessThan(a.get("linear").asDouble());
  }

  @Test
  void anUnknownTranslationReadingIsAUsageError() {
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(new StringWriter(), true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute("experiment", "finetune", "--quick", "--translate", "train");
    assertThat(code).isEqualTo(CommandSupport.USAGE);
    assertThat(err.toString()).contains("--translate must be none, test or both, got train");
  }

  private static JsonNode run(String... options) throws Exception {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = new CommandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] args = new String[options.length + 2];
    args[0] = "experiment";
    args[1] = "finetune";
    System.arraycopy(options, 0, args, 2, options.length);
    assertThat(cl.execute(args)).as(err.toString()).isZero();
    List<String> lines = out.toString().strip().lines().toList();
    return new ObjectMapper().readTree(lines.get(lines.size() - 1));
  }
}
