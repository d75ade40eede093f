/**
 * Complete models built from the layers, shared by the tour, the benchmarks and the tests:
 * {@link dev.jacobi.nn.models.PixelTransformer}, a small transformer classifier that reads each
 * feature (an 8x8 digit's pixel) as a token.
 */
package dev.jacobi.nn.models;
