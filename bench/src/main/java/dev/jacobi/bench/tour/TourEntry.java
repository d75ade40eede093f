package dev.jacobi.bench.tour;

/**
 * One experiment of {@code ./jacobi tour}: runs on built-in data and reports metrics and plots.
 * Entries are listed in {@link TourEntries}.
 */
public interface TourEntry {
    /** Short name used by {@code --only NAME}, e.g. {@code gemm}. */
    String name();

    /** One line saying what the entry shows. */
    String description();

    /**
     * Runs the experiment. {@link TourContext#full()} asks for the longer version.
     *
     * @return the metrics and plots to put in the table and the report
     */
    TourResult run(TourContext context) throws Exception;
}
