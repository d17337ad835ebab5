package dev.redunet.app;

import dev.redunet.avro.RejectReason;
import dev.redunet.avro.Sample;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * Reads the samples {@link SampleFileOptions} name as the stream would see them: ids, values and
 * labels as {@code ./redunet produce} sends them (values rounded to 32-bit floats), each checked as
 * the stream checks it ({@link IngressChecks}), then against the dimension of the first accepted
 * sample (the checks fix the dimension with the first labelled one). A record the stream would
 * reject is skipped, counted by reason and, for the first {@value #SHOWN}, named on stderr with
 * where it is (line or sample index).
 */
final class SampleFileReader {

  /** How many skipped records are named on stderr; the others are counted. */
  static final int SHOWN = 10;

  private final String command;
  private final PrintWriter err;
  private final IngressChecks checks;
  private long skippedCount;

  /**
   * @param command the command's name, to prefix the messages on {@code err}
   */
  SampleFileReader(String command, PrintWriter err, IngressChecks checks) {
    this.command = command;
    this.err = err;
    this.checks = checks;
  }

  /**
   * The accepted samples of at most {@code maxRecords} input records (samples, or non-blank lines
   * of JSON lines, valid or not), in input order, with the count of skipped records per reason.
   * Ends with a line on stderr counting the skipped records not named.
   */
  EvaluationStream read(SampleFileOptions in, long maxRecords) throws IOException {
    EvaluationStream stream = new EvaluationStream();
    if (in.jsonl != null) {
      readJsonLines(in, maxRecords, stream);
    } else {
      DatasetInput input = DatasetInput.open(in);
      for (int i = 0; i < input.size() && stream.records() < maxRecords; i++) {
        stream.countRecord();
        double[] row = input.row(i);
        double[] x = new double[row.length];
        for (int j = 0; j < x.length; j++) {
          x[j] = (float) row[j]; // as produce sends it
        }
        input.release(i);
        String id = input.id(i);
        accept(stream, "sample " + i + " (id " + id + ")", id, x, input.shape(), input.label(i));
      }
    }
    if (skippedCount > SHOWN) {
      err.println(
          command + ": skipped " + (skippedCount - SHOWN) + " more input record(s) (not shown)");
      err.flush();
    }
    return stream;
  }

  private void readJsonLines(SampleFileOptions in, long maxRecords, EvaluationStream stream)
      throws IOException {
    try (JsonSampleLines lines = new JsonSampleLines(in.jsonl, 0L)) {
      JsonSampleLines.Line line;
      while (stream.records() < maxRecords && (line = lines.next()) != null) {
        stream.countRecord();
        String where = "line " + line.lineNumber();
        if (line.bytes().length > checks.maxRecordBytes()) {
          skip(
              stream,
              where,
              RejectReason.TOO_LARGE,
              "document: "
                  + line.bytes().length
                  + " bytes, over the limit of "
                  + checks.maxRecordBytes()
                  + " (redunet.max.record.bytes)");
        } else if (!line.valid()) {
          skip(stream, where, line.error().reason(), line.error().getMessage());
        } else {
          Sample s = line.sample();
          List<Float> values = s.getFeatures();
          double[] x = new double[values.size()];
          for (int i = 0; i < x.length; i++) {
            x[i] = values.get(i);
          }
          accept(stream, where, s.getId(), x, s.getShape(), s.getLabel());
        }
      }
    }
  }

  private void accept(
      EvaluationStream stream,
      String where,
      String id,
      double[] x,
      List<Integer> shape,
      String label) {
    IngressChecks.Rejection r = checks.check(id, x, shape, label);
    if (r == null && stream.size() > 0 && x.length != stream.dimension()) {
      // The checks fix the dimension with the first labelled sample; unlabelled samples before it
      // must agree with the first sample accepted.
      r =
          new IngressChecks.Rejection(
              RejectReason.WRONG_DIMENSION,
              "features: "
                  + x.length
                  + " values, the first sample ("
                  + stream.id(0)
                  + ") has "
                  + stream.dimension());
    }
    if (r == null) {
      stream.accept(id, x, label);
    } else {
      skip(stream, where, r.reason(), r.message());
    }
  }

  private void skip(EvaluationStream stream, String where, RejectReason reason, String message) {
    stream.skip(reason);
    if (++skippedCount <= SHOWN) {
      err.println(command + ": skipped " + where + ": " + reason + ": " + message);
      err.flush();
    }
  }
}
