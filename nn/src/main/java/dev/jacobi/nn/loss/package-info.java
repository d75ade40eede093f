/**
 * Loss functions with PyTorch's names and semantics ({@code torch.nn.functional}): {@link
 * dev.jacobi.nn.loss.Losses#mse mean squared error}, {@link dev.jacobi.nn.loss.Losses#crossEntropy
 * cross-entropy} from logits (class indices with label smoothing and an ignore index, or class
 * probabilities), {@link dev.jacobi.nn.loss.Losses#nll negative log-likelihood} and {@link
 * dev.jacobi.nn.loss.Losses#bceWithLogits binary cross-entropy with logits}, each with a {@link
 * dev.jacobi.nn.loss.Reduction}.
 *
 * <p>Every loss is written with differentiable tensor ops (log-softmax, gather, ...), so gradients of any
 * order flow to the inputs and {@code GradCheck} applies.
 */
package dev.jacobi.nn.loss;
