package dev.redunet.micl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Loads the golden vectors copied from {@code shared/reference/vectors} into test resources. */
public final class Golden {

  private Golden() {}

  /** Parses {@code /vectors/<name>} from the test class path. */
  public static JsonNode load(String name) {
    try (InputStream in = Golden.class.getResourceAsStream("/vectors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource /vectors/" + name);
      }
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON array of numbers as a vector. */
  public static double[] vector(JsonNode node) {
    double[] v = new double[node.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = node.get(i).asDouble();
    }
    return v;
  }

  /** A JSON array of arrays of numbers as a matrix (rows as given). */
  public static double[][] matrix(JsonNode node) {
    double[][] m = new double[node.size()][];
    for (int i = 0; i < m.length; i++) {
      m[i] = vector(node.get(i));
    }
    return m;
  }

  /** Relative closeness {@code |a − e| ≤ tol·max(|e|, floor)}. */
  public static boolean close(double actual, double expected, double tol, double floor) {
    return Math.abs(actual - expected) <= tol * Math.max(Math.abs(expected), floor);
  }
}
