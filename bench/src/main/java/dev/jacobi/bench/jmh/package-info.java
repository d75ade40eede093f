/**
 * JMH benchmarks (GEMM, bandwidth, attention, optimizer step, training step, autograd overhead); `bench/RESULTS.md` records their figures.
 */
package dev.jacobi.bench.jmh;
