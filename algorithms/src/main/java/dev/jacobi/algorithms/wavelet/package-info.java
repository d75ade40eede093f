/**
 * Discrete wavelet transforms with PyWavelets' names, filters, extension modes and results, and the
 * wavelet packet layout of WaLLoC (D. Jacobellis, N. J. Yadwadkar, "Learned Compression for Compressed
 * Learning", arXiv 2412.09405, DCC 2025).
 *
 * <p>Entry points: {@link dev.jacobi.algorithms.wavelet.Wavelet} ({@code named("bior4.4")}, filters),
 * {@link dev.jacobi.algorithms.wavelet.Mode} (zero, constant, symmetric, reflect, periodic, smooth,
 * antisymmetric, antireflect, periodization), {@link dev.jacobi.algorithms.wavelet.Dwt} (single-level 1-D,
 * 2-D and n-D transforms along chosen axes and their inverses, multilevel {@code decompose} /
 * {@code reconstruct}), {@link dev.jacobi.algorithms.wavelet.WaveletPacket} and
 * {@link dev.jacobi.algorithms.wavelet.WaveletPacket2D} (full packet trees, natural or frequency order,
 * and WaLLoC's {@code toChannels} / {@code fromChannels}). Every transform is differentiable; the
 * gradient of a transform is its true transpose.
 */
package dev.jacobi.algorithms.wavelet;
