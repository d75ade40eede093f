/** {@link dev.jacobi.cl.bench.ClBenchmark}: device ops against the CPU path, as {@code ./jacobi bench opencl} prints them. */
package dev.jacobi.cl.bench;
