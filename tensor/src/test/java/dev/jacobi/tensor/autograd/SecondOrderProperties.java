package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.function.UnaryOperator;

import static dev.jacobi.tensor.autograd.GradSamples.check;
import static dev.jacobi.tensor.autograd.GradSamples.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Derivatives of derivatives, for the ops that Jacobian homeostasis and TarFlow denoising differentiate twice:
 * reverse over reverse ({@link GradCheck#checkSecondOrder}: the gradient computed with {@code createGraph} is
 * itself checked against finite differences), forward over reverse (a jvp through {@link Autograd#grad} is a
 * Hessian-vector product) and reverse over forward (the gradient, with respect to parameters, of a function
 * of a jvp tangent). References are central finite differences in float64; tolerances are stated at each.
 */
class SecondOrderProperties {
    /** Functions of x (shape [2, 3]) and a parameter w (shape [3]); smooth everywhere on the sampled inputs. */
    private static Map<String, Function<List<Tensor>, Tensor>> functions() {
        Map<String, Function<List<Tensor>, Tensor>> f = new LinkedHashMap<>();
        f.put("tanh", xs -> xs.get(0).tanh().mul(xs.get(1)));
        f.put("sigmoid", xs -> xs.get(0).mul(xs.get(1)).sigmoid());
        f.put("softplus", xs -> xs.get(0).mul(xs.get(1)).exp().add(1).log());
        f.put("log1p(exp)", xs -> xs.get(0).mul(xs.get(1)).exp().log1p());
        f.put("exp", xs -> xs.get(0).mul(xs.get(1)).exp());
        f.put("log", xs -> xs.get(0).square().add(xs.get(1).square()).add(0.5).log());
        f.put("mul", xs -> xs.get(0).mul(xs.get(1)).mul(xs.get(0)));
        f.put("div", xs -> xs.get(0).div(xs.get(1).square().add(1)));
        f.put("pow", xs -> xs.get(0).square().add(1).pow(xs.get(1)));
        f.put("pow scalar", xs -> xs.get(0).mul(xs.get(1)).square().add(0.5).pow(1.5));
        f.put("sqrt and rsqrt", xs -> xs.get(0).square().add(1).sqrt().mul(xs.get(1).square().add(1).rsqrt()));
        f.put("matmul", xs -> xs.get(0).matmul(xs.get(1).unsqueeze(-1).mul(xs.get(1))).tanh());
        f.put("matmul vector", xs -> xs.get(0).sin().matmul(xs.get(1)));
        f.put("softmax", xs -> xs.get(0).mul(xs.get(1)).softmax(-1));
        f.put("softmax axis 0", xs -> xs.get(0).add(xs.get(1)).softmax(0));
        f.put("logSoftmax", xs -> xs.get(0).mul(xs.get(1)).logSoftmax(1));
        f.put("layerNorm", xs -> xs.get(0).layerNorm(xs.get(1), xs.get(1).mul(0.5), 1e-5));
        f.put("layerNorm bare", xs -> xs.get(0).mul(xs.get(1)).layerNorm(null, null, 1e-5));
        f.put("sum", xs -> xs.get(0).sum(new int[] {1}, false).square().mul(xs.get(1).sum()));
        f.put("mean", xs -> xs.get(0).mean(new int[] {0}, true).mul(xs.get(1)).square());
        f.put("var", xs -> xs.get(0).mul(xs.get(1)).var(new int[] {1}, 1, false));
        f.put("logsumexp", xs -> xs.get(0).mul(xs.get(1)).logsumexp(new int[] {1}, false));
        f.put("norm", xs -> xs.get(0).mul(xs.get(1)).norm(2, new int[] {1}, true));
        f.put("gelu", xs -> xs.get(0).mul(xs.get(1)).gelu());
        f.put("gelu tanh", xs -> xs.get(0).mul(xs.get(1)).geluTanh());
        f.put("silu", xs -> xs.get(0).mul(xs.get(1)).silu());
        f.put("erf", xs -> xs.get(0).mul(xs.get(1)).erf());
        f.put("sin cos", xs -> xs.get(0).sin().mul(xs.get(1).cos()));
        f.put("views", xs -> xs.get(0).mT().mul(xs.get(1).unsqueeze(1)).reshape(-1).flip(0).slice(0, 1, 6, 2).unsqueeze(0)
                .expand(2, 3).square());
        f.put("unfold", xs -> xs.get(0).unfold(1, 2, 1).mul(xs.get(1).slice(0, 0, 2)).square());
        f.put("concat", xs -> Tensor.concat(List.of(xs.get(0).square(), xs.get(1).unsqueeze(0).tanh()), 0).mul(xs.get(1)));
        f.put("stack and select", xs -> Tensor.stack(List.of(xs.get(0).select(0, 1), xs.get(1)), 0).square().exp());
        f.put("where", xs -> Tensor.where(xs.get(1).gt(0), xs.get(0).square(), xs.get(0).mul(xs.get(1))));
        f.put("gather", xs -> xs.get(0).square().gather(1, Tensor.ofInts(new int[] {2, 0, 0, 1}, 2, 2)).mul(xs.get(1).slice(0, 0, 2)));
        return f;
    }

    @Test
    void reverseOverReverseMatchesFiniteDifferencesOfTheGradient() {
        // Default GradCheck tolerance (1e-6 + 1e-5 |numeric|): the checked function is now the gradient, whose
        // central differences are as accurate as the function's were (errors about 1e-9).
        for (Map.Entry<String, Function<List<Tensor>, Tensor>> e : functions().entrySet()) {
            qt().withShrinkCycles(0).withExamples(6).forAll(longs().all()).checkAssert(seed -> {
                Random rnd = new Random(seed);
                Tensor x = uniform(rnd, new int[] {2, 3}, -1.5, 1.5);
                Tensor w = uniform(rnd, new int[] {3}, -1.5, 1.5);
                GradCheck.Report r = GradCheck.checkSecondOrder(e.getValue(), List.of(x, w), GradCheck.Options.defaults().withSeed(seed));
                assertThat(r.passed()).as("second order of %s, seed %d: %s", e.getKey(), seed, r).isTrue();
                assertThat(r.compared()).isEqualTo(6 + 3); // one comparison per input element
            });
        }
    }

    /** Hessian-vector product of the scalar sum(f(x, w) * c) with respect to x, by forward over reverse. */
    private static Tensor hvp(Function<List<Tensor>, Tensor> f, Tensor x, Tensor w, Tensor c, Tensor v) {
        return Autograd.jvp(xd -> {
            Tensor y = f.apply(List.of(xd, w)).mul(c).sum();
            return Autograd.grad(y, List.of(xd), null, true).get(0);
        }, x, v).tangent();
    }

    private static Tensor gradient(Function<List<Tensor>, Tensor> f, Tensor x, Tensor w, Tensor c) {
        Tensor xr = x.detach().requiresGrad(true);
        return Autograd.grad(f.apply(List.of(xr, w)).mul(c).sum(), List.of(xr)).get(0);
    }

    @Test
    void forwardOverReverseIsTheHessianVectorProduct() {
        // Reference: (grad(x + h v) - grad(x - h v)) / 2h with h = 1e-5: truncation h^2 |f''''| ~ 1e-10, rounding
        // eps / h ~ 1e-11, so 1e-6 + 1e-5 |reference| leaves a wide margin that a wrong rule does not fit in.
        double h = 1e-5;
        for (Map.Entry<String, Function<List<Tensor>, Tensor>> e : functions().entrySet()) {
            qt().withShrinkCycles(0).withExamples(4).forAll(longs().all()).checkAssert(seed -> {
                Random rnd = new Random(seed);
                Tensor x = uniform(rnd, new int[] {2, 3}, -1.5, 1.5);
                Tensor w = uniform(rnd, new int[] {3}, -1.5, 1.5);
                Tensor v = uniform(rnd, new int[] {2, 3}, -1, 1);
                Tensor c;
                try (var none = Autograd.noGrad()) {
                    c = uniform(rnd, e.getValue().apply(List.of(x, w)).shape(), -1, 1);
                }
                // x requires grad (the usual case) or not (the function makes its dual input require grad)
                boolean leaf = rnd.nextBoolean();
                Tensor analytic = leaf ? hvp(e.getValue(), x.detach().requiresGrad(true), w, c, v)
                        : Autograd.jvp(xd -> {
                            Tensor xg = xd.requiresGrad(true);
                            return Autograd.grad(e.getValue().apply(List.of(xg, w)).mul(c).sum(), List.of(xg), null, true).get(0);
                        }, x, v).tangent();
                Tensor numeric = gradient(e.getValue(), x.add(v.mul(h)), w, c).sub(gradient(e.getValue(), x.sub(v.mul(h)), w, c))
                        .div(2 * h);
                assertClose("hvp of " + e.getKey() + ", seed " + seed, analytic, numeric, 1e-6, 1e-5);
            });
        }
    }

    @Test
    void hessianVectorProductOfATwoLayerNetworkLoss() {
        // The TarFlow-denoising pattern: the score is a gradient of a network's output, differentiated again.
        double h = 1e-5;
        qt().withShrinkCycles(0).withExamples(8).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Tensor w1 = uniform(rnd, new int[] {3, 5}, -1, 1);
            Tensor b1 = uniform(rnd, new int[] {5}, -1, 1);
            Tensor w2 = uniform(rnd, new int[] {5, 2}, -1, 1);
            Function<List<Tensor>, Tensor> net = xs -> xs.get(0).matmul(w1).add(b1).layerNorm(null, null, 1e-5).gelu().matmul(w2)
                    .logSoftmax(-1).select(-1, 0).mul(xs.get(1).sum());
            Tensor x = uniform(rnd, new int[] {4, 3}, -1, 1);
            Tensor one = Tensor.scalar(1.0);
            Tensor c = uniform(rnd, new int[] {4}, -1, 1);
            Tensor v = uniform(rnd, new int[] {4, 3}, -1, 1);
            Tensor analytic = hvp(net, x.detach().requiresGrad(true), one, c, v);
            Tensor numeric = gradient(net, x.add(v.mul(h)), one, c).sub(gradient(net, x.sub(v.mul(h)), one, c)).div(2 * h);
            assertClose("hvp of a network, seed " + seed, analytic, numeric, 1e-6, 1e-5);
        });
    }

    /** The layers of a small network whose input Jacobian the Jacobian-homeostasis loss penalizes. */
    private static final Map<String, UnaryOperator<Tensor>> ACTIVATIONS = new LinkedHashMap<>();

    static {
        ACTIVATIONS.put("tanh", Tensor::tanh);
        ACTIVATIONS.put("gelu", Tensor::gelu);
        ACTIVATIONS.put("silu", Tensor::silu);
        ACTIVATIONS.put("sigmoid", Tensor::sigmoid);
        ACTIVATIONS.put("softplus", t -> t.exp().log1p());
        ACTIVATIONS.put("layerNorm then tanh", t -> t.layerNorm(null, null, 1e-5).tanh());
        ACTIVATIONS.put("softmax", t -> t.softmax(-1));
    }

    @Test
    void reverseOverForwardGivesTheGradientOfTheJacobianPenalty() {
        // loss(W1, b1, W2) = || J_x g(x) v ||^2 with g(x) = act(x W1 + b1) W2 and J_x v from a jvp; its gradient
        // with respect to the weights (reverse mode through the jvp's tangent) is checked by GradCheck's finite
        // differences of the loss (default tolerance; the loss is smooth). GradCheck's own jvp check is off: a jvp
        // of a function that runs a jvp would nest forward mode.
        for (Map.Entry<String, UnaryOperator<Tensor>> e : ACTIVATIONS.entrySet()) {
            qt().withShrinkCycles(0).withExamples(6).forAll(longs().all()).checkAssert(seed -> {
                Random rnd = new Random(seed);
                Tensor x = uniform(rnd, new int[] {2, 3}, -1, 1);
                Tensor v = uniform(rnd, new int[] {2, 3}, -1, 1);
                UnaryOperator<Tensor> act = e.getValue();
                check("||J v||^2 through " + e.getKey(), seed, GradCheck.Options.defaults().withJvp(false), ws -> {
                    Tensor jv = Autograd.jvp(xd -> act.apply(xd.matmul(ws.get(0)).add(ws.get(1))).matmul(ws.get(2)), x, v).tangent();
                    return jv.square().sum();
                }, uniform(rnd, new int[] {3, 4}, -1, 1), uniform(rnd, new int[] {4}, -1, 1), uniform(rnd, new int[] {4, 2}, -1, 1));
            });
        }
    }

    @Test
    void reverseOverForwardAlsoDifferentiatesWithRespectToTheInput() {
        // The jvp's input may itself require grad: the tangent then depends on x through the rules.
        qt().withShrinkCycles(0).withExamples(5).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Tensor w = uniform(rnd, new int[] {3, 3}, -1, 1);
            Tensor v = uniform(rnd, new int[] {2, 3}, -1, 1);
            check("d/dx ||J(x) v||^2", seed, GradCheck.Options.defaults().withJvp(false),
                    xs -> Autograd.jvp(xd -> xd.matmul(w).tanh().mul(xd).softmax(-1), xs.get(0), v).tangent().square().sum(),
                    uniform(rnd, new int[] {2, 3}, -1, 1));
        });
    }

    private static void assertClose(String what, Tensor actual, Tensor expected, double abs, double rel) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("%s, element %d", what, i).isCloseTo(e[i], within(abs + rel * Math.abs(e[i])));
        }
    }
}
