package dev.redunet.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.redunet.linalg.MathExecutor;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Scaling figures (issue #18, item 5): how the end-to-end throughput of {@link
 * StreamingBenchmark}'s pass-through and consistent applications, and the builder's time per
 * version ({@link BuilderBenchmark}), grow with the feature dimension d (64, 128, 256), the layers
 * L (2, 10, 30), the classes k (10, 100), and the input partitions (1 to 4) with one and two
 * instances. One parameter moves at a time from d = 64, L = 10, k = 10, one partition, one
 * instance; all in one JVM, after two warm-up measurements of the base point and four warm-up
 * builds (JIT), each point on a fresh broker.
 *
 * <p>The builder's GFLOP/s counts a later version's nominal work, L·(2(k+1)d²W + d²W + (k+1)d³) +
 * k·d³/3 (the window of W = 500 through each layer of the previous version, its class scatters, the
 * operators from the statistics, the MICL factors), over the version's wall time, against a dgemm
 * peak measured in the same run ({@link Peak}).
 *
 * <p>Writes {@code scaling.csv} and {@code scaling.png} (four panels: samples/s against d, L, k and
 * partitions) to {@code --out} and prints a Markdown table.
 *
 * <p>Arguments: {@code [--samples N (10000)] [--out DIR (target/scaling)] [--set key=value]}.
 */
public final class ScalingBenchmark {

  private static final int WINDOW = 500;

  /** One point of the grid. */
  record Point(String axis, int d, int layers, int k, int partitions, int instances) {
    String key() {
      return d + "/" + layers + "/" + k + "/" + partitions + "/" + instances;
    }
  }

  /** The figures of one point. */
  record Figures(
      Point point,
      double passthrough,
      double consistent,
      double versionMs,
      double versionCpuMs,
      double builderGflops) {}

  private ScalingBenchmark() {}

  public static void main(String[] args) throws Exception {
    int samples = 10_000;
    Path out = Path.of("target", "scaling");
    List<String> extra = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--samples" -> samples = Integer.parseInt(args[++i]);
        case "--out" -> out = Path.of(args[++i]);
        case "--set" -> {
          extra.add("--set");
          extra.add(args[++i]);
        }
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    Files.createDirectories(out);
    Peak.Reference peak = Peak.measure();
    System.out.println(peak.describe());
    List<Point> grid = new ArrayList<>();
    for (int d : new int[] {64, 128, 256}) {
      grid.add(new Point("d", d, 10, 10, 1, 1));
    }
    for (int l : new int[] {2, 10, 30}) {
      grid.add(new Point("L", 64, l, 10, 1, 1));
    }
    for (int k : new int[] {10, 100}) {
      grid.add(new Point("k", 64, 10, k, 1, 1));
    }
    for (int instances : new int[] {1, 2}) {
      for (int p = 1; p <= 4; p++) {
        grid.add(new Point("partitions", 64, 10, 10, p, instances));
      }
    }
    for (int w = 1; w <= 2; w++) {
      System.err.println("scaling: warm-up " + w + " of 2 (JIT) on the base point");
      streaming(grid.get(0), samples, extra);
    }
    Map<String, Figures> done = new LinkedHashMap<>();
    List<Figures> rows = new ArrayList<>();
    try (MathExecutor math =
        MathExecutor.create(MathExecutor.availableProcessors(), "bench-math")) {
      System.err.println("scaling: warm-up of the builder (JIT) on the base point");
      Point base = grid.get(0);
      BuilderBenchmark.laterVersionMillis(base.d(), base.k(), base.layers(), 8, 4, math);
      for (Point p : grid) {
        Figures f = done.get(p.key());
        if (f == null) {
          ObjectNode s = streaming(p, samples, extra);
          double[] ms = BuilderBenchmark.laterVersionMillis(p.d(), p.k(), p.layers(), 8, 2, math);
          double flops =
              p.layers()
                      * (2.0 * (p.k() + 1) * p.d() * p.d() * WINDOW
                          + (double) p.d() * p.d() * WINDOW
                          + (p.k() + 1.0) * p.d() * p.d() * p.d())
                  + p.k() * Math.pow(p.d(), 3) / 3;
          f =
              new Figures(
                  p,
                  s.get("passthrough").get("samplesPerSec").asDouble(),
                  s.get("consistent").get("samplesPerSec").asDouble(),
                  ms[0],
                  ms[1],
                  flops / (ms[0] * 1e6));
          done.put(p.key(), f);
        }
        rows.add(
            new Figures(
                p,
                f.passthrough(),
                f.consistent(),
                f.versionMs(),
                f.versionCpuMs(),
                f.builderGflops()));
        System.err.println("scaling: " + rows.get(rows.size() - 1));
      }
    }
    StringBuilder csv =
        new StringBuilder(
            "axis,d,layers,k,partitions,instances,passthrough_per_s,consistent_per_s,ratio,"
                + "version_ms,version_cpu_ms,builder_gflops,builder_percent_of_peak,builder_per_s\n");
    System.out.println(
        "| axis | d | L | k | partitions | instances | pass-through /s | consistent /s | ratio |"
            + " ms per version (CPU) | builder GFLOP/s (share of peak) | W / version time, /s |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Figures f : rows) {
      Point p = f.point();
      Object[] columns = {
        p.axis(),
        p.d(),
        p.layers(),
        p.k(),
        p.partitions(),
        p.instances(),
        f.passthrough(),
        f.consistent(),
        f.consistent() / f.passthrough(),
        f.versionMs(),
        f.versionCpuMs(),
        f.builderGflops(),
        100 * f.builderGflops() / peak.gflops(),
        WINDOW / (f.versionMs() / 1000)
      };
      csv.append(
          String.format(
              Locale.ROOT, "%s,%d,%d,%d,%d,%d,%.1f,%.1f,%.3f,%.1f,%.1f,%.2f,%.1f,%.0f%n", columns));
      System.out.printf(
          Locale.ROOT,
          "| %s | %d | %d | %d | %d | %d | %,.0f | %,.0f | %.3f | %.1f (%.1f) | %.1f (%.0f %%) |"
              + " %,.0f |%n",
          columns);
    }
    Files.writeString(out.resolve("scaling.csv"), csv, StandardCharsets.UTF_8);
    plot(rows, out.resolve("scaling.png"));
    System.out.println(
        "wrote " + out.resolve("scaling.csv") + " and " + out.resolve("scaling.png"));
  }

