package dev.jacobi.bench.tour;

import java.nio.file.Path;

/**
 * Settings shared by the tour entries.
 *
 * @param full      run the longer versions of the experiments
 * @param outputDir where the report and plots go ({@code out/tour})
 * @param cacheDir  where trained models are cached between runs ({@code out/cache})
 * @param seed      the seed every random choice derives from
 */
public record TourContext(boolean full, Path outputDir, Path cacheDir, long seed) {
}
