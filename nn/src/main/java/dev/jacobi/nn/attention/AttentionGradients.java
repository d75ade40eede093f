package dev.jacobi.nn.attention;

import dev.jacobi.tensor.Tensor;

/**
 * Gradients of a scalar loss with respect to the inputs of attention, each float32 and shaped as
 * its input.
 *
 * @param dQ gradient with respect to the queries
 * @param dK gradient with respect to the keys (zero for keys no query attends)
 * @param dV gradient with respect to the values (zero for keys no query attends)
 */
public record AttentionGradients(Tensor dQ, Tensor dK, Tensor dV) {
}
