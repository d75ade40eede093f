package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Jacobian homeostasis (Laborieux and Zenke, ICLR 2024): a penalty on the asymmetry of the Jacobian
 * {@code J} of the activation-free vector field {@code F(s) = Psi(s) - s} at the free fixed point, which
 * is what makes {@code ds*}/{@code d beta} differ from recurrent backprop's error vector. It rests on
 * the identity, for {@code eps ~ N(0, I_n)},
 * <pre>  E[ |J eps|^2 - eps^T J (J eps) ] = |J|_F^2 - tr(J^2) = 1/2 |J - J^T|_F^2,</pre>
 * which needs two Jacobian-vector products and no Jacobian.
 */
public final class Homeostasis {
    private Homeostasis() {
    }

    /**
     * The per-sample values {@code |J eps|^2 - <eps, J (J eps)>} for the rows of {@code eps}.
     *
     * @param jacobianTimes maps rows {@code v [rows, n]} to {@code J v} row by row
     * @param eps           probe vectors {@code [rows, n]}
     * @return {@code [rows]}
     */
    public static Tensor sampleValues(UnaryOperator<Tensor> jacobianTimes, Tensor eps) {
        if (eps.rank() != 2) {
            throw new IllegalArgumentException("Homeostasis.sampleValues: probes must be [rows, n], got rank " + eps.rank());
        }
        Tensor je = jacobianTimes.apply(eps);
        Tensor jje = jacobianTimes.apply(je);
        int[] last = {1};
        return je.square().sum(last, false).sub(eps.mul(jje).sum(last, false));
    }

    /**
     * The homeostatic loss {@code L_h = mean_{batch, draws} (|J eps|^2 - <eps, J (J eps)>) / n} of the network
     * at the (held constant) state {@code free}, differentiable with respect to the parameters when
     * called with gradients enabled (reverse mode through the two forward-mode products).
     *
     * @param free  real rates {@code [batch, stateSize]}
     * @param x     inputs
     * @param draws probe vectors per example (the reference code uses 5)
     */
    public static Tensor loss(EpNetwork net, Tensor free, Tensor x, Generator gen, int draws) {
        if (draws < 1) {
            throw new IllegalArgumentException("Homeostasis.loss: need at least one draw, got " + draws);
        }
        Tensor flat = net.flatInput(x);
        int batch = free.size(0);
        int n = net.stateSize();
        // One batch of draws * batch rows: F acts on each row alone, so J is block diagonal over the rows.
        Tensor s = repeat(free.detach(), draws);
        Tensor xs = repeat(flat, draws);
        Tensor eps = gen.normal(net.dtype(), 0, 1, draws * batch, n);
        UnaryOperator<Tensor> times = v -> Autograd.jvp(state -> net.psi(state, xs).sub(state), s, v).tangent();
        return sampleValues(times, eps).mean().div(n);
    }

    /**
     * The gradient of {@code strength * L_h} with respect to every parameter of the network (zeros for the
     * readout, which {@code Psi} does not use).
     */
    public static List<Tensor> gradient(EpNetwork net, Tensor free, Tensor x, Generator gen, int draws, double strength) {
        try (GradMode g = Autograd.enableGrad()) {
            Tensor lh = loss(net, free, x, gen, draws).mul(strength);
            List<Tensor> grads = Autograd.grad(lh, net.parameters());
            List<Tensor> out = new ArrayList<>(grads.size());
            for (Tensor t : grads) {
                out.add(t.detach());
            }
            return out;
        }
    }

    /** {@code t} stacked {@code times} times along dimension 0. */
    static Tensor repeat(Tensor t, int times) {
        if (times == 1) {
            return t;
        }
        int[] shape = t.shape();
        int[] expanded = new int[shape.length + 1];
        expanded[0] = times;
        System.arraycopy(shape, 0, expanded, 1, shape.length);
        int[] flat = shape.clone();
        flat[0] *= times;
        return t.unsqueeze(0).expand(expanded).reshape(flat);
    }
}
