package dev.redunet.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;

/**
 * A small client of the Confluent-compatible schema registry REST API (Confluent Schema Registry,
 * Apicurio's {@code /apis/ccompat/v7}, Karapace, ...), over {@link HttpClient} and Jackson: {@code
 * GET /schemas/ids/{id}} to read a writer schema, {@code POST /subjects/{subject}/versions} to
 * register one. Both answers are cached for the life of the client (a schema id never changes its
 * schema). Optional HTTP basic authentication and a trust store for https.
 *
 * <p>Thread-safe.
 */
public final class SchemaRegistryClient {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final Optional<String> authorization;
  private final HttpClient http;
  private final Map<Integer, Schema> byId = new ConcurrentHashMap<>();
  private final Map<String, Integer> registered = new ConcurrentHashMap<>();

  /**
   * A client of the registry at {@code url}.
   *
   * @param url the registry's base URL (its API paths are appended)
   * @param userInfo {@code USER:PASSWORD} for basic authentication, or empty
   * @param sslContext TLS settings for https, or empty for the JVM's defaults
   */
  public SchemaRegistryClient(
      String url, Optional<String> userInfo, Optional<SSLContext> sslContext) {
    Objects.requireNonNull(url, "url");
    String trimmed = url.trim();
    while (trimmed.endsWith("/")) {
      trimmed = trimmed.substring(0, trimmed.length() - 1);
    }
    URI uri;
    try {
      uri = URI.create(trimmed);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("schema registry URL " + url + ": " + e.getMessage(), e);
    }
    if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "schema registry URL " + url + ": expected http:// or https://");
    }
    this.base = uri;
    this.authorization =
        userInfo.map(
            u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    sslContext.ifPresent(builder::sslContext);
    this.http = builder.build();
  }

  /**
   * The client {@code config} asks for ({@code redunet.schema.registry.*}), or empty when no
   * registry URL is configured.
   *
   * @throws IllegalArgumentException for a bad URL or trust store
   */
  public static Optional<SchemaRegistryClient> of(AppConfig config) {
    Optional<String> url = config.optionalText(ConfigKeys.SCHEMA_REGISTRY_URL);
    if (url.isEmpty() || url.get().isBlank()) {
      return Optional.empty();
    }
    Optional<SSLContext> ssl =
        config
            .optionalText(ConfigKeys.SCHEMA_REGISTRY_TRUSTSTORE)
            .map(
                location ->
                    sslContext(
                        Path.of(location),
                        config
                            .optionalText(ConfigKeys.SCHEMA_REGISTRY_TRUSTSTORE_PASSWORD)
                            .orElse(""),
                        config.text(ConfigKeys.SCHEMA_REGISTRY_TRUSTSTORE_TYPE)));
    return Optional.of(
        new SchemaRegistryClient(
            url.get(), config.optionalText(ConfigKeys.SCHEMA_REGISTRY_USER_INFO), ssl));
  }

  /** An SSL context that trusts the certificates of a trust store file. */
  public static SSLContext sslContext(Path trustStore, String password, String type) {
    try (InputStream in = Files.newInputStream(trustStore)) {
      KeyStore ks = KeyStore.getInstance(type);
      ks.load(in, password.toCharArray());
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(ks);
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      return ctx;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException(
          "schema registry trust store " + trustStore + ": " + e.getMessage(), e);
    }
  }

  /** The base URL. */
  public URI url() {
    return base;
  }

  /**
   * The schema registered under {@code id}, or empty if the registry does not know the id (HTTP
   * 404).
   *
   * @throws SchemaRegistryException if the registry cannot be reached or gives another error
   */
  public Optional<Schema> schemaById(int id) {
    Schema cached = byId.get(id);
    if (cached != null) {
      return Optional.of(cached);
    }
    HttpResponse<String> r = send(request("/schemas/ids/" + id).GET().build());
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    JsonNode body = ok(r, "GET schema id " + id);
    String type = body.path("schemaType").asText("AVRO");
    if (!"AVRO".equalsIgnoreCase(type)) {
      throw new SchemaRegistryException(
          "schema id " + id + " is a " + type + " schema, not Avro", null);
    }
    JsonNode text = body.get("schema");
    if (text == null || !text.isTextual()) {
      throw new SchemaRegistryException(
          "schema id " + id + ": the registry's answer has no \"schema\": " + r.body(), null);
    }
    Schema schema;
    try {
      schema = new Schema.Parser().parse(text.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException(
          "schema id " + id + " is not a valid Avro schema: " + e.getMessage(), e);
    }
    byId.putIfAbsent(id, schema);
    return Optional.of(schema);
  }

  /**
   * Registers {@code schema} under {@code subject} (or finds it there) and returns its id.
   *
   * @throws SchemaRegistryException if the registry cannot be reached or refuses the schema
   */
  public int register(String subject, Schema schema) {
    String cacheKey = subject + '\n' + AvroCodec.fingerprint(schema);
    Integer cached = registered.get(cacheKey);
    if (cached != null) {
      return cached;
    }
    String payload;
    try {
      payload = JSON.writeValueAsString(Map.of("schema", schema.toString()));
    } catch (IOException e) {
      throw new SchemaRegistryException("cannot write the request: " + e, e);
    }
    HttpResponse<String> r =
        send(
            request("/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8) + "/versions")
                .header("Content-Type", CONTENT_TYPE)
                .POST(HttpRequest.BodyPublishers.ofString(payload, StandardCharsets.UTF_8))
                .build());
    JsonNode body = ok(r, "register " + schema.getFullName() + " under subject " + subject);
    JsonNode id = body.get("id");
    if (id == null || !id.canConvertToInt()) {
      throw new SchemaRegistryException(
          "registering under " + subject + ": the answer has no \"id\": " + r.body(), null);
    }
    registered.put(cacheKey, id.asInt());
    byId.putIfAbsent(id.asInt(), schema);
    return id.asInt();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(TIMEOUT)
            .header("Accept", CONTENT_TYPE + ", application/json");
    authorization.ifPresent(a -> b.header("Authorization", a));
    return b;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new SchemaRegistryException(
          "schema registry "
              + base
              + " unreachable ("
              + request.method()
              + " "
              + request.uri()
              + "): "
              + e,
          e,
          true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted while calling the schema registry", e, true);
    }
  }

  private JsonNode ok(HttpResponse<String> r, String what) {
    if (r.statusCode() / 100 != 2) {
      throw new SchemaRegistryException(
          "schema registry "
              + base
              + ": "
              + what
              + " failed with HTTP "
              + r.statusCode()
              + (r.statusCode() == 401 || r.statusCode() == 403
                  ? " (check redunet.schema.registry.basic.auth.user.info)"
                  : "")
              + ": "
              + r.body(),
          null,
          true);
    }
    try {
      return JSON.readTree(r.body());
    } catch (IOException e) {
      throw new SchemaRegistryException(what + ": the answer is not JSON: " + r.body(), e);
    }
  }

  /**
   * The registry could not be reached or answered with an error ({@link #registryFailed()}), or its
   * answer is not a usable Avro schema.
   */
  public static final class SchemaRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean registryFailed;

    SchemaRegistryException(String message, Throwable cause) {
      this(message, cause, false);
    }

    SchemaRegistryException(String message, Throwable cause, boolean registryFailed) {
      super(message, cause);
      this.registryFailed = registryFailed;
    }

    /**
     * True if the registry could not be reached (or the call was interrupted) or answered with an
     * HTTP error (other than the 404 of an unknown schema id, which is no exception): a failure of
     * the registry, which says nothing about the record being decoded. False if the registry
     * answered, but with something that is not an Avro schema.
     */
    public boolean registryFailed() {
      return registryFailed;
    }
  }
}
