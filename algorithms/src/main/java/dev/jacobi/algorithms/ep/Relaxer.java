package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.Tensor;

/**
 * Runs the discrete dynamics {@code s <- sigma(Psi(s, x) + beta e(s))} of an {@link EpNetwork} on the
 * rates {@code s}, in complex arithmetic when beta or the start is complex. Two implementations:
 * {@link EpNetwork#tensorRelaxer()} (tensor ops; any network, real or complex dtype) and
 * {@link PlaneRelaxer} (fused re/im-plane kernels on the Vector API; dense float32 networks).
 */
public interface Relaxer {
    /** Receives the rates after each step (valid only during the call: copy what must be kept). */
    @FunctionalInterface
    interface StepObserver {
        /** Called after each step with the new rates and the nudge of that step. */
        void afterStep(Planes rates, Complex beta);
    }

    /**
     * Relaxes for {@code steps} steps from {@code start}.
     *
     * @param start    rates {@code [batch, stateSize]} to start from
     * @param x        inputs {@code [batch, inputSize]}
     * @param labels   int32 class labels {@code [batch]} (used only when beta is not 0)
     * @param beta     the nudge strength
     * @param steps    number of steps, at least 0
     * @param observer called after every step, or null
     * @return the final rates (new tensors; {@code start} is not changed)
     */
    Planes relax(Planes start, Tensor x, Tensor labels, Complex beta, int steps, StepObserver observer);

    /** {@link #relax(Planes, Tensor, Tensor, Complex, int, StepObserver)} without an observer. */
    default Planes relax(Planes start, Tensor x, Tensor labels, Complex beta, int steps) {
        return relax(start, x, labels, beta, steps, null);
    }
}
