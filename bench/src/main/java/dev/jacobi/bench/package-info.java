/** JMH benchmarks, the {@code jacobi} command line and the tour. */
package dev.jacobi.bench;
