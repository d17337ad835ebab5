package dev.redunet.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/** What the commands share: the result line, usage errors, Kafka client settings. */
final class CommandSupport {

  /** Exit code of bad arguments, missing files and invalid configuration. */
  static final int USAGE = 2;

  private static final ObjectMapper JSON = new ObjectMapper();

  private CommandSupport() {}

  /** The one-line JSON result of a command. */
  static String json(Map<String, ?> result) {
    try {
      return JSON.writeValueAsString(result);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the result as JSON", e);
    }
  }

  /** Prints {@code redunet <command>: <message>} to {@code err} and returns {@link #USAGE}. */
  static int usageError(PrintStream err, String command, String message) {
    err.println("redunet " + command + ": " + message);
    err.flush();
    return USAGE;
  }

  /**
   * What went wrong talking to Kafka, for a one-line message: an authentication failure (SASL, or
   * the TLS handshake: {@link AuthenticationException}) or a refused authorization anywhere in
   * {@code e}'s causes is named as such, with the settings to check; anything else is {@code e}
   * itself. The Kafka clients do not retry an authentication failure, so a command that gets one
   * stops at once.
   */
  static String kafkaProblem(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AuthenticationException) {
        return "authentication with Kafka failed: "
            + t.getMessage()
            + " (check kafka.security.protocol, kafka.sasl.mechanism, kafka.sasl.jaas.config"
            + " and kafka.ssl.truststore.*)";
      }
      if (t instanceof AuthorizationException) {
        return "Kafka refused access: " + t.getMessage() + " (check the user's ACLs)";
      }
    }
    return String.valueOf(e);
  }

  /**
   * Settings of a plain Kafka client (producer, consumer, admin): the {@code kafka.*} pass-through
   * and the bootstrap servers.
   *
   * @throws dev.redunet.config.ConfigException if the bootstrap servers are not configured
   */
  static Map<String, Object> clientSettings(AppConfig config) {
    Map<String, Object> p = new HashMap<>(config.kafkaProperties());
    p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, config.text(ConfigKeys.BOOTSTRAP_SERVERS));
    return p;
  }
}
