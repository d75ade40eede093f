/**
 * The OpenCL device for Jacobi tensors, through JOCL.
 *
 * <ul>
 *   <li>Discovery: {@link dev.jacobi.cl.ClDevices} lists platforms and devices and picks one (GPU, then
 *       accelerator, then CPU, or by name); {@link dev.jacobi.cl.ClDevices#availability()} says in one line
 *       whether OpenCL is there, and {@link dev.jacobi.cl.OpenClUnavailableException} is thrown when a device
 *       is asked for and none exists. There is no silent fallback to the CPU.</li>
 *   <li>{@link dev.jacobi.cl.ClContext}: one device, one in-order queue, a buffer pool, the built programs
 *       and an optional {@link dev.jacobi.cl.ClProfiler}.</li>
 *   <li>Memory: {@link dev.jacobi.cl.ClBuffer} (explicit ownership, pooled by size class),
 *       {@link dev.jacobi.cl.ClScope} (owns the buffers made while open, as the CPU Scope does) and
 *       {@link dev.jacobi.cl.ClTensor} (a strided view of a buffer, copied from and to CPU tensors).</li>
 *   <li>Kernels are {@code .cl} resources in {@code dev/jacobi/cl/kernels/}, built once per device by
 *       {@link dev.jacobi.cl.ClKernels}, which also loads other modules' kernels, with binaries cached on
 *       disk by {@link dev.jacobi.cl.ClBinaryCache}.</li>
 * </ul>
 * The ops live in {@code dev.jacobi.cl.ops}.
 */
package dev.jacobi.cl;
