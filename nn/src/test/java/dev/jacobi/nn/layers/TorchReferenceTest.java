package dev.jacobi.nn.layers;

import dev.jacobi.nn.Layer;
import dev.jacobi.nn.Module;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.io.SafeTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every layer against PyTorch 1.13 on fixed weights and inputs, from the files that
 * {@code src/test/resources/torch/make_layer_reference.py} makes: the weights are loaded with a strict
 * {@link Module#loadStateDict} (which proves that our parameter names and shapes are PyTorch's), then the
 * output and the gradients of {@code sum(output * seed)} with respect to the input and every parameter
 * must match PyTorch's.
 *
 * <p>Tolerance {@code 1e-5 + 1e-5 |expected|}: both sides compute in float32 (unit roundoff 6e-8) with
 * different summation orders; the longest sums here have about 50 terms of order one, whose rounding
 * differences stay below 50 * 6e-8 = 3e-6, while a wrong index, weight layout or gradient rule moves
 * values by more than 1e-2. The bfloat16 layer is checked to one bfloat16 step of each value (2^-7
 * relative; 2^-8 of the largest magnitude near zero, where w x-hat + b cancels): PyTorch's bf16 kernel
 * rounds some intermediates to bf16, ours only the output, so the two may land one step apart.
 */
class TorchReferenceTest {
    private static final Generator GEN = Generator.seeded(0);

    static Stream<Object[]> cases() {
        Map<String, Supplier<Layer>> c = new LinkedHashMap<>();
        c.put("linear", () -> Linear.of(5, 3, GEN));
        c.put("linear_nobias", () -> Linear.of(4, 6, false, GEN));
        c.put("embedding", () -> Embedding.withPadding(10, 4, 1, GEN));
        c.put("layernorm", () -> LayerNorm.of(6));
        c.put("layernorm_2d", () -> LayerNorm.of(new int[] {3, 4}, 1e-3, true, true, DType.FLOAT32));
        c.put("rmsnorm", () -> RMSNorm.of(6, 1e-6));
        c.put("relu", ReLU::create);
        c.put("gelu", GELU::exact);
        c.put("gelu_tanh", GELU::tanh);
        c.put("silu", SiLU::create);
        c.put("sigmoid", Sigmoid::create);
        c.put("tanh", Tanh::create);
        c.put("mlp", () -> MLP.of(new int[] {4, 8, 8, 3}, ReLU::create, GEN));
        c.put("geglu_fused", () -> GatedFeedForward.fused(GatedFeedForward.Gate.GEGLU, 4, 6, GEN));
        c.put("swiglu_separate", () -> GatedFeedForward.separate(GatedFeedForward.Gate.SWIGLU, 4, 6, GEN));
        c.put("conv1d", () -> Conv1d.builder(4, 6, 3).stride(2).padding(1).dilation(2).groups(2).build(GEN));
        c.put("conv2d", () -> Conv2d.builder(3, 5, 3).padding(1).build(GEN));
        c.put("conv2d_groups", () -> Conv2d.builder(4, 6, 3, 2).stride(2, 1).padding(1, 0).dilation(1, 2).groups(2).build(GEN));
        c.put("conv_transpose2d", () -> ConvTranspose2d.builder(4, 6, 3).stride(2).padding(1).outputPadding(1).groups(2).build(GEN));
        c.put("conv_transpose2d_dilated", () -> ConvTranspose2d.builder(3, 2, 2, 3).stride(3, 2).padding(0, 1).outputPadding(2, 1)
                .dilation(2, 1).bias(false).build(GEN));
        c.put("maxpool1d", () -> MaxPool1d.of(3, 2, 1, 2));
        c.put("maxpool2d", () -> MaxPool2d.of(3, 2, 1));
        c.put("maxpool2d_dilated", () -> MaxPool2d.of(new int[] {2, 3}, new int[] {1, 2}, new int[] {1, 1}, new int[] {2, 1}));
        c.put("avgpool1d", () -> AvgPool1d.of(3, 2, 1, true));
        c.put("avgpool2d", () -> AvgPool2d.of(3, 2, 1));
        c.put("avgpool2d_exclude_pad", () -> AvgPool2d.of(new int[] {3, 2}, new int[] {2, 1}, new int[] {1, 1}, false));
        c.put("adaptive_avgpool2d", () -> AdaptiveAvgPool2d.of(3, 4));
        c.put("global_avgpool2d", AdaptiveAvgPool2d::global);
        c.put("low_precision_layernorm", () -> LowPrecisionLayerNorm.of(8, 1e-12));
        return c.entrySet().stream().map(e -> new Object[] {e.getKey(), e.getValue()});
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesPyTorch(String name, Supplier<Layer> make) throws URISyntaxException {
        Path file = Path.of(TorchReferenceTest.class.getResource("/torch/" + name + ".safetensors").toURI());
        Map<String, Tensor> all = SafeTensors.read(file);
        Map<String, Tensor> state = new LinkedHashMap<>();
        all.forEach((k, v) -> {
            if (!k.equals("input") && !k.equals("output") && !k.equals("seed") && !k.startsWith("grad.")) {
                state.put(k, v);
            }
        });
        Layer layer = make.get();
        layer.loadStateDict(state, true);
        assertThat(layer.stateDict().keySet()).containsExactlyElementsOf(state.keySet());

        Tensor input = all.get("input");
        boolean differentiable = input.dtype().isInexact();
        Tensor x = differentiable ? input.copy().requiresGrad(true) : input;
        Tensor y = layer.forward(x);
        Tensor expected = all.get("output");
        boolean lowPrecision = expected.dtype() == DType.BFLOAT16;
        assertThat(y.dtype()).isEqualTo(expected.dtype());
        assertClose(name + " output", y, expected, lowPrecision);

        y.to(DType.FLOAT32).mul(all.get("seed").to(DType.FLOAT32)).sum().backward();
        if (differentiable) {
            assertClose(name + " input gradient", x.grad(), all.get("grad.input"), lowPrecision);
        }
        layer.namedParameters().forEach((p, t) -> assertClose(name + " gradient of " + p, t.grad(), all.get("grad." + p), lowPrecision));
    }

    private static void assertClose(String what, Tensor actual, Tensor expected, boolean lowPrecision) {
        assertThat(actual).as(what + " is missing").isNotNull();
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        double scale = 0;
        for (double v : e) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < a.length; i++) {
            double tol = lowPrecision ? Math.max(0x1p-7 * Math.abs(e[i]), 0x1p-8 * scale) : 1e-5 + 1e-5 * Math.abs(e[i]);
            if (!(Math.abs(a[i] - e[i]) <= tol)) {
                throw new AssertionError(what + " (shape " + Shapes.format(expected.shape()) + "): element " + i + " is " + a[i]
                        + ", PyTorch has " + e[i] + " (tolerance " + tol + ")");
            }
        }
    }
}
