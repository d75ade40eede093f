package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.Tensor;

/** The Jacobian-vector product of one op: the output's tangent from the inputs' tangents. */
@FunctionalInterface
public interface Jvp {
    /**
     * @param tangents one tangent per input in input order, null where the input has none (zero)
     * @param output   the op's output
     * @return the output's tangent (null for zero)
     */
    Tensor apply(Tensor[] tangents, Tensor output);
}
