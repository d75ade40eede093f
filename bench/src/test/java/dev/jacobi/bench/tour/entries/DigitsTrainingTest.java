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
 * The digits entry: the MLP reaches the 95% held-out target in the tour's 20 epochs, the entry writes
 * its loss plot, and a second run restores the cached weights and skips training with the same accuracy.
 * The transformer is kept tiny (d = 16, one epoch): its training is the Trainer's, tested in nn.
 */
class DigitsTrainingTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
        System.setProperty("jacobi.progress", "quiet");
    }

    @Test
    void mlpReachesTheTargetAndASecondRunUsesTheCache(@TempDir Path dir) throws Exception {
        DigitsTraining entry = new DigitsTraining(new DigitsTraining.Settings(DigitsTraining.Settings.SHORT.mlpEpochs(), 1, 16));
        TourContext context = new TourContext(false, dir.resolve("tour"), dir.resolve("cache"), 42);

        TourResult first = entry.run(context);
        assertThat(first.passed()).as(first.summary() + "\n" + first.metrics()).isTrue();
        assertThat(first.plots()).singleElement().satisfies(p -> assertThat(Files.size(p)).isPositive());
        assertThat(first.summary()).doesNotContain("cached");

        TourResult second = entry.run(context);
        assertThat(second.summary()).endsWith("(cached weights)")
                .startsWith(first.summary()); // the same accuracies, restored from the checkpoints
        List<String> notes = second.metrics().stream().map(TourResult.Metric::note).toList();
        assertThat(notes).anySatisfy(n -> assertThat(n).contains("skipped training"));
    }
}
