package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.TestTensors;

import java.util.Random;

/**
 * What the joining, indexing and window properties add to {@link TestTensors}: a dtype for each kind,
 * random index tensors, and the row-major arithmetic their naive references use.
 */
final class ShapingSamples {
    /** The dtypes the properties run over: one of each kind, both complex types and a half type. */
    static final DType[] DTYPES = {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT8, DType.BOOL,
            DType.COMPLEX128, DType.COMPLEX64, DType.BFLOAT16};

    private ShapingSamples() {
    }

    static DType anyDType(Random rnd) {
        return DTYPES[rnd.nextInt(DTYPES.length)];
    }

    /** {@link TestTensors#random} in a random one of its layouts. */
    static Tensor random(Random rnd, DType dtype, int[] shape) {
        return TestTensors.random(rnd, dtype, shape, rnd.nextInt(4));
    }

    /** An int32 or int8 index tensor of {@code shape} with values in [0, bound), in a random layout. */
    static Tensor randomIndex(Random rnd, int[] shape, int bound) {
        DType dt = bound <= 127 && rnd.nextBoolean() ? DType.INT8 : DType.INT32;
        Tensor t = random(rnd, dt, shape);
        for (int[] ix : TestTensors.indices(shape)) {
            t.set(rnd.nextInt(bound), ix);
        }
        return t;
    }

    /**
     * The shapes of a random gather / scatter-add case: a source of {@code source} shape (at least 1 along
     * {@code dim}), an index of {@code index} shape that fits the source in every dimension but
     * {@code dim}, where it has up to {@code maxAlongDim} entries.
     */
    record GatherShapes(int dim, int[] source, int[] index) {
        static GatherShapes random(Random rnd, int maxAlongDim) {
            int rank = 1 + rnd.nextInt(3);
            int dim = rnd.nextInt(rank);
            int[] source = TestTensors.shape(rnd, rank, 5);
            source[dim] = Math.max(source[dim], 1);
            int[] index = new int[rank];
            for (int d = 0; d < rank; d++) {
                index[d] = d == dim ? rnd.nextInt(maxAlongDim + 1) : rnd.nextInt(source[d] + 1);
            }
            return new GatherShapes(dim, source, index);
        }

        int rank() {
            return source.length;
        }
    }

    /** Sum of products in float64 over the row-major values of two tensors of equal size. */
    static double dot(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        if (x.length != y.length) {
            throw new AssertionError("dot: " + x.length + " against " + y.length + " values");
        }
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            s += x[i] * y[i];
        }
        return s;
    }

    /** The row-major position of {@code index} in a contiguous tensor of {@code shape}. */
    static int flat(int[] index, int[] shape) {
        int f = 0;
        for (int d = 0; d < shape.length; d++) {
            f = f * shape[d] + index[d];
        }
        return f;
    }

    /** Doubles per element in {@link Tensor#toDoubleArray()}: 2 for complex (real, imaginary), else 1. */
    static int width(DType dtype) {
        return dtype.isComplex() ? 2 : 1;
    }

    /** The value of a naive float64 result once stored in {@code dtype}: bool is "non-zero", others are exact here. */
    static double stored(DType dtype, double v) {
        return dtype == DType.BOOL ? (v != 0 ? 1 : 0) : v;
    }
}
