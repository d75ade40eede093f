package dev.jacobi.nn.attention;

import dev.jacobi.tensor.Tensor;

/**
 * The result of an attention forward pass.
 *
 * @param output    O, float32, the shape of the queries: [batch, heads, nq, d] (padded layout) or
 *                  [totalQ, heads, d] (variable-length layout); a query row that may attend no key
 *                  is all zeros
 * @param logsumexp L, float32, the log of each query row's softmax denominator (after scale, bias and
 *                  mask): [batch, heads, nq] (padded) or [heads, totalQ] (variable-length, as
 *                  FlashAttention-2's varlen API); {@code -inf} for a row that may attend no key. The
 *                  backward pass recomputes the probabilities from it.
 */
public record AttentionOutput(Tensor output, Tensor logsumexp) {
}
