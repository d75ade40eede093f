package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.Random;

/**
 * Test inputs for the joining, indexing and window properties: random tensors of exactly representable
 * values (small integers, or sixteenths for floating types) in awkward layouts, and the row-major
 * reading and index arithmetic the naive references use.
 */
final class ShapingSamples {
    /** The dtypes every property runs over: one of each kind, with complex128 for the two-part path. */
    static final DType[] DTYPES = {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.INT8, DType.BOOL,
            DType.COMPLEX128, DType.COMPLEX64, DType.BFLOAT16};

    private ShapingSamples() {
    }

    static DType anyDType(Random rnd) {
        return DTYPES[rnd.nextInt(DTYPES.length)];
    }

    /** A value exactly representable in {@code dtype} (and in every wider one). */
    static double sample(Random rnd, DType dtype) {
        return switch (dtype) {
            case BOOL -> rnd.nextInt(2);
            case INT8 -> rnd.nextInt(21) - 10;
            case INT32 -> rnd.nextInt(2001) - 1000;
            default -> (rnd.nextInt(257) - 128) / 16.0;
        };
    }

    /** A random shape of the given rank with sizes in [0, maxSize]; 0 and 1 appear often. */
    static int[] shape(Random rnd, int rank, int maxSize) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            int r = rnd.nextInt(10);
            s[i] = r == 0 ? 0 : r <= 2 ? 1 : 1 + rnd.nextInt(maxSize);
        }
        return s;
    }

    /**
     * A tensor of {@code shape} with random exact values in a random layout: contiguous, a transposed
     * tensor viewed back, every second element of a wider tensor, or flipped.
     */
    static Tensor random(Random rnd, DType dtype, int[] shape) {
        int rank = shape.length;
        int layout = rnd.nextInt(4);
        if (layout == 1 && rank >= 2) {
            int[] swapped = shape.clone();
            swapped[rank - 1] = shape[rank - 2];
            swapped[rank - 2] = shape[rank - 1];
            return fill(rnd, Tensor.zeros(dtype, swapped)).transpose(rank - 2, rank - 1);
        }
        if (layout == 2 && rank >= 1) {
            int[] wide = shape.clone();
            wide[rank - 1] = shape[rank - 1] * 2 + 1;
            return fill(rnd, Tensor.zeros(dtype, wide)).slice(rank - 1, 1, wide[rank - 1], 2);
        }
        if (layout == 3) {
            return fill(rnd, Tensor.zeros(dtype, shape)).flip();
        }
        return fill(rnd, Tensor.zeros(dtype, shape));
    }

    /** An int32 or int8 index tensor of {@code shape} with values in [0, bound), in a random layout. */
    static Tensor randomIndex(Random rnd, int[] shape, int bound) {
        DType dt = bound <= 127 && rnd.nextBoolean() ? DType.INT8 : DType.INT32;
        Tensor t = random(rnd, dt, shape);
        for (int[] ix : indices(shape)) {
            t.set(rnd.nextInt(bound), ix);
        }
        return t;
    }

    private static Tensor fill(Random rnd, Tensor t) {
        for (int[] ix : indices(t.shape())) {
            if (t.dtype().isComplex()) {
                t.setComplex(sample(rnd, DType.FLOAT32), sample(rnd, DType.FLOAT32), ix);
            } else {
                t.set(sample(rnd, t.dtype()), ix);
            }
        }
        return t;
    }

    /** Every multi-index of {@code shape} in row-major order. */
    static int[][] indices(int[] shape) {
        int n = (int) Shapes.numel(shape);
        int[][] out = new int[n][];
        int[] idx = new int[shape.length];
        for (int k = 0; k < n; k++) {
            out[k] = idx.clone();
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++idx[d] < shape[d]) {
                    break;
                }
                idx[d] = 0;
            }
        }
        return out;
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
