package dev.redunet.wire;

import dev.redunet.avro.RejectReason;
import java.util.Objects;

/**
 * Input bytes that do not form a valid record. Carries a machine-readable {@link #reason()} (the
 * reason code of the rejected-records topic), the {@link #field()} it concerns (a path such as
 * {@code features[3]}, or {@value #DOCUMENT} for the record as a whole) and a human-readable {@link
 * #problem()}. The message is {@code "<field>: <problem>"}, e.g. {@code features[3]: not a number:
 * "abc"}.
 *
 * <p>Every decoder of this package reports bad input with this exception only: never another
 * runtime exception, never a partially decoded record.
 */
public final class WireFormatException extends RuntimeException {

  /** The field name used for problems of the record as a whole (bad header, invalid JSON). */
  public static final String DOCUMENT = "document";

  private static final long serialVersionUID = 1L;

  private final RejectReason reason;
  private final String field;
  private final String problem;

  /** A problem with {@code field} (a path, or {@link #DOCUMENT}), without an underlying cause. */
  public WireFormatException(RejectReason reason, String field, String problem) {
    this(reason, field, problem, null);
  }

  /** A problem with {@code field} caused by {@code cause} (may be null). */
  public WireFormatException(RejectReason reason, String field, String problem, Throwable cause) {
    super(
        Objects.requireNonNull(field, "field") + ": " + Objects.requireNonNull(problem, "problem"),
        cause);
    this.reason = Objects.requireNonNull(reason, "reason");
    this.field = field;
    this.problem = problem;
  }

  /** The reason code, as written to the rejected-records topic. */
  public RejectReason reason() {
    return reason;
  }

  /** The field the problem concerns: a path like {@code features[3]}, or {@link #DOCUMENT}. */
  public String field() {
    return field;
  }

  /** What is wrong, without the field prefix. */
  public String problem() {
    return problem;
  }
}
