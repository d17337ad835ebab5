package dev.redunet.learn;

import dev.redunet.learn.LearnerSettings.Combination;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the statistics of successive windows combine into the statistics a model is built from
 * (ARCHITECTURE.md §3): {@code cumulative} T ← T + W, {@code decayed} T ← decay·T + W, or {@code
 * sliding} T = the sum of the last B windows. Immutable.
 */
public final class StatisticsWindows {

  private final LearnerSettings settings;
  private final Optional<ModelStatistics> total;
  private final List<ModelStatistics> recent;

  private StatisticsWindows(
      LearnerSettings settings, Optional<ModelStatistics> total, List<ModelStatistics> recent) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.total = total;
    this.recent = List.copyOf(recent);
  }

  /**
   * Windows restored from storage.
   *
   * @param total the combined statistics, if a window has closed
   * @param recent the windows kept for {@code sliding}, oldest first
   */
  public static StatisticsWindows restore(
      LearnerSettings settings, Optional<ModelStatistics> total, List<ModelStatistics> recent) {
    return new StatisticsWindows(settings, total, recent);
  }

  /** No window closed yet. */
  public static StatisticsWindows start(LearnerSettings settings) {
    return new StatisticsWindows(settings, Optional.empty(), List.of());
  }

  /**
   * These windows with one more closed.
   *
   * @param window the statistics of the window that closes
   */
  public StatisticsWindows close(ModelStatistics window) {
    Combination mode = settings.combination();
    if (mode == Combination.SLIDING) {
      Deque<ModelStatistics> last = new ArrayDeque<>(recent);
      last.addLast(window);
      while (last.size() > settings.slidingWindows()) {
        last.removeFirst();
      }
      ModelStatistics sum = null;
      for (ModelStatistics w : last) {
        sum = sum == null ? w : sum.merge(w);
      }
      return new StatisticsWindows(settings, Optional.of(sum), List.copyOf(last));
    }
    ModelStatistics next =
        total
            .map(t -> mode == Combination.DECAYED ? t.scale(settings.decay()) : t)
            .map(t -> t.merge(window))
            .orElse(window);
    return new StatisticsWindows(settings, Optional.of(next), List.of());
  }

  /** The combined statistics, once a window has closed. */
  public Optional<ModelStatistics> total() {
    return total;
  }

  /** The windows kept for {@code sliding} (empty in the other modes), oldest first. */
  public List<ModelStatistics> recent() {
    return recent;
  }
}
