package dev.jacobi.nn.optim;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Optimizer steps, their final state, gradient clipping and learning-rate schedules against PyTorch 1.13,
 * read from {@code src/test/resources/torch/optim.npz} (written by {@code make_optim_reference.py} beside
 * it; the settings are repeated here). Parameters and state are compared after each of 5 float32 steps
 * within 1e-6 absolute plus 1e-5 relative: both sides update in float32, but PyTorch evaluates
 * lerp/addcmul/addcdiv in its own order, so each step may differ by an ulp or two (6e-8 relative), and
 * Adam's division by sqrt(v) can double that; five steps stay well inside the bound.
 */
class OptimizerTorchReferenceTest {
    private static Map<String, Tensor> ref;

    @BeforeAll
    static void load() throws Exception {
        ref = Npz.read(Path.of(OptimizerTorchReferenceTest.class.getResource("/torch/optim.npz").toURI()));
    }

    static void assertClose(String what, Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double[] a = actual.to(DType.FLOAT64).contiguous().toDoubleArray();
        double[] e = expected.to(DType.FLOAT64).contiguous().toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - e[i])).as("%s element %d: %s vs torch %s", what, i, a[i], e[i])
                    .isLessThanOrEqualTo(1e-6 + 1e-5 * Math.abs(e[i]));
        }
    }

    private static void check(String name, Function<List<Tensor>, Optimizer> make) {
        Tensor p = ref.get(name + ".param0").copy().requiresGrad(true);
        Tensor grads = ref.get(name + ".grads");
        Tensor params = ref.get(name + ".params");
        Optimizer opt = make.apply(List.of(p));
        for (int k = 0; k < grads.size(0); k++) {
            p.setGrad(grads.select(0, k).contiguous());
            opt.step();
            assertClose(name + " step " + (k + 1), p, params.select(0, k));
        }
        Map<String, Tensor> state = opt.stateDict();
        String prefix = name + ".state.";
        int compared = 0;
        for (Map.Entry<String, Tensor> e : ref.entrySet()) {
            if (e.getKey().startsWith(prefix)) {
                Tensor ours = state.get("state.0." + e.getKey().substring(prefix.length()));
                assertThat(ours).as(e.getKey()).isNotNull();
                assertClose(e.getKey(), ours, e.getValue());
                compared++;
            }
        }
        assertThat(compared).isEqualTo(state.keySet().stream().filter(k -> k.startsWith("state.")).count());
    }

    @Test
    void sgdMatchesTorch() {
        check("sgd_nesterov", ps -> SGD.of(ps, SGD.Options.of(0.1).withMomentum(0.9).withNesterov(true).withWeightDecay(0.01)));
        check("sgd_dampening", ps -> SGD.of(ps, SGD.Options.of(0.05).withMomentum(0.8).withDampening(0.3).withWeightDecay(0.02)));
    }

    @Test
    void adamMatchesTorch() {
        check("adam", ps -> Adam.of(ps, Adam.Options.of(0.01)));
        check("adam_wd_amsgrad", ps -> Adam.of(ps, Adam.Options.of(0.01).withBetas(0.8, 0.99).withWeightDecay(0.1).withAmsgrad(true)));
    }

    @Test
    void adamWMatchesTorch() {
        check("adamw", ps -> AdamW.of(ps, AdamW.options(0.02)));
        check("adamw_wd_amsgrad", ps -> AdamW.of(ps, Adam.Options.of(0.01).withBetas(0.85, 0.995).withEps(1e-6)
                .withWeightDecay(0.1).withAmsgrad(true)));
    }

    @Test
    void clipNormMatchesTorch() {
        for (String label : new String[] {"2", "1", "inf", "3"}) {
            double type = label.equals("inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(label);
            Tensor a = Tensor.zeros(DType.FLOAT32, 3, 4).requiresGrad(true);
            Tensor b = Tensor.zeros(DType.FLOAT32, 5).requiresGrad(true);
            a.setGrad(ref.get("clip_" + label + ".g1"));
            b.setGrad(ref.get("clip_" + label + ".g2"));
            double total = GradClip.clipNorm(List.of(a, b), 1.0, type);
            assertClose("clip " + label + " total", Tensor.scalar(total), ref.get("clip_" + label + ".total").to(DType.FLOAT64));
            assertClose("clip " + label + " grad 1", a.grad(), ref.get("clip_" + label + ".clipped1"));
            assertClose("clip " + label + " grad 2", b.grad(), ref.get("clip_" + label + ".clipped2"));
        }
    }

    /** The lr each step uses: float64 on both sides, so 1e-12 (PyTorch's cosine scheduler is recursive, ours closed-form). */
    @Test
    void schedulesMatchTorchSchedulers() {
        Map<String, LrSchedule> ours = Map.of(
                "sched_cosine", LrSchedule.cosine(0.1, 1e-3, 10),
                "sched_step", LrSchedule.stepDecay(0.1, 3, 0.5),
                "sched_warmup", LrSchedule.linearWarmup(0.1, 4));
        for (Map.Entry<String, LrSchedule> e : ours.entrySet()) {
            double[] torch = ref.get(e.getKey()).toDoubleArray();
            Tensor p = Tensor.zeros(DType.FLOAT32, 1).requiresGrad(true);
            Optimizer opt = SGD.of(List.of(p), SGD.Options.of(0.1));
            LrScheduler sched = LrScheduler.of(opt, e.getValue());
            for (int k = 0; k < torch.length; k++) {
                assertThat(opt.learningRate()).as("%s step %d", e.getKey(), k).isCloseTo(torch[k], org.assertj.core.data.Offset.offset(1e-12));
                sched.step();
            }
        }
    }
}
