package dev.redunet.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The production artifact, as the package phase leaves it and the image copies it: {@code
 * target/redunet-streams.jar} with the libraries its manifest names in {@code lib/}. It holds no
 * development broker (no Kafka server, Scala runtime or log4j-core) and still runs; {@code broker}
 * and {@code demo} say where they are. The development broker is in {@code target/dev-lib}, which
 * the {@code ./redunet} launcher adds to the class path.
 */
class ProductionJarIT {

  private static final Path TARGET = Path.of("target").toAbsolutePath();
  private static final Path JAR = TARGET.resolve("redunet-streams.jar");

  @TempDir Path tmp;

  /** The file names in the jar manifest's Class-Path: what {@code java -jar} loads. */
  private static List<String> manifestClassPath() throws IOException {
    assertThat(JAR).as("the packaged application (built in the package phase)").isRegularFile();
    try (JarFile jar = new JarFile(JAR.toFile())) {
      String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
      assertThat(classPath).isNotBlank();
      return Arrays.stream(classPath.trim().split("\\s+")).toList();
    }
  }

  @Test
  void theProductionJarLoadsNoDevelopmentBrokerNorItsServerScalaAndLog4jJars() throws Exception {
    List<String> classPath = manifestClassPath();
    assertThat(classPath)
        .allMatch(entry -> entry.startsWith("lib/"))
        .anyMatch(entry -> entry.startsWith("lib/kafka-streams-"))
        .anyMatch(entry -> entry.startsWith("lib/kafka-clients-"))
        .anyMatch(entry -> entry.startsWith("lib/rocksdbjni-"))
        .anyMatch(entry -> entry.startsWith("lib/redunet-simd-"))
        .noneMatch(entry -> entry.startsWith("lib/redunet-devtools-"))
        .noneMatch(entry -> entry.startsWith("lib/kafka_2.13-"))
        .noneMatch(entry -> entry.startsWith("lib/kafka-server-"))
        .noneMatch(entry -> entry.startsWith("lib/kafka-raft-"))
        .noneMatch(entry -> entry.startsWith("lib/kafka-metadata-"))
        .noneMatch(entry -> entry.startsWith("lib/scala-"))
        .noneMatch(entry -> entry.startsWith("lib/log4j-"));
    for (String entry : classPath) {
      assertThat(TARGET.resolve(entry)).as("%s is in target/lib", entry).isRegularFile();
    }
    try (JarFile jar = new JarFile(JAR.toFile())) {
      assertThat(jar.getEntry("dev/redunet/broker/EmbeddedKafkaBroker.class")).isNull();
      assertThat(jar.getEntry("dev/redunet/app/RunCommand.class")).isNotNull();
    }
    List<String> devLib;
    try (var files = Files.list(TARGET.resolve("dev-lib"))) {
      devLib = files.map(f -> f.getFileName().toString()).toList();
    }
    assertThat(devLib)
        .anyMatch(f -> f.startsWith("redunet-devtools-"))
        .anyMatch(f -> f.startsWith("kafka_2.13-"))
        .anyMatch(f -> f.startsWith("scala-library-"))
        .anyMatch(f -> f.startsWith("log4j-core-"));
  }

  /** Exit code and stderr of {@code java -jar redunet-streams.jar args}. */
  private record Launched(int exit, String stdout, String stderr) {}

  private Launched javaJar(String... args) throws Exception {
    List<String> command =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                JAR.toString()));
    command.addAll(List.of(args));
    Path err = tmp.resolve("stderr-" + System.nanoTime());
    Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
    p.getOutputStream().close();
    String stdout;
    try (InputStream in = p.getInputStream()) {
      stdout = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("java -jar %s exits", List.of(args)).isTrue();
    return new Launched(p.exitValue(), stdout, Files.readString(err, StandardCharsets.UTF_8));
  }

  @Test
  void theProductionJarRunsItsCommandsAndSaysWhereBrokerAndDemoAre() throws Exception {
    manifestClassPath();
    Launched config = javaJar("config", "--bootstrap-servers", "localhost:9");
    assertThat(config.exit()).as(config.stderr()).isZero();
    assertThat(config.stdout()).contains("localhost:9");

    for (String command : List.of("broker", "demo")) {
      Launched launched = javaJar(command);
      assertThat(launched.exit()).as(launched.stderr()).isEqualTo(2);
      assertThat(launched.stderr())
          .contains("redunet " + command + ": not in this build")
          .contains("run ./redunet " + command + " from a checkout of the repository")
          .doesNotContain("Exception");
    }
  }
}
