package dev.jacobi.nn.train;

import java.util.Map;

/**
 * Measures the model after an epoch, for {@link Trainer}, e.g. held-out accuracy with
 * {@link Metrics#accuracy(java.util.function.UnaryOperator, dev.jacobi.nn.data.Dataset, int)}. The
 * trainer calls it with the model in evaluation mode, gradients off and a {@link dev.jacobi.tensor.Scope}
 * open, so tensors it makes are freed afterwards.
 */
@FunctionalInterface
public interface EpochEvaluator {
    /**
     * The metrics after epoch {@code epoch} (0-based) by name, in the order to report them. Every epoch
     * must give the same names.
     */
    Map<String, Double> evaluate(int epoch);
}
