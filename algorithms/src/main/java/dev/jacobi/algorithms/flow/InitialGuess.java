package dev.jacobi.algorithms.flow;

/** The starting point of a Jacobi solve of a block inverse (the reference's {@code guess_list}: 0 = Z, 1 = ZERO). */
public enum InitialGuess {
    /** {@code y^(0) = z}. */
    Z,
    /** {@code y^(0) = [z_0, 0, …, 0]}. */
    ZERO
}
