package dev.jacobi.nn.train;

import dev.jacobi.nn.data.Dataset;
import dev.jacobi.tensor.Tensor;

/**
 * The training objective of one mini-batch, for {@link Trainer}: from the model's output on
 * {@code batch.features()} and the batch itself (its labels, usually), a scalar tensor computed with
 * differentiable ops, e.g. {@code (out, batch) -> Losses.crossEntropy(out, batch.labels())}.
 */
@FunctionalInterface
public interface LossFunction {
    /**
     * The loss of one batch: a tensor of one element that depends on the model's parameters.
     *
     * @param output the model's output on {@code batch.features()}
     * @param batch  the batch
     */
    Tensor loss(Tensor output, Dataset batch);
}
