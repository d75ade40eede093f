/**
 * Reverse-mode and forward-mode automatic differentiation for {@link dev.jacobi.tensor.Tensor}.
 *
 * <p>Every differentiable tensor operation records a {@link Node} when one of its inputs
 * {@linkplain dev.jacobi.tensor.Tensor#requiresGrad() requires a gradient}; the node holds the op's
 * vector-Jacobian product. {@link dev.jacobi.tensor.Tensor#backward()} and {@link Autograd#grad} walk
 * the recorded graph backwards. Forward mode ({@link Autograd#jvp}) pushes tangents through the same
 * ops as they run. The derivative rules live beside the ops: elementwise ops in the
 * {@link dev.jacobi.tensor.ops.UnaryOp} and {@link dev.jacobi.tensor.ops.BinaryOp} tables, the others
 * next to their forward in {@code Tensor}. Rules are written with tensor operations themselves, so
 * gradients of gradients (and forward over reverse) come for free.
 *
 * <p>Complex tensors follow PyTorch's convention: the gradient of a real loss L with respect to
 * z = x + iy is dL/dx + i dL/dy, so a holomorphic op with derivative f'(z) passes back
 * {@code grad * conj(f'(z))}, and forward mode multiplies tangents by f'(z).
 */
package dev.jacobi.tensor.autograd;
