package dev.jacobi.nn.loss;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.Npz;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Loss values and input gradients against PyTorch 1.13 on fixed float32 inputs, read from
 * {@code src/test/resources/torch/losses.npz} (written by {@code make_optim_reference.py} beside it; the
 * case settings there are repeated here). Tolerance 1e-6 absolute plus 2e-5 relative: both sides compute
 * in float32, and the exponentials, logarithms and short sums are evaluated in a different order and
 * with different exp/log implementations, which moves results by a few ulps (float32 ulp ~ 6e-8 relative).
 */
class LossTorchReferenceTest {
    private static Map<String, Tensor> ref;

    @BeforeAll
    static void load() throws Exception {
        ref = Npz.read(Path.of(LossTorchReferenceTest.class.getResource("/torch/losses.npz").toURI()));
    }

    /** Runs {@code loss} on the case's input, backpropagates the recorded seed and compares loss and gradient. */
    private static void check(String name, Function<Tensor, Tensor> loss) {
        Tensor x = ref.get(name + ".input").copy().requiresGrad(true);
        Tensor value = loss.apply(x);
        value.backward(ref.get(name + ".seed"));
        assertClose(name + " loss", value, ref.get(name + ".loss"));
        assertClose(name + " gradient", x.grad(), ref.get(name + ".grad"));
    }

    static void assertClose(String what, Tensor actual, Tensor expected) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double[] a = actual.to(DType.FLOAT64).contiguous().toDoubleArray();
        double[] e = expected.to(DType.FLOAT64).contiguous().toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(Math.abs(a[i] - e[i])).as("%s element %d: %s vs torch %s", what, i, a[i], e[i])
                    .isLessThanOrEqualTo(1e-6 + 2e-5 * Math.abs(e[i]));
        }
    }

    private static Tensor target(String name) {
        return ref.get(name + ".target");
    }

    @Test
    void crossEntropyMatchesTorch() {
        check("ce_basic", x -> Losses.crossEntropy(x, target("ce_basic")));
        check("ce_smooth_ignore_weight", x -> Losses.crossEntropy(x, target("ce_smooth_ignore_weight"),
                CrossEntropyOptions.DEFAULTS.withWeight(ref.get("ce_smooth_ignore_weight.weight")).withLabelSmoothing(0.1)));
        check("ce_nd_sum", x -> Losses.crossEntropy(x, target("ce_nd_sum"),
                CrossEntropyOptions.DEFAULTS.withReduction(Reduction.SUM).withLabelSmoothing(0.2)));
        check("ce_none_ignore2", x -> Losses.crossEntropy(x, target("ce_none_ignore2"),
                new CrossEntropyOptions(Reduction.NONE, 2, 0.3, null)));
        check("ce_prob", x -> Losses.crossEntropy(x, target("ce_prob"),
                CrossEntropyOptions.DEFAULTS.withWeight(ref.get("ce_prob.weight")).withLabelSmoothing(0.1)));
    }

    @Test
    void nllMatchesTorch() {
        check("nll_weight_ignore", x -> Losses.nll(x, target("nll_weight_ignore"), Reduction.MEAN, 1, ref.get("nll_weight_ignore.weight")));
    }

    @Test
    void bceWithLogitsMatchesTorch() {
        check("bce_weight_pos", x -> Losses.bceWithLogits(x, target("bce_weight_pos"), Reduction.MEAN,
                ref.get("bce_weight_pos.weight"), ref.get("bce_weight_pos.pos_weight")));
        check("bce_sum", x -> Losses.bceWithLogits(x, target("bce_sum"), Reduction.SUM, null, null));
    }

    @Test
    void mseMatchesTorch() {
        check("mse", x -> Losses.mse(x, target("mse")));
    }
}
