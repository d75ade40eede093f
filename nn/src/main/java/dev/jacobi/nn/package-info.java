/** Neural-network layers, losses, optimizers and serialization (filled in by the autograd issue). */
package dev.jacobi.nn;
