package dev.redunet.app.http;

import dev.redunet.config.AppConfig;
import dev.redunet.config.ConfigKeys;
import java.util.Objects;
import java.util.Optional;

/**
 * The limits and switches of the HTTP API.
 *
 * @param maxRequestBytes the largest request body accepted ({@code
 *     redunet.http.max.request.bytes}); a larger one gets 413
 * @param token the bearer token {@code POST /predict} and {@code GET /model/export} require ({@code
 *     redunet.http.token}); empty = none
 * @param predictEnabled whether {@code POST /predict} is served ({@code
 *     redunet.http.predict.enabled})
 * @param exportEnabled whether {@code GET /model/export} is served ({@code
 *     redunet.http.export.enabled})
 */
public record HttpSettings(
    long maxRequestBytes, Optional<String> token, boolean predictEnabled, boolean exportEnabled) {

  /** The largest request line and header block, in bytes: longer ones get 414, resp. 431. */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  public HttpSettings {
    if (maxRequestBytes < 1) {
      throw new IllegalArgumentException("maxRequestBytes must be >= 1, got " + maxRequestBytes);
    }
    Objects.requireNonNull(token, "token");
  }

  /** The defaults: 16 MiB bodies, no token, every endpoint on. */
  public static HttpSettings defaults() {
    return new HttpSettings(16L << 20, Optional.empty(), true, true);
  }

  /** The settings of {@code config}. */
  public static HttpSettings of(AppConfig config) {
    return new HttpSettings(
        config.longValue(ConfigKeys.HTTP_MAX_REQUEST_BYTES),
        config.optionalText(ConfigKeys.HTTP_TOKEN),
        config.text(ConfigKeys.HTTP_PREDICT_ENABLED).equals("true"),
        config.text(ConfigKeys.HTTP_EXPORT_ENABLED).equals("true"));
  }

  /** These settings with the token {@code token}. */
  public HttpSettings withToken(String token) {
    return new HttpSettings(maxRequestBytes, Optional.of(token), predictEnabled, exportEnabled);
  }

  /** These settings with {@code POST /predict} and the export switched on or off. */
  public HttpSettings withEndpoints(boolean predict, boolean export) {
    return new HttpSettings(maxRequestBytes, token, predict, export);
  }

  /** These settings with another body limit. */
  public HttpSettings withMaxRequestBytes(long bytes) {
    return new HttpSettings(bytes, token, predictEnabled, exportEnabled);
  }
}
