/**
 * Attention kernels on the CPU.
 *
 * <p>{@link dev.jacobi.nn.attention.FlashAttention} is exact attention computed tile by tile with an
 * online softmax, after FlashAttention (T. Dao, D. Y. Fu, S. Ermon, A. Rudra, C. Ré, "FlashAttention:
 * Fast and Memory-Efficient Exact Attention with IO-Awareness", NeurIPS 2022) and FlashAttention-2
 * (T. Dao, "FlashAttention-2: Faster Attention with Better Parallelism and Work Partitioning", ICLR 2024):
 * the forward pass keeps only O(N d) memory and returns each row's log-sum-exp; the backward pass
 * recomputes the probabilities from it (FlashAttention-2, Algorithm 2). Both run on padded batches and
 * on variable-length (unpadded) batches given by cumulative sequence offsets, with causal (bottom-right
 * aligned), block-causal, key-padding and boolean masks and ALiBi biases
 * ({@link dev.jacobi.nn.attention.AttentionOptions}, {@link dev.jacobi.nn.attention.Alibi}).
 *
 * <p>{@link dev.jacobi.nn.attention.NaiveAttention} computes the same with whole-matrix tensor
 * operations; it is the simple truth the tiled kernel is tested and benchmarked against.
 *
 * <p>These are raw float32 kernels without autograd: callers pass the output gradient to
 * {@code backward} themselves.
 */
package dev.jacobi.nn.attention;
