package io.baton.bench;

import io.baton.samples.http.PacedLoad;
import java.util.List;
import java.util.Locale;

/**
 * The latency-over-time plot of {@link HttpDowntime} as a hand-written SVG: one panel per scenario,
 * time relative to the start of the replacement on x, each request's latency (from when it was due,
 * log scale) on y, the replacement window shaded, failed requests as red ticks in a strip above.
 */
final class Svg {
    private static final int WIDTH = 960;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int PANEL = 190;
    private static final int STRIP = 14;
    private static final int TOP = 66;
    private static final double Y_MIN_MS = 0.05;
    private static final double Y_MAX_MS = 5_000;
    private static final double ZOOM_MS = 250;

    private Svg() {
    }

    static String plot(HttpDowntime.Result r) {
        List<HttpDowntime.Scenario> scenarios = r.scenarios();
        // the replacement and a little steady state either side: windows are tens of ms, the run seconds
        double margin = Math.min(ZOOM_MS, Math.min(r.plan().beforeMillis(), r.plan().afterMillis()));
        double xMin = -margin;
        double xMax = margin;
        for (HttpDowntime.Scenario s : scenarios) {
            xMax = Math.max(xMax, (s.endNs() - s.startNs()) / 1e6 + margin);
        }
        int height = TOP + scenarios.size() * PANEL + 30;
        StringBuilder b = new StringBuilder();
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH).append("\" height=\"")
                .append(height).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(height)
                .append("\" font-family=\"sans-serif\" font-size=\"11\">\n");
        b.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        b.append("<text x=\"").append(LEFT).append("\" y=\"20\" font-size=\"14\" font-weight=\"bold\">HTTP sample "
                + "under steady load: request latency across a replacement</text>\n");
        b.append("<text x=\"").append(LEFT).append("\" y=\"38\">").append(r.plan().connections())
                .append(" connections (half keep-alive, half a connection per request) × ")
                .append(r.plan().ratePerConnection()).append(" req/s on loopback, no retries; latency from when each "
                        + "request was due (log scale)</text>\n");
        b.append("<text x=\"").append(LEFT).append("\" y=\"54\">shaded: the replacement window; red ticks: failed "
                + "requests; the counts in each title are of the whole run</text>\n");
        for (int i = 0; i < scenarios.size(); i++) {
            panel(b, scenarios.get(i), TOP + i * PANEL, xMin, xMax);
        }
        b.append("<text x=\"").append(LEFT + (WIDTH - LEFT - RIGHT) / 2).append("\" y=\"").append(height - 8)
                .append("\" text-anchor=\"middle\">time since the replacement (or the kill) was asked for (ms)")
                .append("</text>\n");
        b.append("</svg>\n");
        return b.toString();
    }

    private static void panel(StringBuilder b, HttpDowntime.Scenario s, int top, double xMin, double xMax) {
        int plotTop = top + 18 + STRIP;
        int plotBottom = top + PANEL - 22;
        int plotRight = WIDTH - RIGHT;
        double startMs = s.startNs() / 1e6;
        b.append("<g>\n");
        b.append("<text x=\"").append(LEFT).append("\" y=\"").append(top + 12).append("\" font-weight=\"bold\">")
                .append(s.name()).append("</text>");
        b.append("<text x=\"").append(LEFT + 170).append("\" y=\"").append(top + 12).append("\">outcome ")
                .append(s.outcome()).append(", window ").append(fmt((s.endNs() - s.startNs()) / 1e6)).append(" ms, ")
                .append(s.failed()).append(" of ").append(s.samples().size()).append(" requests failed, p99 in window ")
                .append(fmt(s.windowLatency().p99() / 1e3)).append(" ms</text>\n");
        // replacement window
        double wx0 = x(0, xMin, xMax);
        double wx1 = x((s.endNs() - s.startNs()) / 1e6, xMin, xMax);
        b.append("<rect x=\"").append(fmt(wx0)).append("\" y=\"").append(plotTop - STRIP).append("\" width=\"")
                .append(fmt(Math.max(1, wx1 - wx0))).append("\" height=\"").append(plotBottom - plotTop + STRIP)
                .append("\" fill=\"#f5d9a8\" fill-opacity=\"0.6\"/>\n");
        // frame, failed strip, y grid
        b.append("<rect x=\"").append(LEFT).append("\" y=\"").append(plotTop - STRIP).append("\" width=\"")
                .append(plotRight - LEFT).append("\" height=\"").append(STRIP)
                .append("\" fill=\"none\" stroke=\"#ccc\"/>\n");
        b.append("<text x=\"").append(LEFT - 4).append("\" y=\"").append(plotTop - 3)
                .append("\" text-anchor=\"end\" fill=\"#c00\">failed</text>\n");
        for (double ms : new double[] {0.1, 1, 10, 100, 1000}) {
            double y = y(ms, plotTop, plotBottom);
            b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(plotRight).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#e4e4e4\"/>");
            b.append("<text x=\"").append(LEFT - 4).append("\" y=\"").append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(ms < 1 ? "0.1" : Long.toString((long) ms)).append(" ms</text>\n");
        }
        b.append("<rect x=\"").append(LEFT).append("\" y=\"").append(plotTop).append("\" width=\"")
                .append(plotRight - LEFT).append("\" height=\"").append(plotBottom - plotTop)
                .append("\" fill=\"none\" stroke=\"#888\"/>\n");
        long step = niceStep(xMax - xMin);
        for (long t = (long) Math.ceil(xMin / step) * step; t <= xMax; t += step) {
            double x = x(t, xMin, xMax);
            b.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
                    .append(plotBottom)
                    .append("\" y2=\"").append(plotBottom + 4).append("\" stroke=\"#888\"/>");
            b.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(plotBottom + 15)
                    .append("\" text-anchor=\"middle\">").append(t).append("</text>\n");
        }
        // requests: zero-length round-capped segments are dots, one path per kind keeps the file small
        StringBuilder ok = new StringBuilder();
        StringBuilder failed = new StringBuilder();
        for (PacedLoad.Sample r : s.samples()) {
            double t = r.dueNanos() / 1e6 - startMs;
            if (t < xMin || t > xMax) {
                continue;
            }
            double x = x(t, xMin, xMax);
            if (r.failed()) {
                failed.append('M').append(fmt(x)).append(' ').append(plotTop - STRIP + 2).append("v10");
            } else {
                ok.append('M').append(fmt(x)).append(' ').append(fmt(y(r.latencyNanos() / 1e6, plotTop, plotBottom)))
                        .append("h0");
            }
        }
        b.append("<path d=\"").append(ok).append("\" stroke=\"#1f5fa8\" stroke-width=\"2.2\" stroke-linecap=\"round\" "
                + "fill=\"none\" stroke-opacity=\"0.7\"/>\n");
        if (failed.length() > 0) {
            b.append("<path d=\"").append(failed).append("\" stroke=\"#c00\" stroke-width=\"1\" fill=\"none\"/>\n");
        }
        b.append("</g>\n");
    }

    private static double x(double ms, double xMin, double xMax) {
        return LEFT + (ms - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double ms, int plotTop, int plotBottom) {
        double v = Math.max(Y_MIN_MS, Math.min(Y_MAX_MS, ms));
        double f = (Math.log10(v) - Math.log10(Y_MIN_MS)) / (Math.log10(Y_MAX_MS) - Math.log10(Y_MIN_MS));
        return plotBottom - f * (plotBottom - plotTop);
    }

    private static long niceStep(double spanMs) {
        for (long s : new long[] {50, 100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000}) {
            if (spanMs / s <= 12) {
                return s;
            }
        }
        return 20_000;
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
