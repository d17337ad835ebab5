package dev.redunet.app;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A plain line chart of R, R^c and ΔR along the layers, drawn with java.awt into a PNG (headless,
 * no charting dependency). Layer 0 is the normalized input.
 */
final class RatePlot {

  private static final int WIDTH = 900;
  private static final int HEIGHT = 560;
  private static final int LEFT = 80;
  private static final int RIGHT = 30;
  private static final int TOP = 50;
  private static final int BOTTOM = 60;

  /** One curve. */
  static final class Series {
    private final String name;
    private final Color color;
    private final double[] values;

    Series(String name, Color color, double[] values) {
      this.name = name;
      this.color = color;
      this.values = values.clone();
    }

    String name() {
      return name;
    }

    Color color() {
      return color;
    }

    double[] values() {
      return values;
    }
  }

  private RatePlot() {}

  /**
   * Writes the chart.
   *
   * @param file the PNG to write
   * @param title the title line
   * @param series curves over the layers 0 … n−1, all of the same length n ≥ 1
   */
  static void write(Path file, String title, List<Series> series) throws IOException {
    System.setProperty("java.awt.headless", "true");
    int n = series.get(0).values().length;
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    for (Series s : series) {
      for (double v : s.values()) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    lo = Math.min(lo, 0);
    double pad = (hi - lo) * 0.05 + 1e-12;
    hi += pad;
    BufferedImage img = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, HEIGHT);
      int pw = WIDTH - LEFT - RIGHT;
      int ph = HEIGHT - TOP - BOTTOM;
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = g.getFontMetrics();
      // Grid and y ticks.
      for (int t = 0; t <= 5; t++) {
        double v = lo + (hi - lo) * t / 5;
        int y = TOP + ph - (int) Math.round(ph * (v - lo) / (hi - lo));
        g.setColor(new Color(225, 225, 225));
        g.drawLine(LEFT, y, LEFT + pw, y);
        g.setColor(Color.DARK_GRAY);
        String label = String.format(Locale.ROOT, "%.3f", v);
        g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + fm.getAscent() / 2);
      }
      // x ticks.
      int last = Math.max(1, n - 1);
      for (int t = 0; t <= 5; t++) {
        int layer = (int) Math.round((double) last * t / 5);
        int x = LEFT + (int) Math.round((double) pw * layer / last);
        g.setColor(Color.DARK_GRAY);
        g.drawLine(x, TOP + ph, x, TOP + ph + 5);
        String label = Integer.toString(layer);
        g.drawString(label, x - fm.stringWidth(label) / 2, TOP + ph + 8 + fm.getAscent());
      }
      g.drawRect(LEFT, TOP, pw, ph);
      g.drawString("layer", LEFT + pw / 2 - fm.stringWidth("layer") / 2, HEIGHT - 15);
      g.drawString("nats", 15, TOP - 10);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      g.drawString(title, LEFT, 28);
      // Curves.
      g.setStroke(new BasicStroke(2f));
      int legendY = TOP + 18;
      for (Series s : series) {
        Path2D.Double path = new Path2D.Double();
        double[] v = s.values();
        for (int i = 0; i < v.length; i++) {
          double x = LEFT + (double) pw * i / last;
          double y = TOP + ph - ph * (v[i] - lo) / (hi - lo);
          if (i == 0) {
            path.moveTo(x, y);
          } else {
            path.lineTo(x, y);
          }
        }
        g.setColor(s.color());
        g.draw(path);
        g.drawLine(LEFT + pw - 130, legendY - 4, LEFT + pw - 105, legendY - 4);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(s.name(), LEFT + pw - 98, legendY);
        legendY += 18;
      }
    } finally {
      g.dispose();
    }
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IOException("no PNG writer available");
    }
  }
}
