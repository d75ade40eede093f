package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.Tensor;

/**
 * The autograd bookkeeping of one tensor: whether it is a leaf that requires a gradient, its
 * accumulated gradient, the node that produced it, and its forward-mode tangent. Read it through
 * {@link Tensor}'s methods; only this package changes it.
 */
public final class GradState {
    boolean leafRequiresGrad;
    Tensor grad;
    Node gradFn;
    Tensor tangent;
    long tangentLevel;

    /** A state with nothing recorded (what every new tensor starts with). */
    public GradState() {
    }

    /** True when the tensor is a leaf that requires grad or the output of a recorded op. */
    public boolean requiresGrad() {
        return leafRequiresGrad || gradFn != null;
    }

    /** The node that produced the tensor, or null for a leaf. */
    public Node gradFn() {
        return gradFn;
    }

    /** The gradient accumulated by backward passes, or null. */
    public Tensor grad() {
        return grad;
    }

    /** Marks (or unmarks) a leaf as requiring grad; {@link Tensor#requiresGrad(boolean)} checks the arguments. */
    public void setLeafRequiresGrad(boolean requires) {
        leafRequiresGrad = requires;
    }

    /** Replaces the accumulated gradient; {@link Tensor#setGrad(Tensor)} checks the arguments. */
    public void setGrad(Tensor grad) {
        this.grad = grad;
    }

    /** True when an op that takes this tensor must look at autograd (it requires grad or carries a tangent). */
    boolean tracked() {
        return leafRequiresGrad || gradFn != null || tangent != null;
    }
}
