package dev.jacobi.bench.tour;

import java.nio.file.Path;
import java.util.List;

/**
 * What one tour entry found.
 *
 * @param passed  false when a check inside the entry failed (the tour then exits non-zero)
 * @param summary one line for the results table
 * @param metrics named values, shown in the table and the report
 * @param plots   PNG files written under {@link TourContext#outputDir()}
 */
public record TourResult(boolean passed, String summary, List<Metric> metrics, List<Path> plots) {
    public TourResult {
        metrics = List.copyOf(metrics);
        plots = List.copyOf(plots);
    }

    /** One named value with its unit or note. */
    public record Metric(String name, String value, String note) {
    }
}
