package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;
import java.util.List;

/** Concatenation, stacking and splitting. */
public final class Joining {
    private Joining() {
    }

    public static Tensor concat(List<Tensor> tensors, int dim) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor stack(List<Tensor> tensors, int dim) { throw new UnsupportedOperationException("TODO"); }
    public static List<Tensor> split(Tensor t, int[] sizes, int dim) { throw new UnsupportedOperationException("TODO"); }
    public static List<Tensor> chunk(Tensor t, int chunks, int dim) { throw new UnsupportedOperationException("TODO"); }
}
