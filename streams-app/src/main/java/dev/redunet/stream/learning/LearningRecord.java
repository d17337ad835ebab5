package dev.redunet.stream.learning;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.processor.api.Record;

/**
 * A record of the learning topic, from a scoring task to the model's builder (key = model name).
 * The kinds:
 *
 * <ul>
 *   <li>{@link Raws}: labelled raw samples, each with the label the task predicted (if it had a
 *       model): the builder pushes them through the model of its open window. A batch of n costs
 *       n·D floats, against k·(L+2)·d(d+1)/2 doubles for its statistics, so this is what a task
 *       sends unless the statistics are smaller;
 *   <li>{@link Raw}: one labelled raw sample (a batch of one);
 *   <li>{@link Part}: one part of a statistics delta (one class at one depth);
 *   <li>{@link End}: the end of a delta: how many labelled samples it holds, and the (true,
 *       predicted) pairs of those the task scored, for the prequential metrics;
 *   <li>{@link Delta}: a whole statistics delta (its parts and its end) in one record.
 * </ul>
 */
public sealed interface LearningRecord {

  /**
   * The header with the stream time (ms, 8 bytes big-endian) at which a task wrote the record: the
   * learning topic stamps records with their append time ({@code LogAppendTime}), so that retention
   * never expires deltas of old event time before the builder reads them.
   */
  String EVENT_TIME_HEADER = "redunet.event.time";

  /** The stream time a learning record carries: its header, else its timestamp. */
  static long eventTime(Record<?, ?> record) {
    Header h = record.headers().lastHeader(EVENT_TIME_HEADER);
    return h != null && h.value() != null && h.value().length == 8
        ? ByteBuffer.wrap(h.value()).getLong()
        : record.timestamp();
  }

  /** A labelled raw sample (a transient message; the arrays are not shared). */
  @SuppressWarnings("ArrayRecordComponent")
  record Raw(String label, double[] features, Optional<String> predicted)
      implements LearningRecord {}

  /** One statistics part (see {@code ModelCodec.statisticsParts}); a transient message. */
  @SuppressWarnings("ArrayRecordComponent")
  record Part(String name, byte[] bytes) implements LearningRecord {}

  /** The end of a delta of {@code labelled} samples; {@code outcomes}: "true\u0000pred" → count. */
  record End(long labelled, Map<String, Long> outcomes) implements LearningRecord {}

  /**
   * A whole delta in one record: its parts, then its end. The builder processes one record per
   * shipped delta instead of one per part (k·(L+2) of them), which keeps it up with the scorers
   * that share its stream thread.
   */
  record Delta(Map<String, byte[]> parts, End end) implements LearningRecord {}

  /** A batch of labelled raw samples, in the order the task scored them. */
  record Raws(List<Raw> samples) implements LearningRecord {
    public Raws {
      samples = List.copyOf(samples);
    }

    /**
     * {@code samples} in order, in batches of at most {@code maxBytes} encoded (a sample larger
     * than that alone in its batch).
     */
    static List<Raws> chunked(List<Raw> samples, long maxBytes) {
      List<Raws> out = new ArrayList<>();
      List<Raw> chunk = new ArrayList<>();
      long chunkBytes = 5;
      for (Raw r : samples) {
        long bytes = 4L * r.features().length + 3L * r.label().length() + 16;
        if (!chunk.isEmpty() && chunkBytes + bytes > maxBytes) {
          out.add(new Raws(chunk));
          chunk = new ArrayList<>();
          chunkBytes = 5;
        }
        chunk.add(r);
        chunkBytes += bytes;
      }
      if (!chunk.isEmpty()) {
        out.add(new Raws(chunk));
      }
      return out;
    }
  }

