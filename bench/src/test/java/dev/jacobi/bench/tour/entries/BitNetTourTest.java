package dev.jacobi.bench.tour.entries;

import dev.jacobi.algorithms.bitnet.QatExperiment;
import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourEntries;
import dev.jacobi.bench.tour.TourResult;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The BitNet entry with tiny settings: it is registered, reports the four rows of the table and the
 * verdict on the paper's claim, writes both loss plots, and its packed integer inference agrees with
 * the float forward (the one check it enforces). The quality numbers are QatExperiment's, tested in
 * algorithms.
 */
class BitNetTourTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("jacobi.progress", "quiet");
    }

    @Test
    void reportsTheTableTheClaimAndAgreeingPackedInference(@TempDir Path dir) throws Exception {
        assertThat(TourEntries.all()).anySatisfy(e -> assertThat(e.name()).isEqualTo("bitnet"));
        QatExperiment.Settings tiny = new QatExperiment.Settings(8, 2, 8, 4, 4, 200, 1, 1e-2, 0.01,
                List.of(QatExperiment.Precision.FP32, QatExperiment.Precision.ABSMEAN), 3);
        TourResult r = new BitNetTour(tiny).run(new TourContext(false, dir.resolve("tour"), dir.resolve("cache"), 3));
        assertThat(r.passed()).as(r.summary() + "\n" + r.metrics()).isTrue();
        List<String> names = r.metrics().stream().map(TourResult.Metric::name).toList();
        assertThat(names).contains("digits accuracy, h=8", "digits accuracy, h=16", "char LM perplexity, h=8", "char LM perplexity, h=16",
                "claim: 1.58-bit at 2h vs fp32 at h", "packed inference");
        assertThat(r.summary()).contains("digits: absmean").contains("char LM: absmean");
        assertThat(r.plots()).hasSize(2).allSatisfy(p -> assertThat(Files.size(p)).isPositive());
    }
}
