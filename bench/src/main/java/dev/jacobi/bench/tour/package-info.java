/**
 * `./jacobi tour`: every experiment on built-in data, a results table and an HTML report with plots; entries are listed in {@link dev.jacobi.bench.tour.TourEntries}.
 */
package dev.jacobi.bench.tour;
