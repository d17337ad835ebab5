package dev.redunet.app;

import dev.redunet.avro.Sample;
import dev.redunet.wire.JsonSampleReader;
import dev.redunet.wire.WireFormatException;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;

/**
 * A JSON-lines file of samples, read the one way {@code produce --jsonl} and {@code evaluate
 * --jsonl} both read it: as bytes (so that a line can be sent byte for byte as it is, even if it is
 * not valid UTF-8), a trailing CR removed, blank lines skipped, every other line parsed by the
 * strict {@link JsonSampleReader} (as the stream parses a JSON record).
 *
 * <p>Event times: a line without {@code timestamp} gets {@code start + index} milliseconds, where
 * {@code index} counts the non-blank lines from 0 (the record's position in what {@code produce}
 * sends), so times strictly increase in file order; a line with a {@code timestamp} keeps it.
 *
 * <p>Not thread-safe.
 */
final class JsonSampleLines implements Closeable {

  /** One non-blank line: its sample, or why it is not one. */
  static final class Line {
    private final long index;
    private final long lineNumber;
    private final byte[] bytes;
    private final Sample sample;
    private final WireFormatException error;

    private Line(
        long index, long lineNumber, byte[] bytes, Sample sample, WireFormatException error) {
      this.index = index;
      this.lineNumber = lineNumber;
      this.bytes = bytes;
      this.sample = sample;
      this.error = error;
    }

    /** Position among the non-blank lines, from 0. */
    long index() {
      return index;
    }

    /** Line number in the file, from 1 (blank lines counted). */
    long lineNumber() {
      return lineNumber;
    }

    /** The line's bytes, without the line end (not copied: do not modify). */
    byte[] bytes() {
      return bytes;
    }

    /** True if the line is a valid sample. */
    boolean valid() {
      return sample != null;
    }

    /** The sample; null if the line is not a valid one. */
    Sample sample() {
      return sample;
    }

    /** Why the line is not a valid sample; null if it is one. */
    WireFormatException error() {
      return error;
    }
  }

  private final InputStream in;
  private final long start;
  private final JsonSampleReader reader = JsonSampleReader.strict();
  private long index;
  private long lineNumber;

  /**
   * Opens a file.
   *
   * @param file the JSON-lines file
   * @param startMillis the event time of the first line (epoch ms), for lines without timestamp
   */
  JsonSampleLines(Path file, long startMillis) throws IOException {
    this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    this.start = startMillis;
  }

  /** The default event time of the line at {@code index}: {@code start + index} ms. */
  long time(long index) {
    return start + index;
  }

  /** The next non-blank line, or null at the end of the file. */
  Line next() throws IOException {
    byte[] line;
    do {
      line = readLine();
      if (line == null) {
        return null;
      }
      lineNumber++;
    } while (isBlank(line));
    long i = index++;
    try {
      Sample s = reader.read(line, Instant.ofEpochMilli(time(i)));
      return new Line(i, lineNumber, line, s, null);
    } catch (WireFormatException e) {
      return new Line(i, lineNumber, line, null, e);
    }
  }

  private byte[] readLine() throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int b;
    boolean any = false;
    while ((b = in.read()) != -1) {
      any = true;
      if (b == '\n') {
        break;
      }
      buf.write(b);
    }
    if (!any) {
      return null;
    }
    byte[] line = buf.toByteArray();
    if (line.length > 0 && line[line.length - 1] == '\r') {
      line = Arrays.copyOf(line, line.length - 1);
    }
    return line;
  }

  private static boolean isBlank(byte[] line) {
    for (byte b : line) {
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
