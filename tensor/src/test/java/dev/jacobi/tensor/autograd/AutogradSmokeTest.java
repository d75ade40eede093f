package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class AutogradSmokeTest {
    private static final Generator GEN = Generator.seeded(1);

    private static Tensor r(int... shape) {
        return GEN.normal(DType.FLOAT64, 0, 1, shape);
    }

    private static void ok(String name, Function<List<Tensor>, Tensor> f, Tensor... xs) {
        GradCheck.Report rep = GradCheck.check(f, List.of(xs));
        System.out.println(name + ": " + rep);
        assertThat(rep.passed()).as(name + " " + rep).isTrue();
    }

    @Test
    void many() {
        ok("mul-broadcast", x -> x.get(0).mul(x.get(1)), r(3, 4), r(4));
        ok("exp", x -> x.get(0).exp(), r(3, 4));
        ok("tanh-sum", x -> x.get(0).tanh().sum(1), r(3, 4));
        ok("matmul", x -> x.get(0).matmul(x.get(1)), r(2, 3, 4), r(4, 5));
        ok("matmul-vec", x -> x.get(0).matmul(x.get(1)), r(4), r(4, 5));
        ok("matmul-vecvec", x -> x.get(0).matmul(x.get(1)), r(4), r(4));
        ok("softmax", x -> x.get(0).softmax(-1), r(3, 4));
        ok("logsoftmax", x -> x.get(0).logSoftmax(0), r(3, 4));
        ok("layernorm", x -> x.get(0).layerNorm(x.get(1), x.get(2), 1e-5), r(3, 4), r(4), r(4));
        ok("slice", x -> x.get(0).slice(1, 1, 4, 2), r(3, 5));
        ok("unfold", x -> x.get(0).unfold(1, 3, 1), r(2, 6));
        ok("gather", x -> x.get(0).gather(1, Tensor.ofInts(new int[] {0, 2, 2, 1}, 2, 2)), r(2, 3));
        ok("indexSelect", x -> x.get(0).indexSelect(0, Tensor.ofInts(new int[] {1, 1, 0}, 3)), r(2, 3));
        ok("pad", x -> x.get(0).pad(new int[] {1, 2, 0, 1}, 3), r(2, 3));
        ok("max", x -> x.get(0).max(new int[] {1}, false), r(3, 4));
        ok("norm3", x -> x.get(0).norm(3, new int[] {1}, false), r(3, 4));
        ok("var", x -> x.get(0).var(new int[] {1}, 1, true), r(3, 4));
        ok("concat", x -> Tensor.concat(List.of(x.get(0), x.get(1)), 1), r(2, 3), r(2, 2));
        ok("complex-mul", x -> x.get(0).mul(x.get(1)),
                Tensor.complex(r(3), r(3)), Tensor.complex(r(3), r(3)));
        ok("complex-abs", x -> x.get(0).abs(), Tensor.complex(r(3), r(3)));
        ok("complex-angle", x -> x.get(0).angle(), Tensor.complex(r(3), r(3)));
        ok("complex-matmul", x -> x.get(0).matmul(x.get(1)), Tensor.complex(r(2, 3), r(2, 3)), Tensor.complex(r(3, 2), r(3, 2)));
        ok("im2col", x -> x.get(0).im2col(new int[] {2, 2}, new int[] {1, 1}, new int[] {1, 0}, new int[] {1, 2}), r(1, 2, 4, 5));
        GradCheck.Report second = GradCheck.checkSecondOrder(x -> x.get(0).tanh().mul(x.get(1)).softmax(-1), List.of(r(2, 3), r(3)),
                GradCheck.Options.defaults());
        System.out.println("second: " + second);
        assertThat(second.passed()).isTrue();
    }

    @Test
    void backwardAccumulates() {
        Tensor w = Tensor.of(new float[] {1, 2, 3}, 3).requiresGrad(true);
        w.mul(w).sum().backward();
        assertThat(w.grad().toFloatArray()).containsExactly(2, 4, 6);
        w.mul(w).sum().backward();
        assertThat(w.grad().toFloatArray()).containsExactly(4, 8, 12);
    }
}
