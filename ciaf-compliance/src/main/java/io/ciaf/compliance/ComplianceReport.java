package io.ciaf.compliance;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Renders an {@link Assessment} for people: Markdown, or one self-contained HTML file (inline CSS and SVG, no
 * script, nothing fetched) with the score per framework, the scores over time, the selection rate per group
 * against the four-fifths line, and every failed check with its reason and evidence ids.
 */
public final class ComplianceReport {

    /** Earlier scores of the model, from its earlier assessments: framework id → score. */
    public record ScorePoint(Instant at, Map<String, Double> scores) {
        public ScorePoint {
            Objects.requireNonNull(at, "at");
            scores = Map.copyOf(scores);
        }
    }

    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b",
        "#e377c2", "#17becf"};

    private ComplianceReport() {
    }

    static String percent(FrameworkScore s) {
        return s.score().isPresent() ? String.format(Locale.ROOT, "%.0f%%", 100 * s.score().getAsDouble()) : "n/a";
    }

    static String number(Double d) {
        return d == null ? "" : String.format(Locale.ROOT, "%.4g", d);
    }

    /** A Markdown report: a score table, then each framework's check results. */
    public static String markdown(Assessment a, double fourFifths) {
        StringBuilder md = new StringBuilder();
        md.append("# Compliance report: ").append(a.model()).append("\n\n");
        md.append("Assessed ").append(a.at()).append(" from ").append(a.records()).append(" records; ledger ")
                .append(a.ledgerIntact() ? "verified" : "**does not verify**").append(".\n\n");
        md.append("| framework | score | failed checks |\n|---|---|---|\n");
        Map<String, List<CheckResult>> failedByFramework = a.failed();
        for (FrameworkScore s : a.scores()) {
            List<String> failed = failedByFramework.getOrDefault(s.frameworkId(), List.of()).stream()
                    .map(CheckResult::checkId).toList();
            md.append("| ").append(s.name()).append(" | ").append(percent(s)).append(s.capped() ? " (capped)" : "")
                    .append(" | ").append(String.join(", ", failed)).append(" |\n");
        }
        for (Map.Entry<String, Map<String, Double>> e : a.selectionRates().entrySet()) {
            md.append("\n## Selection rate by ").append(e.getKey()).append("\n\n| group | rate | ≥ ")
                    .append(fourFifths).append(" × highest |\n|---|---|---|\n");
            double max = e.getValue().values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
            e.getValue().forEach((g, r) -> md.append("| ").append(g).append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f", r)).append(" | ")
                    .append(r >= fourFifths * max ? "yes" : "**no**").append(" |\n"));
        }
        for (FrameworkScore s : a.scores()) {
            md.append("\n## ").append(s.name()).append(" ").append(s.version()).append(": ").append(percent(s))
                    .append("\n\n| check | status | measured | threshold | reason |\n|---|---|---|---|---|\n");
            for (CheckResult r : s.results()) {
                md.append("| ").append(r.checkId()).append(" | ").append(r.status()).append(" | ")
                        .append(number(r.measured())).append(" | ").append(number(r.threshold())).append(" | ")
                        .append(r.reason().replace("|", "\\|")).append(" |\n");
            }
        }
        return md.toString();
    }

    /** The HTML report; {@code history} holds earlier assessments, oldest first (may be empty). */
    public static String html(Assessment a, List<ScorePoint> history, double fourFifths) {
        StringBuilder h = new StringBuilder(16_384);
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
                .append("<title>Compliance report: ").append(esc(a.model())).append("</title><style>")
                .append("body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:72em}")
                .append("table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.3em .6em;")
                .append("text-align:left;vertical-align:top}th{background:#f3f3f3}.FAIL,.ERROR{color:#b00020}")
                .append(".PASS{color:#1b7a2f}.PARTIAL{color:#a86b00}code{font-size:.85em}</style></head><body>\n");
        h.append("<h1>Compliance report: ").append(esc(a.model())).append("</h1>\n<p>Assessed ")
                .append(esc(a.at().toString())).append(" from ").append(a.records()).append(" records. Ledger: <b>")
                .append(a.ledgerIntact() ? "verified" : "DOES NOT VERIFY").append("</b>.</p>\n");
        h.append("<h2>Score per framework</h2>\n").append(scoreBars(a.scores()));
        h.append("<h2>Score over time</h2>\n").append(timeline(a, history));
        for (Map.Entry<String, Map<String, Double>> e : a.selectionRates().entrySet()) {
            h.append("<h2>Selection rate by ").append(esc(e.getKey())).append("</h2>\n")
                    .append(rateBars(e.getValue(), fourFifths));
        }
        h.append("<h2>Failed checks</h2>\n");
        Map<String, List<CheckResult>> failed = a.failed();
        if (failed.isEmpty()) {
            h.append("<p>None.</p>\n");
        } else {
            h.append("<table><tr><th>framework</th><th>check</th><th>status</th><th>reason</th><th>evidence</th></tr>\n");
            failed.forEach((f, results) -> results.forEach(r -> h.append("<tr><td>").append(esc(f)).append("</td><td>")
                    .append(esc(r.checkId())).append("</td><td class=\"").append(r.status()).append("\">")
                    .append(r.status()).append("</td><td>").append(esc(r.reason())).append("</td><td><code>")
                    .append(esc(String.join(" ", r.evidenceIds()))).append("</code></td></tr>\n")));
            h.append("</table>\n");
        }
        h.append("<h2>All checks</h2>\n");
        for (FrameworkScore s : a.scores()) {
            h.append("<h3>").append(esc(s.name())).append(" ").append(esc(s.version())).append(": ")
                    .append(percent(s)).append(s.capped() ? " (capped by a failed blocking check)" : "").append("</h3>\n")
                    .append("<table><tr><th>check</th><th>status</th><th>measured</th><th>threshold</th><th>reason</th></tr>\n");
            for (CheckResult r : s.results()) {
                h.append("<tr><td>").append(esc(r.checkId())).append("</td><td class=\"").append(r.status()).append("\">")
                        .append(r.status()).append("</td><td>").append(number(r.measured())).append("</td><td>")
                        .append(number(r.threshold())).append("</td><td>").append(esc(r.reason())).append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        h.append("</body></html>\n");
        return h.toString();
    }

    private static String scoreBars(List<FrameworkScore> scores) {
        int rowH = 26;
        int height = rowH * scores.size() + 30;
        StringBuilder s = new StringBuilder();
        s.append("<svg width=\"640\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"score per framework\">");
        for (int i = 0; i < scores.size(); i++) {
            FrameworkScore f = scores.get(i);
            int y = 10 + i * rowH;
            double v = f.score().orElse(0);
            s.append("<text x=\"0\" y=\"").append(y + 16).append("\" font-size=\"13\">").append(esc(f.name()))
                    .append("</text><rect x=\"220\" y=\"").append(y).append("\" width=\"").append(fmt(360 * v))
                    .append("\" height=\"18\" fill=\"").append(v >= 0.8 ? "#2ca02c" : v >= 0.5 ? "#ff9f1c" : "#d62728")
                    .append("\"><title>").append(esc(f.name())).append(": ").append(percent(f)).append("</title></rect>")
                    .append("<text x=\"").append(fmt(226 + 360 * v)).append("\" y=\"").append(y + 14)
                    .append("\" font-size=\"12\">").append(percent(f)).append("</text>");
        }
        s.append("<line x1=\"220\" y1=\"5\" x2=\"220\" y2=\"").append(height - 5).append("\" stroke=\"#666\"/>");
        return s.append("</svg>\n").toString();
    }

    private static String timeline(Assessment a, List<ScorePoint> history) {
        List<ScorePoint> points = new ArrayList<>(history);
        Map<String, Double> now = new TreeMap<>();
        a.scores().forEach(s -> s.score().ifPresent(v -> now.put(s.frameworkId(), v)));
        points.add(new ScorePoint(a.at(), now));
        int w = 640;
        int ht = 220;
        int left = 40;
        int right = 150;
        int top = 10;
        int bottom = 30;
        long t0 = points.get(0).at().toEpochMilli();
        long t1 = points.get(points.size() - 1).at().toEpochMilli();
        double span = Math.max(1, t1 - t0);
        StringBuilder s = new StringBuilder();
        s.append("<svg width=\"").append(w).append("\" height=\"").append(ht)
                .append("\" role=\"img\" aria-label=\"score over time\">");
        for (int p = 0; p <= 100; p += 25) {
            double y = top + (ht - top - bottom) * (1 - p / 100.0);
            s.append("<line x1=\"").append(left).append("\" x2=\"").append(w - right).append("\" y1=\"").append(fmt(y))
                    .append("\" y2=\"").append(fmt(y)).append("\" stroke=\"#ddd\"/><text x=\"0\" y=\"").append(fmt(y + 4))
                    .append("\" font-size=\"11\">").append(p).append("%</text>");
        }
        int colour = 0;
        for (FrameworkScore f : a.scores()) {
            StringBuilder line = new StringBuilder();
            for (ScorePoint p : points) {
                Double v = p.scores().get(f.frameworkId());
                if (v == null) {
                    continue;
                }
                double x = points.size() == 1 ? left + (w - right - left) / 2.0
                        : left + (w - right - left) * (p.at().toEpochMilli() - t0) / span;
                double y = top + (ht - top - bottom) * (1 - v);
                line.append(fmt(x)).append(',').append(fmt(y)).append(' ');
                s.append("<circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y)).append("\" r=\"3\" fill=\"")
                        .append(COLOURS[colour % COLOURS.length]).append("\"><title>").append(esc(f.name())).append(' ')
                        .append(esc(p.at().toString())).append(": ").append(String.format(Locale.ROOT, "%.0f%%", 100 * v))
                        .append("</title></circle>");
            }
            if (line.length() > 0) {
                s.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(COLOURS[colour % COLOURS.length])
                        .append("\" points=\"").append(line.toString().strip()).append("\"/>");
                s.append("<text x=\"").append(w - right + 8).append("\" y=\"").append(top + 12 + 14 * colour)
                        .append("\" font-size=\"11\" fill=\"").append(COLOURS[colour % COLOURS.length]).append("\">")
                        .append(esc(f.name())).append("</text>");
            }
            colour++;
        }
        s.append("<text x=\"").append(left).append("\" y=\"").append(ht - 8).append("\" font-size=\"11\">")
                .append(esc(points.get(0).at().toString())).append("</text><text x=\"").append(w - right)
                .append("\" y=\"").append(ht - 8).append("\" font-size=\"11\" text-anchor=\"end\">")
                .append(esc(a.at().toString())).append("</text>");
        return s.append("</svg>\n").toString();
    }

    private static String rateBars(Map<String, Double> rates, double fourFifths) {
        if (rates.isEmpty()) {
            return "<p>No decisions carry this attribute.</p>\n";
        }
        double max = rates.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        int rowH = 26;
        int height = rowH * rates.size() + 40;
        int left = 160;
        int width = 400;
        StringBuilder s = new StringBuilder();
        s.append("<svg width=\"640\" height=\"").append(height)
                .append("\" role=\"img\" aria-label=\"selection rate per group\">");
        int i = 0;
        for (Map.Entry<String, Double> e : rates.entrySet()) {
            int y = 10 + i++ * rowH;
            boolean below = e.getValue() < fourFifths * max;
            s.append("<text x=\"0\" y=\"").append(y + 14).append("\" font-size=\"13\">").append(esc(e.getKey()))
                    .append("</text><rect x=\"").append(left).append("\" y=\"").append(y).append("\" width=\"")
                    .append(fmt(width * e.getValue())).append("\" height=\"18\" fill=\"")
                    .append(below ? "#d62728" : "#1f77b4").append("\"><title>").append(esc(e.getKey())).append(": ")
                    .append(String.format(Locale.ROOT, "%.3f", e.getValue())).append("</title></rect><text x=\"")
                    .append(fmt(left + 6 + width * e.getValue())).append("\" y=\"").append(y + 14)
                    .append("\" font-size=\"12\">").append(String.format(Locale.ROOT, "%.3f", e.getValue()))
                    .append("</text>");
        }
        double x = left + width * fourFifths * max;
        s.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"4\" y2=\"")
                .append(height - 24).append("\" stroke=\"#000\" stroke-dasharray=\"5,4\"/><text x=\"").append(fmt(x))
                .append("\" y=\"").append(height - 8).append("\" font-size=\"11\" text-anchor=\"middle\">")
                .append(fourFifths).append(" × highest rate (four-fifths rule)</text>");
        return s.append("</svg>\n").toString();
    }

    private static String fmt(double d) {
        return String.format(Locale.ROOT, "%.1f", d);
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
