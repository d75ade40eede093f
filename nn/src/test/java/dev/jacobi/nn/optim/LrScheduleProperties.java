package dev.jacobi.nn.optim;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * Schedules against their closed forms (evaluated here independently, to 1e-12 of the base rate: only
 * rounding differs) and their defining identities: cosine annealing starts at the base, ends at the
 * minimum, is symmetric about its midpoint and never increases; warm-up rises linearly and joins the
 * cosine continuously; step decay halves on schedule. Also how {@link LrScheduler} drives an optimizer.
 */
class LrScheduleProperties {

    @Test
    void cosineAnnealingFollowsItsClosedForm() {
        qt().withExamples(50).forAll(doubles().between(1e-4, 1), doubles().between(0, 1), integers().between(1, 500))
                .checkAssert((base, minFrac, total) -> {
                    double min = base * minFrac;
                    LrSchedule s = LrSchedule.cosine(base, min, total);
                    assertThat(s.lr(0)).isCloseTo(base, offset(1e-12 * base));
                    assertThat(s.lr(total)).isEqualTo(min);
                    assertThat(s.lr(total + 17L)).isEqualTo(min);
                    for (long t = 0; t <= total; t++) {
                        double expected = min + 0.5 * (base - min) * (1 + Math.cos(Math.PI * t / total));
                        assertThat(s.lr(t)).isCloseTo(expected, offset(1e-12 * base));
                        assertThat(s.lr(t) + s.lr(total - t)).isCloseTo(base + min, offset(1e-12 * base));
                        if (t > 0) {
                            assertThat(s.lr(t)).isLessThanOrEqualTo(s.lr(t - 1));
                        }
                    }
                });
    }

    @Test
    void warmupCosineRisesLinearlyThenAnnealsContinuously() {
        qt().withExamples(50).forAll(doubles().between(1e-4, 1), integers().between(1, 50), integers().between(1, 300))
                .checkAssert((peak, warmup, rest) -> {
                    LrSchedule s = LrSchedule.warmupCosine(peak, 0.1 * peak, warmup, warmup + rest);
                    for (long t = 0; t < warmup; t++) {
                        assertThat(s.lr(t)).isCloseTo(peak * (t + 1) / warmup, offset(1e-12 * peak));
                        assertThat(LrSchedule.linearWarmup(peak, warmup).lr(t)).isEqualTo(s.lr(t));
                    }
                    assertThat(s.lr(warmup - 1)).isCloseTo(peak, offset(1e-12 * peak));
                    assertThat(s.lr(warmup)).isCloseTo(peak, offset(1e-12 * peak));
                    assertThat(s.lr(warmup + rest)).isEqualTo(0.1 * peak);
                    for (long t = warmup; t <= warmup + rest; t++) {
                        assertThat(s.lr(t)).isEqualTo(LrSchedule.cosine(peak, 0.1 * peak, rest).lr(t - warmup));
                    }
                });
    }

    @Test
    void stepDecayMultipliesByGammaEveryStepSizeSteps() {
        LrSchedule s = LrSchedule.stepDecay(0.8, 3, 0.5);
        double[] expected = {0.8, 0.8, 0.8, 0.4, 0.4, 0.4, 0.2};
        for (int t = 0; t < expected.length; t++) {
            assertThat(s.lr(t)).isEqualTo(expected[t]);
        }
        assertThat(LrSchedule.constant(0.3).lr(1000)).isEqualTo(0.3);
    }

    @Test
    void schedulerSetsEveryGroupKeepingTheirRatio() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 1).requiresGrad(true);
        Tensor b = Tensor.zeros(DType.FLOAT32, 1).requiresGrad(true);
        Optimizer opt = SGD.withGroups(List.of(new ParamGroup<>(List.of(a), SGD.Options.of(0.2)),
                new ParamGroup<>(List.of(b), SGD.Options.of(0.05))));
        LrSchedule s = LrSchedule.warmupCosine(1.0, 0, 2, 10);
        LrScheduler sched = LrScheduler.of(opt, s);
        for (int t = 0; t < 12; t++) {
            assertThat(sched.currentStep()).isEqualTo(t);
            assertThat(opt.learningRate(0)).isCloseTo(s.lr(t), offset(1e-15));
            assertThat(opt.learningRate(1)).isCloseTo(s.lr(t) * 0.25, offset(1e-15));
            sched.step();
        }
        sched.setStep(1);
        assertThat(opt.learningRate(0)).isEqualTo(s.lr(1));
    }

    @Test
    void invalidSchedulesAreRejected() {
        assertThatThrownBy(() -> LrSchedule.cosine(1, 0, 0)).hasMessageContaining("cosine: step count 0 must be > 0");
        assertThatThrownBy(() -> LrSchedule.warmupCosine(1, 0, 10, 10)).hasMessageContaining("total steps 10 must exceed the warm-up steps 10");
        assertThatThrownBy(() -> LrSchedule.constant(1).lr(-1)).hasMessageContaining("step -1 must be >= 0");
    }
}
