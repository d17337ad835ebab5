package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Runs the demo command lines exactly as README.md writes them (its own in-process broker, the
 * application, the shipped MNIST stream; and the sensors stream through the spectral and the vector
 * networks), so that the README's commands stay true.
 */
class ReadmeDemoIT {

  /** The README's demo command lines, in order. */
  private static List<String[]> demoLines() throws Exception {
    List<String[]> lines =
        Files.readAllLines(Path.of("..", "README.md")).stream()
            .map(String::strip)
            .filter(l -> l.startsWith("./redunet demo"))
            .map(l -> l.split("\\s+", -1))
            .toList();
    assertThat(lines).as("README.md shows the demo command").isNotEmpty();
    return lines;
  }

  private record Run(String stderr, JsonNode summary, int maxSamples) {}

  private static Run run(String[] words) throws Exception {
    assertThat(words[1]).isEqualTo("demo");
    String[] args = Arrays.copyOfRange(words, 2, words.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        new CommandLine(
                new DemoCommand(
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8)))
            .execute(args);
    String stderr = err.toString(StandardCharsets.UTF_8);
    assertThat(code).as(stderr).isZero();
    assertThat(stderr).contains("HTTP endpoints on http://").contains("prequential accuracy");
    List<String> lines = out.toString(StandardCharsets.UTF_8).strip().lines().toList();
    JsonNode summary = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    int max = Integer.parseInt(args[Arrays.asList(args).indexOf("--max-samples") + 1]);
    assertThat(summary.get("samples").asLong()).isEqualTo(max);
    assertThat(summary.get("model_version").asLong()).isGreaterThanOrEqualTo(1);
    assertThat(summary.get("seconds").asDouble()).isPositive();
    assertThat(Thread.getAllStackTraces().keySet())
        .as("no thread of the demo's applications is left")
        .noneMatch(t -> t.getName().startsWith("redunet-demo") && t.isAlive());
    return new Run(stderr, summary, max);
  }

  @Test
  void theReadmesDemoCommandLearnsAndEndsWithItsJsonSummary() throws Exception {
    Run run = run(demoLines().get(0));
    assertThat(run.summary().get("accuracy").asDouble()).isGreaterThan(0.8);
  }

  @Test
  void theSensorsDemoShowsTheSpectralAndTheVectorNetworkSideBySide() throws Exception {
    String[] sensors =
        demoLines().stream()
            .filter(w -> Arrays.asList(w).contains("sensors"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("README.md shows the sensors demo"));
    Run run = run(sensors);
    assertThat(run.stderr()).contains("prequential accuracy spectral").contains("| vector ");
    JsonNode s = run.summary();
    assertThat(s.get("dataset").asText()).isEqualTo("sensors");
    assertThat(s.get("network").asText()).isEqualTo("spectral");
    // After the first window the events come with delays the first window did not show: the
    // shift-invariant network is not fooled, the vector network is.
    double spectral = s.get("accuracy").asDouble();
    double vector = s.get("vector_accuracy").asDouble();
    assertThat(spectral).isGreaterThanOrEqualTo(0.93);
    assertThat(s.get("vector_accuracy").isNumber()).as("the vector network scored").isTrue();
    assertThat(spectral - vector).isGreaterThanOrEqualTo(0.05);
  }
}
