package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

/**
 * A linear map between tensors that knows its transpose. {@link #apply} records it for autograd as one
 * op whose gradient is the transpose (not the inverse: biorthogonal wavelets are not orthogonal) and
 * whose tangent is the map itself; both rules are again such ops, so derivatives of any order work.
 */
interface LinearMap {
    /** The op's name, for autograd's graph and messages. */
    String name();

    /** Computes the map without recording anything. */
    Tensor compute(Tensor x);

    /** The transposed (adjoint) map. */
    LinearMap transpose();

    /** Applies the map to x, recorded for reverse and forward mode. */
    static Tensor apply(LinearMap map, Tensor x) {
        return Autograd.op(map.name(), () -> map.compute(x),
                (g, out, needed) -> new Tensor[] {apply(map.transpose(), g)},
                (tangents, out) -> tangents[0] == null ? null : apply(map, tangents[0]),
                x);
    }
}
