/**
 * The GEMM comparison of `./jacobi bench gemm` and the tour: Jacobi's SGEMM against OpenBLAS (through FFM), EJML and a naive loop.
 */
package dev.jacobi.bench.gemm;
