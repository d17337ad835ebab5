package dev.redunet.learn;

import java.util.List;
import java.util.Optional;

/**
 * What {@link StatisticsWindows} holds after a version, without the settings: the combined
 * statistics of windows 1…v and, for {@code sliding}, the windows kept (oldest first). Saved with
 * every version in the model topic and in the model export, so that a builder can continue from
 * that version ({@code redunet.model.initial}).
 *
 * @param total the combined statistics, if a window has closed
 * @param recent the windows kept for {@code sliding} (empty in the other modes), oldest first
 */
public record WindowStatistics(Optional<ModelStatistics> total, List<ModelStatistics> recent) {

  public WindowStatistics {
    recent = List.copyOf(recent);
  }

  /** The statistics {@code windows} holds. */
  public static WindowStatistics of(StatisticsWindows windows) {
    return new WindowStatistics(windows.total(), windows.recent());
  }

  /** These statistics as the windows of a learner with {@code settings}. */
  public StatisticsWindows restore(LearnerSettings settings) {
    return StatisticsWindows.restore(settings, total, recent);
  }
}
