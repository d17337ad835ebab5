package dev.redunet.micl;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The MICL, clustering, data and evaluation packages are pure Java: no Kafka, no Avro, no app. */
class MiclLayeringTest {

  @Test
  void statisticsClusteringDataAndEvaluationImportNeitherKafkaNorAvroNorTheApplication() {
    JavaClasses classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages(
                "dev.redunet.micl", "dev.redunet.cluster", "dev.redunet.data", "dev.redunet.eval");
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.redunet.micl..",
            "dev.redunet.cluster..",
            "dev.redunet.data..",
            "dev.redunet.eval..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "org.apache.avro..",
            "dev.redunet.avro..",
            "dev.redunet.app..",
            "dev.redunet.stream..",
            "dev.redunet.wire..",
            "dev.redunet.broker..")
        .check(classes);
  }
}
