package dev.jacobi.nn.optim;

import dev.jacobi.tensor.Tensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba, 2015) with the update of {@code torch.optim.Adam}, weight decay added to the
 * gradient as an L2 penalty (for decoupled weight decay use {@link AdamW}): at step {@code t} (from 1),
 * <pre>
 * g = g + weight_decay * p
 * m = beta1 * m + (1 - beta1) * g
 * v = beta2 * v + (1 - beta2) * g^2
 * vmax = max(vmax, v)                                    (amsgrad; then v stands for vmax below)
 * p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
 * </pre>
 * The state of a parameter is {@code step}, {@code exp_avg} (m), {@code exp_avg_sq} (v) and, with AMSGrad,
 * {@code max_exp_avg_sq}.
 */
public final class Adam extends AdamFamily {

    /**
     * Hyperparameters of {@link Adam} and {@link AdamW}.
     *
     * @param lr          learning rate (&gt;= 0)
     * @param beta1       decay of the first moment, in [0, 1)
     * @param beta2       decay of the second moment, in [0, 1)
     * @param eps         added to the denominator (&gt;= 0)
     * @param weightDecay L2 penalty (Adam) or decoupled decay rate (AdamW), &gt;= 0
     * @param amsgrad     use the running maximum of the second moment (AMSGrad)
     * @param fused       whether contiguous float32/float64 parameters take the fused loop (else tensor ops)
     */
    public record Options(double lr, double beta1, double beta2, double eps, double weightDecay, boolean amsgrad, boolean fused)
            implements OptimizerOptions<Options> {
        /** @throws IllegalArgumentException for a value out of range */
        public Options {
            OptimizerOptions.checkLr("Adam", lr);
            if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
                throw new IllegalArgumentException("Adam: betas (" + beta1 + ", " + beta2 + ") must be in [0, 1)");
            }
            if (!(eps >= 0) || Double.isInfinite(eps) || !(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
                throw new IllegalArgumentException("Adam: eps " + eps + " and weight decay " + weightDecay
                        + " must be finite and >= 0");
            }
        }

        /** PyTorch's Adam defaults with learning rate {@code lr}: betas (0.9, 0.999), eps 1e-8, no weight decay. */
        public static Options of(double lr) {
            return new Options(lr, 0.9, 0.999, 1e-8, 0, false, true);
        }

        /** These options with other betas. */
        public Options withBetas(double b1, double b2) {
            return new Options(lr, b1, b2, eps, weightDecay, amsgrad, fused);
        }

        /** These options with another eps. */
        public Options withEps(double e) {
            return new Options(lr, beta1, beta2, e, weightDecay, amsgrad, fused);
        }

        /** These options with another weight decay. */
        public Options withWeightDecay(double wd) {
            return new Options(lr, beta1, beta2, eps, wd, amsgrad, fused);
        }

        /** These options with AMSGrad on or off. */
        public Options withAmsgrad(boolean on) {
            return new Options(lr, beta1, beta2, eps, weightDecay, on, fused);
        }

        /** These options with the fused loop on or off (off: the plain tensor-op update). */
        public Options withFused(boolean on) {
            return new Options(lr, beta1, beta2, eps, weightDecay, amsgrad, on);
        }

        @Override
        public Options withLr(double newLr) {
            return new Options(newLr, beta1, beta2, eps, weightDecay, amsgrad, fused);
        }

        @Override
        public Map<String, Double> asMap() {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("lr", lr);
            m.put("betas.0", beta1);
            m.put("betas.1", beta2);
            m.put("eps", eps);
            m.put("weight_decay", weightDecay);
            m.put("amsgrad", amsgrad ? 1.0 : 0.0);
            return m;
        }

        @Override
        public Options fromMap(Map<String, Double> v) {
            return new Options(OptimizerOptions.get("Adam", v, "lr"), OptimizerOptions.get("Adam", v, "betas.0"),
                    OptimizerOptions.get("Adam", v, "betas.1"), OptimizerOptions.get("Adam", v, "eps"),
                    OptimizerOptions.get("Adam", v, "weight_decay"), OptimizerOptions.get("Adam", v, "amsgrad") != 0, fused);
        }
    }

    private Adam(List<ParamGroup<Options>> groups) {
        super("Adam", groups, false);
    }

    /** Adam over {@code params} with one set of options. */
    public static Adam of(List<Tensor> params, Options options) {
        return new Adam(List.of(new ParamGroup<>(params, options)));
    }

    /** Adam over several parameter groups, each with its own options. */
    public static Adam withGroups(List<ParamGroup<Options>> groups) {
        return new Adam(groups);
    }
}