  private static ObjectNode streaming(Point p, int samples, List<String> extra) throws Exception {
    List<String> a =
        new ArrayList<>(
            List.of(
                "--samples",
                Integer.toString(samples),
                "--modes",
                "passthrough,consistent",
                "--dim",
                Integer.toString(p.d()),
                "--layers",
                Integer.toString(p.layers()),
                "--classes",
                Integer.toString(p.k()),
                "--partitions",
                Integer.toString(p.partitions()),
                "--instances",
                Integer.toString(p.instances())));
    a.addAll(extra);
    return StreamingBenchmark.measure(a.toArray(String[]::new));
  }

  // ---- the PNG: four panels, samples/s on a log scale ----

  private static final int PANEL_W = 520;
  private static final int PANEL_H = 340;
  private static final Color[] COLOURS = {
    new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)
  };

  /** A curve of one panel (its arrays made for it, not shared). */
  @SuppressWarnings("ArrayRecordComponent") // plotted once, never modified
  private record Series(String name, double[] x, double[] y) {}

  private static void plot(List<Figures> rows, Path png) throws IOException {
    BufferedImage img = new BufferedImage(2 * PANEL_W, 2 * PANEL_H, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, img.getWidth(), img.getHeight());
    String[] axes = {"d", "L", "k", "partitions"};
    for (int a = 0; a < 4; a++) {
      String axis = axes[a];
      List<Figures> on = rows.stream().filter(f -> f.point().axis().equals(axis)).toList();
      List<Series> series = new ArrayList<>();
      if (axis.equals("partitions")) {
        for (int inst = 1; inst <= 2; inst++) {
          int i = inst;
          List<Figures> of = on.stream().filter(f -> f.point().instances() == i).toList();
          double[] x = of.stream().mapToDouble(f -> f.point().partitions()).toArray();
          series.add(
              new Series(
                  "pass-through, " + inst + " instance(s)",
                  x,
                  of.stream().mapToDouble(Figures::passthrough).toArray()));
          series.add(
              new Series(
                  "consistent, " + inst + " instance(s)",
                  x,
                  of.stream().mapToDouble(Figures::consistent).toArray()));
        }
      } else {
        double[] x = on.stream().mapToDouble(f -> value(f.point(), axis)).toArray();
        series.add(
            new Series("pass-through", x, on.stream().mapToDouble(Figures::passthrough).toArray()));
        series.add(
            new Series("consistent", x, on.stream().mapToDouble(Figures::consistent).toArray()));
        series.add(
            new Series(
                "builder alone: W / time per version",
                x,
                on.stream().mapToDouble(f -> WINDOW / (f.versionMs() / 1000)).toArray()));
      }
      panel(g, (a % 2) * PANEL_W, (a / 2) * PANEL_H, axis, series);
    }
    g.dispose();
    ImageIO.write(img, "png", png.toFile());
  }

  private static double value(Point p, String axis) {
    return switch (axis) {
      case "d" -> p.d();
      case "L" -> p.layers();
      case "k" -> p.k();
      default -> p.partitions();
    };
  }

  private static void panel(Graphics2D g, int ox, int oy, String axis, List<Series> series) {
    int left = ox + 70;
    int right = ox + PANEL_W - 20;
    int top = oy + 40;
    int bottom = oy + PANEL_H - 110;
    double xMin = Double.MAX_VALUE;
    double xMax = -Double.MAX_VALUE;
    double yMin = Double.MAX_VALUE;
    double yMax = -Double.MAX_VALUE;
    for (Series s : series) {
      for (int i = 0; i < s.x().length; i++) {
        xMin = Math.min(xMin, s.x()[i]);
        xMax = Math.max(xMax, s.x()[i]);
        yMin = Math.min(yMin, s.y()[i]);
        yMax = Math.max(yMax, s.y()[i]);
      }
    }
    double lo = Math.pow(10, Math.floor(Math.log10(Math.max(1, yMin))));
    double hi = Math.pow(10, Math.ceil(Math.log10(Math.max(10, yMax))));
    boolean logX = !axis.equals("partitions");
    double fx0 = logX ? Math.log(xMin) : xMin;
    double fx1 = logX ? Math.log(xMax) : xMax;
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.setColor(Color.BLACK);
    g.drawString("samples/s against " + axis, left, oy + 22);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    g.setColor(new Color(0xdddddd));
    for (double t = lo; t <= hi * 1.0001; t *= 10) {
      int y = yPix(t, lo, hi, top, bottom);
      g.drawLine(left, y, right, y);
      g.setColor(Color.DARK_GRAY);
      g.drawString(String.format(Locale.ROOT, "%,.0f", t), ox + 5, y + 4);
      g.setColor(new Color(0xdddddd));
    }
    g.setColor(Color.BLACK);
    g.drawRect(left, top, right - left, bottom - top);
    for (int si = 0; si < series.size(); si++) {
      Series s = series.get(si);
      g.setColor(COLOURS[si % COLOURS.length]);
      g.setStroke(new BasicStroke(2f));
      int px = -1;
      int py = -1;
      for (int i = 0; i < s.x().length; i++) {
        double fx = logX ? Math.log(s.x()[i]) : s.x()[i];
        int x = fx1 == fx0 ? left : (int) (left + (fx - fx0) / (fx1 - fx0) * (right - left));
        int y = yPix(s.y()[i], lo, hi, top, bottom);
        g.fillOval(x - 3, y - 3, 7, 7);
        if (px >= 0) {
          g.drawLine(px, py, x, y);
        }
        px = x;
        py = y;
        if (si == 0) {
          g.setColor(Color.DARK_GRAY);
          String label = String.format(Locale.ROOT, "%.0f", s.x()[i]);
          g.drawString(label, x - 4 * label.length() / 2, bottom + 15);
          g.setColor(COLOURS[si % COLOURS.length]);
        }
      }
      g.drawLine(left, bottom + 30 + 16 * si, left + 20, bottom + 30 + 16 * si);
      g.setColor(Color.BLACK);
      g.drawString(s.name(), left + 28, bottom + 34 + 16 * si);
    }
    g.setStroke(new BasicStroke(1f));
  }

  private static int yPix(double v, double lo, double hi, int top, int bottom) {
    double f = (Math.log(Math.max(v, lo)) - Math.log(lo)) / (Math.log(hi) - Math.log(lo));
    return (int) (bottom - f * (bottom - top));
  }
}
