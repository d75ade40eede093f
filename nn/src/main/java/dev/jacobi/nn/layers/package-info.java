/**
 * Layers as {@link dev.jacobi.nn.Module}s with PyTorch's parameter names, shapes and default
 * initializations: {@link dev.jacobi.nn.layers.Linear}, embeddings, normalizations, dropout,
 * activations, feed-forward blocks, convolutions and pooling. Each takes a seeded
 * {@link dev.jacobi.tensor.Generator} where it draws random numbers.
 */
package dev.jacobi.nn.layers;
