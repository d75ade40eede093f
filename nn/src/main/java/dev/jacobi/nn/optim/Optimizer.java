package dev.jacobi.nn.optim;

import dev.jacobi.tensor.Tensor;

import java.util.List;
import java.util.Map;

/**
 * Updates parameters from their gradients, as a {@code torch.optim.Optimizer}.
 *
 * <p>Parameters are leaf tensors that require grad. {@link #step()} changes them in place (inside
 * {@code Autograd.noGrad()}), skipping parameters whose {@link Tensor#grad()} is null.
 */
public interface Optimizer {
    /** Applies one update to every parameter that has a gradient. */
    void step();

    /** Forgets the gradients of all parameters (sets them to null, as PyTorch's {@code set_to_none=True}). */
    void zeroGrad();

    /** The parameters, in the order the state dict numbers them (group by group). */
    List<Tensor> parameters();

    /** Number of parameter groups. */
    int groupCount();

    /** The learning rate of group 0. */
    default double learningRate() {
        return learningRate(0);
    }

    /** The learning rate of a group. */
    double learningRate(int group);

    /** Sets the learning rate of every group. */
    default void setLearningRate(double lr) {
        for (int g = 0; g < groupCount(); g++) {
            setLearningRate(g, lr);
        }
    }

    /**
     * Sets the learning rate of one group.
     *
     * @throws IllegalArgumentException when {@code lr} is negative or not finite
     */
    void setLearningRate(int group, double lr);

    /**
     * The optimizer's state, flattened with PyTorch's names: {@code state.<i>.<name>} for the state tensors
     * of parameter {@code i} (e.g. {@code state.0.exp_avg}), and {@code param_groups.<g>.<hyperparameter>}
     * (0-d float64) and {@code param_groups.<g>.params} (int32 parameter indices) for the groups. The tensors
     * are copies; save them with {@code SafeTensors.write}.
     */
    Map<String, Tensor> stateDict();

    /**
     * Restores a state made by {@link #stateDict()} of an optimizer of the same kind over parameters of the
     * same shapes.
     *
     * @throws IllegalArgumentException naming every missing, unexpected or mis-shaped entry; nothing is
     *                                  changed then
     */
    void loadStateDict(Map<String, Tensor> state);
}
