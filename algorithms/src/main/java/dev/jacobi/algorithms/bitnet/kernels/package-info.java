/**
 * Packed ternary weights and the int8 x ternary products of BitNet b1.58 inference (S. Ma et al.,
 * "The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits", arXiv 2402.17764; the packing
 * formats of bitnet.cpp, J. Wang et al., "1-bit AI Infra", arXiv 2410.16144).
 *
 * <p>Entry points: {@link dev.jacobi.algorithms.bitnet.kernels.PackedTernary} ({@code i2s}, {@code tl1},
 * {@code unpack}) and {@link dev.jacobi.algorithms.bitnet.kernels.TernaryGemm#multiply}, exact in int32.
 * The OpenCL version of the I2_S product is {@code dev.jacobi.cl.ops.ClTernaryGemm} in the kernels-cl module.
 */
package dev.jacobi.algorithms.bitnet.kernels;
