package dev.jacobi.algorithms.flow;

import java.util.List;

/**
 * Why a block's Jacobi or GS-Jacobi solve was abandoned for the sequential inverse, and what the
 * abandoned attempt cost.
 *
 * @param reason     what was detected
 * @param firstToken the first unknown token of the module where it was detected (block's permuted order)
 * @param pass       the Jacobi pass (0-based) of that module at which it was detected
 * @param attempt    the modules of the abandoned attempt, the last one being where it was detected
 */
public record Fallback(Reason reason, int firstToken, int pass, List<ModuleReport> attempt) {
    /** Copies the list. */
    public Fallback {
        attempt = List.copyOf(attempt);
    }

    /** What made the sampler give up on the Jacobi passes of a block. */
    public enum Reason {
        /**
         * An update (before the clamp, which would hide an overflow) held NaN or ±Inf, or its residual
         * δ did (the iterates so far apart that the squares overflow).
         */
        NON_FINITE,
        /**
         * The residual δ grew for {@link FlowSampler#DIVERGENCE_PASSES} consecutive passes of one
         * module: the fixed-point map is not contracting there.
         */
        GROWING_RESIDUAL
    }

    /** Transformer passes of the abandoned attempt. */
    public int networkEvaluations() {
        return attempt.stream().mapToInt(ModuleReport::networkEvaluations).sum();
    }

    /** Jacobi passes of the abandoned attempt. */
    public int iterations() {
        return attempt.stream().mapToInt(ModuleReport::iterations).sum();
    }
}
