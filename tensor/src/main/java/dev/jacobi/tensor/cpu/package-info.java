/**
 * CPU kernels on the Vector API (AVX-512 where present): elementwise rows, reductions, normalizations,
 * SGEMM/DGEMM with packed panels and register-blocked micro-kernels, and the worker threads they split
 * work across. Every kernel has a scalar path, used when {@link dev.jacobi.tensor.cpu.Simd#enabled()}
 * is false.
 */
package dev.jacobi.tensor.cpu;
