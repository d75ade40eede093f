package dev.jacobi.algorithms.ep;

/**
 * How {@link EpGradients} estimates the loss gradient of an {@link EpNetwork}: the EP family (an error
 * vector {@code delta ~ ds*}/{@code d beta} followed by one VJP at the free fixed point) and the
 * baselines it is compared with.
 */
public sealed interface GradientMethod {
    /** A short label for tables and plots. */
    String label();

    /**
     * Backpropagation through time through the free relaxation itself (the reference gradient of the
     * loss at the state reached after the free phase).
     */
    record Backprop() implements GradientMethod {
        @Override
        public String label() {
            return "BP";
        }
    }

    /**
     * Recurrent backprop: {@code delta <- D (J_Psi^T delta + e)} from 0 for {@code steps} steps, i.e. the
     * Neumann series of {@code -J^{-T} dl/du} truncated after {@code steps} terms; equal to the true
     * gradient at a converged fixed point whatever the weights' symmetry.
     *
     * @param steps iterations, at least 1
     */
    record RecurrentBackprop(int steps) implements GradientMethod {
        public RecurrentBackprop {
            positive("RecurrentBackprop", "steps", steps);
        }

        @Override
        public String label() {
            return "RBP";
        }
    }

    /**
     * The exact {@code ds*}/{@code d beta} at beta = 0 by forward-mode differentiation through
     * {@code steps} steps of the relaxation from the free fixed point (the limit N to infinity of hEP).
     *
     * @param steps steps differentiated through, at least 1
     */
    record ExactDerivative(int steps) implements GradientMethod {
        public ExactDerivative {
            positive("ExactDerivative", "steps", steps);
        }

        @Override
        public String label() {
            return "exact ds/dbeta";
        }
    }

    /**
     * Classic EP: one real nudged phase, {@code delta = (s*_beta - s*_0) / beta} (N = 1).
     *
     * @param beta  the nudge, non-zero
     * @param steps nudged steps T2, at least 1
     */
    record ClassicEp(double beta, int steps) implements GradientMethod {
        public ClassicEp {
            if (beta == 0 || !Double.isFinite(beta)) {
                throw new IllegalArgumentException("ClassicEp: beta must be finite and non-zero, got " + beta);
            }
            positive("ClassicEp", "steps", steps);
        }

        @Override
        public String label() {
            return "EP (beta=" + beta + ")";
        }
    }

    /**
     * Holomorphic EP: N nudged phases at {@code beta_k = r e^{2 pi i k/N}} from the free fixed point and
     * {@code delta = Re (1/N) sum_k s*_{beta_k} / beta_k} ({@link Cauchy}).
     *
     * @param radius         |beta| &gt; 0
     * @param points         N &ge; 2
     * @param steps          steps of each nudged phase T2, at least 1
     * @param conjugatePairs run only {@code k = 0 .. floor(N/2)} (exact for real weights and inputs)
     */
    record Holomorphic(double radius, int points, int steps, boolean conjugatePairs) implements GradientMethod {
        public Holomorphic {
            if (!(radius > 0) || Double.isInfinite(radius) || points < 2) {
                throw new IllegalArgumentException("Holomorphic: need |beta| > 0 and N >= 2, got " + radius + " and " + points);
            }
            positive("Holomorphic", "steps", steps);
        }

        @Override
        public String label() {
            return "hEP N=" + points;
        }
    }

    /**
     * The online (continuous) variant: instead of a free phase, one run from {@code u = 0} whose nudge
     * rotates to the next {@code beta_k} every {@code stepsPerPhase} steps, through {@code rotations}
     * full turns; running means of {@code s / beta(t)} (real part: delta) and of {@code s} (in place of
     * the free fixed point) over every turn after the first, which is a burn-in while the state is far
     * from equilibrium (with one turn, over that one).
     *
     * @param radius        |beta| &gt; 0
     * @param points        N &ge; 2
     * @param stepsPerPhase steps before beta rotates, at least 1
     * @param rotations     full turns, at least 1
     */
    record OnlineHolomorphic(double radius, int points, int stepsPerPhase, int rotations) implements GradientMethod {
        public OnlineHolomorphic {
            if (!(radius > 0) || Double.isInfinite(radius) || points < 2) {
                throw new IllegalArgumentException("OnlineHolomorphic: need |beta| > 0 and N >= 2, got " + radius + " and " + points);
            }
            positive("OnlineHolomorphic", "stepsPerPhase", stepsPerPhase);
            positive("OnlineHolomorphic", "rotations", rotations);
        }

        @Override
        public String label() {
            return "online hEP N=" + points;
        }
    }

    private static void positive(String type, String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(type + ": " + name + " must be at least 1, got " + value);
        }
    }
}
