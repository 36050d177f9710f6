package io.tokenlogin.keycloak.bench.load;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/** The PNG: throughput, p95 latency and sign-ins per Keycloak CPU second by concurrency, one line per scenario (log scales). Headless Java2D. */
final class Plot {

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd)};
    private static final int PANEL_W = 520;
    private static final int PANEL_H = 430;
    private static final int TOP = 70;

    private Plot() {
    }

    static void write(Results r, Path file) throws Exception {
        System.setProperty("java.awt.headless", "true");
        int w = PANEL_W * 3 + 40;
        int h = TOP + PANEL_H + 110;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.drawString("keycloak-token-login load benchmark: Keycloak " + r.keycloakVersion + ", " + r.mode + " run, " + r.startedAt, 20, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString("closed loop, one Keycloak in production mode on PostgreSQL; driver on the same machine; log scales", 20, 52);
        panel(g, r, 20, "Throughput (sign-ins/s)", Runner.Level::throughput);
        panel(g, r, 20 + PANEL_W, "p95 latency (ms)", Runner.Level::p95Ms);
        panel(g, r, 20 + 2 * PANEL_W, "Sign-ins per Keycloak CPU second", l -> l.keycloakCpuMsPerSignInToIdle() == 0 ? 0 : 1000 / l.keycloakCpuMsPerSignInToIdle());
        // legend
        int x = 80;
        int y = TOP + PANEL_H + 75;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        for (int i = 0; i < r.scenarios.size(); i++) {
            Results.ScenarioResult s = r.scenarios.get(i);
            g.setColor(COLORS[i % COLORS.length]);
            g.setStroke(new BasicStroke(3));
            g.drawLine(x, y - 5, x + 30, y - 5);
            g.setColor(Color.BLACK);
            String label = "(" + s.id() + ") " + Report.shortTitle(s.id());
            g.drawString(label, x + 38, y);
            x += 60 + g.getFontMetrics().stringWidth(label);
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static void panel(Graphics2D g, Results r, int x0, String title, ToDoubleFunction<Runner.Level> metric) {
        int left = x0 + 60;
        int right = x0 + PANEL_W - 20;
        int top = TOP + 30;
        int bottom = TOP + PANEL_H;
        TreeSet<Integer> levels = new TreeSet<>();
        double min = Double.MAX_VALUE;
        double max = 0;
        for (Results.ScenarioResult s : r.scenarios) {
            for (Runner.Level l : s.levels()) {
                levels.add(l.concurrency());
                double v = metric.applyAsDouble(l);
                if (v > 0) {
                    min = Math.min(min, v);
                    max = Math.max(max, v);
                }
            }
        }
        if (max == 0) {
            return;
        }
        double lo = Math.pow(10, Math.floor(Math.log10(min)));
        double hi = Math.pow(10, Math.ceil(Math.log10(max)));
        if (hi <= lo) {
            hi = lo * 10;
        }
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, left, TOP + 15);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        // y grid (decades and 2x, 5x)
        for (double d = lo; d <= hi * 1.0001; d *= 10) {
            for (double k : new double[] {1, 2, 5}) {
                double v = d * k;
                if (v > hi * 1.0001) {
                    break;
                }
                int y = yOf(v, lo, hi, top, bottom);
                g.setColor(k == 1 ? new Color(0xbbbbbb) : new Color(0xe5e5e5));
                g.drawLine(left, y, right, y);
                g.setColor(Color.DARK_GRAY);
                String label = v >= 1 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2g", v);
                if (k == 1 || (hi / lo) <= 1000) {
                    g.drawString(label, left - 6 - fm.stringWidth(label), y + 4);
                }
            }
        }
        List<Integer> xs = List.copyOf(levels);
        for (int i = 0; i < xs.size(); i++) {
            int x = xOf(i, xs.size(), left, right);
            g.setColor(new Color(0xe5e5e5));
            g.drawLine(x, top, x, bottom);
            g.setColor(Color.DARK_GRAY);
            String label = Integer.toString(xs.get(i));
            g.drawString(label, x - fm.stringWidth(label) / 2, bottom + 16);
        }
        g.drawString("concurrent users", (left + right) / 2 - fm.stringWidth("concurrent users") / 2, bottom + 34);
        g.setColor(Color.GRAY);
        g.drawRect(left, top, right - left, bottom - top);
        for (int si = 0; si < r.scenarios.size(); si++) {
            Results.ScenarioResult s = r.scenarios.get(si);
            g.setColor(COLORS[si % COLORS.length]);
            g.setStroke(new BasicStroke(2.5f));
            int px = -1;
            int py = -1;
            for (Runner.Level l : s.levels()) {
                double v = metric.applyAsDouble(l);
                if (v <= 0) {
                    continue;
                }
                int x = xOf(xs.indexOf(l.concurrency()), xs.size(), left, right);
                int y = yOf(v, lo, hi, top, bottom);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                g.fill(new Ellipse2D.Double(x - 4, y - 4, 8, 8));
                px = x;
                py = y;
            }
            g.setStroke(new BasicStroke(1));
        }
    }

    private static int xOf(int i, int n, int left, int right) {
        return n <= 1 ? (left + right) / 2 : left + 30 + (int) ((right - left - 60) * (double) i / (n - 1));
    }

    private static int yOf(double v, double lo, double hi, int top, int bottom) {
        double f = (Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo));
        return bottom - (int) Math.round(f * (bottom - top));
    }
}
