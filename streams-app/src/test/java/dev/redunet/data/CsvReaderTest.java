package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReaderTest {

  @TempDir Path dir;

  @Test
  void readsLabelsFirstWithAnOptionalHeaderAndBlankLines() throws IOException {
    Path file = dir.resolve("data.csv");
    Files.writeString(
        file, "Label, x0 ,x1\n b ,1.5,-2\n\na,0,1e-3\r\nb, 3 ,4\n", StandardCharsets.UTF_8);
    LabelledDataset d = CsvReader.read(file);
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.dimension()).isEqualTo(2);
    assertThat(d.sample(0)).containsExactly(1.5, -2.0);
    assertThat(d.sample(1)).containsExactly(0.0, 1e-3);
    assertThat(d.label(0)).isEqualTo("b");
    assertThat(d.classes()).containsExactly("a", "b");
    assertThat(d.classIndices()).containsExactly(1, 0, 1);
    assertThat(d.source()).isEqualTo(file.toString());
  }

  @Test
  void withoutHeaderTheFirstLineIsDataAndIntegerLabelsSortNumerically() throws IOException {
    LabelledDataset d = CsvReader.read(new StringReader("10,1\n9,2\n-1,3\n"), "mem");
    assertThat(d.size()).isEqualTo(3);
    assertThat(d.classes()).containsExactly("-1", "9", "10");
    assertThat(d.classIndices()).containsExactly(2, 1, 0);
  }

  @Test
  void errorsNameTheFileTheLineAndTheColumn() {
    assertThatThrownBy(() -> read("label,a,b\n1,2,3\n1,2,x\n"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("t.csv:3:3: expected a number, found 'x'");
    assertThatThrownBy(() -> read("1,2,3\n1,2\n"))
        .hasMessage("t.csv:2:3: expected 3 columns (label + 2 features), found 2");
    assertThatThrownBy(() -> read("1,2\n ,3\n")).hasMessage("t.csv:2:1: empty label");
    assertThatThrownBy(() -> read("1,NaN\n"))
        .hasMessage("t.csv:1:2: expected a finite decimal number, found 'NaN'");
    assertThatThrownBy(() -> read("1,2f\n"))
        .hasMessage("t.csv:1:2: expected a finite decimal number, found '2f'");
    assertThatThrownBy(() -> read("label,x\n\n")).hasMessage("t.csv: no data rows");
    assertThatThrownBy(() -> read("a\n"))
        .hasMessage("t.csv:1:1: need a label and at least one feature per line");
  }

  @Test
  void quotedCellsFollowRfc4180CommasQuotesAndLineBreaksInside() throws IOException {
    LabelledDataset d =
        read(
            "label,x0,x1\r\n"
                + "\"dog, large\",1,2\r\n"
                + "\"say \"\"hi\"\"\",\"3\",4\r\n"
                + "\"two\nlines\",5,6\r\n"
                + "\" padded \",7,8\r\n");
    assertThat(d.size()).isEqualTo(4);
    assertThat(d.label(0)).isEqualTo("dog, large");
    assertThat(d.label(1)).isEqualTo("say \"hi\"");
    assertThat(d.sample(1)).containsExactly(3.0, 4.0);
    assertThat(d.label(2)).isEqualTo("two\nlines");
    assertThat(d.label(3)).as("a quoted cell keeps its spaces").isEqualTo(" padded ");
  }

  @Test
  void errorLinesCountTheLineBreaksInsideQuotedCells() {
    assertThatThrownBy(() -> read("label,x\n\"a\nb\nc\",1\nd,oops\n"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage("t.csv:5:2: expected a number, found 'oops'");
  }

  @Test
  void malformedQuotingNamesTheLineAndTheCell() {
    assertThatThrownBy(() -> read("a,1\nb,\"2\n"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageStartingWith("t.csv:2:2: malformed CSV: ")
        .hasMessageContaining("closing quote");
    assertThatThrownBy(() -> read("a,1\nb,\"2\"x\n"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageStartingWith("t.csv:2:2: malformed CSV: ")
        .hasMessageContaining("'x'");
  }

  @Test
  void theLabelColumnCanBeNamedAndTheOthersAreTheFeaturesInFileOrder() throws IOException {
    String text = "x0,species,x1\n1,cat,2\n3,\"dog\",4\n";
    LabelledDataset d = CsvReader.read(new StringReader(text), "t.csv", "species");
    assertThat(d.size()).isEqualTo(2);
    assertThat(d.dimension()).isEqualTo(2);
    assertThat(d.sample(0)).containsExactly(1.0, 2.0);
    assertThat(d.sample(1)).containsExactly(3.0, 4.0);
    assertThat(d.label(1)).isEqualTo("dog");
    LabelledDataset last = CsvReader.read(new StringReader("a,b,y\n1,2,p\n"), "t.csv", "y");
    assertThat(last.label(0)).isEqualTo("p");
    assertThat(last.sample(0)).containsExactly(1.0, 2.0);
    LabelledDataset quotedHeader =
        CsvReader.read(new StringReader("\"the, label\",x\nq,5\n"), "t.csv", "the, label");
    assertThat(quotedHeader.label(0)).isEqualTo("q");
  }

  @Test
  void aNamedLabelColumnNeedsAHeaderThatNamesItOnce() {
    assertThatThrownBy(() -> CsvReader.read(new StringReader("x0,x1\n1,2\n"), "t.csv", "y"))
        .isInstanceOf(MalformedDataException.class)
        .hasMessage(
            "t.csv:1:1: the header has no column named 'y' (the label column); its columns are"
                + " [x0, x1]");
    assertThatThrownBy(() -> CsvReader.read(new StringReader("y,x,y\n1,2,3\n"), "t.csv", "y"))
        .hasMessage("t.csv:1:3: the header names the label column 'y' twice (columns 1 and 3)");
    assertThatThrownBy(() -> CsvReader.read(new StringReader("x,y\n1,\n"), "t.csv", "y"))
        .hasMessage("t.csv:2:2: empty label");
    assertThatThrownBy(() -> CsvReader.read(new StringReader("x,y\n"), "t.csv", "y"))
        .hasMessage("t.csv: no data rows");
  }

  @Test
  void aByteOrderMarkAndBlankRowsAreIgnored() throws IOException {
    LabelledDataset d = read("\uFEFF\"label\",x\n   \n,\nq,1\n\n");
    assertThat(d.size()).isEqualTo(1);
    assertThat(d.label(0)).isEqualTo("q");
  }

  @Test
  void aMissingFileIsReportedAsSuch() {
    assertThatThrownBy(() -> CsvReader.read(dir.resolve("nope.csv")))
        .isInstanceOf(NoSuchFileException.class);
  }

  private static LabelledDataset read(String text) throws IOException {
    return CsvReader.read(new StringReader(text), "t.csv");
  }
}
