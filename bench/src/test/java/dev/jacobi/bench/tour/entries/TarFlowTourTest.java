package dev.jacobi.bench.tour.entries;

import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The TarFlow entry with a tiny model (width 16, 2 blocks, one epoch, 9 samples): it reports bits/dim
 * and one line per sampler, every parallel sampler agrees with the sequential one (the entry passes),
 * it writes one non-empty PNG per sampler, and a second run restores the cached weights. The samplers
 * themselves are tested in the algorithms module.
 */
class TarFlowTourTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("jacobi.progress", "quiet");
    }

    @Test
    void reportsEverySamplerAndWritesItsGrid(@TempDir Path dir) throws Exception {
        TarFlowTour entry = new TarFlowTour(new TarFlowTour.Settings(16, 2, 1, 1, 9));
        TourContext context = new TourContext(false, dir.resolve("tour"), dir.resolve("cache"), 7);

        TourResult first = entry.run(context);
        assertThat(first.passed()).as(first.summary() + "\n" + first.metrics()).isTrue();
        List<String> names = first.metrics().stream().map(TourResult.Metric::name).toList();
        assertThat(names).contains("test bits/dim", "sequential", "Jacobi", "GS-Jacobi (automatic)");
        assertThat(first.metrics()).filteredOn(m -> m.name().contains("Jacobi"))
                .allSatisfy(m -> assertThat(m.note()).contains("network evaluations", "max |diff|", "fallbacks"));
        assertThat(first.plots()).hasSize(3).allSatisfy(p -> assertThat(Files.size(p)).isPositive());

        TourResult second = entry.run(context);
        assertThat(second.summary()).contains("(cached weights)");
    }
}
