package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.device.Devices;
import dev.jacobi.tensor.cpu.Dgemm;
import dev.jacobi.tensor.cpu.GemmConfig;
import dev.jacobi.tensor.cpu.Sgemm;
import dev.jacobi.tensor.cpu.StridedMatrix;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Batched, broadcasting matrix products with NumPy's {@code matmul} rules.
 *
 * <ul>
 *   <li>A 1-D first operand is a row vector ([k] as [1, k]) and a 1-D second operand a column
 *       vector ([k] as [k, 1]); that dimension is removed from the result.</li>
 *   <li>Dimensions before the last two are batch dimensions and broadcast:
 *       [2, 1, m, k] x [3, k, n] gives [2, 3, m, n].</li>
 *   <li>The result type is {@link DType#promote} of the operand types. float32 runs {@link Sgemm},
 *       float64 {@link Dgemm}; float16 and bfloat16 compute in float32 and round once at the end;
 *       bool, int8 and int32 accumulate exactly in 64-bit integers and wrap (bool: any product true)
 *       when stored; complex64 and complex128 run four real products on the real and imaginary parts
 *       (see {@link #complexProduct}).</li>
 * </ul>
 *
 * <p>Operands of any layout are read in place (transposed and sliced views are not copied unless
 * their dtype must change). Size-0 dimensions give empty results, and an inner dimension of 0 gives zeros.
 */
public final class Matmul {
    private Matmul() {
    }

    /**
     * The matrix product of {@code a} and {@code b}.
     *
     * @throws IllegalArgumentException when an operand is 0-d, when the inner dimensions differ or
     *                                  when the batch dimensions do not broadcast
     */
    public static Tensor matmul(Tensor a, Tensor b) {
        if (Devices.onAccelerator(a, b)) {
            return Devices.matmul(a, b);
        }
        int[] sa = a.shape();
        int[] sb = b.shape();
        if (sa.length == 0 || sb.length == 0) {
            throw new IllegalArgumentException("matmul: operands must have at least 1 dimension, got shapes "
                    + Shapes.format(sa) + " x " + Shapes.format(sb) + " (use mul to scale by a scalar)");
        }
        boolean rowVector = sa.length == 1;
        boolean columnVector = sb.length == 1;
        Tensor a2 = rowVector ? a.unsqueeze(0) : a;
        Tensor b2 = columnVector ? b.unsqueeze(1) : b;
        int[] shapeA = a2.shape();
        int[] shapeB = b2.shape();
        int m = shapeA[shapeA.length - 2];
        int k = shapeA[shapeA.length - 1];
        int n = shapeB[shapeB.length - 1];
        if (shapeB[shapeB.length - 2] != k) {
            throw new IllegalArgumentException("matmul: inner dimensions differ: " + Shapes.format(sa) + " x "
                    + Shapes.format(sb));
        }
        int[] batchA = Arrays.copyOf(shapeA, shapeA.length - 2);
        int[] batchB = Arrays.copyOf(shapeB, shapeB.length - 2);
        int[] batch;
        try {
            batch = Shapes.broadcast("matmul", batchA, batchB);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("matmul: batch dimensions " + Shapes.format(batchA) + " and "
                    + Shapes.format(batchB) + " do not broadcast (shapes " + Shapes.format(sa) + " x "
                    + Shapes.format(sb) + ")");
        }
        int[] outShape = Arrays.copyOf(batch, batch.length + 2);
        outShape[batch.length] = m;
        outShape[batch.length + 1] = n;

        DType type = DType.promote(a.dtype(), b.dtype());
        Tensor out;
        if (Shapes.numel(outShape) == 0) {
            out = Tensor.empty(type, outShape);
        } else if (type.isComplex()) {
            out = complexProduct(a2, b2, batch, type);
        } else if (type.isFloatingPoint()) {
            DType compute = type.computeType();
            out = Tensor.empty(compute, outShape);
            realProduct(a2.to(compute), b2.to(compute), 1, 0, out, batch);
            out = out.to(type);
        } else {
            out = Tensor.empty(type, outShape);
            integerProduct(a2, b2, out, batch);
        }

        int[] finalShape = outShape;
        if (rowVector) {
            finalShape = remove(finalShape, finalShape.length - 2);
        }
        if (columnVector) {
            finalShape = remove(finalShape, finalShape.length - 1);
        }
        return finalShape.length == outShape.length ? out : out.reshape(finalShape);
    }

    private static int[] remove(int[] shape, int axis) {
        int[] r = new int[shape.length - 1];
        System.arraycopy(shape, 0, r, 0, axis);
        System.arraycopy(shape, axis + 1, r, axis, r.length - axis);
        return r;
    }

    /**
     * The element offsets of each matrix of a batch: entry t is the offset of the t-th matrix
     * (row-major over {@code batch}) of {@code x}, whose batch dimensions broadcast to {@code batch}.
     */
    private static long[] batchOffsets(Tensor x, int[] batch) {
        int[] shape = x.shape();
        long[] strides = Loops.broadcastStrides(Arrays.copyOf(shape, shape.length - 2),
                Arrays.copyOf(x.strides(), shape.length - 2), batch);
        int count = Math.toIntExact(Shapes.numel(batch));
        long[] offsets = new long[count];
        int[] index = new int[batch.length];
        long off = x.offset();
        for (int t = 0; t < count; t++) {
            offsets[t] = off;
            for (int d = batch.length - 1; d >= 0; d--) {
                index[d]++;
                off += strides[d];
                if (index[d] < batch[d]) {
                    break;
                }
                off -= strides[d] * batch[d];
                index[d] = 0;
            }
        }
        return offsets;
    }

    /**
     * A strided matrix over the last two dimensions of {@code x} at element {@code offset}, where
     * each element is {@code scale} values of the segment and the wanted part starts {@code part} values in
     * (scale 2 and part 0 or 1 address the real or imaginary parts of a complex tensor).
     */
    private static StridedMatrix matrix(Tensor x, MemorySegment seg, long offset, int scale, int part) {
        int[] shape = x.shape();
        long[] strides = x.strides();
        int r = shape.length;
        return new StridedMatrix(seg, offset * scale + part, shape[r - 2], shape[r - 1],
                strides[r - 2] * scale, strides[r - 1] * scale);
    }

    /** out = alpha a b + beta out over the batch, for float32 or float64 operands of out's dtype. */
    private static void realProduct(Tensor a, Tensor b, double alpha, double beta, Tensor out, int[] batch) {
        realProduct(a, 1, 0, b, 1, 0, alpha, beta, out, batch);
    }

    /**
     * As {@link #realProduct(Tensor, Tensor, double, double, Tensor, int[])} on one part of each
     * operand: a complex operand has scale 2 and part 0 (real) or 1 (imaginary), a real one scale 1
     * and part 0. Products big enough to split run one after the other on every core; small ones run
     * in parallel, one product per thread.
     */
    private static void realProduct(Tensor a, int scaleA, int partA, Tensor b, int scaleB, int partB,
                                    double alpha, double beta, Tensor out, int[] batch) {
        long[] offA = batchOffsets(a, batch);
        long[] offB = batchOffsets(b, batch);
        long[] offC = batchOffsets(out, batch);
        MemorySegment segA = a.storage().segment();
        MemorySegment segB = b.storage().segment();
        MemorySegment segC = out.storage().segment();
        boolean single = out.dtype() == DType.FLOAT32;
        int[] sc = out.shape();
        long work = (long) sc[sc.length - 2] * sc[sc.length - 1] * a.shape()[a.rank() - 1];
        boolean perThread = offC.length > 1 && work < GemmConfig.PARALLEL_MIN_WORK;
        GemmConfig config = perThread ? GemmConfig.singleThreaded() : GemmConfig.allCores();
        IntStream batches = IntStream.range(0, offC.length);
        (perThread ? batches.parallel() : batches).forEach(t -> {
            StridedMatrix ma = matrix(a, segA, offA[t], scaleA, partA);
            StridedMatrix mb = matrix(b, segB, offB[t], scaleB, partB);
            StridedMatrix mc = matrix(out, segC, offC[t], 1, 0);
            if (single) {
                Sgemm.gemm((float) alpha, ma, mb, (float) beta, mc, config);
            } else {
                Dgemm.gemm(alpha, ma, mb, beta, mc, config);
            }
        });
    }

    /**
     * The complex product by four real products on the parts:
     * {@code Re C = Re A Re B - Im A Im B}, {@code Im C = Re A Im B + Im A Re B} (a real operand has
     * no imaginary part, and its two products are skipped). The three-multiplication (3M, Gauss)
     * method would save a quarter of the work but needs the sums Re A + Im A and Re B + Im B as new
     * matrices, and its imaginary part is only accurate relative to (|Re A| + |Im A|)(|Re B| + |Im B|),
     * so an imaginary part much smaller than the parts can lose every digit (Higham, "Stability of a
     * method for multiplying complex matrices with three real matrix multiplications", 1992). The
     * four-product form gives each part the accuracy of a real GEMM. The parts are read in place
     * from the interleaved storage (stride 2) and written to contiguous real tensors, which
     * {@link Tensor#complex} interleaves once at the end.
     */
    private static Tensor complexProduct(Tensor a, Tensor b, int[] batch, DType type) {
        DType part = type.realPart();
        Tensor ca = a.dtype().isComplex() ? a.to(type) : a.to(part);
        Tensor cb = b.dtype().isComplex() ? b.to(type) : b.to(part);
        int sa = ca.dtype().isComplex() ? 2 : 1;
        int sb = cb.dtype().isComplex() ? 2 : 1;
        int m = a.shape()[a.rank() - 2];
        int n = b.shape()[b.rank() - 1];
        int[] shape = Arrays.copyOf(batch, batch.length + 2);
        shape[batch.length] = m;
        shape[batch.length + 1] = n;
        Tensor re = Tensor.empty(part, shape);
        Tensor im = Tensor.empty(part, shape);
        realProduct(ca, sa, 0, cb, sb, 0, 1, 0, re, batch);
        if (sa == 2 && sb == 2) {
            realProduct(ca, sa, 1, cb, sb, 1, -1, 1, re, batch);
        }
        boolean imWritten = false;
        if (sb == 2) {
            realProduct(ca, sa, 0, cb, sb, 1, 1, 0, im, batch);
            imWritten = true;
        }
        if (sa == 2) {
            realProduct(ca, sa, 1, cb, sb, 0, 1, imWritten ? 1 : 0, im, batch);
        }
        return Tensor.complex(re, im);
    }

    /**
     * Exact integer product: each dot product is summed in a long, then stored as a cast stores it:
     * int32 and int8 keep the low bits (the long sum is exact modulo 2^64, so the low bits are those
     * of the exact sum even if it overflows), bool is true when any product is.
     */
    private static void integerProduct(Tensor a, Tensor b, Tensor out, int[] batch) {
        long[] offA = batchOffsets(a, batch);
        long[] offB = batchOffsets(b, batch);
        long[] offC = batchOffsets(out, batch);
        int[] shA = a.shape();
        int m = shA[shA.length - 2];
        int k = shA[shA.length - 1];
        int n = out.shape()[out.rank() - 1];
        long[] stA = a.strides();
        long[] stB = b.strides();
        long rsA = stA[stA.length - 2];
        long csA = stA[stA.length - 1];
        long rsB = stB[stB.length - 2];
        long csB = stB[stB.length - 1];
        MemorySegment segC = out.storage().segment();
        DType type = out.dtype();
        IntStream.range(0, offC.length).parallel().forEach(t -> {
            long[] bMatrix = new long[k * n];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    bMatrix[p * n + j] = readInteger(b, offB[t] + p * rsB + j * csB);
                }
            }
            long[] row = new long[n];
            for (int i = 0; i < m; i++) {
                Arrays.fill(row, 0);
                for (int p = 0; p < k; p++) {
                    long x = readInteger(a, offA[t] + i * rsA + p * csA);
                    if (x == 0) {
                        continue;
                    }
                    for (int j = 0; j < n; j++) {
                        row[j] += x * bMatrix[p * n + j];
                    }
                }
                long base = offC[t] + (long) i * n;
                for (int j = 0; j < n; j++) {
                    switch (type) {
                        case INT32 -> segC.setAtIndex(ValueLayout.JAVA_INT, base + j, (int) row[j]);
                        case INT8 -> segC.set(ValueLayout.JAVA_BYTE, base + j, (byte) row[j]);
                        case BOOL -> segC.set(ValueLayout.JAVA_BYTE, base + j, (byte) (row[j] != 0 ? 1 : 0));
                        default -> throw new IllegalStateException("matmul: no integer kernel for " + type);
                    }
                }
            }
        });
    }

    /** An element of a bool, int8 or int32 tensor as a long. */
    private static long readInteger(Tensor x, long index) {
        return (long) x.storage().getDouble(index);
    }
}
