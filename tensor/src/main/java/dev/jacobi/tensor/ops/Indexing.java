package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.Tensor;
import java.util.List;

/** Gather, scatter-add and index-select. */
public final class Indexing {
    private Indexing() {
    }

    public static Tensor gather(Tensor t, int dim, Tensor index) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor scatterAdd(Tensor t, int dim, Tensor index, Tensor src) { throw new UnsupportedOperationException("TODO"); }
    public static Tensor indexSelect(Tensor t, int dim, Tensor index) { throw new UnsupportedOperationException("TODO"); }
}
