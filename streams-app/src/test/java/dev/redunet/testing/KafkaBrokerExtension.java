package dev.redunet.testing;

import dev.redunet.broker.EmbeddedKafkaBroker;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Supplies a real Kafka broker to tests: a {@link KafkaCluster} parameter of a test, lifecycle
 * method or constructor of a class annotated {@code @ExtendWith(KafkaBrokerExtension.class)}.
 *
 * <p>The broker is chosen once per JVM, in this order:
 *
 * <ol>
 *   <li>{@code KAFKA_BOOTSTRAP_SERVERS} from the environment, if set: an external cluster;
 *   <li>a Testcontainers {@code KafkaContainer} running {@value #DEFAULT_IMAGE} (or the image in
 *       the {@code redunet.kafka.image} system property or {@code KAFKA_TEST_IMAGE}), if Docker is
 *       available;
 *   <li>otherwise the in-process single-node KRaft broker ({@link EmbeddedKafkaBroker#shared()}).
 * </ol>
 *
 * The system property {@code redunet.kafka} (or the environment variable {@code KAFKA_TEST_MODE})
 * forces a choice: {@code external}, {@code testcontainers} or {@code embedded} ({@code auto} is
 * the default). The choice and the bootstrap address are logged at INFO. The broker is kept in the
 * root extension-context store, so all test classes of the JVM share it, and it is stopped when the
 * root context closes (the end of the test run).
 */
public final class KafkaBrokerExtension implements ParameterResolver {

  /** The pinned Kafka image for Testcontainers (same version as the Kafka client jars). */
  public static final String DEFAULT_IMAGE = "apache/kafka:4.4.0";

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaCluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return cluster(context);
  }

  /** The JVM's shared cluster, started on first use. */
  public static KafkaCluster cluster(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(RunningBroker.class, k -> RunningBroker.start(), RunningBroker.class)
        .cluster();
  }

  /** The broker of the run and how to stop it; JUnit closes it with the root context. */
  private static final class RunningBroker implements AutoCloseable {
    private final KafkaCluster cluster;
    private final Runnable stopper;

    private RunningBroker(KafkaCluster cluster, Runnable stopper) {
      this.cluster = cluster;
      this.stopper = stopper;
    }

    KafkaCluster cluster() {
      return cluster;
    }

    static RunningBroker start() {
      long t0 = System.nanoTime();
      RunningBroker broker = startChosen();
      LOG.info(
          "Kafka for the tests: {} broker at {} ({}), ready in {} ms",
          broker.cluster.kind(),
          broker.cluster.bootstrapServers(),
          broker.cluster.description(),
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
      return broker;
    }

    private static RunningBroker startChosen() {
      String mode = setting("redunet.kafka", "KAFKA_TEST_MODE", "auto").toLowerCase(Locale.ROOT);
      String external = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
      boolean hasExternal = external != null && !external.isBlank();
      switch (mode) {
        case "external" -> {
          if (!hasExternal) {
            throw new ParameterResolutionException(
                "redunet.kafka=external but KAFKA_BOOTSTRAP_SERVERS is not set");
          }
          return external(external);
        }
        case "testcontainers" -> {
          return testcontainers();
        }
        case "embedded" -> {
          return embedded();
        }
        case "auto" -> {
          if (hasExternal) {
            return external(external);
          }
          if (dockerAvailable()) {
            return testcontainers();
          }
          LOG.info("KAFKA_BOOTSTRAP_SERVERS is not set and Docker is not available");
          return embedded();
        }
        default ->
            throw new ParameterResolutionException(
                "redunet.kafka must be auto, external, testcontainers or embedded; got " + mode);
      }
    }

    private static RunningBroker external(String bootstrap) {
      return new RunningBroker(
          new KafkaCluster(
              KafkaCluster.Kind.EXTERNAL, bootstrap.trim(), "from KAFKA_BOOTSTRAP_SERVERS"),
          () -> {});
    }

    private static boolean dockerAvailable() {
      try {
        return DockerClientFactory.instance().isDockerAvailable();
      } catch (RuntimeException | LinkageError e) {
        LOG.debug("Docker check failed", e);
        return false;
      }
    }

    private static RunningBroker testcontainers() {
      String image = setting("redunet.kafka.image", "KAFKA_TEST_IMAGE", DEFAULT_IMAGE);
      KafkaContainer container = new KafkaContainer(image);
      container.start();
      return new RunningBroker(
          new KafkaCluster(
              KafkaCluster.Kind.TESTCONTAINERS,
              container.getBootstrapServers(),
              "Testcontainers " + image),
          container::stop);
    }

    private static RunningBroker embedded() {
      EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.shared();
      return new RunningBroker(
          new KafkaCluster(
              KafkaCluster.Kind.EMBEDDED,
              broker.bootstrapServers(),
              "in-process single-node KRaft, cluster id "
                  + broker.clusterId()
                  + ", data dir "
                  + broker.dataDir()),
          EmbeddedKafkaBroker::closeShared);
    }

    private static String setting(String property, String env, String fallback) {
      String v = System.getProperty(property);
      if (v == null || v.isBlank()) {
        v = System.getenv(env);
      }
      return v == null || v.isBlank() ? fallback : v.trim();
    }

    @Override
    public void close() {
      LOG.info("Stopping the tests' {}", cluster);
      stopper.run();
    }
  }
}
