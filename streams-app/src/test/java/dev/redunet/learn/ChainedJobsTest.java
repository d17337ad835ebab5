package dev.redunet.learn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link WindowedLearner#nextChained}: the job of a closed window computed on the result of the
 * version before it, before that version is installed, is the job {@link WindowedLearner#nextJob}
 * hands out after the install: the same versions, bit for bit.
 */
class ChainedJobsTest {

  private static final int WINDOWS = 4;
  private static final int W = 50;

  private static LearnerSettings settings() {
    return TestSettings.vector(3, W);
  }

  /** {@code WINDOWS} windows of a seeded stream (D = 12, 3 classes), fed to a new core. */
  private static WindowedLearner fed() {
    SubspaceStream data = new SubspaceStream(WINDOWS * W, 12, 3, 7);
    WindowedLearner core = WindowedLearner.start(settings(), 0);
    for (int i = 0; i < WINDOWS * W; i++) {
      core.add(new WindowedLearner.Sample(i, data.samples[i], "c" + data.labels[i]));
    }
    assertThat(core.pendingWindows()).isEqualTo(WINDOWS);
    return core;
  }

  /** A version's bytes as the model topic gets them. */
  private static Map<String, byte[]> bytes(StreamingModel m) {
    return ModelCodec.parts(m, 0, 0);
  }

  @Test
  void chainedJobsBuildTheVersionsOfJobsHandedOutAfterEachInstall() {
    WindowedLearner sequential = fed();
    List<WindowedLearner.Built> expected = new ArrayList<>();
    for (int v = 1; v <= WINDOWS; v++) {
      assertThat(sequential.nextChained()).as("no job out: nothing to chain on").isEmpty();
      WindowedLearner.Built b = sequential.nextJob().orElseThrow().compute();
      sequential.install(b);
      expected.add(b);
    }

    WindowedLearner chained = fed();
    WindowedLearner.Job first = chained.nextJob().orElseThrow();
    List<WindowedLearner.Chained> next = new ArrayList<>();
    for (var c = chained.nextChained(); c.isPresent(); c = chained.nextChained()) {
      next.add(c.get());
    }
    assertThat(next).extracting(WindowedLearner.Chained::version).containsExactly(2L, 3L, 4L);
    assertThat(chained.nextJob()).as("every closed window's job is out").isEmpty();
    List<WindowedLearner.Built> built = new ArrayList<>();
    built.add(first.compute());
    for (WindowedLearner.Chained c : next) {
      built.add(c.after(built.get(built.size() - 1)).compute());
    }
    assertThatThrownBy(() -> next.get(1).after(built.get(0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("v3 cannot follow v1");
    assertThatThrownBy(() -> chained.install(built.get(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("v1 is");
    for (int i = 0; i < WINDOWS; i++) {
      WindowedLearner.Built e = expected.get(i);
      WindowedLearner.Built a = built.get(i);
      Map<String, byte[]> eb = bytes(e.model());
      Map<String, byte[]> ab = bytes(a.model());
      assertThat(ab.keySet()).isEqualTo(eb.keySet());
      for (String part : eb.keySet()) {
        assertThat(ab.get(part)).as("v%d part %s", i + 1, part).isEqualTo(eb.get(part));
      }
      assertThat(a.predicted()).as("v%d predictions", i + 1).isEqualTo(e.predicted());
      assertThat(a.noveltyBits()).as("v%d novelty", i + 1).isEqualTo(e.noveltyBits());
      chained.install(a);
    }
    assertThat(chained.lastVersion()).isEqualTo(WINDOWS);
    assertThat(chained.pendingWindows()).isZero();
    assertThat(chained.nextJob()).isEmpty();
  }

  @Test
  void afterAFailureTheOldestWindowsJobIsHandedOutAgain() {
    WindowedLearner core = fed();
    WindowedLearner.Job first = core.nextJob().orElseThrow();
    assertThat(core.nextChained()).isPresent();
    core.jobFailed(); // the first job failed; the one chained on it with it
    WindowedLearner.Job again = core.nextJob().orElseThrow();
    assertThat(again.version()).isEqualTo(first.version()).isEqualTo(1);
    assertThat(core.nextChained().orElseThrow().version()).isEqualTo(2);
  }
}
