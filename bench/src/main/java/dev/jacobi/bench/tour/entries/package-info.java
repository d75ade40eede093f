/**
 * The tour's experiments that check the library itself: {@link dev.jacobi.bench.tour.entries.TensorSelfCheck}
 * checks the tensor core against plain float64 references. Experiments of a paper live beside its
 * benchmarks; all are listed in {@link dev.jacobi.bench.tour.TourEntries}.
 */
package dev.jacobi.bench.tour.entries;
