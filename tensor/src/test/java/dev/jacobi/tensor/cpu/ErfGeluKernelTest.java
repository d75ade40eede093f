package dev.jacobi.tensor.cpu;

import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.UnaryOp;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SIMD erf, exact GELU and its slope (evaluated in double lanes with rational approximations) against the
 * float64 reference functions, in ulps of the float32 result, on a dense grid that covers the
 * approximation's switch points (|x| = 4 for erf, x = -1 for GELU) and the underflow tail. Measured
 * worst cases are 1.6 ulp (erf) and 2.1 ulp (GELU); the bound of 3 ulp leaves a little room and fails
 * at once if a coefficient or a branch is wrong (errors then reach 1e2 to 1e8 ulp).
 */
class ErfGeluKernelTest {
    private static final int POINTS = 200_001;

    /**
     * The size the error is measured against: the result itself, except for GELU's slope
     * Phi(x) + x phi(x), which crosses zero near x = -0.75 (GELU's minimum): there the two terms cancel
     * and the error is measured against their size, |Phi(x)| + |x phi(x)|, as for any sum.
     */
    private static double scale(UnaryOp op, double x, double ref) {
        if (op != UnaryOp.GELU_SLOPE) {
            return ref;
        }
        double phi = Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
        return Math.abs(ref - x * phi) + Math.abs(x * phi);
    }

    @Test
    void erfAndGeluAreWithinThreeUlpsOfTheFloat64Reference() {
        float[] xs = new float[POINTS];
        for (int i = 0; i < POINTS; i++) {
            xs[i] = -13f + 26f * i / (POINTS - 1);
        }
        Tensor x = Tensor.of(xs, POINTS);
        for (UnaryOp op : new UnaryOp[] {UnaryOp.ERF, UnaryOp.GELU, UnaryOp.GELU_SLOPE}) {
            float[] r = x.apply(op).toFloatArray();
            double worst = 0;
            float at = Float.NaN;
            for (int i = 0; i < POINTS; i++) {
                double ref = op.apply(xs[i]);
                double err = Math.abs(r[i] - ref) / Math.ulp((float) scale(op, xs[i], ref));
                if (err > worst) {
                    worst = err;
                    at = xs[i];
                }
            }
            assertThat(worst).as(op + " worst error in ulps, at x = " + at + (Simd.enabled() ? " (SIMD)" : " (scalar)"))
                    .isLessThanOrEqualTo(3.0);
        }
    }
}
