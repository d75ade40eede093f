package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;
import java.util.List;

/** Row-wise normalizations: softmax, log-softmax, layer norm. */
public final class Normalization {
    private Normalization() {
    }

    public static Tensor softmax(Tensor t, int axis) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor logSoftmax(Tensor t, int axis) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor layerNorm(Tensor t, Tensor weight, Tensor bias, double eps) { throw new UnsupportedOperationException("TODO"); }
}
