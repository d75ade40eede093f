package dev.jacobi.tensor;

import java.util.Arrays;

/** Shape arithmetic shared by every operation: sizes, strides, broadcasting and axis checks. */
public final class Shapes {
    private Shapes() {
    }

    /** Number of elements of a shape (1 for a scalar shape {@code []}). */
    public static long numel(int[] shape) {
        long n = 1;
        for (int d : shape) {
            n = Math.multiplyExact(n, (long) d);
        }
        return n;
    }

    /** Row-major (C order) strides in elements. */
    public static long[] contiguousStrides(int[] shape) {
        long[] strides = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return strides;
    }

    /** Formats a shape as {@code [2, 3]}. */
    public static String format(int[] shape) {
        return Arrays.toString(shape);
    }

    /** Checks that every size is non-negative. */
    public static int[] checkShape(String op, int[] shape) {
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException(op + ": negative dimension in shape " + format(shape));
            }
        }
        numel(shape); // overflow check
        return shape.clone();
    }

    /**
     * The NumPy broadcast of two shapes: aligned from the right, sizes equal or one of them 1.
     *
     * @throws IllegalArgumentException naming {@code op} and both shapes when they do not broadcast
     */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int n = Math.max(a.length, b.length);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int da = i < n - a.length ? 1 : a[i - (n - a.length)];
            int db = i < n - b.length ? 1 : b[i - (n - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException(op + ": shapes " + format(a) + " and " + format(b)
                        + " do not broadcast (dimension " + i + " of the result: " + da + " vs " + db + ")");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** Normalizes a possibly negative axis against {@code rank}, naming {@code op} when out of range. */
    public static int axis(String op, int axis, int rank) {
        if (axis < -rank || axis >= rank) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for a tensor of rank " + rank);
        }
        return axis < 0 ? axis + rank : axis;
    }

    /**
     * Normalizes a set of axes; an empty array means every axis.
     *
     * @return a boolean mask of length {@code rank}
     */
    public static boolean[] axesMask(String op, int[] axes, int rank) {
        boolean[] mask = new boolean[rank];
        if (axes.length == 0) {
            Arrays.fill(mask, true);
            return mask;
        }
        for (int a : axes) {
            int ax = axis(op, a, rank);
            if (mask[ax]) {
                throw new IllegalArgumentException(op + ": axis " + a + " is given twice in " + Arrays.toString(axes));
            }
            mask[ax] = true;
        }
        return mask;
    }
}
