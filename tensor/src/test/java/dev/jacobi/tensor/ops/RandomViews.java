package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.TestTensors;

import java.util.Random;

/**
 * Random test tensors of a given logical shape and dtype, laid out in memory in one of several ways
 * (contiguous, permuted, sliced with a step, broadcast with stride 0, flipped), so that reductions
 * are checked on every kind of view. Everything comes from one {@link Random}, whose seed the
 * property tests print on failure.
 */
final class RandomViews {
    enum Layout { CONTIGUOUS, PERMUTED, STEPPED, BROADCAST, FLIPPED }

    private RandomViews() {
    }

    /** A random shape of rank [0, maxRank] with sizes in [0, maxSize]; sizes 0 and 1 come up often. */
    static int[] shape(Random rnd, int maxRank, int maxSize) {
        return TestTensors.shape(rnd, rnd.nextInt(maxRank + 1), maxSize);
    }

    /** A value for {@code dtype}: often small integers (so that ties occur), else Gaussian. */
    static double value(Random rnd, DType dtype) {
        return switch (dtype) {
            case BOOL -> rnd.nextBoolean() ? 1 : 0;
            case INT8 -> rnd.nextInt(11) - 5;
            case INT32 -> rnd.nextInt(2001) - 1000;
            default -> rnd.nextInt(4) == 0 ? rnd.nextInt(5) - 2 : rnd.nextGaussian() * 3;
        };
    }

    /** A tensor of logical {@code shape} and {@code dtype} with random values, laid out as {@code layout}. */
    static Tensor of(Random rnd, DType dtype, int[] shape, Layout layout) {
        int rank = shape.length;
        switch (layout) {
            case PERMUTED -> {
                int[] order = permutation(rnd, rank);
                int[] baseShape = new int[rank];
                for (int i = 0; i < rank; i++) {
                    baseShape[i] = shape[order[i]];
                }
                // base dim i holds logical dim order[i]; invert to get back the logical order.
                int[] inverse = new int[rank];
                for (int i = 0; i < rank; i++) {
                    inverse[order[i]] = i;
                }
                return filled(rnd, dtype, baseShape).permute(inverse);
            }
            case STEPPED -> {
                if (rank == 0) {
                    return filled(rnd, dtype, shape);
                }
                int d = rnd.nextInt(rank);
                int step = 2 + rnd.nextInt(2);
                int start = rnd.nextInt(2);
                int[] baseShape = shape.clone();
                baseShape[d] = start + shape[d] * step;
                return filled(rnd, dtype, baseShape).slice(d, start, start + shape[d] * step, step);
            }
            case BROADCAST -> {
                int[] baseShape = shape.clone();
                boolean any = false;
                for (int i = 0; i < rank; i++) {
                    if (rnd.nextBoolean()) {
                        baseShape[i] = 1;
                        any = true;
                    }
                }
                if (!any && rank > 0) {
                    baseShape[0] = 1;
                }
                return filled(rnd, dtype, baseShape).expand(shape);
            }
            case FLIPPED -> {
                if (rank == 0) {
                    return filled(rnd, dtype, shape);
                }
                return filled(rnd, dtype, shape).flip(rnd.nextInt(rank));
            }
            default -> {
                return filled(rnd, dtype, shape);
            }
        }
    }

    /** A contiguous tensor with random values (random imaginary parts too for complex dtypes). */
    static Tensor filled(Random rnd, DType dtype, int[] shape) {
        Tensor t = Tensor.zeros(dtype, shape);
        Storage s = t.storage();
        long n = Shapes.numel(shape);
        for (long i = 0; i < n; i++) {
            s.setDouble(i, value(rnd, dtype));
            s.setImag(i, value(rnd, dtype));
        }
        return t;
    }

    /** A random subset of the axes of a tensor of {@code rank}, each written as a positive or a negative axis. */
    static int[] axes(Random rnd, int rank) {
        int[] order = permutation(rnd, rank);
        int n = rank == 0 ? 0 : rnd.nextInt(rank + 1);
        int[] axes = new int[n];
        for (int i = 0; i < n; i++) {
            axes[i] = rnd.nextBoolean() ? order[i] : order[i] - rank;
        }
        return axes;
    }

    static int[] permutation(Random rnd, int n) {
        return TestTensors.permutation(rnd, n);
    }
}
