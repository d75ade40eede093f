/**
 * BitNet b1.58: ternary weights, 8-bit activations, quantization-aware training.
 *
 * <p>S. Ma et al., "The Era of 1-bit LLMs: All Large Language Models are in 1.58 Bits", arXiv 2402.17764;
 * J. Nielsen and P. Schneider-Kamp, "BitNet b1.58 Reloaded: State-of-the-art Performance Also on Smaller
 * Networks", arXiv 2407.09527 (the median scale, small models); bitnet.cpp (arXiv 2410.16144) for the
 * packed formats in {@link dev.jacobi.algorithms.bitnet.kernels}.
 *
 * <p>Entry points: {@link dev.jacobi.algorithms.bitnet.Ternary} ({@code absmean}, {@code absmedian},
 * {@code dequantize}) returning a {@link dev.jacobi.algorithms.bitnet.TernaryTensor};
 * {@link dev.jacobi.algorithms.bitnet.ActivationQuant} ({@code absmax8}) returning
 * {@link dev.jacobi.algorithms.bitnet.QuantizedActivations}; the layer
 * {@link dev.jacobi.algorithms.bitnet.BitLinear} (straight-through training, packed integer inference);
 * {@link dev.jacobi.algorithms.bitnet.QatOptimizers} (AdamW with weight decay on the latent weights only); and the small-scale reproduction {@link dev.jacobi.algorithms.bitnet.QatExperiment} on the
 * 8x8 digits and on a character-level model of {@link dev.jacobi.algorithms.bitnet.CharCorpus}.
 */
package dev.jacobi.algorithms.bitnet;
