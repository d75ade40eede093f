/**
 * Normalizing flows: TarFlow and its fast samplers.
 *
 * <p>TarFlow (S. Zhai et al., "Normalizing Flows are Capable Generative Models", arXiv 2412.06329):
 * K autoregressive affine flow blocks, each a causal transformer over the image's patch sequence whose
 * outputs, shifted by one token, give each token's log-scale and shift; odd blocks reverse the token
 * order. GS-Jacobi sampling (B. Liu, Z. Qin, "Accelerate TarFlow Sampling with GS-Jacobi Iteration",
 * arXiv 2505.12849): the block inverse as a fixed point solved by Jacobi passes over contiguous modules
 * of tokens, modules in Gauss–Seidel order.
 *
 * <p>Entry points: {@link dev.jacobi.algorithms.flow.TarFlow} ({@code create}, {@code forward}, {@code loss}, {@code denoise},
 * {@code bitsPerDim}), {@link dev.jacobi.algorithms.flow.Patches}, {@link dev.jacobi.algorithms.flow.FlowSampler}
 * ({@code inverse} of one block, {@code sample} of the model) with
 * {@link dev.jacobi.algorithms.flow.BlockStrategy}, optional {@link dev.jacobi.algorithms.flow.Guidance}
 * (classifier-free, annealed), and the reports
 * {@link dev.jacobi.algorithms.flow.BlockReport} / {@link dev.jacobi.algorithms.flow.ModuleReport} (a block whose
 * Jacobi passes overflow or diverge falls back to the sequential inverse: {@link dev.jacobi.algorithms.flow.Fallback}).
 * Training: {@link dev.jacobi.algorithms.flow.TarFlowTraining} (noise augmentation, label drop, AdamW with a
 * cosine schedule, on the 8x8 digits or any images in [0, 1]).
 * The per-block strategy can be derived from data: {@link dev.jacobi.algorithms.flow.ConvergenceMetrics}
 * (the paper's CRM and IGM) and {@link dev.jacobi.algorithms.flow.StrategySelector} ({@code automatic},
 * {@code choose}, and {@code fromLists} for the reference's hand-set lists).
 *
 * <p>Parameter names follow the reference PyTorch state dict (apple/ml-tarflow {@code transformer_flow.py}):
 * {@code blocks.<k>.proj_in}, {@code .pos_embed}, {@code .class_embed}, {@code .attn_blocks.<l>.attention.norm},
 * {@code .attention.qkv}, {@code .attention.proj}, {@code .mlp.norm}, {@code .mlp.main.0}, {@code .mlp.main.2},
 * {@code .proj_out}, buffers {@code .attn_mask} and {@code var}.
 */
package dev.jacobi.algorithms.flow;
