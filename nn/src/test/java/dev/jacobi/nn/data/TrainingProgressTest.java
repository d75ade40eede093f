package dev.jacobi.nn.data;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The progress bar's log style writes only a few lines (one per milestone, plus one when closed early),
 * each showing the count, the rate and the latest loss; the output choice follows the terminal check
 * and the {@value TrainingProgress#OUTPUT_PROPERTY} property.
 */
class TrainingProgressTest {

    @Test
    void logStyleWritesAtMostOneLinePerMilestoneAndEndsWithTheFinalState() throws InterruptedException {
        List<String> lines = new CopyOnWriteArrayList<>();
        int steps = 40;
        try (var progress = TrainingProgress.toLines("train", steps, 4, 5, lines::add)) {
            for (int i = 1; i <= steps; i++) {
                // Slow enough for the 5 ms updates to see several milestones on the way.
                Thread.sleep(3);
                progress.step(1.0 / i);
            }
            assertThat(progress.current()).isEqualTo(steps);
        }
        assertThat(lines).isNotEmpty().hasSizeLessThanOrEqualTo(4);
        String last = lines.getLast();
        assertThat(last).startsWith("train").contains("100%").contains("40/40").contains("steps/s")
                .contains("loss 0.02500");
        // Plain ASCII: no block characters or escape sequences in logs.
        for (String line : lines) {
            assertThat(line.chars().allMatch(c -> c >= 0x20 && c < 0x7f)).as(line).isTrue();
        }
    }

    @Test
    void closingBeforeTheEndWritesTheStateReached() {
        List<String> lines = new CopyOnWriteArrayList<>();
        try (var progress = TrainingProgress.toLines("eval", 1000, 4, 60_000, lines::add)) {
            progress.stepBy(10, 2.5);
        }
        // The 60 s update interval leaves only the closing rendering.
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst()).contains("10/1000").contains("loss 2.500");
    }

    @Test
    void quietCountsStepsAndDrawsNothing() {
        try (var progress = TrainingProgress.start("quiet", 5, TrainingProgress.Output.QUIET)) {
            progress.stepBy(3, 0.5);
            progress.step(0.25);
            assertThat(progress.current()).isEqualTo(4);
        }
    }

    @Test
    void autoChoosesLogWithoutATerminalAndThePropertyOverridesIt() {
        // Surefire runs tests in a forked JVM whose standard streams are pipes, not a terminal.
        String saved = System.getProperty(TrainingProgress.OUTPUT_PROPERTY);
        try {
            System.clearProperty(TrainingProgress.OUTPUT_PROPERTY);
            assertThat(TrainingProgress.resolve(TrainingProgress.Output.AUTO)).isEqualTo(TrainingProgress.Output.LOG);
            System.setProperty(TrainingProgress.OUTPUT_PROPERTY, "Quiet");
            assertThat(TrainingProgress.resolve(TrainingProgress.Output.AUTO)).isEqualTo(TrainingProgress.Output.QUIET);
            assertThat(TrainingProgress.resolve(TrainingProgress.Output.TERMINAL)).isEqualTo(TrainingProgress.Output.TERMINAL);
            System.setProperty(TrainingProgress.OUTPUT_PROPERTY, "fancy");
            assertThatThrownBy(() -> TrainingProgress.resolve(TrainingProgress.Output.AUTO))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("TrainingProgress: system property jacobi.progress is 'fancy', expected terminal, log or quiet");
        } finally {
            if (saved == null) {
                System.clearProperty(TrainingProgress.OUTPUT_PROPERTY);
            } else {
                System.setProperty(TrainingProgress.OUTPUT_PROPERTY, saved);
            }
        }
    }
}
