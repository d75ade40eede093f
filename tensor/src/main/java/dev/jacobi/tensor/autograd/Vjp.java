package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.Tensor;

/**
 * The vector-Jacobian product of one recorded op: given the gradient of the loss with respect to the
 * op's output, the gradients with respect to its inputs.
 */
@FunctionalInterface
public interface Vjp {
    /**
     * @param grad   gradient with respect to the output (the output's shape)
     * @param output the op's output
     * @param needed which inputs need a gradient; a rule may skip (return null for) the others
     * @return one gradient per input, in input order; null means zero. A gradient may have a broadcast
     *         shape or a wider dtype: the engine sums it back to the input's shape and casts it
     */
    Tensor[] apply(Tensor grad, Tensor output, boolean[] needed);
}
