package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxReaderTest {

  @TempDir Path dir;

  @Test
  void readsUnsignedByteImagesAndLabelsPlainOrGzipped() throws IOException {
    byte[] images =
        idx(
            0x08,
            new int[] {3, 2, 2},
            out -> {
              for (int i = 0; i < 12; i++) {
                out.writeByte(i * 20);
              }
            });
    byte[] labels =
        idx(
            0x08,
            new int[] {3},
            out -> {
              out.writeByte(7);
              out.writeByte(0);
              out.writeByte(7);
            });
    for (boolean gz : new boolean[] {false, true}) {
      Path im = write("im" + gz, images, gz);
      Path lb = write("lb" + gz, labels, gz);
      LabelledDataset d = IdxReader.readLabelled(im, lb);
      assertThat(d.size()).isEqualTo(3);
      assertThat(d.dimension()).isEqualTo(4);
      assertThat(d.sample(2)).containsExactly(160, 180, 200, 220);
      assertThat(d.classes()).containsExactly("0", "7");
      assertThat(d.classIndices()).containsExactly(1, 0, 1);
      assertThat(IdxReader.read(im).shape()).containsExactly(3, 2, 2);
      assertThat(IdxReader.readLabels(lb)).containsExactly(7, 0, 7);
    }
  }

  @Test
  void readsWiderElementTypesBigEndian() throws IOException {
    byte[] floats =
        idx(
            0x0D,
            new int[] {2},
            out -> {
              out.writeFloat(1.5f);
              out.writeFloat(-2.25f);
            });
    byte[] shorts =
        idx(
            0x0B,
            new int[] {1, 2},
            out -> {
              out.writeShort(-300);
              out.writeShort(1000);
            });
    byte[] doubles = idx(0x0E, new int[] {1}, out -> out.writeDouble(Math.PI));
    assertThat(IdxReader.read(write("f", floats, false)).values()).containsExactly(1.5, -2.25);
    assertThat(IdxReader.readImages(write("s", shorts, true))[0]).containsExactly(-300, 1000);
    assertThat(IdxReader.read(write("d", doubles, false)).values()).containsExactly(Math.PI);
  }

  @Test
  void malformedFilesAreRejectedWithTheFileName() throws IOException {
    Path truncated = write("trunc", idx(0x08, new int[] {4}, out -> out.writeByte(1)), false);
    assertThatThrownBy(() -> IdxReader.read(truncated))
        .isInstanceOf(MalformedDataException.class)
        .hasMessageContaining(truncated.toString())
        .hasMessageContaining("truncated");
    Path trailing =
        write(
            "trail",
            idx(
                0x08,
                new int[] {1},
                out -> {
                  out.writeByte(1);
                  out.writeByte(2);
                }),
            false);
    assertThatThrownBy(() -> IdxReader.read(trailing)).hasMessageContaining("unexpected bytes");
    Path notIdx =
        write("text", "hello world".getBytes(java.nio.charset.StandardCharsets.UTF_8), false);
    assertThatThrownBy(() -> IdxReader.read(notIdx)).hasMessageContaining("not an IDX file");
    Path badType = write("type", idx(0x0A, new int[] {1}, out -> out.writeByte(1)), false);
    assertThatThrownBy(() -> IdxReader.read(badType)).hasMessageContaining("element type 0xa");
    Path twoLabels = write("l2", idx(0x08, new int[] {2}, out -> out.writeShort(0)), false);
    Path oneImage = write("i1", idx(0x08, new int[] {1, 1}, out -> out.writeByte(0)), false);
    assertThatThrownBy(() -> IdxReader.readLabelled(oneImage, twoLabels))
        .hasMessageContaining("2 labels for 1 images");
  }

  private interface Body {
    void write(DataOutputStream out) throws IOException;
  }

  private static byte[] idx(int type, int[] shape, Body body) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeShort(0);
    out.writeByte(type);
    out.writeByte(shape.length);
    for (int s : shape) {
      out.writeInt(s);
    }
    body.write(out);
    out.flush();
    return bytes.toByteArray();
  }

  private Path write(String name, byte[] data, boolean gzip) throws IOException {
    Path p = dir.resolve(name + (gzip ? ".gz" : ""));
    try (OutputStream out = Files.newOutputStream(p)) {
      if (gzip) {
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
          gz.write(data);
        }
      } else {
        out.write(data);
      }
    }
    return p;
  }
}
