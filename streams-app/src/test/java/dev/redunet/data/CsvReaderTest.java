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
  void aMissingFileIsReportedAsSuch() {
    assertThatThrownBy(() -> CsvReader.read(dir.resolve("nope.csv")))
        .isInstanceOf(NoSuchFileException.class);
  }

  private static LabelledDataset read(String text) throws IOException {
    return CsvReader.read(new StringReader(text), "t.csv");
  }
}
