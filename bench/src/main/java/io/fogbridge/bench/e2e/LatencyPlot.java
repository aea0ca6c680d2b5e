package io.fogbridge.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * PNG plot of end-to-end latency percentiles (p50, p95, p99, max; log scale) against the offered rate of the
 * fixed-rate runs, with the 25 ms p99 target as a line. Drawn with Java2D so it needs nothing installed.
 *
 * <p>{@code LatencyPlot <out.png> <e2e.json>...} plots the fixed-rate runs of one or more {@code --json} files.
 */
public final class LatencyPlot {

    private static final int W = 900;
    private static final int H = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 170;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    record Point(double rate, double p50, double p95, double p99, double max) {}

    private LatencyPlot() {}

    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: LatencyPlot <out.png> <e2e.json>...");
            System.exit(2);
        }
        List<Point> points = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (int i = 1; i < args.length; i++) {
            for (JsonNode run : json.readTree(Path.of(args[i]).toFile()).get("runs")) {
                JsonNode spec = run.get("spec");
                if (spec.get("rate").asDouble() > 0
                        && spec.get("outageSeconds").asInt() == 0
                        && spec.get("clients").asInt() == 100) {
                    points.add(new Point(
                            spec.get("rate").asDouble(),
                            run.get("p50Ms").asDouble(),
                            run.get("p95Ms").asDouble(),
                            run.get("p99Ms").asDouble(),
                            run.get("maxMs").asDouble()));
                }
            }
        }
        draw(points, Path.of(args[0]), "");
    }

    static void write(Report report, Path out) throws IOException {
        List<Point> points = report.runs().stream()
                .filter(r -> !r.spec().asFastAsPossible()
                        && r.spec().outageSeconds() == 0
                        && r.spec().clients() == 100)
                .map(r -> new Point(r.spec().rate(), r.p50Ms(), r.p95Ms(), r.p99Ms(), r.maxMs()))
                .toList();
        draw(
                points,
                out,
                String.format(
                        "%d cores, %,d MB",
                        report.machine().cores(), report.machine().memoryMb()));
    }

    static void draw(List<Point> unsorted, Path out, String machine) throws IOException {
        List<Point> points = unsorted.stream()
                .sorted(Comparator.comparingDouble(Point::rate))
                .toList();
        if (points.isEmpty()) {
            throw new IllegalArgumentException("no fixed-rate runs with 100 clients to plot");
        }
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);

        double xMax = niceCeil(points.getLast().rate() * 1.05);
        double yMin = 1;
        double yMax = 1;
        for (Point p : points) {
            yMax = Math.max(yMax, p.max());
            yMin = Math.min(yMin, Math.max(0.1, p.p50()));
        }
        double logMin = Math.floor(Math.log10(yMin));
        double logMax = Math.ceil(Math.log10(Math.max(yMax, 30)));
        Axes axes = new Axes(xMax, logMin, logMax);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(230, 230, 230));
        for (double d = logMin; d <= logMax; d++) {
            for (int m = 1; m < 10; m++) {
                double v = Math.pow(10, d) * m;
                if (Math.log10(v) > logMax) {
                    break;
                }
                int y = axes.y(v);
                g.setColor(m == 1 ? new Color(200, 200, 200) : new Color(238, 238, 238));
                g.drawLine(LEFT, y, W - RIGHT, y);
                if (m == 1) {
                    g.setColor(Color.DARK_GRAY);
                    String label = v >= 1 ? String.format("%.0f", v) : String.format("%.1f", v);
                    g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y + 4);
                }
            }
        }
        for (int i = 0; i <= 5; i++) {
            double v = xMax * i / 5;
            int x = axes.x(v);
            g.setColor(new Color(225, 225, 225));
            g.drawLine(x, TOP, x, H - BOTTOM);
            g.setColor(Color.DARK_GRAY);
            String label = String.format("%,.0f", v);
            g.drawString(label, x - g.getFontMetrics().stringWidth(label) / 2, H - BOTTOM + 18);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        g.drawString("offered rate (msg/s, 100 clients, 200 B, QoS 1, fsync group)", LEFT + 120, H - 25);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.drawString("latency PUBLISH -> readable in Kafka (ms, log)", -(H + 230) / 2 - 40, 25);
        rotated.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(
                "Fogbridge end-to-end latency vs offered rate" + (machine.isEmpty() ? "" : " (" + machine + ")"),
                LEFT,
                30);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.setColor(new Color(200, 0, 0));
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        g.drawLine(LEFT, axes.y(25), W - RIGHT, axes.y(25));
        g.drawString("p99 target 25 ms", W - RIGHT + 8, axes.y(25) + 4);

        series(g, axes, points, Point::p50, new Color(31, 119, 180), "p50", 0);
        series(g, axes, points, Point::p95, new Color(44, 160, 44), "p95", 1);
        series(g, axes, points, Point::p99, new Color(255, 127, 14), "p99", 2);
        series(g, axes, points, Point::max, new Color(120, 120, 120), "max", 3);
        g.dispose();
        ImageIO.write(image, "png", out.toFile());
    }

    private static void series(
            Graphics2D g,
            Axes axes,
            List<Point> points,
            java.util.function.ToDoubleFunction<Point> value,
            Color color,
            String name,
            int legendRow) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        int px = -1;
        int py = -1;
        for (Point p : points) {
            int x = axes.x(p.rate());
            int y = axes.y(Math.max(Math.pow(10, axes.logMin), value.applyAsDouble(p)));
            g.fillOval(x - 4, y - 4, 8, 8);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
        // legend in the right margin, one row per series (end-of-line labels collide when the lines meet)
        int ly = TOP + 14 + legendRow * 20;
        g.drawLine(W - RIGHT + 8, ly - 4, W - RIGHT + 30, ly - 4);
        g.drawString(name, W - RIGHT + 36, ly);
    }

    private static double niceCeil(double v) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
        for (double step : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (step * magnitude >= v) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private record Axes(double xMax, double logMin, double logMax) {
        int x(double rate) {
            return LEFT + (int) Math.round(rate / xMax * (W - LEFT - RIGHT));
        }

        int y(double ms) {
            double f = (Math.log10(ms) - logMin) / (logMax - logMin);
            return H - BOTTOM - (int) Math.round(f * (H - TOP - BOTTOM));
        }
    }
}
