package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

/**
 * How symmetric a Jacobian is: {@code |J_s|_F / (|J_s|_F + |J_a|_F)} with {@code J_s = (J + J^T)/2} and
 * {@code J_a = (J - J^T)/2}: 1 for a symmetric J, 0 for an antisymmetric one, 1/2 when both parts
 * have equal norms.
 */
public final class SymmetryMonitor {
    private SymmetryMonitor() {
    }

    /**
     * The monitor of a dense square matrix.
     *
     * @throws IllegalArgumentException when {@code j} is not square or is all zeros
     */
    public static double of(Tensor j) {
        if (j.rank() != 2 || j.size(0) != j.size(1)) {
            throw new IllegalArgumentException("SymmetryMonitor.of: need a square matrix, got rank " + j.rank());
        }
        int n = j.size(0);
        double[] a = j.to(DType.FLOAT64).toDoubleArray();
        double sym = 0;
        double anti = 0;
        for (int r = 0; r < n; r++) {
            for (int c = 0; c < n; c++) {
                double x = a[r * n + c];
                double y = a[c * n + r];
                sym += 0.25 * (x + y) * (x + y);
                anti += 0.25 * (x - y) * (x - y);
            }
        }
        if (sym == 0 && anti == 0) {
            throw new IllegalArgumentException("SymmetryMonitor.of: the matrix is zero");
        }
        return Math.sqrt(sym) / (Math.sqrt(sym) + Math.sqrt(anti));
    }

    /**
     * The dense Jacobian {@code [n, n]} of the activation-free vector field {@code F(s) = Psi(s) - s} of
     * one example, by forward mode: one JVP over n copies of the state with the unit vectors as
     * tangents (each row of the batch gives one column).
     *
     * @param state real rates {@code [1, stateSize]}
     * @param x     the example's input {@code [1, ...]}
     */
    public static Tensor jacobian(EpNetwork net, Tensor state, Tensor x) {
        int n = net.stateSize();
        if (state.rank() != 2 || state.size(0) != 1 || state.size(1) != n) {
            throw new IllegalArgumentException("SymmetryMonitor.jacobian: need one state [1, " + n + "], got rank "
                    + state.rank() + " tensor of " + state.numel() + " elements");
        }
        Tensor flat = net.flatInput(x);
        try (GradMode g = Autograd.noGrad()) {
            Tensor s = state.detach().expand(n, n).contiguous();
            Tensor xs = flat.expand(n, flat.size(1)).contiguous();
            Tensor columns = Autograd.jvp(v -> net.psi(v, xs).sub(v), s, Tensor.eye(net.dtype(), n)).tangent();
            return columns.mT().contiguous();
        }
    }

    /** The monitor of the network's Jacobian at one example (row {@code example} of a batch). */
    public static double ofNetwork(EpNetwork net, Tensor states, Tensor x, int example) {
        return of(jacobian(net, states.slice(0, example, example + 1), net.flatInput(x).slice(0, example, example + 1)));
    }
}
