/**
 * The tensor operations behind {@link dev.jacobi.tensor.Tensor}'s methods: the op tables
 * ({@link dev.jacobi.tensor.ops.UnaryOp}, {@link dev.jacobi.tensor.ops.BinaryOp}: name, result type,
 * float64 reference, integer and complex forms, derivative rules), broadcasting loops, reductions,
 * normalizations, matrix products, joining, indexing and windows. Each op checks its arguments and
 * dispatches to the SIMD kernels of {@code dev.jacobi.tensor.cpu}, a scalar reference path, or a device.
 */
package dev.jacobi.tensor.ops;
