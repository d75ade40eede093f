package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Chooses each block's inverse from the {@link ConvergenceMetrics}, the paper's strategy
 * {@code [Stack-GS-J-Else]} (Liu &amp; Qin 2025): a block whose CRM share marks it "tough" gets GS-Jacobi
 * with many modules and passes, every other block plain Jacobi with few passes; each block starts from
 * the initial guess with the smaller IGM. Also builds the reference's hand-set lists
 * ({@code num_GS_list}, {@code max_jacobi_list}, {@code guess_list}).
 *
 * <p>Every list returned is in <em>sampling</em> order, as {@link FlowSampler#sample} takes it: index 0
 * is block K−1, the one nearest the noise, while the metrics are in forward order.
 */
public final class StrategySelector {
    /**
     * A block is tough when its CRM share is at least this many times the even share {@code 100/K}.
     * For K = 8 the threshold is 25 %, which picks exactly the GS blocks of the reference's tables for
     * Img128cond (56.57), AFHQ (42.60) and Img64uncond (50.71, 33.62); for Img64cond it picks the 74.58
     * block (which the authors invert sequentially) but not the 10.46 one they gave 8 modules.
     */
    public static final double DEFAULT_TOUGH_FACTOR = 2.0;
    /** G for tough blocks (the paper's 8). */
    public static final int DEFAULT_TOUGH_MODULES = 8;
    /** J for tough blocks (the paper's 32). */
    public static final int DEFAULT_TOUGH_ITERATIONS = 32;
    /** J for the other blocks ("Else": the paper uses 10, 20 or 6). */
    public static final int DEFAULT_OTHER_ITERATIONS = 10;
    /** ε of the reference's {@code Model.reverse}. */
    public static final double DEFAULT_TOLERANCE = 1e-6;

    private StrategySelector() {
    }

    /**
     * The knobs of the automatic strategy.
     *
     * @param toughFactor     a block is tough when its share is at least {@code toughFactor · 100/K} percent
     * @param toughModules    G for tough blocks; the largest divisor of T not above it is used
     * @param toughIterations J for tough blocks
     * @param otherIterations J for the others (plain Jacobi, G = 1)
     * @param tolerance       ε of every Jacobi solve
     * @param clamp           clamp Jacobi updates to [−3, 3] as the reference
     */
    public record Options(double toughFactor, int toughModules, int toughIterations, int otherIterations,
                          double tolerance, boolean clamp) {
        /** Checks the numbers. */
        public Options {
            if (!(toughFactor > 0) || toughModules < 1 || toughIterations < 1 || otherIterations < 1 || !(tolerance >= 0)) {
                throw new IllegalArgumentException("StrategySelector.Options: need toughFactor > 0, toughModules >= 1, "
                        + "iterations >= 1 and tolerance >= 0; got toughFactor=" + toughFactor + ", toughModules="
                        + toughModules + ", toughIterations=" + toughIterations + ", otherIterations=" + otherIterations
                        + ", tolerance=" + tolerance);
            }
        }

        /** The paper's defaults: factor 2, G = 8 and J = 32 for tough blocks, J = 10 else, ε = 1e-6, clamp on. */
        public static Options defaults() {
            return new Options(DEFAULT_TOUGH_FACTOR, DEFAULT_TOUGH_MODULES, DEFAULT_TOUGH_ITERATIONS,
                    DEFAULT_OTHER_ITERATIONS, DEFAULT_TOLERANCE, true);
        }

        /** These options with other iteration caps. */
        public Options withIterations(int tough, int other) {
            return new Options(toughFactor, toughModules, tough, other, tolerance, clamp);
        }

        /** These options with another tolerance and clamp. */
        public Options withTolerance(double newTolerance, boolean newClamp) {
            return new Options(toughFactor, toughModules, toughIterations, otherIterations, newTolerance, newClamp);
        }
    }

    /** The share in percent from which a block of a K-block model is tough. */
    public static double toughThreshold(int blocks, Options options) {
        return options.toughFactor() * 100.0 / blocks;
    }

    /** {@link #automatic(TarFlow, Tensor, Options)} with {@link Options#defaults()}. */
    public static List<BlockStrategy> automatic(TarFlow model, Tensor data) {
        return automatic(model, data, Options.defaults());
    }

    /**
     * Measures {@code data} {@code [N, T, D]} (see {@link ConvergenceMetrics#measure}) and chooses with
     * {@code options}; the strategies are in sampling order.
     *
     * @throws IllegalArgumentException as {@link ConvergenceMetrics#measure}
     */
    public static List<BlockStrategy> automatic(TarFlow model, Tensor data, Options options) {
        return choose(ConvergenceMetrics.measure(model, data), model.config().tokens(), options);
    }

    /**
     * The strategies for metrics of a model with {@code tokens} tokens, in sampling order.
     *
     * @throws IllegalArgumentException when there are no blocks or {@code tokens < 2}
     */
    public static List<BlockStrategy> choose(ConvergenceMetrics.Report metrics, int tokens, Options options) {
        int k = metrics.blocks().size();
        if (k == 0 || tokens < 2) {
            throw new IllegalArgumentException("StrategySelector.choose: need at least one block and two tokens; got "
                    + k + " blocks, " + tokens + " tokens");
        }
        double threshold = toughThreshold(k, options);
        int toughModules = largestDivisorAtMost(tokens, options.toughModules());
        List<BlockStrategy> out = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            ConvergenceMetrics.BlockMetrics m = metrics.blocks().get(k - 1 - r);
            boolean tough = m.share() >= threshold;
            BlockStrategy s = tough
                    ? BlockStrategy.gaussSeidelJacobi(toughModules, options.toughIterations(), options.tolerance(), m.bestGuess())
                    : BlockStrategy.jacobi(options.otherIterations(), options.tolerance(), m.bestGuess());
            out.add(s.withClamp(options.clamp()));
        }
        return List.copyOf(out);
    }

    private static int largestDivisorAtMost(int n, int cap) {
        for (int g = Math.min(n, cap); g > 1; g--) {
            if (n % g == 0) {
                return g;
            }
        }
        return 1;
    }

    /**
     * The reference's hand-set lists, all in sampling order (index 0 = block K−1):
     * {@code modules[r]} = G (0 = sequential, 1 = plain Jacobi), {@code maxIterations[r]} = J,
     * {@code guesses[r]} = 0 for z-init or 1 for zero-init; clamped Jacobi with tolerance ε.
     *
     * @throws IllegalArgumentException when the lists differ in length or hold a bad value
     */
    public static List<BlockStrategy> fromLists(int[] modules, int[] maxIterations, int[] guesses, double tolerance) {
        if (modules.length != maxIterations.length || modules.length != guesses.length) {
            throw new IllegalArgumentException("StrategySelector.fromLists: lists differ in length: modules "
                    + Arrays.toString(modules) + ", maxIterations " + Arrays.toString(maxIterations) + ", guesses "
                    + Arrays.toString(guesses));
        }
        List<BlockStrategy> out = new ArrayList<>();
        for (int r = 0; r < modules.length; r++) {
            if (guesses[r] != 0 && guesses[r] != 1) {
                throw new IllegalArgumentException("StrategySelector.fromLists: guesses[" + r + "] = " + guesses[r]
                        + ", must be 0 (z-init) or 1 (zero-init)");
            }
            InitialGuess guess = guesses[r] == 0 ? InitialGuess.Z : InitialGuess.ZERO;
            if (modules[r] == 0) {
                out.add(BlockStrategy.sequential());
            } else {
                try {
                    out.add(BlockStrategy.gaussSeidelJacobi(modules[r], maxIterations[r], tolerance, guess));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("StrategySelector.fromLists: entry " + r + ": " + e.getMessage(), e);
                }
            }
        }
        return List.copyOf(out);
    }
}
