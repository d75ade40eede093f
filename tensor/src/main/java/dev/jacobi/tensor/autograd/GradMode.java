package dev.jacobi.tensor.autograd;

/**
 * A region in which recording is switched on or off (see {@link Autograd#noGrad()}); closing it
 * restores the previous setting. Close it on the thread that opened it.
 */
public final class GradMode implements AutoCloseable {
    private final GradContext context;
    private final boolean previous;

    GradMode(boolean enabled) {
        this.context = GradContext.current();
        this.previous = context.gradEnabled;
        context.gradEnabled = enabled;
    }

    /** Restores the setting that was in force when this region opened. */
    @Override
    public void close() {
        context.gradEnabled = previous;
    }
}
