/**
 * Lossy image codecs behind one {@link dev.jacobi.algorithms.compress.Codec} interface, and the
 * lossless entropy coder they share.
 *
 * <ul>
 *   <li>{@link dev.jacobi.algorithms.compress.EntropyCoder}: adaptive arithmetic coding of integer
 *       symbols with one adaptive model per channel, in a framed, checksummed byte format.</li>
 *   <li>{@link dev.jacobi.algorithms.compress.Walloc}: WaLLoC, "Learned Compression for Compressed
 *       Learning" (Jacobellis and Yadwadkar, arXiv 2412.09405, DCC 2025): a wavelet packet transform,
 *       a linear encoder, a bounded-latent bottleneck and a nonlinear decoder;
 *       {@link dev.jacobi.algorithms.compress.WallocCodec} codes its latents to bytes.</li>
 *   <li>{@link dev.jacobi.algorithms.compress.JpegCodec} (the JDK's JPEG writer) and
 *       {@link dev.jacobi.algorithms.compress.WaveletCodec} (uniformly quantized wavelet packet
 *       coefficients) as baselines.</li>
 * </ul>
 */
package dev.jacobi.algorithms.compress;
