package dev.jacobi.bench.tour;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Writes the tour's HTML report: one self-contained file (plots embedded as base64 PNG) with the
 * machine, the results table and, per entry, its metrics and plots.
 */
public final class TourReport {
    private TourReport() {
    }

    /** Writes the report for {@code outcomes} to {@code file}, replacing it. */
    public static void write(Path file, List<Tour.Outcome> outcomes, TourOptions options, MachineInfo machine)
            throws IOException {
        Files.writeString(file, html(outcomes, options, machine));
    }

    /** The report as an HTML document. */
    public static String html(List<Tour.Outcome> outcomes, TourOptions options, MachineInfo machine) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("""
                <!DOCTYPE html>
                <html lang="en">
                <head>
                <meta charset="utf-8">
                <title>Jacobi tour</title>
                <style>
                body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; padding: 0 1em; color: #222; }
                table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
                th, td { border: 1px solid #ccc; padding: 0.3em 0.7em; text-align: left; vertical-align: top; }
                th { background: #f3f3f3; }
                td.num { text-align: right; white-space: nowrap; }
                .ok { color: #1a7f37; font-weight: bold; }
                .FAILED { color: #c62828; font-weight: bold; }
                pre { background: #f7f7f7; padding: 0.7em; overflow-x: auto; font-size: 85%; }
                img { max-width: 100%; border: 1px solid #ddd; margin: 0.5em 0; }
                </style>
                </head>
                <body>
                <h1>Jacobi tour</h1>
                """);
        h.append("<p>").append(outcomes.size()).append(outcomes.size() == 1 ? " entry, " : " entries, ")
                .append(options.full() ? "full versions" : "short versions (<code>--full</code> runs the long ones)")
                .append(", seed ").append(options.seed()).append(".</p>\n");

        h.append("<h2>Machine</h2>\n<table>\n");
        for (Map.Entry<String, String> e : machine.asMap().entrySet()) {
            h.append("<tr><th>").append(escape(e.getKey())).append("</th><td>").append(escape(e.getValue()))
                    .append("</td></tr>\n");
        }
        h.append("</table>\n");

        h.append("<h2>Results</h2>\n<table>\n<tr><th>entry</th><th>status</th><th>time</th><th>summary</th>"
                + "<th>key metrics</th></tr>\n");
        for (Tour.Outcome o : outcomes) {
            String name = o.entry().name();
            h.append("<tr><td><a href=\"#").append(escape(name)).append("\">").append(escape(name)).append("</a></td>")
                    .append("<td class=\"").append(o.status().label()).append("\">").append(o.status().label()).append("</td>")
                    .append("<td class=\"num\">").append(Tour.formatDuration(o.elapsed())).append("</td>")
                    .append("<td>").append(escape(o.result().summary())).append("</td><td>");
            o.result().metrics().stream().limit(Tour.KEY_METRICS).forEach(m ->
                    h.append(escape(m.name())).append(": ").append(escape(m.value())).append("<br>"));
            h.append("</td></tr>\n");
        }
        h.append("</table>\n");

        for (Tour.Outcome o : outcomes) {
            entrySection(h, o, options.outputDir());
        }
        h.append("</body>\n</html>\n");
        return h.toString();
    }

    private static void entrySection(StringBuilder h, Tour.Outcome o, Path outputDir) throws IOException {
        String name = o.entry().name();
        h.append("<h2 id=\"").append(escape(name)).append("\">").append(escape(name)).append("</h2>\n");
        h.append("<p>").append(escape(o.entry().description())).append("</p>\n");
        h.append("<p><span class=\"").append(o.status().label()).append("\">").append(o.status().label())
                .append("</span> in ").append(Tour.formatDuration(o.elapsed())).append(": ")
                .append(escape(o.result().summary())).append("</p>\n");
        if (!o.result().metrics().isEmpty()) {
            h.append("<table>\n<tr><th>metric</th><th>value</th><th>note</th></tr>\n");
            for (TourResult.Metric m : o.result().metrics()) {
                h.append("<tr><td>").append(escape(m.name())).append("</td><td class=\"num\">")
                        .append(escape(m.value())).append("</td><td>").append(escape(m.note() == null ? "" : m.note()))
                        .append("</td></tr>\n");
            }
            h.append("</table>\n");
        }
        for (Path plot : o.result().plots()) {
            // Entries usually give outputDir.resolve(name); a bare file name is read from outputDir.
            Path file = Files.isRegularFile(plot) ? plot : outputDir.resolve(plot);
            if (Files.isRegularFile(file)) {
                h.append("<div><img alt=\"").append(escape(plot.getFileName().toString()))
                        .append("\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(file))).append("\"></div>\n");
            } else {
                h.append("<p>(plot ").append(escape(plot.toString())).append(" is missing)</p>\n");
            }
        }
        if (o.failure() != null) {
            h.append("<pre>").append(escape(o.failure())).append("</pre>\n");
        }
    }

    /** Escapes text for HTML element content and attribute values. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
