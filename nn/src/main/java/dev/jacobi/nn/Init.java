package dev.jacobi.nn;

import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

/**
 * Parameter initializers with the formulas of {@code torch.nn.init}. Each fills a tensor in place
 * (under {@link Autograd#noGrad()}, so parameters can be filled) from a seeded {@link Generator}, and
 * returns it.
 *
 * <p>Fans, as PyTorch computes them for a tensor of shape {@code [out, in, k1, k2, ...]}:
 * {@code fanIn = in * k1 * k2 * ...} and {@code fanOut = out * k1 * k2 * ...} (for a ConvTranspose
 * weight, whose layout is {@code [in, out/groups, ...]}, PyTorch's fan_in is therefore
 * {@code out/groups * k...}; its default init uses that, and so do ours).
 */
public final class Init {
    private Init() {
    }

    /** Which fan scales a Kaiming initialization: fan_in keeps the forward variance, fan_out the backward. */
    public enum FanMode { FAN_IN, FAN_OUT }

    /** The nonlinearities whose recommended gains {@link #gain} knows (as {@code calculate_gain}). */
    public enum Nonlinearity { LINEAR, SIGMOID, TANH, RELU, LEAKY_RELU, SELU }

    /**
     * The fans of a weight shape, as {@code _calculate_fan_in_and_fan_out}.
     *
     * @param fanIn  {@code shape[1]} times the receptive field {@code shape[2] * shape[3] * ...}
     * @param fanOut {@code shape[0]} times the receptive field
     */
    public record Fans(long fanIn, long fanOut) {
        /**
         * The fans of {@code shape}.
         *
         * @throws IllegalArgumentException when the shape has fewer than 2 dimensions
         */
        public static Fans of(int[] shape) {
            if (shape.length < 2) {
                throw new IllegalArgumentException("Init: fans need at least 2 dimensions, shape is " + Shapes.format(shape));
            }
            long receptive = 1;
            for (int i = 2; i < shape.length; i++) {
                receptive *= shape[i];
            }
            return new Fans((long) shape[1] * receptive, (long) shape[0] * receptive);
        }

        /** The fan selected by {@code mode}. */
        public long select(FanMode mode) {
            return mode == FanMode.FAN_IN ? fanIn : fanOut;
        }
    }

    /**
     * The recommended gain of a nonlinearity (as {@code calculate_gain}): 1 for linear and sigmoid, 5/3
     * for tanh, sqrt(2) for ReLU, sqrt(2 / (1 + slope²)) for leaky ReLU with negative slope {@code param},
     * 3/4 for SELU. {@code param} is ignored except for leaky ReLU.
     */
    public static double gain(Nonlinearity nonlinearity, double param) {
        return switch (nonlinearity) {
            case LINEAR, SIGMOID -> 1;
            case TANH -> 5.0 / 3;
            case RELU -> Math.sqrt(2);
            case LEAKY_RELU -> Math.sqrt(2 / (1 + param * param));
            case SELU -> 0.75;
        };
    }

    /** Fills {@code t} with values uniform in {@code [low, high)} (all equal to {@code low} when {@code low == high}). */
    public static Tensor uniform(Tensor t, double low, double high, Generator gen) {
        if (low == high) {
            return constant(t, low);
        }
        if (!(low < high)) {
            throw new IllegalArgumentException("Init.uniform: needs low <= high, got low=" + low + ", high=" + high);
        }
        return write(t, gen.uniform(t.dtype(), low, high, t.shape()));
    }

    /** Fills {@code t} with normal values of mean {@code mean} and standard deviation {@code std >= 0}. */
    public static Tensor normal(Tensor t, double mean, double std, Generator gen) {
        return write(t, gen.normal(t.dtype(), mean, std, t.shape()));
    }

    /** Fills {@code t} with {@code value}. */
    public static Tensor constant(Tensor t, double value) {
        try (GradMode g = Autograd.noGrad()) {
            return t.fill(value);
        }
    }

    /** Fills {@code t} with zeros. */
    public static Tensor zeros(Tensor t) {
        return constant(t, 0);
    }

    /** Fills {@code t} with ones. */
    public static Tensor ones(Tensor t) {
        return constant(t, 1);
    }

    /**
     * Xavier/Glorot uniform: U(-a, a) with {@code a = gain * sqrt(6 / (fanIn + fanOut))}
     * (Glorot and Bengio 2010), as {@code xavier_uniform_}.
     */
    public static Tensor xavierUniform(Tensor t, double gain, Generator gen) {
        double a = Math.sqrt(3) * xavierStd(t, gain);
        return uniform(t, -a, a, gen);
    }

    /** Xavier/Glorot normal: N(0, std²) with {@code std = gain * sqrt(2 / (fanIn + fanOut))}, as {@code xavier_normal_}. */
    public static Tensor xavierNormal(Tensor t, double gain, Generator gen) {
        return normal(t, 0, xavierStd(t, gain), gen);
    }

    private static double xavierStd(Tensor t, double gain) {
        Fans f = Fans.of(t.shape());
        return gain * Math.sqrt(2.0 / (f.fanIn() + f.fanOut()));
    }

    /**
     * Kaiming/He uniform: U(-b, b) with {@code b = sqrt(3) * gain(nonlinearity, a) / sqrt(fan)} (He et al.
     * 2015), as {@code kaiming_uniform_(t, a, mode, nonlinearity)}; {@code a} is the leaky-ReLU slope.
     * PyTorch's default for Linear and Conv weights is {@code a = sqrt(5)}, LEAKY_RELU, FAN_IN, which gives
     * {@code b = 1 / sqrt(fanIn)}. A tensor with a zero fan is left unchanged, as PyTorch does.
     */
    public static Tensor kaimingUniform(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator gen) {
        if (t.numel() == 0) {
            return t;
        }
        double bound = Math.sqrt(3) * kaimingStd(t, a, mode, nonlinearity);
        return uniform(t, -bound, bound, gen);
    }

    /** Kaiming/He normal: N(0, std²) with {@code std = gain(nonlinearity, a) / sqrt(fan)}, as {@code kaiming_normal_}. */
    public static Tensor kaimingNormal(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity, Generator gen) {
        if (t.numel() == 0) {
            return t;
        }
        return normal(t, 0, kaimingStd(t, a, mode, nonlinearity), gen);
    }

    private static double kaimingStd(Tensor t, double a, FanMode mode, Nonlinearity nonlinearity) {
        return gain(nonlinearity, a) / Math.sqrt(Fans.of(t.shape()).select(mode));
    }

    /**
     * PyTorch's default init of a Linear or Conv layer: the weight Kaiming-uniform with {@code a = sqrt(5)}
     * (bound {@code 1/sqrt(fanIn)}), then the bias (when not null) uniform in
     * {@code [-1/sqrt(fanIn), 1/sqrt(fanIn))}, in that order from {@code gen}.
     */
    public static void linearDefault(Tensor weight, Tensor bias, Generator gen) {
        kaimingUniform(weight, Math.sqrt(5), FanMode.FAN_IN, Nonlinearity.LEAKY_RELU, gen);
        if (bias != null) {
            long fanIn = Fans.of(weight.shape()).fanIn();
            double bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
            uniform(bias, -bound, bound, gen);
        }
    }

    private static Tensor write(Tensor t, Tensor values) {
        try (GradMode g = Autograd.noGrad()) {
            return t.copyFrom(values);
        }
    }
}
