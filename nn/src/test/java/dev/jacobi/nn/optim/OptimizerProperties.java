package dev.jacobi.nn.optim;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;
import dev.jacobi.tensor.cpu.Simd;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * SGD, Adam and AdamW against {@link NaiveOptimizers} (torch.optim's documented equations in float64)
 * over random sizes (including sizes that leave a SIMD tail), random hyperparameters and 1 to 8 random
 * gradient steps, all drawn from one seed that QuickTheories prints. Tolerances: float64 1e-11 absolute
 * plus relative (only rounding order differs, ~1e-16 per operation); float32 3e-5 (a few float32 ulps of
 * each update, times the steps). Also: the SIMD loops equal the scalar loops bit for bit, the fused
 * loops equal the tensor-op path bit for bit (same IEEE operations in the same order), convergence on a
 * quadratic, state-dict round trips, parameter groups and argument errors.
 */
class OptimizerProperties {
    private static final int EXAMPLES = 30;

    /** A random problem: initial parameter values, gradients for each step, and the hyperparameters' randomness. */
    record Problem(double[] p0, double[][] grads, Random r) {
        static Problem draw(long seed) {
            Random r = new Random(seed);
            Generator gen = Generator.seeded(seed);
            int n = 1 + r.nextInt(r.nextBoolean() ? 40 : 300);
            int steps = 1 + r.nextInt(8);
            double[] p0 = gen.normal(DType.FLOAT64, 0, 1, n).toDoubleArray();
            double[][] grads = new double[steps][];
            for (int k = 0; k < steps; k++) {
                grads[k] = gen.normal(DType.FLOAT64, 0, 1, n).toDoubleArray();
            }
            return new Problem(p0, grads, r);
        }

        SGD.Options sgdOptions() {
            boolean nesterov = r.nextBoolean();
            double momentum = r.nextInt(4) == 0 ? 0 : 0.95 * r.nextDouble();
            nesterov &= momentum > 0;
            return new SGD.Options(0.001 + 0.1 * r.nextDouble(), momentum, nesterov ? 0 : 0.5 * r.nextDouble(), nesterov,
                    r.nextBoolean() ? 0 : 0.1 * r.nextDouble(), true);
        }

        Adam.Options adamOptions() {
            return new Adam.Options(0.001 + 0.05 * r.nextDouble(), 0.5 + 0.49 * r.nextDouble(), 0.9 + 0.0999 * r.nextDouble(),
                    r.nextBoolean() ? 1e-8 : 1e-4 * r.nextDouble(), r.nextBoolean() ? 0 : 0.2 * r.nextDouble(), r.nextBoolean(), true);
        }

        /** Runs {@code make}'s optimizer over this problem in {@code dtype}; the final parameter values. */
        double[] run(DType dtype, Function<List<Tensor>, Optimizer> make) {
            Tensor p = Tensor.of(p0, p0.length).to(dtype).requiresGrad(true);
            Optimizer opt = make.apply(List.of(p));
            for (double[] g : grads) {
                p.setGrad(Tensor.of(g, g.length).to(dtype));
                opt.step();
            }
            return p.to(DType.FLOAT64).toDoubleArray();
        }
    }

    private static void assertClose(double[] actual, double[] expected, double tol, String what) {
        for (int i = 0; i < actual.length; i++) {
            assertThat(Math.abs(actual[i] - expected[i])).as("%s element %d: %s vs reference %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(tol * (1 + Math.abs(expected[i])));
        }
    }

    private static void forEveryPath(Problem pr, double[] expected, Function<Boolean, Function<List<Tensor>, Optimizer>> make) {
        for (boolean fused : new boolean[] {true, false}) {
            assertClose(pr.run(DType.FLOAT64, make.apply(fused)), expected, 1e-11, "float64 fused=" + fused);
            assertClose(pr.run(DType.FLOAT32, make.apply(fused)), expected, 3e-5, "float32 fused=" + fused);
        }
    }

    @Test
    void sgdMatchesDocumentedEquations() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Problem pr = Problem.draw(seed);
            SGD.Options o = pr.sgdOptions();
            forEveryPath(pr, NaiveOptimizers.sgd(pr.p0(), pr.grads(), o), fused -> ps -> SGD.of(ps, o.withFused(fused)));
        });
    }

    @Test
    void adamMatchesDocumentedEquations() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Problem pr = Problem.draw(seed);
            Adam.Options o = pr.adamOptions();
            forEveryPath(pr, NaiveOptimizers.adam(pr.p0(), pr.grads(), o, false), fused -> ps -> Adam.of(ps, o.withFused(fused)));
        });
    }

    @Test
    void adamWMatchesDocumentedEquations() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Problem pr = Problem.draw(seed);
            Adam.Options o = pr.adamOptions();
            forEveryPath(pr, NaiveOptimizers.adam(pr.p0(), pr.grads(), o, true), fused -> ps -> AdamW.of(ps, o.withFused(fused)));
        });
    }

    @Test
    void fusedLoopsEqualTheTensorOpPathExactly() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Problem pr = Problem.draw(seed);
            SGD.Options s = pr.sgdOptions();
            Adam.Options a = pr.adamOptions();
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                assertThat(pr.run(dt, ps -> SGD.of(ps, s))).containsExactly(pr.run(dt, ps -> SGD.of(ps, s.withFused(false))));
                assertThat(pr.run(dt, ps -> Adam.of(ps, a))).containsExactly(pr.run(dt, ps -> Adam.of(ps, a.withFused(false))));
                assertThat(pr.run(dt, ps -> AdamW.of(ps, a))).containsExactly(pr.run(dt, ps -> AdamW.of(ps, a.withFused(false))));
            }
        });
    }

    /** A contiguous tensor of {@code values} that starts at element {@code offset} of its storage (misaligned for SIMD). */
    private static Tensor atOffset(double[] values, int offset, DType dt) {
        Tensor big = Tensor.zeros(dt, values.length + offset);
        Tensor view = big.slice(0, offset, values.length + offset);
        view.copyFrom(Tensor.of(values, values.length));
        return view;
    }

    @Test
    void simdLoopsEqualScalarLoopsExactly() {
        Assumptions.assumeTrue(Simd.enabled(), "SIMD is off in this JVM");
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Problem pr = Problem.draw(seed);
            Random r = pr.r();
            double[] g = pr.grads()[0];
            double[] state = pr.grads()[pr.grads().length - 1];
            SGD.Options s = pr.sgdOptions();
            Adam.Options a = pr.adamOptions();
            var sgdStep = new FusedKernels.SgdStep(s.lr(), s.momentum(), s.dampening(), s.nesterov(), s.weightDecay(), r.nextBoolean());
            var adamStep = new FusedKernels.AdamStep(a.beta1(), a.beta2(), a.eps(), a.weightDecay(), r.nextBoolean(), a.amsgrad(),
                    a.lr() / 0.3, Math.sqrt(0.02), 1 - a.lr() * a.weightDecay());
            for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
                int off = r.nextInt(7);
                List<double[]> results = new ArrayList<>();
                for (boolean simd : new boolean[] {true, false}) {
                    Tensor p = atOffset(pr.p0(), off, dt);
                    Tensor buf = atOffset(state, off + 1, dt);
                    FusedKernels.sgd(p, atOffset(g, off + 2, dt), buf, sgdStep, simd);
                    Tensor q = atOffset(pr.p0(), off, dt);
                    Tensor m = atOffset(state, off, dt);
                    Tensor v = atOffset(g, off, dt).square();
                    Tensor vmax = a.amsgrad() ? atOffset(state, off + 3, dt).square() : null;
                    FusedKernels.adam(q, atOffset(g, 3, dt), m, v, vmax, adamStep, simd);
                    for (Tensor t : new Tensor[] {p, buf, q, m, v, vmax}) {
                        results.add(t == null ? new double[0] : t.to(DType.FLOAT64).toDoubleArray());
                    }
                }
                int half = results.size() / 2;
                for (int i = 0; i < half; i++) {
                    assertThat(results.get(i)).as("%s output %d", dt, i).containsExactly(results.get(half + i));
                }
            }
        });
    }

    @Test
    void everyOptimizerConvergesOnAQuadratic() {
        // f(p) = 0.5 sum a_i (p_i - c_i)^2 with curvatures a_i in [0.5, 2]: the minimum is c.
        Generator gen = Generator.seeded(7);
        Tensor a = gen.uniform(DType.FLOAT32, 0.5, 2, 50);
        Tensor c = gen.normal(DType.FLOAT32, 0, 1, 50);
        List<Function<List<Tensor>, Optimizer>> makers = List.of(
                ps -> SGD.of(ps, SGD.Options.of(0.1).withMomentum(0.9).withNesterov(true)),
                ps -> SGD.of(ps, SGD.Options.of(0.3)),
                ps -> Adam.of(ps, Adam.Options.of(0.1).withAmsgrad(true)),
                ps -> AdamW.of(ps, Adam.Options.of(0.1)));
        for (Function<List<Tensor>, Optimizer> make : makers) {
            Tensor p = Tensor.zeros(DType.FLOAT32, 50).requiresGrad(true);
            Optimizer opt = make.apply(List.of(p));
            // annealing to 0 lets Adam settle instead of hovering at a distance ~ lr
            LrScheduler sched = LrScheduler.of(opt, LrSchedule.warmupCosine(opt.learningRate(), 0, 10, 400));
            for (int k = 0; k < 400; k++) {
                opt.zeroGrad();
                p.sub(c).square().mul(a).sum().mul(0.5).backward();
                opt.step();
                sched.step();
            }
            double worst = p.sub(c).abs().max().item();
            assertThat(worst).as(opt.getClass().getSimpleName()).isLessThan(1e-3);
        }
    }

    @Test
    void stateDictRoundTripResumesIdentically() {
        qt().withExamples(10).forAll(longs().all()).checkAssert(seed -> {
            Problem pr = Problem.draw(seed);
            Adam.Options o = pr.adamOptions();
            SGD.Options s = pr.sgdOptions();
            List<Function<List<Tensor>, Optimizer>> makers = List.of(ps -> AdamW.of(ps, o), ps -> Adam.of(ps, o), ps -> SGD.of(ps, s));
            for (Function<List<Tensor>, Optimizer> make : makers) {
                Tensor p = Tensor.of(pr.p0(), pr.p0().length).to(DType.FLOAT32).requiresGrad(true);
                Optimizer first = make.apply(List.of(p));
                int half = pr.grads().length / 2;
                for (int k = 0; k < half; k++) {
                    p.setGrad(Tensor.of(pr.grads()[k], pr.p0().length).to(DType.FLOAT32));
                    first.step();
                }
                Map<String, Tensor> saved = first.stateDict();
                Tensor q;
                try (GradMode g = Autograd.noGrad()) {
                    q = p.detach().copy().requiresGrad(true);
                }
                Optimizer second = make.apply(List.of(q));
                second.setLearningRate(123); // the state dict brings the saved learning rate back
                second.loadStateDict(saved);
                for (int k = half; k < pr.grads().length; k++) {
                    Tensor g = Tensor.of(pr.grads()[k], pr.p0().length).to(DType.FLOAT32);
                    p.setGrad(g);
                    q.setGrad(g);
                    first.step();
                    second.step();
                }
                assertThat(q.toFloatArray()).containsExactly(p.toFloatArray());
            }
        });
    }

    @Test
    void stateDictUsesTorchNamesAndLoadingNamesEveryProblem() {
        Tensor p = Tensor.zeros(DType.FLOAT32, 2, 3).requiresGrad(true);
        Optimizer opt = Adam.of(List.of(p), Adam.Options.of(0.1).withAmsgrad(true));
        p.setGrad(Tensor.ones(DType.FLOAT32, 2, 3));
        opt.step();
        Map<String, Tensor> dict = opt.stateDict();
        assertThat(dict).containsKeys("state.0.step", "state.0.exp_avg", "state.0.exp_avg_sq", "state.0.max_exp_avg_sq",
                "param_groups.0.lr", "param_groups.0.betas.0", "param_groups.0.betas.1", "param_groups.0.eps",
                "param_groups.0.weight_decay", "param_groups.0.amsgrad", "param_groups.0.params");
        assertThat(dict.get("state.0.step").item()).isEqualTo(1.0);
        dict.remove("state.0.exp_avg");
        dict.put("state.0.exp_avg_sq", Tensor.zeros(DType.FLOAT32, 3, 2));
        dict.put("state.0.momentum_buffer", Tensor.zeros(DType.FLOAT32, 2, 3));
        dict.remove("param_groups.0.lr");
        double[] before = opt.stateDict().get("state.0.exp_avg").toDoubleArray();
        assertThatThrownBy(() -> opt.loadStateDict(dict))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing param_groups.0.lr")
                .hasMessageContaining("state.0.exp_avg_sq has shape [3, 2], expected [2, 3]")
                .hasMessageContaining("unexpected state.0.momentum_buffer")
                .hasMessageContaining("missing state.0.exp_avg");
        assertThat(opt.stateDict().get("state.0.exp_avg").toDoubleArray()).containsExactly(before);
    }

    @Test
    void parameterGroupsEqualSeparateOptimizers() {
        qt().withExamples(10).forAll(longs().all()).checkAssert(seed -> {
            Problem pr = Problem.draw(seed);
            Adam.Options a = pr.adamOptions();
            Adam.Options b = pr.adamOptions();
            Tensor p1 = Tensor.of(pr.p0(), pr.p0().length).requiresGrad(true);
            Tensor p2 = Tensor.of(pr.p0(), pr.p0().length).mul(2).detach().requiresGrad(true);
            Optimizer grouped = AdamW.withGroups(List.of(new ParamGroup<>(List.of(p1), a), new ParamGroup<>(List.of(p2), b)));
            for (double[] g : pr.grads()) {
                p1.setGrad(Tensor.of(g, g.length));
                p2.setGrad(Tensor.of(g, g.length).mul(-1));
                grouped.step();
            }
            double[][] neg = new double[pr.grads().length][];
            double[] twice = pr.p0().clone();
            for (int k = 0; k < neg.length; k++) {
                neg[k] = pr.grads()[k].clone();
                for (int i = 0; i < neg[k].length; i++) {
                    neg[k][i] = -neg[k][i];
                }
            }
            for (int i = 0; i < twice.length; i++) {
                twice[i] *= 2;
            }
            assertClose(p1.toDoubleArray(), NaiveOptimizers.adam(pr.p0(), pr.grads(), a, true), 1e-11, "group 0");
            assertClose(p2.toDoubleArray(), NaiveOptimizers.adam(twice, neg, b, true), 1e-11, "group 1");
        });
    }

    @Test
    void parametersWithoutGradientsAreLeftAlone() {
        Tensor p = Tensor.of(new float[] {1, 2}, 2).requiresGrad(true);
        Optimizer opt = SGD.of(List.of(p), SGD.Options.of(0.1).withMomentum(0.9).withWeightDecay(0.5));
        opt.step();
        assertThat(p.toFloatArray()).containsExactly(1, 2);
        assertThat(opt.stateDict()).doesNotContainKey("state.0.momentum_buffer");
    }

    @Test
    void argumentErrorsAreClear() {
        Tensor p = Tensor.zeros(DType.FLOAT32, 2).requiresGrad(true);
        assertThatThrownBy(() -> SGD.Options.of(0.1).withNesterov(true))
                .hasMessageContaining("Nesterov momentum needs momentum > 0 and dampening 0");
        assertThatThrownBy(() -> Adam.Options.of(0.1).withBetas(0.9, 1.0)).hasMessageContaining("betas (0.9, 1.0)");
        assertThatThrownBy(() -> Adam.Options.of(-1)).hasMessageContaining("learning rate -1.0");
        assertThatThrownBy(() -> SGD.of(List.of(Tensor.zeros(DType.FLOAT32, 2)), SGD.Options.of(0.1)))
                .hasMessageContaining("parameter 0 of group 0 (shape [2], float32) must be a floating-point leaf tensor that requires grad");
        assertThatThrownBy(() -> SGD.of(List.of(p, p), SGD.Options.of(0.1)))
                .hasMessageContaining("parameter 1 of group 0 was already given as parameter 0");
    }
}
