package dev.redunet.app.http;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The metrics records of the versions this instance's builder computed (as written to the metrics
 * topic: version, build time, the window's prequential accuracy and kappa, novelty, clusters,
 * rates), newest last, at most {@value #KEPT}: what {@code /model/history} answers and the
 * dashboard charts. Thread-safe.
 */
public final class VersionHistory {

  /** Records kept; older ones are dropped. */
  public static final int KEPT = 1000;

  private final Deque<String> records = new ArrayDeque<>();

  /**
   * Adds the metrics record of a version.
   *
   * @param json the record, a JSON object
   */
  public synchronized void add(String json) {
    records.addLast(json);
    while (records.size() > KEPT) {
      records.removeFirst();
    }
  }

  /** {@code {"versions": [record, …]}}, oldest first. */
  public synchronized String json() {
    return "{\"versions\":[" + String.join(",", records) + "]}";
  }
}
