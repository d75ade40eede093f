package dev.jacobi.nn.optim;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.cpu.Simd;

import java.util.List;
import java.util.Map;

/** The update shared by {@link Adam} (L2 weight decay on the gradient) and {@link AdamW} (decoupled decay). */
abstract sealed class AdamFamily extends BaseOptimizer<Adam.Options> permits Adam, AdamW {
    private static final List<String> STATE = List.of("step", "exp_avg", "exp_avg_sq");
    private static final List<String> STATE_AMSGRAD = List.of("step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq");
    private final boolean decoupled;

    AdamFamily(String name, List<ParamGroup<Adam.Options>> groups, boolean decoupled) {
        super(name, groups);
        this.decoupled = decoupled;
    }

    @Override
    void validate(Adam.Options o) {
        // the record checks itself
    }

    @Override
    List<String> stateNames(Adam.Options o) {
        return o.amsgrad() ? STATE_AMSGRAD : STATE;
    }

    @Override
    void update(Tensor p, Tensor grad, Adam.Options o, Map<String, Tensor> state) {
        Tensor stepT = state.computeIfAbsent("step", k -> stateTensor(DType.FLOAT64, new int[0]));
        Tensor m = state.computeIfAbsent("exp_avg", k -> stateLike(p));
        Tensor v = state.computeIfAbsent("exp_avg_sq", k -> stateLike(p));
        Tensor vmax = o.amsgrad() ? state.computeIfAbsent("max_exp_avg_sq", k -> stateLike(p)) : null;
        double t = stepT.item() + 1;
        stepT.fill(t);
        double stepSize = o.lr() / (1 - Math.pow(o.beta1(), t));
        double bc2Sqrt = Math.sqrt(1 - Math.pow(o.beta2(), t));
        double decay = 1 - o.lr() * o.weightDecay();
        if (o.fused() && FusedKernels.fusable(p)) {
            FusedKernels.adam(p, grad.contiguous(), m, v, vmax, new FusedKernels.AdamStep(o.beta1(), o.beta2(), o.eps(),
                    o.weightDecay(), decoupled, o.amsgrad(), stepSize, bc2Sqrt, decay), Simd.enabled());
            return;
        }
        Tensor g = grad;
        if (decoupled) {
            p.mulInPlace(decay);
        } else if (o.weightDecay() != 0) {
            g = g.add(p.mul(o.weightDecay()));
        }
        m.copyFrom(m.add(g.sub(m).mul(1 - o.beta1())));
        v.copyFrom(v.mul(o.beta2()).add(g.mul(g).mul(1 - o.beta2())));
        Tensor second = v;
        if (vmax != null) {
            vmax.copyFrom(vmax.maximum(v));
            second = vmax;
        }
        Tensor denom = second.sqrt().div(bc2Sqrt).add(o.eps());
        p.copyFrom(p.add(m.mul(-stepSize).div(denom)));
    }
}
