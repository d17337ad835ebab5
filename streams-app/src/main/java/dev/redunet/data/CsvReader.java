package dev.redunet.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a labelled data set from CSV: one sample per line, the label first, then the features.
 *
 * <pre>
 * label,x0,x1,x2        &lt;- optional header: its first cell begins with "label" (any case)
 * cat,0.5,1.25,-3
 * dog,1e-3,0,2
 * </pre>
 *
 * <ul>
 *   <li>Separator: comma. Cells are trimmed. Blank lines are skipped. Quoting is not supported.
 *   <li>Labels: any non-empty text. Features: decimal numbers as accepted by {@link
 *       Double#parseDouble}, finite.
 *   <li>Every row has the same number of cells (the header's, if any).
 * </ul>
 *
 * Errors are {@link MalformedDataException}s that name the file, the line and the column (1-based;
 * the label is column 1).
 */
public final class CsvReader {

  private CsvReader() {}

  /**
   * Reads a CSV file (UTF-8).
   *
   * @param path the file
   * @return the samples in file order with their labels
   * @throws NoSuchFileException if the file does not exist
   * @throws MalformedDataException on a format error (with file, line and column)
   */
  public static LabelledDataset read(Path path) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(in, path.toString());
    }
  }

  /**
   * Reads CSV text.
   *
   * @param reader the text; read to the end, not closed
   * @param source the name used in messages (a file name)
   */
  public static LabelledDataset read(Reader reader, String source) throws IOException {
    BufferedReader in =
        reader instanceof BufferedReader ? (BufferedReader) reader : new BufferedReader(reader);
    List<double[]> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    int columns = -1;
    boolean first = true;
    long lineNo = 0;
    String line;
    while ((line = in.readLine()) != null) {
      lineNo++;
      if (first && line.startsWith("\uFEFF")) {
        line = line.substring(1);
      }
      if (line.isBlank()) {
        continue;
      }
      String[] cells = line.split(",", -1);
      if (first) {
        first = false;
        if (cells[0].trim().toLowerCase(Locale.ROOT).startsWith("label")) {
          columns = cells.length;
          checkColumns(source, lineNo, columns);
          continue;
        }
      }
      if (columns < 0) {
        columns = cells.length;
        checkColumns(source, lineNo, columns);
      }
      if (cells.length != columns) {
        throw new MalformedDataException(
            source,
            lineNo,
            Math.min(cells.length, columns) + 1,
            "expected "
                + columns
                + " columns (label + "
                + (columns - 1)
                + " features), found "
                + cells.length);
      }
      String label = cells[0].trim();
      if (label.isEmpty()) {
        throw new MalformedDataException(source, lineNo, 1, "empty label");
      }
      if (label.startsWith("\"")) {
        throw new MalformedDataException(source, lineNo, 1, "quoted cells are not supported");
      }
      double[] x = new double[columns - 1];
      for (int c = 1; c < columns; c++) {
        String cell = cells[c].trim();
        double v;
        try {
          v = Double.parseDouble(cell);
        } catch (NumberFormatException e) {
          throw new MalformedDataException(
              source, lineNo, c + 1, "expected a number, found '" + abbreviate(cell) + "'");
        }
        if (!Double.isFinite(v)
            || cell.endsWith("f")
            || cell.endsWith("d")
            || cell.endsWith("F")
            || cell.endsWith("D")) {
          throw new MalformedDataException(
              source, lineNo, c + 1, "expected a finite decimal number, found '" + cell + "'");
        }
        x[c - 1] = v;
      }
      rows.add(x);
      labels.add(label);
    }
    if (rows.isEmpty()) {
      throw new MalformedDataException(source, "no data rows");
    }
    return LabelledDataset.wrap(
        rows.toArray(new double[0][]), labels.toArray(new String[0]), source);
  }

  private static void checkColumns(String source, long lineNo, int columns)
      throws MalformedDataException {
    if (columns < 2) {
      throw new MalformedDataException(
          source, lineNo, 1, "need a label and at least one feature per line");
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
