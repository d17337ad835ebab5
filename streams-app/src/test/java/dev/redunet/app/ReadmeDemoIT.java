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
 * Runs the demo command line exactly as README.md writes it (its own in-process broker, the
 * application, the shipped MNIST stream), so that the README's first command stays true.
 */
class ReadmeDemoIT {

  @Test
  void theReadmesDemoCommandLearnsAndEndsWithItsJsonSummary() throws Exception {
    Path readme = Path.of("..", "README.md");
    List<String> demoLines =
        Files.readAllLines(readme).stream()
            .map(String::strip)
            .filter(l -> l.startsWith("./redunet demo"))
            .toList();
    assertThat(demoLines).as("README.md shows the demo command").isNotEmpty();
    String[] words = demoLines.get(0).split("\\s+", -1);
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
    assertThat(summary.get("accuracy").asDouble()).isGreaterThan(0.8);
    assertThat(summary.get("seconds").asDouble()).isPositive();
    assertThat(Thread.getAllStackTraces().keySet())
        .as("no thread of the demo's application is left")
        .noneMatch(t -> t.getName().startsWith("redunet-demo") && t.isAlive());
  }
}
