package dev.redunet.data;

import java.io.IOException;

/**
 * A data file that cannot be read as the expected format. The message names the file and, where it
 * applies, the line and column (1-based), e.g. {@code data.csv:12:3: expected a number, found
 * 'abc'}.
 */
public final class MalformedDataException extends IOException {

  private static final long serialVersionUID = 1L;

  /** An error at a position of a text file. */
  public MalformedDataException(String source, long line, int column, String message) {
    super(source + ":" + line + ":" + column + ": " + message);
  }

  /** An error in a file without a line structure (binary formats). */
  public MalformedDataException(String source, String message) {
    super(source + ": " + message);
  }
}
