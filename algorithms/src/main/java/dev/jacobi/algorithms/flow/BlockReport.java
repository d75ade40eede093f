package dev.jacobi.algorithms.flow;

import java.util.List;

/**
 * How the inverse of one block went.
 *
 * @param block    the block's index in forward order (block 0 touches the data)
 * @param strategy the strategy asked for
 * @param modules  one report per module of the solve that produced the result, in solving order (one
 *                 per token when sequential, which is also the case after a fallback)
 * @param fallback why the Jacobi passes were abandoned for the sequential inverse, with the abandoned
 *                 attempt; null when they were not
 */
public record BlockReport(int block, BlockStrategy strategy, List<ModuleReport> modules, Fallback fallback) {
    /** Copies the list. */
    public BlockReport {
        modules = List.copyOf(modules);
    }

    /** A report of a solve that did not fall back. */
    public BlockReport(int block, BlockStrategy strategy, List<ModuleReport> modules) {
        this(block, strategy, modules, null);
    }

    /** Whether the block fell back to the sequential inverse (see {@link #fallback()} for why). */
    public boolean fellBack() {
        return fallback != null;
    }

    /** Passes over all modules, those of an abandoned attempt included. */
    public int iterations() {
        return modules.stream().mapToInt(ModuleReport::iterations).sum() + (fallback == null ? 0 : fallback.iterations());
    }

    /** Transformer passes over all modules, those of an abandoned attempt included. */
    public int networkEvaluations() {
        return modules.stream().mapToInt(ModuleReport::networkEvaluations).sum()
                + (fallback == null ? 0 : fallback.networkEvaluations());
    }
}
