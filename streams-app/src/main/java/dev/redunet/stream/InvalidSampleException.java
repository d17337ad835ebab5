package dev.redunet.stream;

import dev.redunet.avro.RejectReason;
import java.util.Objects;

/**
 * A sample that decodes but fails a check of the configuration (too many features, another shape,
 * all zeros, an unknown label, ...). It is never thrown: it describes the rejection in the
 * dead-letter headers of the rejected record ({@link DeadLetterHeaders}), with the stack of the
 * check that failed.
 */
public final class InvalidSampleException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final RejectReason reason;

  /**
   * @param reason the reason code of the rejected record
   * @param message what is wrong (the rejected record's message)
   */
  public InvalidSampleException(RejectReason reason, String message) {
    super(message);
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The reason code of the rejected record. */
  public RejectReason reason() {
    return reason;
  }
}
