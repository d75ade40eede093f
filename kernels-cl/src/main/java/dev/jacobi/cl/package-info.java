/** The OpenCL device for Jacobi tensors (filled in by the OpenCL issue). */
package dev.jacobi.cl;
