/**
 * float32 tensor ops on an OpenCL device: {@link dev.jacobi.cl.ops.ClOps} (elementwise with broadcasting,
 * reductions, softmax, layer norm, layout copies), {@link dev.jacobi.cl.ops.ClGemm} (batched matrix products
 * with per-device tiles from {@link dev.jacobi.cl.ops.ClGemmTuner}) and {@link dev.jacobi.cl.ops.ClAttention}
 * (FlashAttention forward, causal and ALiBi). Each op is checked against the CPU op of the same name in the
 * tests.
 */
package dev.jacobi.cl.ops;
