package dev.redunet.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.redunet.linalg.Matrix;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads the golden files copied from the reference vectors into {@code test/resources/vectors}. */
public final class GoldenVectors {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private GoldenVectors() {}

  /** The parsed file {@code vectors/<name>}. */
  public static JsonNode load(String name) {
    try (InputStream in = GoldenVectors.class.getResourceAsStream("/vectors/" + name)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource vectors/" + name);
      }
      return MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A matrix stored as rows: {@code node[i][j]} is entry (i, j). */
  public static Matrix matrix(JsonNode node) {
    return Matrix.fromRows(rows(node));
  }

  /** A matrix stored as rows, as a {@code double[rows][columns]}. */
  public static double[][] rows(JsonNode node) {
    double[][] rows = new double[node.size()][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = doubles(node.get(i));
    }
    return rows;
  }

  /** Relative closeness {@code |a − e| ≤ tol·max(|e|, floor)}. */
  public static boolean close(double actual, double expected, double tol, double floor) {
    return Math.abs(actual - expected) <= tol * Math.max(Math.abs(expected), floor);
  }

  /** A vector of numbers. */
  public static double[] doubles(JsonNode node) {
    double[] v = new double[node.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = node.get(i).asDouble();
    }
    return v;
  }

  /** A vector of integers. */
  public static int[] ints(JsonNode node) {
    int[] v = new int[node.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = node.get(i).asInt();
    }
    return v;
  }
}