  /** Encodes the record. */
  static byte[] encode(LearningRecord record) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(sizeHint(record));
    try (DataOutputStream out = new DataOutputStream(buf)) {
      if (record instanceof Raw r) {
        out.writeByte('R');
        writeRaw(out, r);
      } else if (record instanceof Raws b) {
        out.writeByte('B');
        out.writeInt(b.samples().size());
        for (Raw r : b.samples()) {
          writeRaw(out, r);
        }
      } else if (record instanceof Part p) {
        out.writeByte('P');
        out.writeUTF(p.name());
        out.writeInt(p.bytes().length);
        out.write(p.bytes());
      } else if (record instanceof Delta d) {
        out.writeByte('D');
        out.writeInt(d.parts().size());
        for (Map.Entry<String, byte[]> p : d.parts().entrySet()) {
          out.writeUTF(p.getKey());
          out.writeInt(p.getValue().length);
          out.write(p.getValue());
        }
        writeEnd(out, d.end());
      } else if (record instanceof End e) {
        out.writeByte('E');
        writeEnd(out, e);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buf.toByteArray();
  }

  /**
   * Decodes a record.
   *
   * @throws IllegalArgumentException on corrupt bytes
   */
  static LearningRecord decode(byte[] bytes) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      int kind = in.readByte();
      switch (kind) {
        case 'R' -> {
          return readRaw(in, bytes.length);
        }
        case 'B' -> {
          int n = in.readInt();
          if (n < 0 || n > bytes.length / 4) {
            throw new IOException("bad sample count " + n);
          }
          List<Raw> samples = new ArrayList<>(n);
          for (int i = 0; i < n; i++) {
            samples.add(readRaw(in, bytes.length));
          }
          return new Raws(samples);
        }
        case 'P' -> {
          String name = in.readUTF();
          int n = in.readInt();
          if (n < 0 || n > bytes.length) {
            throw new IOException("bad part length " + n);
          }
          byte[] b = new byte[n];
          in.readFully(b);
          return new Part(name, b);
        }
        case 'E' -> {
          return readEnd(in, bytes.length);
        }
        case 'D' -> {
          int n = in.readInt();
          if (n < 0 || n > bytes.length) {
            throw new IOException("bad part count " + n);
          }
          Map<String, byte[]> parts = new LinkedHashMap<>();
          for (int i = 0; i < n; i++) {
            String name = in.readUTF();
            int len = in.readInt();
            if (len < 0 || len > bytes.length) {
              throw new IOException("bad part length " + len);
            }
            byte[] b = new byte[len];
            in.readFully(b);
            parts.put(name, b);
          }
          return new Delta(parts, readEnd(in, bytes.length));
        }
        default -> throw new IOException("unknown learning record kind " + kind);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("corrupt learning record: " + e.getMessage(), e);
    }
  }

  /** The encoded size of the bulky kinds, so that encoding copies their bytes once. */
  private static int sizeHint(LearningRecord record) {
    long size = 256;
    if (record instanceof Raws b) {
      size += b.samples().stream().mapToLong(r -> 4L * r.features().length + 64).sum();
    } else if (record instanceof Delta d) {
      size += d.parts().values().stream().mapToLong(b -> b.length + 64L).sum();
    } else if (record instanceof Part p) {
      size += p.bytes().length;
    }
    return (int) Math.min(size, Integer.MAX_VALUE - 8);
  }

  private static void writeRaw(DataOutputStream out, Raw r) throws IOException {
    out.writeUTF(r.label());
    out.writeInt(r.features().length);
    for (double v : r.features()) {
      out.writeFloat((float) v); // samples are float on the wire: this is exact
    }
    out.writeBoolean(r.predicted().isPresent());
    if (r.predicted().isPresent()) {
      out.writeUTF(r.predicted().get());
    }
  }

  private static Raw readRaw(DataInputStream in, int limit) throws IOException {
    String label = in.readUTF();
    int n = in.readInt();
    if (n < 0 || n > limit / 4) {
      throw new IOException("bad feature count " + n);
    }
    double[] f = new double[n];
    for (int i = 0; i < n; i++) {
      f[i] = in.readFloat();
    }
    Optional<String> predicted = in.readBoolean() ? Optional.of(in.readUTF()) : Optional.empty();
    return new Raw(label, f, predicted);
  }

  private static void writeEnd(DataOutputStream out, End e) throws IOException {
    out.writeLong(e.labelled());
    out.writeInt(e.outcomes().size());
    for (Map.Entry<String, Long> o : e.outcomes().entrySet()) {
      out.writeUTF(o.getKey());
      out.writeLong(o.getValue());
    }
  }

  private static End readEnd(DataInputStream in, int limit) throws IOException {
    long labelled = in.readLong();
    int n = in.readInt();
    if (n < 0 || n > limit) {
      throw new IOException("bad outcome count " + n);
    }
    Map<String, Long> outcomes = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      outcomes.put(in.readUTF(), in.readLong());
    }
    return new End(labelled, outcomes);
  }

  /** The key of an outcome pair. */
  static String outcome(String trueLabel, String predicted) {
    return trueLabel + '\u0000' + predicted;
  }
}
