package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Device sum, mean, max and min against the CPU reductions over random shapes, axis sets (none, some,
 * all; keepDim or not) and strided layouts, which exercise the row kernel, the column kernel and the
 * copy-then-reduce path, and a long row that takes the two-pass split.
 *
 * <p>Tolerances: max and min pick an element, so they must match exactly. The device sums in float32
 * in a different order than the CPU (which accumulates in float64 or in float32 blocks), so a sum of n
 * terms may differ by about n * 2^-24 * sum|x|: the tolerance is 2e-7 * n * max|x| absolute on top of
 * 1e-6 relative (means divide both by n).
 */
class ReductionDeviceProperties {
    @Test
    void reductionsMatchTheCpuPathOverRandomAxesAndLayouts() {
        ClContext ctx = ClTestSupport.context();
        qt().withExamples(80).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = rnd.nextInt(4);
            int[] shape = ClTestSupport.shape(rnd, rank, 9);
            int[] axes = randomAxes(rnd, rank);
            boolean keep = rnd.nextBoolean();
            var x = ClTestSupport.random(ctx, rnd, shape, rnd.nextInt(2));
            ClOps.Reduction op = ClOps.Reduction.values()[rnd.nextInt(4)];
            String what = op.label() + " " + Shapes.format(shape) + " axes " + Arrays.toString(axes) + " keep " + keep
                    + " seed " + seed;
            check(op, x.cpu(), x.device(), axes, keep, what);
            x.device().close();
        });
    }

    @Test
    void aLongRowSplitsIntoPartsAndStillMatches() {
        ClContext ctx = ClTestSupport.context();
        var x = ClTestSupport.random(ctx, new Random(5), new int[] {3, 40_001}, 0);
        for (ClOps.Reduction op : ClOps.Reduction.values()) {
            check(op, x.cpu(), x.device(), new int[0], false, op.label() + " all");
            check(op, x.cpu(), x.device(), new int[] {1}, true, op.label() + " last axis");
            check(op, x.cpu(), x.device(), new int[] {0}, false, op.label() + " first axis");
        }
        x.device().close();
    }

    @Test
    void maxOverNoElementsThrowsLikeTheCpuPath() {
        ClContext ctx = ClTestSupport.context();
        try (ClTensor x = ClTensor.from(ctx, Tensor.zeros(dev.jacobi.tensor.DType.FLOAT32, 2, 0))) {
            assertThatThrownBy(() -> ClOps.max(x, new int[] {1}, false)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("max").hasMessageContaining("[2, 0]");
            try (ClTensor s = ClOps.sum(x, new int[] {1}, false)) {
                ClTestSupport.assertClose(s.toCpu(), Tensor.zeros(dev.jacobi.tensor.DType.FLOAT32, 2), 0, 0, "empty sum");
            }
        }
    }

    private static void check(ClOps.Reduction op, Tensor cpu, ClTensor dev, int[] axes, boolean keep, String what) {
        Tensor expected = switch (op) {
            case SUM -> cpu.sum(axes, keep);
            case MEAN -> cpu.mean(axes, keep);
            case MAX -> cpu.max(axes, keep);
            case MIN -> cpu.min(axes, keep);
        };
        long n = Math.max(1, cpu.numel() / Math.max(1, expected.numel()));
        double maxAbs = cpu.numel() == 0 ? 0 : cpu.abs().max().item();
        boolean exact = op == ClOps.Reduction.MAX || op == ClOps.Reduction.MIN;
        double abs = exact ? 0 : 2e-7 * n * maxAbs * (op == ClOps.Reduction.MEAN ? 1.0 / n : 1) + 1e-7;
        try (ClTensor out = ClOps.reduce(op, dev, axes, keep)) {
            ClTestSupport.assertClose(out.toCpu(), expected, abs, exact ? 0 : 1e-6, what);
        }
    }

    private static int[] randomAxes(Random rnd, int rank) {
        int[] perm = ClTestSupport.permutation(rnd, rank);
        int k = rank == 0 ? 0 : rnd.nextInt(rank + 1);
        int[] axes = Arrays.copyOf(perm, k);
        for (int i = 0; i < k; i++) {
            if (rnd.nextBoolean()) {
                axes[i] -= rank; // negative axes count from the end
            }
        }
        return axes;
    }
}
