package dev.jacobi.algorithms.flow;

/**
 * How one block is inverted (noise to data).
 *
 * @param modules       G: the unknown tokens 1..T−1 are split into G contiguous modules of size
 *                      {@code s = T/G} (the last has {@code s − 1}), solved one after another; 0 means
 *                      the sequential inverse (token by token, exact, no clamp), G = 1 plain Jacobi
 * @param maxIterations J: at most this many Jacobi passes per module (ignored when sequential)
 * @param tolerance     ε: a module stops once {@code ‖Δy‖_F / (B·D) < ε} (0: always run J passes)
 * @param clamp         clamp every Jacobi update to [−3, 3], as the reference (never when sequential)
 * @param initialGuess  the starting point of the Jacobi passes
 */
public record BlockStrategy(int modules, int maxIterations, double tolerance, boolean clamp, InitialGuess initialGuess) {
    /** The reference's clamp bound for Jacobi updates. */
    public static final double CLAMP = 3.0;

    /** Checks the numbers. */
    public BlockStrategy {
        if (modules < 0 || (modules > 0 && maxIterations <= 0) || !(tolerance >= 0) || initialGuess == null) {
            throw new IllegalArgumentException("BlockStrategy: need modules >= 0, maxIterations > 0 (unless sequential), "
                    + "tolerance >= 0 and an initial guess; got modules=" + modules + ", maxIterations=" + maxIterations
                    + ", tolerance=" + tolerance + ", initialGuess=" + initialGuess);
        }
    }

    /** The sequential inverse with a KV cache: T−1 dependent passes of one token each. */
    public static BlockStrategy sequential() {
        return new BlockStrategy(0, 1, 0, false, InitialGuess.Z);
    }

    /** Plain Jacobi over the whole sequence (G = 1), clamped as the reference. */
    public static BlockStrategy jacobi(int maxIterations, double tolerance, InitialGuess guess) {
        return new BlockStrategy(1, maxIterations, tolerance, true, guess);
    }

    /** GS-Jacobi with G modules and at most J passes each, clamped as the reference. */
    public static BlockStrategy gaussSeidelJacobi(int modules, int maxIterations, double tolerance, InitialGuess guess) {
        return new BlockStrategy(modules, maxIterations, tolerance, true, guess);
    }

    /** This strategy with the clamp on or off. */
    public BlockStrategy withClamp(boolean on) {
        return new BlockStrategy(modules, maxIterations, tolerance, on, initialGuess);
    }

    /** Whether this is the sequential inverse. */
    public boolean isSequential() {
        return modules == 0;
    }
}
