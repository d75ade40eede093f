/**
 * The `jacobi` command line: `tour`, `bench gemm`, `bench jmh`, `bench opencl`, `--help`, `--version`.
 */
package dev.jacobi.bench.cli;
