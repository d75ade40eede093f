package dev.jacobi.nn.loss;

/** How a loss combines its per-element values, as PyTorch's {@code reduction} argument. */
public enum Reduction {
    /** The per-element losses, unreduced. */
    NONE,
    /** Their mean (for class-index losses: weighted by the class weights of the non-ignored targets). */
    MEAN,
    /** Their sum. */
    SUM
}
