package dev.jacobi.nn.optim;

/**
 * Applies an {@link LrSchedule} to an optimizer: call {@link #step()} after each {@code optimizer.step()}
 * (as PyTorch's {@code scheduler.step()}). The learning rate of step 0 is set at construction.
 *
 * <p>With several parameter groups, group {@code g} gets {@code schedule.lr(step) * lr_g / lr_0}, the ratio
 * of its learning rate to group 0's when the scheduler was made (1 when group 0's was 0).
 */
public final class LrScheduler {
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final double[] ratios;
    private long step;

    private LrScheduler(Optimizer optimizer, LrSchedule schedule) {
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.ratios = new double[optimizer.groupCount()];
        double first = optimizer.learningRate(0);
        for (int g = 0; g < ratios.length; g++) {
            ratios[g] = first == 0 ? 1 : optimizer.learningRate(g) / first;
        }
        apply();
    }

    /** Drives {@code optimizer}'s learning rate by {@code schedule}, starting at step 0. */
    public static LrScheduler of(Optimizer optimizer, LrSchedule schedule) {
        return new LrScheduler(optimizer, schedule);
    }

    /** Advances to the next step and sets its learning rate. */
    public void step() {
        step++;
        apply();
    }

    /** The current step (how many times {@link #step()} has run, or the value set by {@link #setStep}). */
    public long currentStep() {
        return step;
    }

    /**
     * Jumps to {@code step} (e.g. when resuming from a checkpoint) and sets its learning rate.
     *
     * @throws IllegalArgumentException for a negative step
     */
    public void setStep(long step) {
        if (step < 0) {
            throw new IllegalArgumentException("LrScheduler.setStep: step " + step + " must be >= 0");
        }
        this.step = step;
        apply();
    }

    /** The schedule's learning rate at the current step (group 0's). */
    public double currentLr() {
        return schedule.lr(step);
    }

    private void apply() {
        double lr = schedule.lr(step);
        for (int g = 0; g < ratios.length; g++) {
            optimizer.setLearningRate(g, lr * ratios[g]);
        }
    }
}
