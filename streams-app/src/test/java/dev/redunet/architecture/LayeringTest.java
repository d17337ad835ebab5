package dev.redunet.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The math packages are pure: they import neither Kafka, nor Avro, nor the application packages.
 * This keeps the algorithms testable against the reference vectors in isolation and reusable
 * outside a Kafka Streams application. The data readers, the evaluation and the learner core
 * ({@code data}, {@code eval}, {@code learn}) follow the same rule, so that {@code evaluate} runs
 * exactly the stream's learner without Kafka.
 */
class LayeringTest {

  /** The packages that hold the mathematics (ARCHITECTURE.md §2), relative to a base package. */
  static final String[] MATH_PACKAGES = {
    "linalg", "rate", "redunet", "micl", "cluster", "data", "eval", "learn"
  };

  /** What the math packages must not depend on, relative to a base package where it is ours. */
  static final String[] APPLICATION_PACKAGES = {"app", "stream", "wire", "broker", "avro"};

  /** The layering rule for the project rooted at {@code base} (e.g. {@code dev.redunet}). */
  static ArchRule mathIsPure(String base) {
    String[] math = new String[MATH_PACKAGES.length];
    for (int i = 0; i < math.length; i++) {
      math[i] = base + "." + MATH_PACKAGES[i] + "..";
    }
    String[] forbidden = new String[APPLICATION_PACKAGES.length + 2];
    forbidden[0] = "org.apache.kafka..";
    forbidden[1] = "org.apache.avro..";
    for (int i = 0; i < APPLICATION_PACKAGES.length; i++) {
      forbidden[i + 2] = base + "." + APPLICATION_PACKAGES[i] + "..";
    }
    return noClasses()
        .that()
        .resideInAnyPackage(math)
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(forbidden)
        .because("the math packages must stay free of Kafka, Avro and the application");
  }

  /** Nothing outside the application shell ({@code app}) depends on it (the shell is on top). */
  static ArchRule nothingBelowDependsOnTheShell(String base) {
    return noClasses()
        .that()
        .resideOutsideOfPackage(base + ".app..")
        .and()
        .resideInAPackage(base + "..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage(base + ".app..")
        .because(
            "app is the command-line and HTTP shell: configuration, stream and math sit below");
  }

  @Test
  void nothingOutsideTheShellDependsOnIt() {
    JavaClasses production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.redunet");
    nothingBelowDependsOnTheShell("dev.redunet").check(production);
  }

  @Test
  void theShellRuleRejectsAStreamClassThatUsesTheShell() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.redunet.archfixture");
    assertThatThrownBy(
            () -> nothingBelowDependsOnTheShell("dev.redunet.archfixture").check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ReachesUp")
        .hasMessageContaining("Shell");
  }

  @Test
  void mathPackagesImportNeitherKafkaNorAvroNorTheApplication() {
    JavaClasses production =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.redunet");
    mathIsPure("dev.redunet").check(production);
  }

  @Test
  void theRuleRejectsAMathClassThatImportsKafka() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.redunet.archfixture");
    assertThatThrownBy(() -> mathIsPure("dev.redunet.archfixture").check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("LeaksKafka")
        .hasMessageContaining("org.apache.kafka");
  }
}
