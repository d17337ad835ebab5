package dev.redunet.linalg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DoubleIoTest {

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 7, 4095, 4096, 4097, 10_000})
  void writesTheBytesOfWriteDoubleAndReadsThemBack(int n) throws IOException {
    SplittableRandom r = new SplittableRandom(n);
    double[] a = new double[n];
    for (int i = 0; i < n; i++) {
      a[i] = r.nextGaussian() * Math.pow(10, r.nextInt(-300, 300));
    }
    if (n > 3) {
      a[1] = Double.NaN;
      a[2] = Double.NEGATIVE_INFINITY;
      a[3] = -0.0;
    }
    ByteArrayOutputStream loop = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(loop)) {
      for (double v : a) {
        out.writeDouble(v);
      }
    }
    ByteArrayOutputStream bulk = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bulk)) {
      DoubleIo.write(out, a);
    }
    assertThat(bulk.toByteArray()).isEqualTo(loop.toByteArray());
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(loop.toByteArray()))) {
      double[] back = DoubleIo.read(in, n);
      assertThat(Arrays.equals(back, a)).isTrue(); // bit for bit, NaN and −0 included
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 4097})
  void aShortInputIsAnEofException(int n) {
    byte[] bytes = new byte[8 * n - 1];
    assertThatThrownBy(() -> DoubleIo.read(new DataInputStream(new ByteArrayInputStream(bytes)), n))
        .isInstanceOf(EOFException.class);
  }
}
