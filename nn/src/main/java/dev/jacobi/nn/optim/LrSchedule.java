package dev.jacobi.nn.optim;

/**
 * A learning rate as a function of the step number (0 for the first optimizer step). Apply one to an
 * optimizer with {@link LrScheduler}. The factories give the usual schedules; any lambda is one too.
 */
@FunctionalInterface
public interface LrSchedule {
    /** The learning rate at {@code step} (&gt;= 0). */
    double lr(long step);

    /** The same learning rate at every step. */
    static LrSchedule constant(double lr) {
        return new Constant(lr);
    }

    /** {@code peak * min(1, (step + 1) / warmupSteps)}: rises linearly, reaching {@code peak} at step warmupSteps - 1. */
    static LrSchedule linearWarmup(double peak, long warmupSteps) {
        return new LinearWarmup(peak, warmupSteps);
    }

    /**
     * Cosine annealing from {@code base} at step 0 to {@code min} at {@code totalSteps} (as the closed form of
     * {@code torch.optim.lr_scheduler.CosineAnnealingLR} with {@code T_max = totalSteps}):
     * {@code min + (base - min) (1 + cos(pi step / totalSteps)) / 2}, and {@code min} after {@code totalSteps}.
     */
    static LrSchedule cosine(double base, double min, long totalSteps) {
        return new Cosine(base, min, totalSteps);
    }

    /**
     * {@link #linearWarmup} for {@code warmupSteps} steps, then cosine annealing from {@code peak} to
     * {@code min} over the remaining {@code totalSteps - warmupSteps} steps, then {@code min}.
     */
    static LrSchedule warmupCosine(double peak, double min, long warmupSteps, long totalSteps) {
        return new WarmupCosine(peak, min, warmupSteps, totalSteps);
    }

    /** {@code base * gamma^floor(step / stepSize)}, as {@code torch.optim.lr_scheduler.StepLR}. */
    static LrSchedule stepDecay(double base, long stepSize, double gamma) {
        return new StepDecay(base, stepSize, gamma);
    }

    private static void checkSteps(String name, long steps) {
        if (steps <= 0) {
            throw new IllegalArgumentException(name + ": step count " + steps + " must be > 0");
        }
    }

    private static void checkStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("LrSchedule: step " + step + " must be >= 0");
        }
    }

    /**
     * {@link #constant}.
     *
     * @param lr the learning rate
     */
    record Constant(double lr) implements LrSchedule {
        @Override
        public double lr(long step) {
            checkStep(step);
            return lr;
        }
    }

    /**
     * {@link #linearWarmup}.
     *
     * @param peak        the learning rate after warm-up
     * @param warmupSteps steps to reach it
     */
    record LinearWarmup(double peak, long warmupSteps) implements LrSchedule {
        /** @throws IllegalArgumentException when warmupSteps is not positive */
        public LinearWarmup {
            checkSteps("linearWarmup", warmupSteps);
        }

        @Override
        public double lr(long step) {
            checkStep(step);
            return step + 1 >= warmupSteps ? peak : peak * (step + 1) / warmupSteps;
        }
    }

    /**
     * {@link #cosine}.
     *
     * @param base       the first learning rate
     * @param min        the last
     * @param totalSteps the annealing length
     */
    record Cosine(double base, double min, long totalSteps) implements LrSchedule {
        /** @throws IllegalArgumentException when totalSteps is not positive */
        public Cosine {
            checkSteps("cosine", totalSteps);
        }

        @Override
        public double lr(long step) {
            checkStep(step);
            if (step >= totalSteps) {
                return min;
            }
            return min + (base - min) * (1 + Math.cos(Math.PI * step / totalSteps)) / 2;
        }
    }

    /**
     * {@link #warmupCosine}.
     *
     * @param peak        the rate after warm-up
     * @param min         the last
     * @param warmupSteps warm-up length
     * @param totalSteps  warm-up plus annealing
     */
    record WarmupCosine(double peak, double min, long warmupSteps, long totalSteps) implements LrSchedule {
        /** @throws IllegalArgumentException unless 0 &lt; warmupSteps &lt; totalSteps */
        public WarmupCosine {
            checkSteps("warmupCosine", warmupSteps);
            if (totalSteps <= warmupSteps) {
                throw new IllegalArgumentException("warmupCosine: total steps " + totalSteps
                        + " must exceed the warm-up steps " + warmupSteps);
            }
        }

        @Override
        public double lr(long step) {
            checkStep(step);
            if (step < warmupSteps) {
                return new LinearWarmup(peak, warmupSteps).lr(step);
            }
            return new Cosine(peak, min, totalSteps - warmupSteps).lr(step - warmupSteps);
        }
    }

    /**
     * {@link #stepDecay}.
     *
     * @param base     the first learning rate
     * @param stepSize steps between decays
     * @param gamma    factor per decay
     */
    record StepDecay(double base, long stepSize, double gamma) implements LrSchedule {
        /** @throws IllegalArgumentException when stepSize is not positive */
        public StepDecay {
            checkSteps("stepDecay", stepSize);
        }

        @Override
        public double lr(long step) {
            checkStep(step);
            return base * Math.pow(gamma, step / stepSize);
        }
    }
}
