package dev.redunet.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The packages' dependencies point down (ARCHITECTURE.md §2), with no cycle between any two
 * packages, through these layers, bottom to top: {@code linalg}, {@code simd} (the Vector API
 * kernels) and {@code signal}; {@code rate}, {@code redunet}, {@code micl}, {@code cluster} and
 * {@code data}; {@code eval} and {@code learn}; {@code config} (which may use learn's settings
 * types), {@code wire} and the generated {@code avro} records; {@code stream}; {@code broker} and
 * {@code app}. A package may use its own layer and those below it.
 *
 * <p>The math packages are pure: they import neither Kafka, nor Avro, nor the application packages.
 * This keeps the algorithms testable against the reference vectors in isolation and reusable
 * outside a Kafka Streams application. The data readers, the evaluation and the learner core
 * ({@code data}, {@code eval}, {@code learn}) follow the same rule, so that {@code evaluate} runs
 * exactly the stream's learner without Kafka.
 */
class LayeringTest {

  /** The packages that hold the mathematics (ARCHITECTURE.md §2), relative to a base package. */
  static final String[] MATH_PACKAGES = {
    "linalg",
    "simd",
    "signal",
    "rate",
    "redunet",
    "micl",
    "cluster",
    "data",
    "eval",
    "learn",
    "experiment"
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

  /** No two packages (at any depth) under {@code base} depend on each other, directly or not. */
  static ArchRule noPackageCycles(String base) {
    return slices()
        .matching(base + ".(**)")
        .should()
        .beFreeOfCycles()
        .because("a package cycle means neither package can be understood or changed alone");
  }

  /** The layers under {@code base}, each using only itself and the layers below it. */
  static ArchRule layers(String base) {
    return layeredArchitecture()
        .consideringOnlyDependenciesInLayers()
        .withOptionalLayers(true)
        .layer("foundation")
        .definedBy(base + ".linalg..", base + ".simd..", base + ".signal..")
        .layer("math")
        .definedBy(
            base + ".rate..",
            base + ".redunet..",
            base + ".micl..",
            base + ".cluster..",
            base + ".data..")
        .layer("learning")
        .definedBy(base + ".eval..", base + ".learn..", base + ".experiment..")
        .layer("settings and wire")
        .definedBy(base + ".config..", base + ".wire..", base + ".avro..")
        .layer("stream")
        .definedBy(base + ".stream..")
        .layer("shell")
        .definedBy(base + ".broker..", base + ".app..")
        .whereLayer("shell")
        .mayNotBeAccessedByAnyLayer()
        .whereLayer("stream")
        .mayOnlyBeAccessedByLayers("shell")
        .whereLayer("settings and wire")
        .mayOnlyBeAccessedByLayers("stream", "shell")
        .whereLayer("learning")
        .mayOnlyBeAccessedByLayers("settings and wire", "stream", "shell")
        .whereLayer("math")
        .mayOnlyBeAccessedByLayers("learning", "settings and wire", "stream", "shell")
        .whereLayer("foundation")
        .mayOnlyBeAccessedByLayers("math", "learning", "settings and wire", "stream", "shell");
  }

  private static JavaClasses production() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.redunet");
  }

  @Test
  void noPackageDependsOnAnotherThatDependsOnIt() {
    noPackageCycles("dev.redunet").check(production());
  }

  @Test
  void theCycleRuleRejectsTwoPackagesThatUseEachOther() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.redunet.archfixture");
    assertThatThrownBy(() -> noPackageCycles("dev.redunet.archfixture").check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("Network")
        .hasMessageContaining("SpectralPart");
  }

  @Test
  void everyPackageUsesOnlyItsLayerAndTheLayersBelow() {
    layers("dev.redunet").check(production());
  }

  @Test
  void theLayerRuleRejectsTheBottomLayerUsingTheStream() {
    JavaClasses fixture = new ClassFileImporter().importPackages("dev.redunet.archfixture");
    assertThatThrownBy(() -> layers("dev.redunet.archfixture").check(fixture))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("ReachesStream")
        .hasMessageContaining("ReachesUp");
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
