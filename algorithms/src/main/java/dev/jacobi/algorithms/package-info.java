/** Algorithms of the papers Jacobi implements, one sub-package per paper. */
package dev.jacobi.algorithms;
