package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;
import java.util.List;

/** Reductions along any axes: sum, mean, var, max, min, argmax, argmin, logsumexp, norm. */
public final class Reductions {
    private Reductions() {
    }

    public static Tensor sum(Tensor t, int[] axes, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor mean(Tensor t, int[] axes, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor var(Tensor t, int[] axes, int correction, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor max(Tensor t, int[] axes, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor min(Tensor t, int[] axes, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor argmax(Tensor t, int axis, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor argmin(Tensor t, int axis, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor logsumexp(Tensor t, int[] axes, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor norm(Tensor t, double p, int[] axes, boolean keepDim) { throw new UnsupportedOperationException("TODO"); }
}
