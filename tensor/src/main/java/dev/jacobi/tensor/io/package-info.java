/**
 * Reading and writing tensors in the files NumPy and PyTorch users exchange: {@link
 * dev.jacobi.tensor.io.Npy} ({@code .npy}), {@link dev.jacobi.tensor.io.Npz} ({@code .npz}) and
 * {@link dev.jacobi.tensor.io.SafeTensors} ({@code .safetensors}). No dependencies: the zip support
 * is the JDK's, the JSON and Python-literal header parsers are our own, strict and small.
 *
 * <p><b>Dtypes.</b> Every {@link dev.jacobi.tensor.DType} has a name in at least one format:
 * NumPy has no bfloat16 (write it to safetensors, or convert with {@code t.to(DType.FLOAT32)}, which
 * is exact) and safetensors has no complex128 (write it to {@code .npz}). Dtypes Jacobi lacks
 * (int64, uint8, ...) are refused on reading with a message listing the supported ones.
 *
 * <p><b>Memory.</b> Files of 1 MiB or more are memory-mapped, and tensors whose data is aligned
 * and in the platform's byte order view the mapping without a copy; the mapping is copy-on-write
 * and owned by the garbage collector (it is unmapped when no tensor uses it), not by a
 * {@link dev.jacobi.tensor.Scope}. Everything else (small files, {@code .npz} entries, byte-swapped
 * or misaligned data) is read into memory owned by the current scope, like any new tensor. Writes
 * go through a temporary file that replaces the target, so overwriting a mapped file is safe.
 *
 * <p><b>Errors.</b> Malformed, truncated or unsupported files give a {@link
 * dev.jacobi.tensor.io.TensorFormatException} (an {@link java.io.UncheckedIOException}) whose
 * message names the file and what is wrong; every length, offset and shape is checked against the
 * file size before anything is allocated. I/O failures give an {@link java.io.UncheckedIOException};
 * writing a tensor a format cannot hold gives an {@link IllegalArgumentException} before any file
 * is touched.
 */
package dev.jacobi.tensor.io;
