package dev.redunet.stream;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.redunet.avro.RejectReason;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class RejectionLogTest {

  private final Logger logger = (Logger) LoggerFactory.getLogger(RejectionLog.class);
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final AtomicLong now = new AtomicLong(1_000);
  private Level previous;

  @BeforeEach
  void attach() {
    previous = logger.getLevel();
    logger.setLevel(Level.DEBUG);
    appender.start();
    logger.addAppender(appender);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(appender);
    logger.setLevel(previous);
  }

  private List<String> lines(Level level) {
    return appender.list.stream()
        .filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage)
        .toList();
  }

  @Test
  void everyRejectionIsADebugLineButWarningsComeAtMostOncePerInterval() {
    RejectionLog log = new RejectionLog(Duration.ofSeconds(10), now::get);
    log.rejected("t", 0, 5, RejectReason.UNPARSABLE, "bad bytes");
    for (int i = 0; i < 100; i++) {
      now.addAndGet(50_000_000L); // 50 ms
      log.rejected(
          "t", 1, 6 + i, i % 2 == 0 ? RejectReason.NON_FINITE : RejectReason.UNPARSABLE, "m" + i);
    }
    assertThat(lines(Level.DEBUG))
        .hasSize(101)
        .first()
        .isEqualTo("Rejected t-0@5: UNPARSABLE bad bytes");
    assertThat(lines(Level.WARN)).hasSize(1);
    assertThat(lines(Level.WARN).get(0))
        .startsWith("Rejected 1 input record {UNPARSABLE=1}; latest: t-0@5 UNPARSABLE: bad bytes");
    assertThat(log.pending())
        .isEqualTo(Map.of(RejectReason.NON_FINITE, 50L, RejectReason.UNPARSABLE, 50L));

    now.addAndGet(Duration.ofSeconds(10).toNanos());
    log.rejected("t", 2, 200, RejectReason.TOO_LARGE, "big");
    assertThat(lines(Level.WARN)).hasSize(2);
    assertThat(lines(Level.WARN).get(1))
        .startsWith(
            "Rejected 101 input records since the previous report {UNPARSABLE=50, TOO_LARGE=1,"
                + " NON_FINITE=50}; latest: t-2@200 TOO_LARGE: big");
    assertThat(log.pending()).isEmpty();
  }
}
