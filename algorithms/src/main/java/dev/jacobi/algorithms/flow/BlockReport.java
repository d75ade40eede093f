package dev.jacobi.algorithms.flow;

import java.util.List;

/**
 * How the inverse of one block went.
 *
 * @param block    the block's index in forward order (block 0 touches the data)
 * @param strategy the strategy used
 * @param modules  one report per module, in solving order (one per token when sequential)
 */
public record BlockReport(int block, BlockStrategy strategy, List<ModuleReport> modules) {
    /** Copies the list. */
    public BlockReport {
        modules = List.copyOf(modules);
    }

    /** Jacobi passes over all modules. */
    public int iterations() {
        return modules.stream().mapToInt(ModuleReport::iterations).sum();
    }

    /** Transformer passes over all modules. */
    public int networkEvaluations() {
        return modules.stream().mapToInt(ModuleReport::networkEvaluations).sum();
    }
}
