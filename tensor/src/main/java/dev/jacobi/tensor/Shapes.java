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

    /** True when a view of {@code shape} with {@code strides} lies in row-major order with no gaps. */
    public static boolean isContiguous(int[] shape, long[] strides) {
        long expected = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != expected) {
                return false;
            }
            expected *= shape[i];
        }
        return true;
    }

    /**
     * {@code order} checked as a permutation of the dimensions of {@code shape}, with negative axes
     * counted from the end.
     *
     * @throws IllegalArgumentException when it has the wrong length or repeats an axis
     */
    public static int[] permutation(String op, int[] order, int[] shape) {
        if (order.length != shape.length) {
            throw new IllegalArgumentException(op + ": order " + java.util.Arrays.toString(order) + " has " + order.length
                    + " entries for a tensor of shape " + format(shape));
        }
        boolean[] seen = new boolean[order.length];
        int[] normalized = new int[order.length];
        for (int i = 0; i < order.length; i++) {
            int ax = axis(op, order[i], shape.length);
            if (seen[ax]) {
                throw new IllegalArgumentException(op + ": axis " + order[i] + " repeats in " + java.util.Arrays.toString(order));
            }
            seen[ax] = true;
            normalized[i] = ax;
        }
        return normalized;
    }

    /** A view's shape and strides (in elements). */
    public record Layout(int[] shape, long[] strides) {
    }

    /**
     * The layout of {@code shape}/{@code strides} broadcast to {@code newShape}: size-1 dimensions and new
     * leading dimensions repeat with stride 0, and -1 keeps a dimension's size.
     *
     * @throws IllegalArgumentException when the shape does not broadcast to {@code newShape}
     */
    public static Layout expanded(int[] shape, long[] strides, int[] newShape) {
        if (newShape.length < shape.length) {
            throw new IllegalArgumentException("expand: shape " + format(shape) + " cannot expand to fewer dimensions "
                    + format(newShape));
        }
        int lead = newShape.length - shape.length;
        int[] s = new int[newShape.length];
        long[] st = new long[newShape.length];
        for (int i = 0; i < newShape.length; i++) {
            int want = newShape[i];
            if (i < lead) {
                if (want < 0) {
                    throw new IllegalArgumentException("expand: -1 is not allowed for a new leading dimension in "
                            + format(newShape));
                }
                s[i] = want;
                continue;
            }
            int have = shape[i - lead];
            if (want == -1 || want == have) {
                s[i] = have;
                st[i] = strides[i - lead];
            } else if (have == 1 && want >= 0) {
                s[i] = want;
            } else {
                throw new IllegalArgumentException("expand: shape " + format(shape) + " cannot expand to "
                        + format(newShape) + " (dimension " + i + ": " + have + " to " + want + ")");
            }
        }
        return new Layout(s, st);
    }
}
