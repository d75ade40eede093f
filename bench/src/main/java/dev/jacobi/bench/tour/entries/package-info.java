/**
 * The tour's experiments that check the library itself: {@link dev.jacobi.bench.tour.entries.TensorSelfCheck}
 * checks the tensor core against plain float64 references; {@link dev.jacobi.bench.tour.entries.DigitsTraining}
 * trains an MLP and a small transformer on the 8x8 digits with the training loop of
 * {@code dev.jacobi.nn.train}. Experiments of a paper live beside its
 * benchmarks; all are listed in {@link dev.jacobi.bench.tour.TourEntries}.
 */
package dev.jacobi.bench.tour.entries;
