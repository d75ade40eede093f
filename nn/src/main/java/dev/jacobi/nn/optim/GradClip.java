package dev.jacobi.nn.optim;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

/**
 * Gradient clipping, as {@code torch.nn.utils.clip_grad_norm_} and {@code clip_grad_value_}. Parameters
 * without a gradient are skipped. The clipped gradient replaces the old one ({@link Tensor#setGrad}); the
 * old gradient tensor is not changed, since it may share memory with other tensors of the graph.
 */
public final class GradClip {
    private GradClip() {
    }

    /** {@link #clipNorm(List, double, double)} with the Euclidean norm. */
    public static double clipNorm(List<Tensor> params, double maxNorm) {
        return clipNorm(params, maxNorm, 2);
    }

    /**
     * Scales all gradients by {@code min(1, maxNorm / (total + 1e-6))}, where {@code total} is the
     * {@code normType}-norm of all gradients together (as if concatenated into one vector).
     * The norm is accumulated in float64.
     *
     * @param normType p &gt; 0, or {@link Double#POSITIVE_INFINITY} for the largest absolute value
     * @return the total norm before clipping (NaN or infinite when a gradient is; the gradients are then
     *         scaled by NaN or 0 as in PyTorch)
     * @throws IllegalArgumentException for a negative or NaN {@code maxNorm} or a {@code normType} that is not &gt; 0
     */
    public static double clipNorm(List<Tensor> params, double maxNorm, double normType) {
        if (!(maxNorm >= 0)) {
            throw new IllegalArgumentException("clipNorm: max norm " + maxNorm + " must be >= 0");
        }
        if (!(normType > 0)) {
            throw new IllegalArgumentException("clipNorm: norm type " + normType + " must be > 0 (or infinity)");
        }
        boolean inf = Double.isInfinite(normType);
        double acc = 0;
        for (Tensor p : params) {
            Tensor g = p.grad();
            if (g != null) {
                double part = accumulate(g, normType);
                acc = inf ? Math.max(acc, part) : acc + part;
                if (Double.isNaN(part)) {
                    acc = Double.NaN;
                }
            }
        }
        double total = inf ? acc : normType == 2 ? Math.sqrt(acc) : normType == 1 ? acc : Math.pow(acc, 1 / normType);
        double coef = maxNorm / (total + 1e-6);
        if (!(coef >= 1)) {
            scale(params, coef);
        }
        return total;
    }

    /**
     * Clamps every gradient element to {@code [-clipValue, clipValue]}.
     *
     * @throws IllegalArgumentException for a negative or NaN {@code clipValue}
     */
    public static void clipValue(List<Tensor> params, double clipValue) {
        if (!(clipValue >= 0)) {
            throw new IllegalArgumentException("clipValue: clip value " + clipValue + " must be >= 0");
        }
        try (GradMode m = Autograd.noGrad()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    p.setGrad(g.clamp(-clipValue, clipValue));
                }
            }
        }
    }

    private static void scale(List<Tensor> params, double coef) {
        try (GradMode m = Autograd.noGrad()) {
            for (Tensor p : params) {
                Tensor g = p.grad();
                if (g != null) {
                    p.setGrad(g.mul(coef));
                }
            }
        }
    }

    /** sum |g|^p (max |g| for infinite p) over one gradient, in float64. */
    private static double accumulate(Tensor grad, double p) {
        Tensor g = grad.contiguous();
        MemorySegment s = g.storage().segment();
        long o = g.offset();
        long n = g.numel();
        boolean inf = Double.isInfinite(p);
        double acc = 0;
        if (g.dtype() == DType.FLOAT32) {
            for (long i = 0; i < n; i++) {
                acc = combine(acc, Math.abs(s.getAtIndex(ValueLayout.JAVA_FLOAT, o + i)), p, inf);
            }
        } else {
            for (long i = 0; i < n; i++) {
                acc = combine(acc, Math.abs(g.storage().getDouble(o + i)), p, inf);
            }
        }
        return acc;
    }

    private static double combine(double acc, double a, double p, boolean inf) {
        if (inf) {
            return Double.isNaN(a) ? Double.NaN : Math.max(acc, a);
        }
        return acc + (p == 2 ? a * a : p == 1 ? a : Math.pow(a, p));
    }
}
