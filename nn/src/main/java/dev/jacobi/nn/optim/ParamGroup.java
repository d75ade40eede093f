package dev.jacobi.nn.optim;

import dev.jacobi.tensor.Tensor;

import java.util.List;

/**
 * Parameters that share hyperparameters, as one entry of PyTorch's {@code param_groups}.
 *
 * @param params  leaf tensors that require grad
 * @param options the hyperparameters of this group (e.g. {@link SGD.Options})
 * @param <O>     the optimizer's options type
 */
public record ParamGroup<O>(List<Tensor> params, O options) {
    /** Copies the list. */
    public ParamGroup {
        params = List.copyOf(params);
    }
}
