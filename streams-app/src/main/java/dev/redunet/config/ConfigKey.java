package dev.redunet.config;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One documented configuration key: its name in properties files ({@code redunet.eps.sq}), its
 * environment variable ({@code REDUNET_EPS_SQ}), its default, its type and what it means.
 *
 * @param name the key as written in a properties file
 * @param type how the value is parsed and which values are allowed
 * @param defaultValue the value when no source sets it; empty when the key is optional
 * @param description one sentence for the documentation table and error messages
 */
public record ConfigKey(
    String name, ValueType type, Optional<String> defaultValue, String description) {

  /** Prefix of every key of ours; {@code kafka.*} keys are passed through to the Kafka clients. */
  public static final String PREFIX = "redunet.";

  /** Prefix of the environment variables that override keys. */
  public static final String ENV_PREFIX = "REDUNET_";

  public ConfigKey {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(defaultValue, "defaultValue");
    Objects.requireNonNull(description, "description");
    if (!name.startsWith(PREFIX)) {
      throw new IllegalArgumentException(
          "configuration key must start with " + PREFIX + ": " + name);
    }
    defaultValue.ifPresent(v -> type.parse(name, v));
  }

  /** The environment variable that overrides this key, e.g. {@code REDUNET_EPS_SQ}. */
  public String environmentVariable() {
    return envName(name);
  }

  /** Maps a key to its environment variable: upper case, dots and dashes become underscores. */
  static String envName(String key) {
    return ENV_PREFIX
        + key.substring(PREFIX.length())
            .replace('.', '_')
            .replace('-', '_')
            .toUpperCase(Locale.ROOT);
  }

  /** How a value is parsed and validated. */
  public sealed interface ValueType {
    /**
     * Parses {@code raw} for key {@code key}.
     *
     * @throws ConfigException naming the key, the value and what is allowed
     */
    Object parse(String key, String raw);

    /** What values are allowed, for documentation and error messages. */
    String allowed();
  }

  /** Free text (non-empty). */
  public record Text() implements ValueType {
    @Override
    public Object parse(String key, String raw) {
      if (raw.isBlank()) {
        throw new ConfigException(key, raw, allowed());
      }
      return raw.trim();
    }

    @Override
    public String allowed() {
      return "a non-empty string";
    }
  }

  /**
   * A name that can be part of a record key: letters, digits, {@code .}, {@code _} and {@code -}
   * (as in a Kafka topic name), so that keys built from it parse back unambiguously.
   */
  public record Name() implements ValueType {
    private static final java.util.regex.Pattern NAME =
        java.util.regex.Pattern.compile("[A-Za-z0-9._-]+");

    @Override
    public Object parse(String key, String raw) {
      String name = raw.trim();
      if (!NAME.matcher(name).matches()) {
        throw new ConfigException(key, raw, allowed());
      }
      return name;
    }

    @Override
    public String allowed() {
      return "a name of letters, digits, '.', '_' and '-'";
    }
  }

  /** An integer in [min, max]. */
  public record IntRange(long min, long max) implements ValueType {
    @Override
    public Object parse(String key, String raw) {
      long v;
      try {
        v = Long.parseLong(raw.trim().replace("_", ""));
      } catch (NumberFormatException e) {
        throw new ConfigException(key, raw, allowed());
      }
      if (v < min || v > max) {
        throw new ConfigException(key, raw, allowed());
      }
      return v;
    }

    @Override
    public String allowed() {
      return max == Long.MAX_VALUE
          ? "an integer >= " + min
          : "an integer in [" + min + ", " + max + "]";
    }
  }

  /** A finite real number in (minExclusive, maxInclusive]. */
  public record RealRange(double minExclusive, double maxInclusive) implements ValueType {
    @Override
    public Object parse(String key, String raw) {
      double v;
      try {
        v = Double.parseDouble(raw.trim());
      } catch (NumberFormatException e) {
        throw new ConfigException(key, raw, allowed());
      }
      if (!Double.isFinite(v) || v <= minExclusive || v > maxInclusive) {
        throw new ConfigException(key, raw, allowed());
      }
      return v;
    }

    @Override
    public String allowed() {
      return maxInclusive == Double.MAX_VALUE
          ? "a number > " + minExclusive
          : "a number in (" + minExclusive + ", " + maxInclusive + "]";
    }
  }

  /** One of a fixed set of lower-case words. */
  public record Choice(List<String> values) implements ValueType {
    public Choice {
      values = List.copyOf(values);
    }

    @Override
    public Object parse(String key, String raw) {
      String v = raw.trim().toLowerCase(Locale.ROOT);
      if (!values.contains(v)) {
        throw new ConfigException(key, raw, allowed());
      }
      return v;
    }

    @Override
    public String allowed() {
      return "one of " + String.join(", ", values);
    }
  }

  /** A comma-separated list of non-empty items (possibly empty as a whole). */
  public record TextList() implements ValueType {
    @Override
    public Object parse(String key, String raw) {
      if (raw.isBlank()) {
        return List.of();
      }
      List<String> items = List.of(raw.split(",", -1)).stream().map(String::trim).toList();
      if (items.stream().anyMatch(String::isEmpty)) {
        throw new ConfigException(key, raw, allowed());
      }
      return items;
    }

    @Override
    public String allowed() {
      return "a comma-separated list of non-empty values";
    }
  }

  /** A comma-separated list of positive integers, e.g. a shape {@code 5,200}. */
  public record IntList() implements ValueType {
    @Override
    public Object parse(String key, String raw) {
      if (raw.isBlank()) {
        return List.of();
      }
      try {
        List<Integer> dims =
            List.of(raw.split(",", -1)).stream().map(s -> Integer.parseInt(s.trim())).toList();
        if (dims.stream().anyMatch(d -> d <= 0)) {
          throw new ConfigException(key, raw, allowed());
        }
        return dims;
      } catch (NumberFormatException e) {
        throw new ConfigException(key, raw, allowed());
      }
    }

    @Override
    public String allowed() {
      return "a comma-separated list of positive integers";
    }
  }
}
