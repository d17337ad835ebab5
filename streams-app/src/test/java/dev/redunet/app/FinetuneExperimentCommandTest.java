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
}
