package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;
import java.util.List;

/** Batched, broadcasting matrix products. */
public final class Matmul {
    private Matmul() {
    }

    public static Tensor matmul(Tensor a, Tensor b) { throw new UnsupportedOperationException("TODO"); }
}
