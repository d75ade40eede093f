package dev.jacobi.nn.optim;

import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.Simd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, with the
 * update of {@code torch.optim.SGD}: for gradient {@code g} of parameter {@code p},
 * <pre>
 * g   = g + weight_decay * p
 * buf = g                                          (first step)
 * buf = momentum * buf + (1 - dampening) * g       (later steps)
 * d   = nesterov ? g + momentum * buf : buf        (d = g when momentum is 0)
 * p   = p - lr * d
 * </pre>
 * The state of a parameter is {@code momentum_buffer} (when momentum is not 0).
 */
public final class SGD extends BaseOptimizer<SGD.Options> {

    /**
     * Hyperparameters of {@link SGD}.
     *
     * @param lr          learning rate (&gt;= 0)
     * @param momentum    momentum factor (&gt;= 0)
     * @param dampening   dampening of the momentum's gradient term
     * @param nesterov    Nesterov momentum (needs momentum &gt; 0 and dampening 0)
     * @param weightDecay L2 penalty added to the gradient (&gt;= 0)
     * @param fused       whether contiguous float32/float64 parameters take the fused loop (else tensor ops)
     */
    public record Options(double lr, double momentum, double dampening, boolean nesterov, double weightDecay, boolean fused)
            implements OptimizerOptions<Options> {
        /** @throws IllegalArgumentException for a negative or non-finite value, or Nesterov without momentum */
        public Options {
            OptimizerOptions.checkLr("SGD", lr);
            if (!(momentum >= 0) || !(weightDecay >= 0) || !Double.isFinite(dampening) || Double.isInfinite(momentum)
                    || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("SGD: momentum " + momentum + ", dampening " + dampening
                        + " and weight decay " + weightDecay + " must be finite, momentum and weight decay >= 0");
            }
            if (nesterov && (momentum <= 0 || dampening != 0)) {
                throw new IllegalArgumentException("SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum "
                        + momentum + ", dampening " + dampening);
            }
        }

        /** Plain SGD with learning rate {@code lr}: no momentum, no weight decay, fused. */
        public static Options of(double lr) {
            return new Options(lr, 0, 0, false, 0, true);
        }

        /** These options with momentum (and the dampening they had). */
        public Options withMomentum(double m) {
            return new Options(lr, m, dampening, nesterov, weightDecay, fused);
        }

        /** These options with dampening. */
        public Options withDampening(double d) {
            return new Options(lr, momentum, d, nesterov, weightDecay, fused);
        }

        /** These options with Nesterov momentum on or off. */
        public Options withNesterov(boolean on) {
            return new Options(lr, momentum, dampening, on, weightDecay, fused);
        }

        /** These options with L2 weight decay. */
        public Options withWeightDecay(double wd) {
            return new Options(lr, momentum, dampening, nesterov, wd, fused);
        }

        /** These options with the fused loop on or off (off: the plain tensor-op update). */
        public Options withFused(boolean on) {
            return new Options(lr, momentum, dampening, nesterov, weightDecay, on);
        }

        @Override
        public Options withLr(double newLr) {
            return new Options(newLr, momentum, dampening, nesterov, weightDecay, fused);
        }

        @Override
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("momentum", momentum);
            m.put("dampening", dampening);
            m.put("weight_decay", weightDecay);
            m.put("nesterov", nesterov ? 1.0 : 0.0);
            return m;
        }

        @Override
        public Options fromMap(Map<String, Double> v) {
            return new Options(OptimizerOptions.get("SGD", v, "lr"), OptimizerOptions.get("SGD", v, "momentum"),
                    OptimizerOptions.get("SGD", v, "dampening"), OptimizerOptions.get("SGD", v, "nesterov") != 0,
                    OptimizerOptions.get("SGD", v, "weight_decay"), fused);
        }
    }

    private SGD(List<ParamGroup<Options>> groups) {
        super("SGD", groups);
    }

    /** SGD over {@code params} with one set of options. */
    public static SGD of(List<Tensor> params, Options options) {
        return new SGD(List.of(new ParamGroup<>(params, options)));
    }

    /** SGD over several parameter groups, each with its own options. */
    public static SGD withGroups(List<ParamGroup<Options>> groups) {
        return new SGD(groups);
    }

    @Override
    void validate(Options o) {
        // the record checks itself
    }

    @Override
    List<String> stateNames(Options o) {
        return o.momentum() != 0 ? List.of("momentum_buffer") : List.of();
    }

    @Override
    void update(Tensor p, Tensor grad, Options o, Map<String, Tensor> state) {
        boolean first = o.momentum() != 0 && !state.containsKey("momentum_buffer");
        Tensor buf = o.momentum() == 0 ? null
                : state.computeIfAbsent("momentum_buffer", k -> stateLike(p));
        if (o.fused() && FusedKernels.fusable(p)) {
            FusedKernels.sgd(p, grad.contiguous(), buf, new FusedKernels.SgdStep(o.lr(), o.momentum(), o.dampening(),
                    o.nesterov(), o.weightDecay(), first), Simd.enabled());
            return;
        }
        Tensor g = o.weightDecay() != 0 ? grad.add(p.mul(o.weightDecay())) : grad;
        Tensor d = g;
        if (buf != null) {
            buf.copyFrom(first ? g : buf.mul(o.momentum()).add(g.mul(1 - o.dampening())));
            d = o.nesterov() ? g.add(buf.mul(o.momentum())) : buf;
        }
        p.copyFrom(p.add(d.mul(-o.lr())));
    }
}
