package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.tensor.Shapes;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Device softmax, log-softmax and layer norm against the CPU ops over random shapes, axes and layouts,
 * and rows longer than a work-group.
 *
 * <p>Tolerances: softmax values lie in [0, 1] and are ratios of float32 exponentials summed in a
 * different order: 2e-6 absolute plus 1e-5 relative. Log-softmax subtracts log(sum), whose float32
 * error is a few ulp of a value of size about log(n): 1e-5 absolute. Layer norm divides by the standard
 * deviation of a row, amplifying the float32 rounding of the mean by at most a few units: 2e-5 absolute
 * and relative.
 */
class NormalizationDeviceProperties {
    @Test
    void softmaxAndLogSoftmaxMatchTheCpuPath() {
        ClContext ctx = ClTestSupport.context();
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int[] shape = ClTestSupport.shape(rnd, rank, rnd.nextInt(4) == 0 ? 300 : 9);
            int axis = rnd.nextInt(rank) - (rnd.nextBoolean() ? rank : 0);
            var x = ClTestSupport.random(ctx, rnd, shape, rnd.nextInt(2));
            String what = Shapes.format(shape) + " axis " + axis + " seed " + seed;
            try (ClTensor s = ClOps.softmax(x.device(), axis); ClTensor l = ClOps.logSoftmax(x.device(), axis)) {
                ClTestSupport.assertClose(s.toCpu(), x.cpu().softmax(axis), 2e-6, 1e-5, "softmax " + what);
                ClTestSupport.assertClose(l.toCpu(), x.cpu().logSoftmax(axis), 1e-5, 1e-5, "log_softmax " + what);
            }
            x.device().close();
        });
    }

    @Test
    void layerNormMatchesTheCpuPathWithAndWithoutAffineParameters() {
        ClContext ctx = ClTestSupport.context();
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int[] shape = ClTestSupport.shape(rnd, rank, rnd.nextInt(4) == 0 ? 300 : 9);
            int cols = shape[rank - 1];
            var x = ClTestSupport.random(ctx, rnd, shape, rnd.nextInt(2));
            var w = rnd.nextBoolean() ? ClTestSupport.random(ctx, rnd, new int[] {cols}, 0) : null;
            var b = rnd.nextBoolean() ? ClTestSupport.random(ctx, rnd, new int[] {cols}, 0) : null;
            double eps = 1e-5;
            try (ClTensor y = ClOps.layerNorm(x.device(), w == null ? null : w.device(), b == null ? null : b.device(), eps)) {
                ClTestSupport.assertClose(y.toCpu(), x.cpu().layerNorm(w == null ? null : w.cpu(),
                        b == null ? null : b.cpu(), eps), 2e-5, 2e-5, "layer_norm " + Shapes.format(shape) + " seed " + seed);
            }
            x.device().close();
        });
    }
}
