/**
 * The tensor: {@link dev.jacobi.tensor.Tensor} (strided views over off-heap
 * {@link dev.jacobi.tensor.Storage}), {@link dev.jacobi.tensor.DType}, {@link dev.jacobi.tensor.Scope}
 * (who frees memory), {@link dev.jacobi.tensor.Generator} (seeded Philox random numbers) and
 * {@link dev.jacobi.tensor.Device} (where a tensor lives).
 */
package dev.jacobi.tensor;
