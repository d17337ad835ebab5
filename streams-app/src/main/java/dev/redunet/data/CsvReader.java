package dev.redunet.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PushbackReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a labelled data set from CSV (RFC 4180, parsed by Jackson's {@code
 * jackson-dataformat-csv}): one sample per row, a label column and feature columns.
 *
 * <pre>
 * label,x0,x1,x2        &lt;- header: optional when the label is the first column
 * cat,0.5,1.25,-3
 * "dog, large",1e-3,0,2 &lt;- quoted cells may hold commas, "" (a quote) and line breaks
 * </pre>
 *
 * <ul>
 *   <li>The label column: the first column (the default), or the column a header names ({@code
 *       --label-column NAME}); every other column is a feature, in file order. Without a label
 *       column name, the first row is a header when its first cell begins with "label" (any case);
 *       with one, the first row is always the header.
 *   <li>Separator: comma; double quotes quote a cell (RFC 4180). Unquoted cells are trimmed of
 *       spaces; rows with no text (empty, or only blanks) are skipped; a UTF-8 byte order mark is
 *       ignored.
 *   <li>Labels: any non-empty text. Features: decimal numbers as accepted by {@link
 *       Double#parseDouble}, finite.
 *   <li>Every row has the same number of cells (the header's, if any).
 * </ul>
 *
 * Errors are {@link MalformedDataException}s that name the file, the line and the column: the line
 * where the cell begins (1-based; a quoted cell may span lines) and the cell's position in its row
 * (1-based).
 */
public final class CsvReader {

  private static final CsvFactory CSV =
      CsvFactory.builder()
          .enable(CsvParser.Feature.WRAP_AS_ARRAY)
          .enable(CsvParser.Feature.TRIM_SPACES)
          .enable(CsvParser.Feature.SKIP_EMPTY_LINES)
          .build();

  private CsvReader() {}

  /**
   * Reads a CSV file (UTF-8) whose first column is the label.
   *
   * @param path the file
   * @return the samples in file order with their labels
   * @throws NoSuchFileException if the file does not exist
   * @throws MalformedDataException on a format error (with file, line and column)
   */
  public static LabelledDataset read(Path path) throws IOException {
    return read(path, null);
  }

  /**
   * Reads a CSV file (UTF-8).
   *
   * @param path the file
   * @param labelColumn the header name of the label column; null: the first column
   * @return the samples in file order with their labels
   * @throws NoSuchFileException if the file does not exist
   * @throws MalformedDataException on a format error (with file, line and column), or when no
   *     header names {@code labelColumn}
   */
  public static LabelledDataset read(Path path, String labelColumn) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      return read(in, path.toString(), labelColumn);
    }
  }

  /**
   * Reads CSV text whose first column is the label.
   *
   * @param reader the text; read to the end, not closed
   * @param source the name used in messages (a file name)
   */
  public static LabelledDataset read(Reader reader, String source) throws IOException {
    return read(reader, source, null);
  }

  /**
   * Reads CSV text.
   *
   * @param reader the text; read to the end, not closed
   * @param source the name used in messages (a file name)
   * @param labelColumn the header name of the label column; null: the first column
   */
  public static LabelledDataset read(Reader reader, String source, String labelColumn)
      throws IOException {
    if (labelColumn != null && labelColumn.isBlank()) {
      throw new IllegalArgumentException("the label column name is empty");
    }
    List<double[]> rows = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    try (CsvParser parser = CSV.createParser(new Unclosed(reader))) {
      Rows in = new Rows(parser, source);
      Row header = null;
      int label = 0;
      int columns = -1;
      Row row;
      while ((row = in.next()) != null) {
        if (columns < 0) {
          columns = row.size();
          if (labelColumn != null) {
            header = row;
            label = header.indexOf(labelColumn.trim(), source);
          } else if (row.cell(0).toLowerCase(Locale.ROOT).startsWith("label")) {
            header = row;
          }
          if (columns < 2) {
            throw new MalformedDataException(
                source, row.line(0), 1, "need a label and at least one feature per line");
          }
          if (header != null) {
            continue;
          }
        }
        if (row.size() != columns) {
          throw new MalformedDataException(
              source,
              row.line(Math.min(row.size(), columns) - 1),
              Math.min(row.size(), columns) + 1,
              "expected "
                  + columns
                  + " columns (label + "
                  + (columns - 1)
                  + " features), found "
                  + row.size());
        }
        String name = row.cell(label);
        if (name.isEmpty()) {
          throw new MalformedDataException(source, row.line(label), label + 1, "empty label");
        }
        double[] x = new double[columns - 1];
        for (int c = 0, f = 0; c < columns; c++) {
          if (c != label) {
            x[f++] = number(row, c, source);
          }
        }
        rows.add(x);
        labels.add(name);
      }
    }
    if (rows.isEmpty()) {
      throw new MalformedDataException(source, "no data rows");
    }
    return LabelledDataset.wrap(
        rows.toArray(new double[0][]), labels.toArray(new String[0]), source);
  }

  private static double number(Row row, int c, String source) throws MalformedDataException {
    String cell = row.cell(c);
    double v;
    try {
      v = Double.parseDouble(cell);
    } catch (NumberFormatException e) {
      throw new MalformedDataException(
          source, row.line(c), c + 1, "expected a number, found '" + abbreviate(cell) + "'");
    }
    if (!Double.isFinite(v)
        || cell.endsWith("f")
        || cell.endsWith("d")
        || cell.endsWith("F")
        || cell.endsWith("D")) {
      throw new MalformedDataException(
          source,
          row.line(c),
          c + 1,
          "expected a finite decimal number, found '" + abbreviate(cell) + "'");
    }
    return v;
  }

  private static String abbreviate(String s) {
    String one = s.replace("\r", "\\r").replace("\n", "\\n");
    return one.length() <= 40 ? one : one.substring(0, 37) + "...";
  }

  /** One row: its cells (spaces trimmed unless quoted) and the line each begins on. */
  private record Row(List<String> cells, List<Long> lines) {

    int size() {
      return cells.size();
    }

    String cell(int i) {
      return cells.get(i);
    }

    long line(int i) {
      return lines.get(Math.max(0, i));
    }

    /** The index of the column named {@code name} in this header row. */
    int indexOf(String name, String source) throws MalformedDataException {
      int i = cells.indexOf(name);
      int j = cells.lastIndexOf(name);
      if (i != j) {
        throw new MalformedDataException(
            source,
            line(j),
            j + 1,
            "the header names the label column '"
                + abbreviate(name)
                + "' twice (columns "
                + (i + 1)
                + " and "
                + (j + 1)
                + ")");
      }
      if (i < 0) {
        throw new MalformedDataException(
            source,
            line(0),
            1,
            "the header has no column named '"
                + abbreviate(name)
                + "' (the label column); its columns are "
                + cells);
      }
      return i;
    }
  }

  /** The rows of a parser, without blank rows; Jackson's errors as MalformedDataExceptions. */
  private static final class Rows {
    private final CsvParser parser;
    private final String source;

    Rows(CsvParser parser, String source) throws IOException {
      this.parser = parser;
      this.source = source;
      JsonToken outer = next(parser, null, 0);
      if (outer != null && outer != JsonToken.START_ARRAY) {
        throw new IllegalStateException("the CSV parser does not wrap rows in an array");
      }
    }

    /** The next row with some text, or null at the end. */
    Row next() throws IOException {
      while (true) {
        List<String> cells = new ArrayList<>();
        List<Long> lines = new ArrayList<>();
        JsonToken t = next(parser, lines, 0);
        if (t == null || t == JsonToken.END_ARRAY) {
          return null;
        }
        while ((t = next(parser, lines, cells.size())) == JsonToken.VALUE_STRING) {
          String cell = parser.getText();
          JsonLocation at = parser.currentTokenLocation();
          cells.add(cell);
          lines.add((long) at.getLineNr());
        }
        if (t != JsonToken.END_ARRAY) {
          throw new MalformedDataException(
              source, lastLine(lines), cells.size() + 1, "unexpected CSV token " + t);
        }
        if (cells.stream().anyMatch(c -> !c.isBlank())) {
          return new Row(cells, lines);
        }
      }
    }

    /** The parser's next token; a syntax error names the line and the cell it is in. */
    private JsonToken next(CsvParser p, List<Long> lines, int cell) throws IOException {
      try {
        return p.nextToken();
      } catch (JsonProcessingException e) {
        long line =
            lines == null || lines.isEmpty() ? e.getLocation().getLineNr() : lastLine(lines);
        throw new MalformedDataException(
            source, Math.max(1, line), cell + 1, "malformed CSV: " + e.getOriginalMessage());
      }
    }

    private static long lastLine(List<Long> lines) {
      return lines.isEmpty() ? 1L : lines.get(lines.size() - 1);
    }
  }

  /**
   * The caller's reader without a leading byte order mark; its close does nothing (the caller owns
   * the reader it gave).
   */
  private static final class Unclosed extends PushbackReader {
    Unclosed(Reader in) throws IOException {
      super(in, 1);
      int c = read();
      if (c >= 0 && c != '\uFEFF') {
        unread(c);
      }
    }

    @Override
    public void close() {}
  }
}
