package dev.redunet.config;

/** An invalid configuration value or an unknown key; the message says which and how to fix it. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** A value that is not allowed for a key. */
  public ConfigException(String key, String value, String allowed) {
    super("invalid value '" + value + "' for " + key + ": expected " + allowed);
  }

  /** Any other configuration problem, with a complete message. */
  public ConfigException(String message) {
    super(message);
  }
}
