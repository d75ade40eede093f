package dev.jacobi.tensor;

import java.util.Random;

/**
 * Test helpers: random tensors in awkward layouts and a naive element reader that goes through
 * {@link Tensor#getDouble(int...)} index by index (independent of the row loops under test).
 */
public final class TestTensors {
    private TestTensors() {
    }

    /** Every multi-index of {@code shape} in row-major order. */
    public static int[][] indices(int[] shape) {
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

    /** Values in row-major order, read one index at a time (real parts for complex tensors). */
    public static double[] naiveValues(Tensor t) {
        int[][] idx = indices(t.shape());
        double[] v = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            v[i] = t.getDouble(idx[i]);
        }
        return v;
    }

    /** Imaginary parts in row-major order, read one index at a time. */
    public static double[] naiveImag(Tensor t) {
        int[][] idx = indices(t.shape());
        double[] v = new double[idx.length];
        for (int i = 0; i < idx.length; i++) {
            v[i] = t.getImag(idx[i]);
        }
        return v;
    }

    /** A value exactly representable in every dtype (small integers, or halves for floats). */
    public static double sample(Random rnd, DType dtype) {
        return switch (dtype) {
            case BOOL -> rnd.nextInt(2);
            case INT8 -> rnd.nextInt(21) - 10;
            case INT32 -> rnd.nextInt(2001) - 1000;
            default -> (rnd.nextInt(257) - 128) / 16.0;
        };
    }

    /**
     * A tensor of {@code shape} with random exactly-representable values, in one of several layouts:
     * contiguous, a transposed copy viewed back, a slice with step 2 of a larger tensor, or flipped.
     */
    public static Tensor random(Random rnd, DType dtype, int[] shape, int layout) {
        int rank = shape.length;
        Tensor base;
        switch (layout % 4) {
            case 1 -> {
                if (rank < 2) {
                    return random(rnd, dtype, shape, 0);
                }
                int[] swapped = shape.clone();
                swapped[rank - 1] = shape[rank - 2];
                swapped[rank - 2] = shape[rank - 1];
                base = fill(rnd, Tensor.zeros(dtype, swapped)).transpose(rank - 2, rank - 1);
            }
            case 2 -> {
                if (rank < 1) {
                    return random(rnd, dtype, shape, 0);
                }
                int[] wide = shape.clone();
                wide[rank - 1] = shape[rank - 1] * 2 + 1;
                base = fill(rnd, Tensor.zeros(dtype, wide)).slice(rank - 1, 1, wide[rank - 1], 2);
            }
            case 3 -> base = fill(rnd, Tensor.zeros(dtype, shape)).flip();
            default -> base = fill(rnd, Tensor.zeros(dtype, shape));
        }
        return base;
    }

    private static Tensor fill(Random rnd, Tensor t) {
        for (int[] ix : indices(t.shape())) {
            if (t.dtype().isComplex()) {
                t.setComplex(sample(rnd, DType.FLOAT64), sample(rnd, DType.FLOAT64), ix);
            } else {
                t.set(sample(rnd, t.dtype()), ix);
            }
        }
        return t;
    }

    /** A random shape of the given rank with sizes in [0, maxSize] (0 and 1 appear often). */
    public static int[] shape(Random rnd, int rank, int maxSize) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            int r = rnd.nextInt(10);
            s[i] = r == 0 ? 0 : r <= 2 ? 1 : 1 + rnd.nextInt(maxSize);
        }
        return s;
    }

    /** A uniformly random permutation of [0, n). */
    public static int[] permutation(Random rnd, int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int tmp = p[i];
            p[i] = p[j];
            p[j] = tmp;
        }
        return p;
    }
}
