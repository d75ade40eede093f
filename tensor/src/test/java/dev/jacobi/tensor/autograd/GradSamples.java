package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;

/** Random inputs for the gradient properties: shapes, values kept inside an op's smooth domain, layouts. */
final class GradSamples {
    private GradSamples() {
    }

    /** Runs {@link GradCheck#check} (reverse and forward mode) and fails with the report, the case and the seed. */
    static GradCheck.Report check(String what, long seed, Function<List<Tensor>, Tensor> f, Tensor... inputs) {
        return check(what, seed, GradCheck.Options.defaults(), f, inputs);
    }

    /** {@link #check(String, long, Function, Tensor...)} with other options (the seed is set from {@code seed}). */
    static GradCheck.Report check(String what, long seed, GradCheck.Options options, Function<List<Tensor>, Tensor> f,
                                  Tensor... inputs) {
        GradCheck.Report r = GradCheck.check(f, List.of(inputs), options.withSeed(seed));
        assertThat(r.passed()).as("%s, seed %d: %s", what, seed, r).isTrue();
        return r;
    }

    /** Sizes 1..maxSize for each of {@code rank} dimensions. */
    static int[] shape(Random rnd, int rank, int maxSize) {
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            s[i] = 1 + rnd.nextInt(maxSize);
        }
        return s;
    }

    static int numel(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    /** float64 values drawn uniformly from [lo, hi). */
    static Tensor uniform(Random rnd, int[] shape, double lo, double hi) {
        double[] v = new double[numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return Tensor.of(v, shape);
    }

    /** float64 values with |x| in [lo, hi) and a random sign: away from the kink at 0 of abs, relu, sign. */
    static Tensor awayFromZero(Random rnd, int[] shape, double lo, double hi) {
        double[] v = new double[numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (rnd.nextBoolean() ? 1 : -1) * (lo + (hi - lo) * rnd.nextDouble());
        }
        return Tensor.of(v, shape);
    }

    /**
     * Distinct float64 values: a random permutation of 0..n-1, times {@code spacing}, shifted by {@code shift},
     * plus noise below a fifth of the spacing, so any two differ by at least 0.6 spacing (no ties).
     */
    static Tensor distinct(Random rnd, int[] shape, double spacing, double shift) {
        int n = numel(shape);
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, rnd);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = shift + spacing * (order.get(i) + 0.2 * rnd.nextDouble());
        }
        return Tensor.of(v, shape);
    }

    /** complex128 values with real part in [reLo, reHi) and imaginary part in [-imAbs, imAbs). */
    static Tensor complex(Random rnd, int[] shape, double reLo, double reHi, double imAbs) {
        return Tensor.complex(uniform(rnd, shape, reLo, reHi), uniform(rnd, shape, -imAbs, imAbs));
    }

    /** int32 indices in [0, bound), drawn from a small range so that repeats are common. */
    static Tensor indices(Random rnd, int[] shape, int bound) {
        int[] v = new int[numel(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = rnd.nextInt(bound);
        }
        return Tensor.ofInts(v, shape);
    }

    /**
     * A way to present an input of {@code shape} to an op as a non-contiguous tensor: the checked input has
     * {@link #stored} shape and {@link #present} turns it into a view of {@code shape} (transposed,
     * strided or flipped), or it is passed as it is.
     */
    record Layout(String name, int[] stored, UnaryOperator<Tensor> present) {
        Tensor sample(Function<int[], Tensor> values) {
            return values.apply(stored);
        }
    }

    /** One of: contiguous, the transpose of a transposed tensor, every other element, flipped. */
    static Layout layout(Random rnd, int[] shape) {
        int rank = shape.length;
        int kind = rank == 0 ? 0 : rnd.nextInt(4);
        switch (kind) {
            case 1 -> {
                if (rank < 2) {
                    return layout(rnd, shape);
                }
                int[] swapped = shape.clone();
                swapped[rank - 1] = shape[rank - 2];
                swapped[rank - 2] = shape[rank - 1];
                return new Layout("transposed", swapped, t -> t.mT());
            }
            case 2 -> {
                int d = rnd.nextInt(rank);
                int[] wide = shape.clone();
                wide[d] = 2 * shape[d] + 1;
                return new Layout("strided along " + d, wide, t -> t.slice(d, 1, wide[d], 2));
            }
            case 3 -> {
                int d = rnd.nextInt(rank);
                return new Layout("flipped along " + d, shape, t -> t.flip(d));
            }
            default -> {
                return new Layout("contiguous", shape, t -> t);
            }
        }
    }

    /**
     * Two shapes that broadcast together: each a suffix of a random shape of rank up to 3, with some sizes
     * replaced by 1 (and 0-d shapes among them).
     */
    static int[][] broadcastPair(Random rnd) {
        int[] full = shape(rnd, rnd.nextInt(4), 3);
        return new int[][] {broadcastable(rnd, full), broadcastable(rnd, full)};
    }

    private static int[] broadcastable(Random rnd, int[] full) {
        int rank = rnd.nextInt(full.length + 1);
        if (rnd.nextInt(3) == 0) {
            rank = full.length;
        }
        int[] s = new int[rank];
        for (int i = 0; i < rank; i++) {
            int d = full[full.length - rank + i];
            s[i] = rnd.nextInt(3) == 0 ? 1 : d;
        }
        return s;
    }

    static String fmt(int[] shape) {
        return java.util.Arrays.toString(shape);
    }
}
