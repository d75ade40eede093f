package dev.jacobi.algorithms.flow;

/**
 * How the solve of one module went.
 *
 * @param firstToken         the first unknown token of the module (in the block's permuted order)
 * @param tokens             how many unknown tokens it covers
 * @param iterations         Jacobi passes run (1 per token when sequential)
 * @param networkEvaluations transformer passes over the module's inputs (one per iteration, two with guidance)
 * @param residuals          δ after each pass: {@code ‖y^(m+1) − y^(m)‖_F / (B·D)} over the module
 */
public record ModuleReport(int firstToken, int tokens, int iterations, int networkEvaluations, double[] residuals) {
    /** Copies the residuals. */
    public ModuleReport {
        residuals = residuals.clone();
    }

    /** The residuals (a copy). */
    @Override
    public double[] residuals() {
        return residuals.clone();
    }
}
