package dev.redunet.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ShippedDatasetsTest {

  @Test
  void theShippedMnistStreamHasTheDocumentedShapeOrderAndClassCounts() throws IOException {
    LabelledDataset d = ShippedDatasets.mnist10k();
    assertThat(d.size()).isEqualTo(10_000);
    assertThat(d.dimension()).isEqualTo(784);
    assertThat(d.classes()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
    int[] counts = new int[10];
    double max = 0;
    double min = Double.MAX_VALUE;
    for (int i = 0; i < d.size(); i++) {
      counts[d.classIndex(i)]++;
      for (double v : d.sample(i)) {
        max = Math.max(max, v);
        min = Math.min(min, v);
      }
    }
    assertThat(counts).containsExactly(1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978);
    assertThat(min).isEqualTo(0.0);
    assertThat(max).isEqualTo(255.0);
  }

  @Test
  void theShippedFilesAreByteIdenticalToTheDocumentedProvenance() throws Exception {
    assertThat(sha256(ShippedDatasets.MNIST10K_IMAGES))
        .isEqualTo("a4ba30ab8eda1e529032f247feab3f9712869e8526670ce889baee5a81879b93");
    assertThat(sha256(ShippedDatasets.MNIST10K_LABELS))
        .isEqualTo("8f65dabe669dd2aaf23f33dfd268a5d82176e2f4d5326faa3da646e9e4ed4983");
  }

  private static String sha256(String name) throws IOException, NoSuchAlgorithmException {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (InputStream in =
        ShippedDatasets.class.getResourceAsStream(ShippedDatasets.MNIST10K_RESOURCE_DIR + name)) {
      assertThat(in).as(name).isNotNull();
      md.update(in.readAllBytes());
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
