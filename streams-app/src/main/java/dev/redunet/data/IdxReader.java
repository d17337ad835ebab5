package dev.redunet.data;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/**
 * Reads the IDX format of MNIST and Fashion-MNIST, plain or gzipped (detected from the content).
 *
 * <p>Format: two zero bytes, a type byte ({@code 0x08} unsigned byte, {@code 0x09} signed byte,
 * {@code 0x0B} short, {@code 0x0C} int, {@code 0x0D} float, {@code 0x0E} double), the number of
 * dimensions, one big-endian 32-bit size per dimension, then the values big-endian in row-major
 * order.
 */
public final class IdxReader {

  private static final long MAX_VALUES = Integer.MAX_VALUE - 8;

  private IdxReader() {}

  /** An IDX array: its shape and its values in row-major order. Immutable. */
  public static final class IdxArray {
    private final int[] shape;
    private final double[] values;

    IdxArray(int[] shape, double[] values) {
      this.shape = shape;
      this.values = values;
    }

    /** The sizes of the dimensions. */
    public int[] shape() {
      return shape.clone();
    }

    /** Number of items: the size of the first dimension. */
    public int items() {
      return shape[0];
    }

    /** Values per item: the product of the other dimensions ({@code 1} for a 1-D array). */
    public int itemSize() {
      int s = 1;
      for (int i = 1; i < shape.length; i++) {
        s *= shape[i];
      }
      return s;
    }

    /** One row per item, each the item's values flattened row-major ({@code items × itemSize}). */
    public double[][] rows() {
      int n = itemSize();
      double[][] out = new double[items()][];
      for (int i = 0; i < out.length; i++) {
        out[i] = Arrays.copyOfRange(values, i * n, (i + 1) * n);
      }
      return out;
    }

    /** A copy of all values in row-major order. */
    public double[] values() {
      return values.clone();
    }
  }

  /** Reads an IDX file (gzipped or plain). */
  public static IdxArray read(Path path) throws IOException {
    try (InputStream in = Files.newInputStream(path)) {
      return read(in, path.toString());
    }
  }

  /**
   * Reads an IDX stream (gzipped or plain) to its end.
   *
   * @param stream the bytes; not closed
   * @param source the name used in messages
   * @throws MalformedDataException on a bad header, truncated data or trailing bytes
   */
  public static IdxArray read(InputStream stream, String source) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(stream, 1 << 16);
    buffered.mark(2);
    int b0 = buffered.read();
    int b1 = buffered.read();
    buffered.reset();
    InputStream raw =
        b0 == 0x1f && b1 == 0x8b
            ? new BufferedInputStream(new GZIPInputStream(buffered, 1 << 16), 1 << 16)
            : buffered;
    DataInputStream in = new DataInputStream(raw);
    try {
      int zero = in.readUnsignedShort();
      int type = in.readUnsignedByte();
      int dims = in.readUnsignedByte();
      if (zero != 0) {
        throw new MalformedDataException(
            source, "not an IDX file (magic number 0x" + Integer.toHexString(zero) + "....)");
      }
      if (dims == 0) {
        throw new MalformedDataException(source, "IDX header declares 0 dimensions");
      }
      int[] shape = new int[dims];
      long total = 1;
      for (int i = 0; i < dims; i++) {
        shape[i] = in.readInt();
        if (shape[i] < 0) {
          throw new MalformedDataException(source, "negative size of dimension " + i);
        }
        total *= shape[i];
        if (total > MAX_VALUES) {
          throw new MalformedDataException(source, "too many values: " + Arrays.toString(shape));
        }
      }
      double[] values = new double[(int) total];
      try {
        readValues(in, type, values, source);
      } catch (EOFException e) {
        throw new MalformedDataException(
            source, "truncated: shape " + Arrays.toString(shape) + " needs more data");
      }
      if (in.read() != -1) {
        throw new MalformedDataException(
            source, "unexpected bytes after the " + total + " values of the declared shape");
      }
      return new IdxArray(shape, values);
    } catch (EOFException e) {
      throw new MalformedDataException(source, "truncated IDX header");
    }
  }

  private static void readValues(DataInputStream in, int type, double[] out, String source)
      throws IOException {
    switch (type) {
      case 0x08:
        {
          byte[] buf = new byte[out.length];
          in.readFully(buf);
          for (int i = 0; i < out.length; i++) {
            out[i] = buf[i] & 0xff;
          }
          break;
        }
      case 0x09:
        {
          byte[] buf = new byte[out.length];
          in.readFully(buf);
          for (int i = 0; i < out.length; i++) {
            out[i] = buf[i];
          }
          break;
        }
      case 0x0B:
        for (int i = 0; i < out.length; i++) {
          out[i] = in.readShort();
        }
        break;
      case 0x0C:
        for (int i = 0; i < out.length; i++) {
          out[i] = in.readInt();
        }
        break;
      case 0x0D:
        for (int i = 0; i < out.length; i++) {
          out[i] = in.readFloat();
        }
        break;
      case 0x0E:
        for (int i = 0; i < out.length; i++) {
          out[i] = in.readDouble();
        }
        break;
      default:
        throw new MalformedDataException(
            source, "unknown IDX element type 0x" + Integer.toHexString(type));
    }
    for (int i = 0; i < out.length; i++) {
      if (!Double.isFinite(out[i])) {
        throw new MalformedDataException(source, "non-finite value at index " + i);
      }
    }
  }

  /**
   * Reads images: one flattened row per item ({@code items × product of the other dimensions}), raw
   * values (MNIST pixels 0–255).
   */
  public static double[][] readImages(Path path) throws IOException {
    return read(path).rows();
  }

  /** Reads a 1-D array of integer labels. */
  public static int[] readLabels(Path path) throws IOException {
    return labelsOf(read(path), path.toString());
  }

  /**
   * Reads an image file and a label file into a data set (labels become class names "0", "1", …).
   *
   * @throws MalformedDataException if the counts differ or the labels are not 1-D integers
   */
  public static LabelledDataset readLabelled(Path images, Path labels) throws IOException {
    try (InputStream im = Files.newInputStream(images);
        InputStream lb = Files.newInputStream(labels)) {
      return readLabelled(im, images.toString(), lb, labels.toString());
    }
  }

  /** As {@link #readLabelled(Path, Path)}, from streams (not closed). */
  public static LabelledDataset readLabelled(
      InputStream images, String imagesSource, InputStream labels, String labelsSource)
      throws IOException {
    IdxArray im = read(images, imagesSource);
    int[] lb = labelsOf(read(labels, labelsSource), labelsSource);
    if (im.items() != lb.length) {
      throw new MalformedDataException(
          labelsSource, lb.length + " labels for " + im.items() + " images in " + imagesSource);
    }
    if (im.items() == 0) {
      throw new MalformedDataException(imagesSource, "no images");
    }
    String[] names = new String[lb.length];
    for (int i = 0; i < lb.length; i++) {
      names[i] = Integer.toString(lb[i]);
    }
    return LabelledDataset.wrap(im.rows(), names, imagesSource);
  }

  private static int[] labelsOf(IdxArray a, String source) throws MalformedDataException {
    if (a.shape.length != 1) {
      throw new MalformedDataException(
          source, "labels must be a 1-D array, shape is " + Arrays.toString(a.shape));
    }
    int[] out = new int[a.values.length];
    for (int i = 0; i < out.length; i++) {
      double v = a.values[i];
      if (v != Math.rint(v)) {
        throw new MalformedDataException(source, "label " + i + " is not an integer: " + v);
      }
      out[i] = (int) v;
    }
    return out;
  }
}
