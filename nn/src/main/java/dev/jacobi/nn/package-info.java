/**
 * Neural-network building blocks: {@link dev.jacobi.nn.Module} (named parameters, buffers and submodules,
 * train/eval mode, PyTorch-compatible state dicts saved as safetensors), {@link dev.jacobi.nn.Layer},
 * {@link dev.jacobi.nn.Sequential}, {@link dev.jacobi.nn.ModuleList} and the initializers of
 * {@link dev.jacobi.nn.Init}. Layers are in {@code dev.jacobi.nn.layers}.
 */
package dev.jacobi.nn;
